/*
 * bench_orthogonal — wall time of simdinit_orthogonal on square (or given)
 * shapes, best of R runs, with the orthogonality error of the f32 result.
 *   bench_orthogonal [-t THREADS] [-r REPS] [-b backend] N[xM] ...
 * Prints one line per shape: shape, threads, backend, best and median wall ms,
 * the best process CPU time (all threads),
 * max |Q^T Q - I| of the f64 result (computed here, O(n^3): only for n <= 1024).
 */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simdinit.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double ortho_err(const double *q, uint64_t r, uint64_t c)
{
    /* the short side's Gram matrix */
    int tall = r >= c;
    uint64_t n = tall ? c : r, m = tall ? r : c;
    double worst = 0;
    for (uint64_t a = 0; a < n; a++)
        for (uint64_t b = a; b < n; b++) {
            double s = 0;
            for (uint64_t i = 0; i < m; i++)
                s += tall ? q[i * c + a] * q[i * c + b] : q[a * c + i] * q[b * c + i];
            double e = s - (a == b);
            if (e < 0) e = -e;
            if (e > worst) worst = e;
        }
    return worst;
}

int main(int argc, char **argv)
{
    int threads = 2, reps = 5;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) return 2;
        if (!strcmp(argv[i], "-t")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-b")) {
            simdinit_backend be;
            if (simdinit_backend_from_name(argv[i + 1], &be) || simdinit_set_backend(be)) {
                fprintf(stderr, "bad backend %s\n", argv[i + 1]);
                return 2;
            }
        } else return 2;
    }
    if (reps < 1 || reps > 1000) return 2;
    for (; i < argc; i++) {
        unsigned long long r, c;
        int k = sscanf(argv[i], "%llux%llu", &r, &c);
        if (k < 1) return 2;
        if (k == 1) c = r;
        float *out = malloc((size_t)r * c * sizeof *out);
        double *t = malloc(reps * sizeof *t), *ct = malloc(reps * sizeof *ct);
        if (!out || !t) return 1;
        for (int j = 0; j < reps; j++) {
            double t0 = now_ms(), c0 = cpu_ms();
            simdinit_status s = simdinit_orthogonal(out, SIMDINIT_F32, r, c, 1.0, 42, j, threads);
            t[j] = now_ms() - t0;
            ct[j] = cpu_ms() - c0;
            if (s) { fprintf(stderr, "%s\n", simdinit_strerror(s)); return 1; }
        }
        qsort(t, reps, sizeof *t, cmp);
        qsort(ct, reps, sizeof *ct, cmp);
        double err = -1;
        if (r * c <= 1024 * 1024) {
            double *q = malloc((size_t)r * c * sizeof *q);
            if (!q) return 1;
            simdinit_orthogonal(q, SIMDINIT_F64, r, c, 1.0, 42, 0, threads);
            err = ortho_err(q, r, c);
            free(q);
        }
        printf("%llux%llu f32 threads=%d backend=%s best=%.1f ms median=%.1f ms cpu(best)=%.1f ms max|QtQ-I|(f64)=%.3g\n",
               r, c, threads, simdinit_backend_name(simdinit_active_backend()), t[0], t[reps / 2],
               ct[0], err);
        free(out);
        free(t);
        free(ct);
    }
    return 0;
}
