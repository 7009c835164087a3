/*
 * Shared helpers of the `simdinit` command-line program: error reporting,
 * strict number parsing, a small table-driven option parser, name lookups,
 * timing and a few output helpers. Used by every subcommand.
 */
#ifndef SIMDINIT_TOOLS_CLI_H
#define SIMDINIT_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simdinit.h"

/* Exit statuses: 0 success, 1 runtime failure (I/O, out of memory),
 * 2 bad arguments or a library error status. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_RUNTIME 1
#define CLI_EXIT_USAGE 2

/* Returned by cli_parse when --help / -h was given. */
#define CLI_HELP (-1)

/* Prints ONE line "simdinit: <message>" to stderr (control characters in the
 * formatted message are replaced so it stays one line) and returns `code`. */
int cli_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* cli_fail(CLI_EXIT_USAGE, "<what>: <simdinit_strerror(st)>"). */
int cli_fail_status(simdinit_status st, const char *what);

/* Strict unsigned 64-bit parse: decimal digits, or 0x/0X followed by hex
 * digits. No sign, no whitespace, no trailing characters, no overflow. */
bool cli_parse_u64(const char *s, uint64_t *out);

/* Strict floating-point parse (strtod syntax, which includes "nan" and
 * "inf"): no leading whitespace, no trailing characters; a finite value too
 * large for a double is rejected. */
bool cli_parse_f64(const char *s, double *out);

/* A comma-separated list of dimensions ("768,3072"); an empty string is a
 * 0-d (scalar) shape. Prints the error and returns CLI_EXIT_USAGE on failure. */
int cli_parse_shape(const char *opt, const char *s, uint64_t shape[SIMDINIT_MAX_NDIM],
                    int *ndim);

/* "768x3072", "()" for 0-d. */
void cli_format_shape(char *buf, size_t size, const uint64_t *shape, int ndim);

/* ---------------------------------------------------------------------- */
/* Option parser                                                           */
/* ---------------------------------------------------------------------- */

typedef enum cli_opt_kind {
    CLI_OPT_FLAG,   /* dest: bool *          */
    CLI_OPT_STRING, /* dest: const char **   */
    CLI_OPT_U64,    /* dest: uint64_t *      */
    CLI_OPT_F64     /* dest: double *        */
} cli_opt_kind;

typedef struct cli_opt {
    const char *name; /* without the leading "--" */
    cli_opt_kind kind;
    void *dest;
    bool seen;        /* set by cli_parse */
} cli_opt;

/*
 * Parses argv[0 .. argc-1] (the arguments after the subcommand) against the
 * table. Accepts "--name value" and "--name=value". Rejects unknown options,
 * positional arguments, missing or malformed values and repeated options.
 * Returns 0, CLI_HELP for --help / -h, or CLI_EXIT_USAGE after printing the
 * error line.
 */
int cli_parse(int argc, char **argv, cli_opt *opts, size_t nopts);

/* If any of opts[idx[0..n-1]] was given, prints "--X is not valid <context>"
 * for the first one and returns CLI_EXIT_USAGE; else 0. */
int cli_reject(const cli_opt *opts, const int *idx, size_t n, const char *context);

/* ---------------------------------------------------------------------- */
/* Names                                                                   */
/* ---------------------------------------------------------------------- */

/* A name table: name_of(i) for i = 0, 1, ... until it returns NULL. */
typedef const char *(*cli_name_fn)(int i);

/* Looks `value` up in the table; on failure prints
 * "unknown <opt> 'value' (expected a, b, c)" and returns CLI_EXIT_USAGE. */
int cli_lookup(const char *opt, const char *value, cli_name_fn name_of, int *out);

const char *cli_dtype_name(int i);        /* the library's dtype names */
const char *cli_dist_name(int i);         /* uniform, normal, trunc_normal, constant */
const char *cli_scheme_name(int i);       /* the library's scheme names */
const char *cli_nonlinearity_name(int i); /* the library's nonlinearity names */
const char *cli_layout_name(int i);       /* torch, keras */
const char *cli_mode_name(int i);         /* fan_in, fan_out, fan_avg */
const char *cli_vs_dist_name(int i);      /* truncated_normal, untruncated_normal, uniform */
const char *cli_backend_name(int i);      /* the library's backend names */

/* "uniform(-0.1, 0.1)", "normal(0, 0.02)", "trunc_normal(0, 1, [-2, 2])", "constant(1)". */
void cli_format_dist(char *buf, size_t size, const simdinit_dist *dist);

/* ---------------------------------------------------------------------- */
/* Backend selection                                                       */
/* ---------------------------------------------------------------------- */

/* With a name: simdinit_backend_from_name + simdinit_set_backend. Without one:
 * fails when SIMDINIT_BACKEND is invalid (simdinit_env_status). Prints the
 * error line and returns CLI_EXIT_USAGE on failure, else 0. */
int cli_select_backend(const char *name);
/* Call before cli_select_backend. With a name (--stores): simdinit_set_stores. Without one: fails with a clear
 * message when SIMDINIT_STORES is set to something that is not a policy. */
int cli_select_stores(const char *name);
const char *cli_stores_name(int i);       /* the library's store policy names */

/* ---------------------------------------------------------------------- */
/* Threads                                                                 */
/* ---------------------------------------------------------------------- */

/* Largest --threads value accepted (the library's own cap). */
#define CLI_MAX_THREADS 256

/* Resolves a --threads value: 0 (or the option absent, value 0) is the
 * library's default, simdinit_default_threads() (SIMDINIT_NUM_THREADS or
 * every usable core); 1 .. CLI_MAX_THREADS is used as given. Prints the
 * error and returns CLI_EXIT_USAGE for anything larger, else 0. */
int cli_threads(uint64_t value, int *threads);

/* ---------------------------------------------------------------------- */
/* Timing and element access                                               */
/* ---------------------------------------------------------------------- */

/* Seconds from CLOCK_MONOTONIC. */
double cli_now(void);

/* CPU seconds used by the whole process, all threads (CLOCK_PROCESS_CPUTIME_ID);
 * CPU over wall time of a threaded run tells how many cores it really got. */
double cli_cpu_now(void);

/* elements / seconds / 1e9, 0 when seconds is 0. */
double cli_rate(double units, double seconds);

/* Element i of a buffer of `dtype`, converted to double (bf16/f16 decoded). */
double cli_element(const void *buf, simdinit_dtype dtype, size_t i);

/* memset through a volatile pointer so the compiler cannot drop or merge it. */
extern void *(*volatile cli_memset)(void *, int, size_t);

#endif /* SIMDINIT_TOOLS_CLI_H */
