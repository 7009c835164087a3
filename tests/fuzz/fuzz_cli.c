/*
 * libFuzzer harness over the CLI's argument parsing (tools/cli.c): the
 * option parser, the strict number parsers, shapes, name lookups and the
 * formatters. The input is split at NUL bytes into argv strings.
 * Properties (abort() on violation):
 *  - cli_parse returns 0, CLI_HELP or CLI_EXIT_USAGE, and on 0 every value
 *    it stored is what the strict parsers give for that argument;
 *  - cli_parse_u64 accepts exactly decimal / 0x-hex strings of a value below
 *    2^64 (checked against a 128-bit reference), including 18446744073709551615;
 *  - cli_parse_f64 agrees with strtod on the whole string;
 *  - cli_parse_shape gives at most SIMDINIT_MAX_NDIM dimensions, each the
 *    u64 parse of its comma-separated part;
 *  - the formatters stay inside any buffer size (ASan) and NUL-terminate.
 * Error lines go to /dev/null (the library's stderr stream is swapped;
 * sanitizer reports are written to fd 2 directly and still appear).
 * Seeds: tests/fuzz/corpus/cli/ (hand-written argument lists, e.g. the
 * --offset 18446744073709551615 --count 1 of issue 15).
 */
// fuzz-sources: tools/cli.c
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz/fuzz_check.h"


/* Reference of cli_parse_u64: 1 and *v when s is [0-9]+ or 0[xX][0-9a-fA-F]+
 * with a value < 2^64. */
static int ref_u64(const char *s, uint64_t *v)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return 0;
    unsigned __int128 x = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else return 0;
        x = x * base + (unsigned)d;
        if (x > UINT64_MAX)
            return 0;
    }
    *v = (uint64_t)x;
    return 1;
}

static void check_numbers(const char *s)
{
    uint64_t a = 0x1234, b = 0;
    int got = cli_parse_u64(s, &a), want = ref_u64(s, &b);
    REQUIRE(got == want, "cli_parse_u64('%s') = %d, reference %d", s, got, want);
    REQUIRE(!got || a == b, "cli_parse_u64('%s') = %llu, reference %llu", s,
            (unsigned long long)a, (unsigned long long)b);
    double d = 0;
    if (cli_parse_f64(s, &d)) {
        char *end;
        double r = strtod(s, &end);
        REQUIRE(*s && *end == '\0', "cli_parse_f64 accepted '%s' with trailing text", s);
        REQUIRE((isnan(d) && isnan(r)) || memcmp(&d, &r, sizeof d) == 0,
                "cli_parse_f64('%s') = %g, strtod %g", s, d, r);
        REQUIRE(!isinf(d) || strpbrk(s, "iI"), "cli_parse_f64('%s') overflowed to inf", s);
    }
    uint64_t shape[SIMDINIT_MAX_NDIM];
    int ndim = -7;
    if (cli_parse_shape("--shape", s, shape, &ndim) == 0) {
        REQUIRE(ndim >= 0 && ndim <= SIMDINIT_MAX_NDIM, "shape ndim %d", ndim);
        const char *p = s;
        for (int i = 0; i < ndim; i++) {
            char part[64];
            size_t len = strcspn(p, ",");
            REQUIRE(len > 0 && len < sizeof part, "shape part length %zu", len);
            memcpy(part, p, len);
            part[len] = '\0';
            uint64_t v;
            REQUIRE(ref_u64(part, &v) && v == shape[i], "shape '%s' dim %d", s, i);
            p += len + (p[len] == ',');
        }
        char buf[8];
        for (size_t size = 1; size <= sizeof buf; size++) {
            cli_format_shape(buf, size, shape, ndim);
            REQUIRE(memchr(buf, '\0', size) != NULL, "format_shape not terminated");
        }
        char big[400];
        cli_format_shape(big, sizeof big, shape, ndim);
    }
    int idx;
    cli_lookup("--dtype", s, cli_dtype_name, &idx);
    cli_lookup("--scheme", s, cli_scheme_name, &idx);
    cli_lookup("--backend", s, cli_backend_name, &idx);
}

/* The argument cli_parse read for --name: "--name=V" or "--name V". */
static const char *option_value(int argc, char **argv, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return NULL;
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0)
            continue;
        if (a[2 + len] == '=')
            return a + 3 + len;
        if (a[2 + len] == '\0')
            return i + 1 < argc ? argv[i + 1] : NULL;
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int silenced;
    if (!silenced) {
        FILE *null = fopen("/dev/null", "w");
        if (!null)
            abort();
        stderr = null;   /* cli_fail's lines: glibc's stderr is an assignable FILE * */
        silenced = 1;
    }
    if (size > 4096)
        return 0;
    /* argv: the input split at NUL bytes (a copy, NUL-terminated). */
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[64];
    int argc = 0;
    for (size_t i = 0; i <= size && argc < 64;) {
        argv[argc++] = copy + i;
        i += strlen(copy + i) + 1;
    }
    for (int i = 0; i < argc; i++)
        check_numbers(argv[i]);

    const char *dist = NULL, *out = NULL;
    uint64_t count = 0, offset = 0, seed = 0;
    double mean = 0, std = 1;
    bool quiet = false;
    cli_opt opts[] = {
        {"dist", CLI_OPT_STRING, &dist, false},   {"out", CLI_OPT_STRING, &out, false},
        {"count", CLI_OPT_U64, &count, false},    {"offset", CLI_OPT_U64, &offset, false},
        {"seed", CLI_OPT_U64, &seed, false},      {"mean", CLI_OPT_F64, &mean, false},
        {"std", CLI_OPT_F64, &std, false},        {"quiet", CLI_OPT_FLAG, &quiet, false},
    };
    int rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0]);
    REQUIRE(rc == 0 || rc == CLI_HELP || rc == CLI_EXIT_USAGE, "cli_parse returned %d", rc);
    if (rc == 0) {
        /* Every stored value is the strict parse of its option's argument. */
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            if (!opts[k].seen)
                continue;
            const char *val = option_value(argc, argv, opts[k].name);
            if (opts[k].kind == CLI_OPT_FLAG) {
                REQUIRE(quiet, "--quiet seen but not set");
                continue;
            }
            REQUIRE(val != NULL, "--%s seen without its argument", opts[k].name);
            if (opts[k].kind == CLI_OPT_STRING) {
                REQUIRE(*(const char **)opts[k].dest == val, "--%s stored another string",
                        opts[k].name);
            } else if (opts[k].kind == CLI_OPT_U64) {
                uint64_t v;
                REQUIRE(ref_u64(val, &v) && v == *(uint64_t *)opts[k].dest, "--%s '%s'",
                        opts[k].name, val);
            } else {
                double d = strtod(val, NULL), got = *(double *)opts[k].dest;
                REQUIRE((isnan(d) && isnan(got)) || memcmp(&d, &got, sizeof d) == 0,
                        "--%s '%s'", opts[k].name, val);
            }
        }
    }
    /* A library-level agreement: the CLI takes the offsets the library takes. */
    if (rc == 0 && opts[3].seen && opts[2].seen && count > 0 &&
        count - 1 <= UINT64_MAX - offset && count <= 64) {
        float buf[64];
        REQUIRE(simdinit_uniform(buf, SIMDINIT_F32, (size_t)count, offset, seed, 0, -1, 1) ==
                SIMDINIT_OK, "library rejects offset %llu count %llu",
                (unsigned long long)offset, (unsigned long long)count);
    }
    free(copy);
    return 0;
}
