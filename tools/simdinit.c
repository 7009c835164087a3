/*
 * simdinit — command-line front end of the simdinit library.
 *
 *   simdinit info                 CPU features and backends
 *   simdinit fill ...             write a tensor, a slice or a 2-D shard to a .npy file
 *   simdinit model ...            write a random-weight checkpoint (safetensors folder, GGUF)
 *   simdinit demo ...             initialize a GPT-2-small-shaped model, timed, 1 vs N threads
 *   simdinit bench ...            throughput per distribution and dtype
 *
 * Errors print one line "simdinit: <message>" on stderr; exit status 2 for
 * bad arguments, 1 for I/O or memory failures.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char main_usage[] =
    "usage: simdinit COMMAND [OPTIONS]\n"
    "\n"
    "Fill large buffers with neural-network initial weights, fast and\n"
    "reproducibly: element i depends only on (seed, stream, i), the\n"
    "distribution and the dtype, whatever the backend or the split into calls.\n"
    "\n"
    "Commands:\n"
    "  info      CPU features, compiled and usable backends, the active backend\n"
    "  fill      write a tensor (or a slice, or a 2-D shard) to a .npy file\n"
    "  model     write a random-weight checkpoint of a real model's shapes: a\n"
    "            Hugging Face safetensors folder or a GGUF file (--list: presets)\n"
    "  demo      initialize a GPT-2-small-shaped model, timed; 1 vs N threads\n"
    "  bench     throughput of each distribution x dtype\n"
    "  help CMD  the options of CMD (same as 'simdinit CMD --help')\n"
    "\n"
    "Options: --help, --version.\n"
    "Environment: SIMDINIT_BACKEND=auto|scalar|avx2|avx512|neon selects the backend\n"
    "(the --backend option overrides it); SIMDINIT_NUM_THREADS=N sets the default\n"
    "thread count of fill, demo and bench (default: every usable core; the\n"
    "--threads option overrides it); SIMDINIT_STORES=auto|cached|streaming the\n"
    "store policy (--stores overrides it). The bits never depend on any of them.\n"
    "Exit status: 0 ok, 1 I/O or memory failure, 2 bad arguments.\n";

static const char info_usage[] =
    "usage: simdinit info\n"
    "\n"
    "Prints the library version, the CPU features the dispatcher detected, the\n"
    "backends compiled in and usable here, the active backend and the store\n"
    "policy. Exits with status 2 when SIMDINIT_BACKEND is set to an unknown or\n"
    "unusable backend, or SIMDINIT_STORES to an unknown policy.\n";

int cmd_info(int argc, char **argv)
{
    int rc = cli_parse(argc, argv, NULL, 0);
    if (rc == CLI_HELP) {
        fputs(info_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (rc)
        return rc;

    printf("simdinit %s\n", simdinit_version());
    printf("stream version: %d\n", simdinit_stream_version());

    unsigned features = simdinit_cpu_features();
    printf("cpu features:");
    if (features == 0)
        printf(" (none)");
    for (unsigned bit = 0; bit < 32; bit++) {
        unsigned mask = 1u << bit;
        if (features & mask) {
            const char *name = simdinit_cpu_feature_name(mask);
            if (name)
                printf(" %s", name);
            else
                printf(" bit%u", bit);
        }
    }
    printf("\n\n");

    simdinit_backend active = simdinit_active_backend();
    printf("%-10s %-9s %-7s %s\n", "backend", "compiled", "usable", "active");
    for (int b = 0; b < SIMDINIT_BACKEND_COUNT; b++) {
        if (b == SIMDINIT_BACKEND_AUTO)
            continue;
        const char *name = simdinit_backend_name((simdinit_backend)b);
        printf("%-10s %-9s %-7s %s\n", name ? name : "?",
               simdinit_backend_compiled((simdinit_backend)b) ? "yes" : "no",
               simdinit_backend_usable((simdinit_backend)b) ? "yes" : "no",
               (simdinit_backend)b == active ? "yes" : "no");
    }
    const char *active_name = simdinit_backend_name(active);
    printf("\nactive backend: %s\n", active_name ? active_name : "?");

    const char *env = getenv("SIMDINIT_BACKEND");
    simdinit_status env_status = simdinit_env_status();
    if (env == NULL || env[0] == '\0')
        printf("SIMDINIT_BACKEND: (unset)\n");
    else
        printf("SIMDINIT_BACKEND: %s%s\n", env,
               env_status == SIMDINIT_OK ? "" : " (INVALID: fills fail until --backend is given)");
    const char *senv = getenv("SIMDINIT_STORES");
    simdinit_stores sm;
    int stores_bad = senv && *senv && simdinit_stores_from_name(senv, &sm) != SIMDINIT_OK;
    printf("store policy: %s\n", simdinit_stores_name(simdinit_active_stores()));
    if (senv == NULL || senv[0] == '\0')
        printf("SIMDINIT_STORES: (unset)\n");
    else
        printf("SIMDINIT_STORES: %s%s\n", senv,
               stores_bad ? " (INVALID: fills fail until --stores is given)" : "");
    if (fflush(stdout) != 0)
        return cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output");

    if (stores_bad)
        return cli_fail(CLI_EXIT_USAGE,
                        "SIMDINIT_STORES='%s' is not a store policy (expected auto, cached or "
                        "streaming)", senv);
    if (env_status != SIMDINIT_OK)
        return cli_fail(CLI_EXIT_USAGE,
                        "SIMDINIT_BACKEND='%s' is invalid or not usable on this machine "
                        "(expected auto, scalar, avx2 or neon, usable here)", env ? env : "");
    return CLI_EXIT_OK;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"info", cmd_info},
    {"fill", cmd_fill},
    {"model", cmd_model},
    {"demo", cmd_demo},
    {"bench", cmd_bench},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_fail(CLI_EXIT_USAGE, "missing command (try 'simdinit --help')");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        fputs(main_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        if (argc != 2)
            return cli_fail(CLI_EXIT_USAGE, "--version takes no arguments");
        printf("simdinit %s\n", simdinit_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc != 3)
            return cli_fail(CLI_EXIT_USAGE, "usage: simdinit help COMMAND");
        const command *c = find_command(argv[2]);
        if (c == NULL)
            return cli_fail(CLI_EXIT_USAGE, "unknown command '%s' (expected info, fill, model, "
                                            "demo, bench)", argv[2]);
        char help[] = "--help";
        char *help_argv[] = {help, NULL};
        return c->run(1, help_argv);
    }
    const command *c = find_command(name);
    if (c == NULL)
        return cli_fail(CLI_EXIT_USAGE, "unknown command '%s' (expected info, fill, model, demo, "
                                        "bench; try 'simdinit --help')", name);
    return c->run(argc - 2, argv + 2);
}
