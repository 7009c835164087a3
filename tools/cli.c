/* Shared helpers of the `simdinit` command-line program (see cli.h). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void *(*volatile cli_memset)(void *, int, size_t) = memset;

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */
/* ---------------------------------------------------------------------- */

int cli_fail(int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (len < 0)
        snprintf(msg, sizeof msg, "error");
    /* Keep the message on one line whatever the user passed in. */
    for (unsigned char *p = (unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    fprintf(stderr, "simdinit: %s\n", msg);
    return code;
}

int cli_fail_status(simdinit_status st, const char *what)
{
    return cli_fail(CLI_EXIT_USAGE, "%s: %s", what, simdinit_strerror(st));
}

/* ---------------------------------------------------------------------- */
/* Numbers and shapes                                                      */
/* ---------------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0')
        return false;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0')
            return false;
    }
    uint64_t v = 0;
    for (; *s; s++) {
        int d = hex_digit(*s);
        if (d < 0 || (unsigned)d >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return false; /* overflow */
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return true;
}

bool cli_parse_f64(const char *s, double *out)
{
    if (s == NULL || *s == '\0' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        return false;
    if (errno == ERANGE && isinf(v))
        return false; /* a finite literal too large for a double */
    *out = v;
    return true;
}

int cli_parse_shape(const char *opt, const char *s, uint64_t shape[SIMDINIT_MAX_NDIM], int *ndim)
{
    int n = 0;
    if (*s == '\0') {
        *ndim = 0;
        return 0;
    }
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char dim[32];
        uint64_t v;
        if (n == SIMDINIT_MAX_NDIM)
            return cli_fail(CLI_EXIT_USAGE, "invalid value for %s: '%s' (at most %d dimensions)",
                            opt, s, SIMDINIT_MAX_NDIM);
        if (len == 0 || len >= sizeof dim)
            return cli_fail(CLI_EXIT_USAGE,
                            "invalid value for %s: '%s' (expected comma-separated dimensions, "
                            "e.g. 768,3072)", opt, s);
        memcpy(dim, p, len);
        dim[len] = '\0';
        if (!cli_parse_u64(dim, &v))
            return cli_fail(CLI_EXIT_USAGE,
                            "invalid value for %s: '%s' (bad dimension '%s')", opt, s, dim);
        shape[n++] = v;
        if (!comma)
            break;
        p = comma + 1;
    }
    *ndim = n;
    return 0;
}

void cli_format_shape(char *buf, size_t size, const uint64_t *shape, int ndim)
{
    if (ndim == 0) {
        snprintf(buf, size, "()");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < ndim && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%llu", i ? "x" : "",
                         (unsigned long long)shape[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---------------------------------------------------------------------- */
/* Option parser                                                           */
/* ---------------------------------------------------------------------- */

static cli_opt *find_opt(cli_opt *opts, size_t nopts, const char *name, size_t len)
{
    for (size_t k = 0; k < nopts; k++)
        if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
            return &opts[k];
    return NULL;
}

static int set_value(cli_opt *o, const char *value)
{
    switch (o->kind) {
    case CLI_OPT_STRING:
        *(const char **)o->dest = value;
        return 0;
    case CLI_OPT_U64:
        if (!cli_parse_u64(value, (uint64_t *)o->dest))
            return cli_fail(CLI_EXIT_USAGE,
                            "invalid value for --%s: '%s' (expected an unsigned 64-bit integer, "
                            "decimal or 0x hex)", o->name, value);
        return 0;
    case CLI_OPT_F64:
        if (!cli_parse_f64(value, (double *)o->dest))
            return cli_fail(CLI_EXIT_USAGE, "invalid value for --%s: '%s' (expected a number)",
                            o->name, value);
        return 0;
    case CLI_OPT_FLAG:
        break;
    }
    return cli_fail(CLI_EXIT_USAGE, "internal error: bad option kind for --%s", o->name);
}

int cli_parse(int argc, char **argv, cli_opt *opts, size_t nopts)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return CLI_HELP;
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
            return cli_fail(CLI_EXIT_USAGE, "unexpected argument '%s'", arg);

        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        cli_opt *o = find_opt(opts, nopts, name, len);
        if (o == NULL)
            return cli_fail(CLI_EXIT_USAGE, "unknown option '--%.*s'", (int)len, name);
        if (o->seen)
            return cli_fail(CLI_EXIT_USAGE, "option --%s given more than once", o->name);
        o->seen = true;

        if (o->kind == CLI_OPT_FLAG) {
            if (eq)
                return cli_fail(CLI_EXIT_USAGE, "option --%s takes no value", o->name);
            *(bool *)o->dest = true;
            continue;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else {
            /* "--out --seed 1" is a forgotten value, not a file named "--seed";
             * such a value can still be given as --out=--seed. */
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
                return cli_fail(CLI_EXIT_USAGE, "option --%s needs a value", o->name);
            value = argv[++i];
        }
        int rc = set_value(o, value);
        if (rc)
            return rc;
    }
    return 0;
}

int cli_reject(const cli_opt *opts, const int *idx, size_t n, const char *context)
{
    for (size_t k = 0; k < n; k++)
        if (opts[idx[k]].seen)
            return cli_fail(CLI_EXIT_USAGE, "--%s is not valid %s", opts[idx[k]].name, context);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Names                                                                   */
/* ---------------------------------------------------------------------- */

int cli_lookup(const char *opt, const char *value, cli_name_fn name_of, int *out)
{
    const char *name;
    for (int i = 0; (name = name_of(i)) != NULL; i++) {
        if (strcmp(name, value) == 0) {
            *out = i;
            return 0;
        }
    }
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; (name = name_of(i)) != NULL && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return cli_fail(CLI_EXIT_USAGE, "unknown %s '%s' (expected %s)", opt, value, list);
}

#define NAME_TABLE(fn, table)                                                   \
    const char *fn(int i)                                                       \
    {                                                                           \
        return (i >= 0 && (size_t)i < sizeof(table) / sizeof(table[0])) ? table[i] \
                                                                        : NULL; \
    }

static const char *const dist_names[] = {
    [SIMDINIT_DIST_UNIFORM] = "uniform",
    [SIMDINIT_DIST_NORMAL] = "normal",
    [SIMDINIT_DIST_TRUNC_NORMAL] = "trunc_normal",
    [SIMDINIT_DIST_CONSTANT] = "constant",
};
static const char *const layout_names[] = {
    [SIMDINIT_LAYOUT_TORCH] = "torch",
    [SIMDINIT_LAYOUT_KERAS] = "keras",
};
static const char *const mode_names[] = {
    [SIMDINIT_FAN_IN] = "fan_in",
    [SIMDINIT_FAN_OUT] = "fan_out",
    [SIMDINIT_FAN_AVG] = "fan_avg",
};
static const char *const vs_dist_names[] = {
    [SIMDINIT_VS_TRUNCATED_NORMAL] = "truncated_normal",
    [SIMDINIT_VS_UNTRUNCATED_NORMAL] = "untruncated_normal",
    [SIMDINIT_VS_UNIFORM] = "uniform",
};

NAME_TABLE(cli_dist_name, dist_names)
NAME_TABLE(cli_layout_name, layout_names)
NAME_TABLE(cli_mode_name, mode_names)
NAME_TABLE(cli_vs_dist_name, vs_dist_names)

/* The library's own tables; every one of its enums is contiguous from 0. */
const char *cli_dtype_name(int i)
{
    return i < 0 ? NULL : simdinit_dtype_name((simdinit_dtype)i);
}

const char *cli_scheme_name(int i)
{
    return i < 0 ? NULL : simdinit_scheme_name((simdinit_scheme_kind)i);
}

const char *cli_nonlinearity_name(int i)
{
    return i < 0 ? NULL : simdinit_nonlinearity_name((simdinit_nonlinearity)i);
}

const char *cli_backend_name(int i)
{
    return (i < 0 || i >= SIMDINIT_BACKEND_COUNT) ? NULL
                                                  : simdinit_backend_name((simdinit_backend)i);
}

void cli_format_dist(char *buf, size_t size, const simdinit_dist *d)
{
    switch (d->kind) {
    case SIMDINIT_DIST_UNIFORM:
        snprintf(buf, size, "uniform(%.6g, %.6g)", d->low, d->high);
        return;
    case SIMDINIT_DIST_NORMAL:
        snprintf(buf, size, "normal(%.6g, %.6g)", d->mean, d->std);
        return;
    case SIMDINIT_DIST_TRUNC_NORMAL:
        snprintf(buf, size, "trunc_normal(%.6g, %.6g, [%.6g, %.6g])", d->mean, d->std, d->a, d->b);
        return;
    case SIMDINIT_DIST_CONSTANT:
        snprintf(buf, size, "constant(%.6g)", d->value);
        return;
    }
    snprintf(buf, size, "?");
}

/* ---------------------------------------------------------------------- */
/* Backend selection                                                       */
/* ---------------------------------------------------------------------- */

const char *cli_stores_name(int i)
{
    return (i < 0 || i >= SIMDINIT_STORES_COUNT) ? NULL : simdinit_stores_name((simdinit_stores)i);
}

int cli_select_stores(const char *name)
{
    if (name == NULL) {
        const char *env = getenv("SIMDINIT_STORES");
        simdinit_stores m;
        if (env && *env && simdinit_stores_from_name(env, &m) != SIMDINIT_OK)
            return cli_fail(CLI_EXIT_USAGE,
                            "SIMDINIT_STORES='%s' is not a store policy (expected auto, cached or "
                            "streaming; unset it or pass --stores)", env);
        return 0;
    }
    int m = 0;
    int rc = cli_lookup("--stores", name, cli_stores_name, &m);
    if (rc)
        return rc;
    simdinit_status st = simdinit_set_stores((simdinit_stores)m);
    return st == SIMDINIT_OK ? 0 : cli_fail_status(st, "set store policy");
}

int cli_select_backend(const char *name)
{
    if (name == NULL) {
        /* callers run cli_select_stores first, so a bad SIMDINIT_STORES has
         * been reported or overridden by now: BAD_ENV here is the backend's */
        if (simdinit_env_status() != SIMDINIT_OK) {
            const char *env = getenv("SIMDINIT_BACKEND");
            return cli_fail(CLI_EXIT_USAGE,
                            "SIMDINIT_BACKEND='%s' is invalid or not usable on this machine "
                            "(unset it or pass --backend)", env ? env : "");
        }
        return 0;
    }
    simdinit_backend b;
    if (simdinit_backend_from_name(name, &b) != SIMDINIT_OK) {
        int dummy;
        return cli_lookup("backend", name, cli_backend_name, &dummy);
    }
    simdinit_status st = simdinit_set_backend(b);
    if (st != SIMDINIT_OK) {
        if (!simdinit_backend_compiled(b))
            return cli_fail(CLI_EXIT_USAGE, "backend '%s' is not compiled into this build", name);
        if (!simdinit_backend_usable(b))
            return cli_fail(CLI_EXIT_USAGE, "backend '%s' is not usable on this CPU", name);
        return cli_fail(CLI_EXIT_USAGE, "cannot select backend '%s': %s", name,
                        simdinit_strerror(st));
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Threads                                                                 */
/* ---------------------------------------------------------------------- */

int cli_threads(uint64_t value, int *threads)
{
    if (value > CLI_MAX_THREADS)
        return cli_fail(CLI_EXIT_USAGE,
                        "invalid value for --threads: %" PRIu64 " (expected 0 = default, "
                        "SIMDINIT_NUM_THREADS or all usable cores, up to %d)",
                        value, CLI_MAX_THREADS);
    if (value != 0) {
        *threads = (int)value;
        return 0;
    }
    /* 0 when SIMDINIT_NUM_THREADS is set but not 1 .. 256: refused, as the
     * library refuses it, rather than guessed. */
    *threads = simdinit_default_threads();
    if (*threads < 1) {
        const char *env = getenv("SIMDINIT_NUM_THREADS");
        return cli_fail(CLI_EXIT_USAGE,
                        "SIMDINIT_NUM_THREADS='%s' is not a thread count (expected a decimal "
                        "integer from 1 to %d; unset it or pass --threads)",
                        env ? env : "", CLI_MAX_THREADS);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Timing and element access                                               */
/* ---------------------------------------------------------------------- */

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cli_cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cli_rate(double units, double seconds)
{
    return seconds > 0 ? units / seconds * 1e-9 : 0.0;
}

static double half_to_double(uint16_t h)
{
    unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0)
        v = ldexp((double)m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexp((double)(m | 0x400), (int)e - 25);
    return (h & 0x8000) ? -v : v;
}

double cli_element(const void *buf, simdinit_dtype dtype, size_t i)
{
    const unsigned char *p = (const unsigned char *)buf;
    switch (dtype) {
    case SIMDINIT_F32: {
        float f;
        memcpy(&f, p + 4 * i, 4);
        return f;
    }
    case SIMDINIT_F64: {
        double d;
        memcpy(&d, p + 8 * i, 8);
        return d;
    }
    case SIMDINIT_BF16: {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        uint32_t bits = (uint32_t)h << 16;
        float f;
        memcpy(&f, &bits, 4);
        return f;
    }
    case SIMDINIT_F16: {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        return half_to_double(h);
    }
    }
    return NAN;
}
