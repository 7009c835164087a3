/*
 * bench_ab: compare two builds of libsimdinit in one process.
 *
 * On a shared, noisy machine two benchmark runs a minute apart can differ by
 * more than the change being measured. This program loads two copies of the
 * library (dlopen, RTLD_LOCAL: each keeps its own symbols and state), and
 * times one fill with A, then with B, then A again, ..., so both see the same
 * moments of the host. It prints each side's median and the median of the
 * per-round ratios B/A, which is the figure to quote. Run it in several
 * processes (and with --offset) to see layout effects; swap A and B to check
 * for an order bias.
 *
 *   bench_ab LIB_A LIB_B [--dist uniform|normal|trunc] [--dtype f32|f64|bf16|f16]
 *            [--n N] [--rounds R] [--backend NAME] [--offset BYTES] [--tn-a A] [--tn-b B]
 *
 * Defaults: normal f32, n = 1 Mi elements, 15 rounds, backend auto (each
 * library's own choice), offset 0 from a 4096-byte aligned buffer. The
 * distributions are uniform(-1, 1), normal(0, 1), trunc_normal(0, 1, [-2, 2]);
 * --tn-a/--tn-b set the truncated normal's bounds (e.g. [-0.1, 0.1] or [3, 4]
 * for its uniform and exponential proposals).
 * To keep a build of the current tree: cp build/libsimdinit.so.0.* /tmp/a.so.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simdinit.h"

typedef simdinit_status (*fill_fn)(void *, simdinit_dtype, size_t, uint64_t, uint64_t, uint64_t,
                                   const simdinit_dist *);
typedef simdinit_status (*set_backend_fn)(simdinit_backend);
typedef simdinit_status (*backend_from_name_fn)(const char *, simdinit_backend *);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_ab LIB_A LIB_B [--dist uniform|normal|trunc] [--dtype f32|f64|bf16|f16]\n"
                    "                [--n N] [--rounds R] [--backend NAME] [--offset BYTES] [--tn-a A] [--tn-b B]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *dist_name = "normal", *dtype_name = "f32", *backend_name = "auto";
    size_t n = (size_t)1 << 20, offset = 0;
    int rounds = 15;
    double tn_a = -2.0, tn_b = 2.0;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (!strcmp(a, "--dist"))
            dist_name = v;
        else if (!strcmp(a, "--dtype"))
            dtype_name = v;
        else if (!strcmp(a, "--backend"))
            backend_name = v;
        else if (!strcmp(a, "--n"))
            n = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--rounds"))
            rounds = atoi(v);
        else if (!strcmp(a, "--offset"))
            offset = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--tn-a"))
            tn_a = strtod(v, NULL);
        else if (!strcmp(a, "--tn-b"))
            tn_b = strtod(v, NULL);
        else
            return usage();
        i++;
    }
    simdinit_dtype dt;
    if (!strcmp(dtype_name, "f32"))
        dt = SIMDINIT_F32;
    else if (!strcmp(dtype_name, "f64"))
        dt = SIMDINIT_F64;
    else if (!strcmp(dtype_name, "bf16"))
        dt = SIMDINIT_BF16;
    else if (!strcmp(dtype_name, "f16"))
        dt = SIMDINIT_F16;
    else
        return usage();
    /* struct simdinit_dist is plain data: fill it here, no constructor call */
    simdinit_dist d;
    memset(&d, 0, sizeof d);
    if (!strcmp(dist_name, "uniform")) {
        d.kind = SIMDINIT_DIST_UNIFORM;
        d.low = -1.0;
        d.high = 1.0;
    } else if (!strcmp(dist_name, "normal")) {
        d.kind = SIMDINIT_DIST_NORMAL;
        d.std = 1.0;
    } else if (!strcmp(dist_name, "trunc")) {
        d.kind = SIMDINIT_DIST_TRUNC_NORMAL;
        d.std = 1.0;
        d.a = tn_a;
        d.b = tn_b;
    } else {
        return usage();
    }
    if (n == 0 || rounds < 1 || offset > 4096)
        return usage();

    fill_fn fill[2];
    for (int k = 0; k < 2; k++) {
        void *h = dlopen(argv[1 + k], RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            fprintf(stderr, "bench_ab: %s\n", dlerror());
            return 1;
        }
        fill[k] = (fill_fn)dlsym(h, "simdinit_fill");
        set_backend_fn set_backend = (set_backend_fn)dlsym(h, "simdinit_set_backend");
        backend_from_name_fn from_name = (backend_from_name_fn)dlsym(h, "simdinit_backend_from_name");
        simdinit_backend b;
        if (!fill[k] || !set_backend || !from_name) {
            fprintf(stderr, "bench_ab: %s is not a simdinit library\n", argv[1 + k]);
            return 1;
        }
        if (from_name(backend_name, &b) != SIMDINIT_OK || set_backend(b) != SIMDINIT_OK) {
            fprintf(stderr, "bench_ab: backend %s is not usable with %s\n", backend_name, argv[1 + k]);
            return 1;
        }
    }

    size_t bytes = n * (dt == SIMDINIT_F64 ? 8u : dt == SIMDINIT_F32 ? 4u : 2u);
    unsigned char *mem = aligned_alloc(4096, (bytes + offset + 4095) / 4096 * 4096 + 4096);
    double *t[2] = {malloc(sizeof(double) * (size_t)rounds), malloc(sizeof(double) * (size_t)rounds)};
    double *ratio = malloc(sizeof(double) * (size_t)rounds);
    if (!mem || !t[0] || !t[1] || !ratio) {
        fprintf(stderr, "bench_ab: out of memory\n");
        return 1;
    }
    unsigned char *buf = mem + offset;
    memset(mem, 0, bytes + offset);
    /* about 4 Mi elements per timed sample, at least one fill */
    size_t reps = n >= ((size_t)4 << 20) ? 1 : ((size_t)4 << 20) / n;
    for (int k = 0; k < 2; k++)
        if (fill[k](buf, dt, n, 0, 1, 2, &d) != SIMDINIT_OK) {
            fprintf(stderr, "bench_ab: the fill failed with %s\n", argv[1 + k]);
            return 1;
        }
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            double t0 = now();
            for (size_t i = 0; i < reps; i++)
                fill[k](buf, dt, n, 0, 1, 2, &d);
            t[k][r] = (double)n * (double)reps / (now() - t0) / 1e9;
        }
        ratio[r] = t[1][r] / t[0][r];
    }
    printf("%s %s, n = %zu, offset %zu, backend %s, %d rounds (Gelem/s, median [min, max])\n",
           dist_name, dtype_name, n, offset, backend_name, rounds);
    if (d.kind == SIMDINIT_DIST_TRUNC_NORMAL)
        printf("  truncated to [%g, %g]\n", d.a, d.b);
    for (int k = 0; k < 2; k++) {
        double md = median(t[k], rounds);
        printf("  %s: %s %.3f [%.3f, %.3f]\n", k ? "B" : "A", argv[1 + k], md, t[k][0], t[k][rounds - 1]);
    }
    double mr = median(ratio, rounds);
    printf("  B/A: median %.3f [%.3f, %.3f]\n", mr, ratio[0], ratio[rounds - 1]);
    free(ratio);
    free(t[0]);
    free(t[1]);
    free(mem);
    return 0;
}
