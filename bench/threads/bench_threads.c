/*
 * bench_threads — how simdinit_fill_mt scales with the thread count.
 *
 * For threads = 1 .. max (simdinit_default_threads(), i.e. SIMDINIT_NUM_THREADS
 * or every usable core, or --max-threads) it fills one large buffer (1 GiB,
 * --size MiB) with uniform f32, normal f32 and normal bf16 through
 * simdinit_fill_mt, and runs a non-temporal store loop on the same number of
 * threads: each thread streams zeros over its own contiguous slice with
 * _mm256_stream_ps (AVX2 CPUs; memset elsewhere), the write bandwidth a fill
 * of a large buffer can at best reach with that many threads. Each figure is
 * the best of --repeat runs (default 3).
 *
 * Columns: Gelem/s, GB/s, the fill's GB/s as a percentage of the NT store's
 * at the same thread count, and the speedup over the same fill on 1 thread.
 *
 * Plain C11 + pthreads; links the shared library like any user would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simdinit.h"

#if defined(SHIM_HAVE_NT_AVX2)
/* bench/nt_avx2.c, built with -mavx2 on its own (the reference loop
 * bench_fill uses too); called only after __builtin_cpu_supports("avx2"). */
void shim_nt_store_avx2(void *buf, size_t bytes);
#define BT_HAVE_AVX2_NT 1
#else
#define BT_HAVE_AVX2_NT 0
#endif

#define BT_MAX_THREADS 256

/* ---------------------------------------------------------------------- */
/* The non-temporal store reference                                        */
/* ---------------------------------------------------------------------- */

/* Set once in main, before any thread starts. */
static bool g_use_avx2;

/* memset through a volatile pointer so the compiler cannot drop it. */
static void *(*volatile g_memset)(void *, int, size_t) = memset;

static void nt_store(void *buf, size_t bytes)
{
#if BT_HAVE_AVX2_NT
    if (g_use_avx2) {
        shim_nt_store_avx2(buf, bytes);
        return;
    }
#endif
    g_memset(buf, 0, bytes);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the whole process (every thread). */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A timed run: wall seconds and the process CPU seconds spent meanwhile. */
typedef struct run_time {
    double wall, cpu;
} run_time;

typedef struct nt_team {
    unsigned char *buf;
    size_t bytes;
    int nthreads;
    pthread_barrier_t start, end;
} nt_team;

typedef struct nt_arg {
    nt_team *team;
    int index;
} nt_arg;

/* Thread `index` of n streams slice [bytes * index / n, bytes * (index + 1) / n),
 * boundaries rounded down to 64 bytes so no cache line is shared. */
static void nt_slice(nt_team *team, int index)
{
    size_t a = (size_t)((double)team->bytes * index / team->nthreads) & ~(size_t)63;
    size_t b = index + 1 == team->nthreads
                   ? team->bytes
                   : (size_t)((double)team->bytes * (index + 1) / team->nthreads) & ~(size_t)63;
    if (b > a)
        nt_store(team->buf + a, b - a);
}

static void *nt_worker(void *p)
{
    nt_arg *arg = p;
    pthread_barrier_wait(&arg->team->start);
    nt_slice(arg->team, arg->index);
    pthread_barrier_wait(&arg->team->end);
    return NULL;
}

/* One run of the NT store loop on nthreads threads (the caller is thread 0):
 * the time between the start and end barriers. */
static run_time time_nt(void *buf, size_t bytes, int nthreads)
{
    nt_team team;
    memset(&team, 0, sizeof team);
    team.buf = buf;
    team.bytes = bytes;
    team.nthreads = nthreads;
    nt_arg args[BT_MAX_THREADS];
    pthread_t tid[BT_MAX_THREADS];
    pthread_barrier_init(&team.start, NULL, (unsigned)nthreads);
    pthread_barrier_init(&team.end, NULL, (unsigned)nthreads);
    int created = 1;
    for (; created < nthreads; created++) {
        args[created] = (nt_arg){&team, created};
        if (pthread_create(&tid[created], NULL, nt_worker, &args[created]) != 0)
            break;
    }
    if (created < nthreads) {
        /* Cannot happen quietly: the barrier would wait forever. */
        fprintf(stderr, "bench_threads: cannot create thread %d of %d\n", created, nthreads);
        exit(1);
    }
    pthread_barrier_wait(&team.start);
    double t0 = now(), c0 = cpu_now();
    nt_slice(&team, 0);
    pthread_barrier_wait(&team.end);
    double t1 = now(), c1 = cpu_now();
    for (int i = 1; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&team.start);
    pthread_barrier_destroy(&team.end);
    return (run_time){t1 - t0, c1 - c0};
}

/* ---------------------------------------------------------------------- */
/* Command line                                                            */
/* ---------------------------------------------------------------------- */

static const char usage[] =
    "usage: bench_threads [--max-threads N] [--size MIB] [--repeat R]\n"
    "\n"
    "Scaling of simdinit_fill_mt with the thread count: for threads = 1 .. N\n"
    "(default simdinit_default_threads(): SIMDINIT_NUM_THREADS or every usable\n"
    "core, at most 256) fills a buffer of MIB MiB (default 1024) with uniform\n"
    "f32, normal f32 and normal bf16, next to a non-temporal store loop on the\n"
    "same threads (AVX2 _mm256_stream_ps where the CPU has it, else memset).\n"
    "Best of R runs (default 3). Columns: Gelem/s, GB/s, % of the NT store's\n"
    "GB/s at the same thread count, speedup over 1 thread, and CPU/wall: the\n"
    "process CPU time over the wall time of the best run, i.e. how many cores\n"
    "the run really got (below the thread count on a busy machine).\n"
    "SIMDINIT_BACKEND selects the library's backend and SIMDINIT_STORES the store\n"
    "policy (auto, cached, streaming) as usual.\n";

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "bench_threads: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 2;
}

/* Strict decimal in [lo, hi]. */
static bool parse_uint(const char *s, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

typedef struct fill_case {
    const char *name;
    simdinit_dtype dtype;
    simdinit_dist dist;
} fill_case;

#define NCASES 3

int main(int argc, char **argv)
{
    unsigned long long max_threads = 0, size_mib = 1024, repeat = 3;
    bool seen[3] = {false, false, false};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        static const char *const names[3] = {"--max-threads", "--size", "--repeat"};
        static const unsigned long long his[3] = {BT_MAX_THREADS, 1ull << 30, 1000000};
        unsigned long long *dest[3] = {&max_threads, &size_mib, &repeat};
        int k = -1;
        const char *value = NULL;
        for (int j = 0; j < 3; j++) {
            size_t len = strlen(names[j]);
            if (strncmp(arg, names[j], len) == 0 && (arg[len] == '\0' || arg[len] == '=')) {
                k = j;
                value = arg[len] == '=' ? arg + len + 1 : (i + 1 < argc ? argv[++i] : NULL);
                break;
            }
        }
        if (k < 0)
            return fail("unknown argument '%s'%s (try --help)", arg, "");
        if (seen[k])
            return fail("option %s given more than once%s", names[k], "");
        seen[k] = true;
        if (value == NULL)
            return fail("option %s needs a value%s", names[k], "");
        if (!parse_uint(value, 1, his[k], dest[k]))
            return fail("invalid value for %s: '%s' (expected a positive decimal integer "
                        "within range)", names[k], value);
    }

    if (simdinit_env_status() != SIMDINIT_OK)
        return fail("SIMDINIT_BACKEND='%s' is invalid or not usable here%s",
                    getenv("SIMDINIT_BACKEND") ? getenv("SIMDINIT_BACKEND") : "", "");
    if (max_threads == 0)
        max_threads = (unsigned long long)simdinit_default_threads();
    if (max_threads < 1)
        max_threads = 1;
#if BT_HAVE_AVX2_NT
    __builtin_cpu_init();
    g_use_avx2 = __builtin_cpu_supports("avx2");
#endif

    const size_t bytes = (size_t)size_mib << 20;
    void *buf = NULL;
    if (posix_memalign(&buf, 4096, bytes) != 0 || buf == NULL) {
        fprintf(stderr, "bench_threads: out of memory (%zu bytes)\n", bytes);
        return 1;
    }
    /* Touch every page once, each thread its slice, before any timing. */
    time_nt(buf, bytes, (int)max_threads);

    const fill_case cases[NCASES] = {
        {"uniform f32", SIMDINIT_F32, simdinit_dist_uniform(0, 1)},
        {"normal f32", SIMDINIT_F32, simdinit_dist_normal(0, 1)},
        {"normal bf16", SIMDINIT_BF16, simdinit_dist_normal(0, 1)},
    };
    const char *backend = simdinit_backend_name(simdinit_active_backend());
    printf("bench_threads: %llu MiB buffer, threads 1..%llu, best of %llu, simdinit %s, "
           "backend %s, stores %s\n", size_mib, max_threads, repeat, simdinit_version(),
           backend ? backend : "?", simdinit_stores_name(simdinit_active_stores()));
    printf("NT store reference: %s, each thread streams its contiguous slice\n\n",
           g_use_avx2 ? "AVX2 _mm256_stream_ps" : "memset");
    printf("%7s  %-12s %10s %9s %8s %8s %8s %9s\n", "threads", "what", "time ms", "Gelem/s",
           "GB/s", "% of NT", "speedup", "CPU/wall");

    double base[NCASES + 1] = {0}; /* best seconds on 1 thread: NT store, then each case */
    for (int t = 1; t <= (int)max_threads; t++) {
        run_time nt = {INFINITY, 0};
        for (unsigned long long r = 0; r < repeat; r++) {
            run_time x = time_nt(buf, bytes, t);
            if (x.wall < nt.wall)
                nt = x;
        }
        const double nt_s = nt.wall;
        if (t == 1)
            base[0] = nt_s;
        const double nt_gbs = (double)bytes / nt_s * 1e-9;
        printf("%7d  %-12s %10.3f %9s %8.2f %8.1f %7.2fx %9.2f\n", t, "nt store", nt_s * 1e3,
               "-", nt_gbs, 100.0, base[0] / nt_s, nt.cpu / nt_s);

        for (int c = 0; c < NCASES; c++) {
            const fill_case *fc = &cases[c];
            const size_t n = bytes / simdinit_dtype_size(fc->dtype);
            double best = INFINITY, best_cpu = 0;
            for (unsigned long long r = 0; r < repeat; r++) {
                double t0 = now(), c0 = cpu_now();
                simdinit_status st = simdinit_fill_mt(buf, fc->dtype, n, 0, 1234, 0, &fc->dist, t);
                double t1 = now(), c1 = cpu_now();
                if (st != SIMDINIT_OK) {
                    fprintf(stderr, "bench_threads: %s: %s\n", fc->name, simdinit_strerror(st));
                    free(buf);
                    return 1;
                }
                if (t1 - t0 < best) {
                    best = t1 - t0;
                    best_cpu = c1 - c0;
                }
            }
            if (t == 1)
                base[c + 1] = best;
            const double gbs = (double)bytes / best * 1e-9;
            printf("%7d  %-12s %10.3f %9.3f %8.2f %8.1f %7.2fx %9.2f\n", t, fc->name, best * 1e3,
                   (double)n / best * 1e-9, gbs, 100.0 * gbs / nt_gbs, base[c + 1] / best,
                   best_cpu / best);
        }
        fflush(stdout);
    }
    free(buf);
    return 0;
}
