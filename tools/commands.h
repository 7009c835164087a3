/* The subcommands of the `simdinit` program. Each receives the arguments
 * after its own name and returns the process exit status (see cli.h). */
#ifndef SIMDINIT_TOOLS_COMMANDS_H
#define SIMDINIT_TOOLS_COMMANDS_H

int cmd_info(int argc, char **argv);  /* simdinit.c  */
int cmd_fill(int argc, char **argv);  /* cmd_fill.c  */
int cmd_demo(int argc, char **argv);  /* cmd_perf.c  */
int cmd_bench(int argc, char **argv); /* cmd_perf.c  */
int cmd_model(int argc, char **argv); /* cmd_model.c */

#endif /* SIMDINIT_TOOLS_COMMANDS_H */
