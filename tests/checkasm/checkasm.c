/*
 * checkasm — holds every SIMD backend against the scalar reference, bit for
 * bit (the idea of dav1d's tests/checkasm, written for simdinit).
 *
 * For every distribution x dtype x parameter set, and for every backend that
 * simdinit_backend_usable() reports other than scalar, it fills the same
 * elements [offset, offset + n) once with the scalar backend and once with the
 * backend under test, and compares the bytes. Every output buffer lives next to
 * a PROT_NONE guard page: either its END abuts the guard (canaries before the
 * start) or its START follows the guard (canaries after the end), so a write
 * outside [out, out + n) either crashes (the SIGSEGV handler names the case and
 * the exit code fails the test) or breaks a canary. The output area itself is
 * poisoned with a different byte for the reference and the test fill, so an
 * element a kernel forgets to write also shows up as a mismatch.
 *
 * Coverage (default run):
 *  - lengths n = 0..1100, every one, at 3 offsets x 3 placements for the first
 *    parameter set of each distribution x dtype;
 *  - a sparse set of lengths (group and block edges relative to the offset,
 *    powers of two +-1, two block crossings) at 17 offsets from 0 to 2^64-1101
 *    x 11 placements (end-abutting, 64-byte aligned, +1, +2, +3, +32 bytes,
 *    against either guard) for every parameter set, under rotating (seed, stream);
 *  - large fills (5 Mi and 9 Mi + 7 elements) compared by a 64-bit hash, each
 *    target run with cached and with streaming (non-temporal) stores.
 * --stores=POLICY sets the store policy (simdinit_set_stores) for the whole
 * run: the fast suite runs it twice, as is (auto) and with --stores=streaming,
 * so the streaming heads, tails and staging are checked at every length and
 * misalignment too.
 * When only scalar is usable, scalar is checked against the same elements
 * produced by several smaller calls (split fills) instead, and it says so.
 *
 * --bench times each kernel of each usable backend at 4 KiB, 256 KiB and
 * 256 MiB buffers and prints Gelem/s (and memset for scale).
 *
 * Usage: checkasm [--bench] [--dist=NAME] [--dtype=NAME] [--backend=NAME]
 *                 [--no-large] [--quick] [--stores=auto|cached|streaming]
 * --quick (for emulators such as qemu): the full 0..1100 sweep at one offset
 * and 3 placements instead of 11 in the sparse sweep. Split-fill mode also
 * uses the 3 placements.
 */
#define _GNU_SOURCE 1

#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <math.h>   /* INFINITY */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "simdinit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* What is tested                                                            */
/* ------------------------------------------------------------------------ */

typedef struct param_set {
    const char *label;
    simdinit_dist d;
} param_set;

typedef struct dist_info {
    const char *name;
    simdinit_dist_kind kind;
    const param_set *sets;
    size_t nsets;
} dist_info;

static const param_set k_uniform[] = {
    {"uniform(0,1)", {.kind = SIMDINIT_DIST_UNIFORM, .low = 0.0, .high = 1.0}},
    {"uniform(-0.02,0.02)", {.kind = SIMDINIT_DIST_UNIFORM, .low = -0.02, .high = 0.02}},
    {"uniform(-3.3,7.1)", {.kind = SIMDINIT_DIST_UNIFORM, .low = -3.3, .high = 7.1}},
    {"uniform(5,5)", {.kind = SIMDINIT_DIST_UNIFORM, .low = 5.0, .high = 5.0}},
};
static const param_set k_normal[] = {
    {"normal(0,1)", {.kind = SIMDINIT_DIST_NORMAL, .mean = 0.0, .std = 1.0}},
    {"normal(0.25,0.02)", {.kind = SIMDINIT_DIST_NORMAL, .mean = 0.25, .std = 0.02}},
    {"normal(-1e3,50)", {.kind = SIMDINIT_DIST_NORMAL, .mean = -1e3, .std = 50.0}},
    /* extreme parameters (f64 only; a RANGE error for the float32 family, or
     * a constant): a subnormal and a huge std, where a fused affine map
     * would need a software fma without exponent limits */
    {"normal(1e-300,1e-310)", {.kind = SIMDINIT_DIST_NORMAL, .mean = 1e-300, .std = 1e-310}},
    {"normal(-1e307,1.5e307)", {.kind = SIMDINIT_DIST_NORMAL, .mean = -1e307, .std = 1.5e307}},
};
/* One set per proposal and side (docs/STREAM.md §3.5; src/tnorm.c chooses):
 * normal; uniform two-sided, one-sided above and mirrored below; exponential
 * above and mirrored below, with a finite and an infinite far end; far tails. */
static const param_set k_trunc[] = {
    {"trunc_normal(0,1,-2,2)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = -2.0, .b = 2.0}},
    {"trunc_normal(0,1,0,40)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = 0.0, .b = 40.0}},
    /* standardized [3, 5]: exponential proposal */
    {"trunc_normal(1,0.5,2.5,3.5)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 1.0, .std = 0.5, .a = 2.5, .b = 3.5}},
    {"trunc_normal(0,1,-0.1,0.1)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = -0.1, .b = 0.1}},
    {"trunc_normal(0,1,0.5,0.6)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = 0.5, .b = 0.6}},
    {"trunc_normal(0.3,2,-2,0)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.3, .std = 2.0, .a = -2.0, .b = 0.0}},
    {"trunc_normal(0,1,-9,-8)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = -9.0, .b = -8.0}},
    {"trunc_normal(0,1,5,inf)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = 5.0, .b = INFINITY}},
    {"trunc_normal(-1,3,-inf,-10)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = -1.0, .std = 3.0, .a = -INFINITY, .b = -10.0}},
    {"trunc_normal(0,1,30,31)",
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0.0, .std = 1.0, .a = 30.0, .b = 31.0}},
};
static const param_set k_constant[] = {
    {"constant(0.1)", {.kind = SIMDINIT_DIST_CONSTANT, .value = 0.1}},
    {"constant(0)", {.kind = SIMDINIT_DIST_CONSTANT, .value = 0.0}},
    {"constant(-7)", {.kind = SIMDINIT_DIST_CONSTANT, .value = -7.0}},
};

static const dist_info k_dists[] = {
    {"uniform", SIMDINIT_DIST_UNIFORM, k_uniform, ARRAY_LEN(k_uniform)},
    {"normal", SIMDINIT_DIST_NORMAL, k_normal, ARRAY_LEN(k_normal)},
    {"trunc_normal", SIMDINIT_DIST_TRUNC_NORMAL, k_trunc, ARRAY_LEN(k_trunc)},
    {"constant", SIMDINIT_DIST_CONSTANT, k_constant, ARRAY_LEN(k_constant)},
};

static const simdinit_dtype k_dtypes[] = {SIMDINIT_F32, SIMDINIT_F64, SIMDINIT_BF16,
                                          SIMDINIT_F16};

/* Elements per block (docs/STREAM.md): the seeding unit of the stream. */
static uint64_t block_elems(simdinit_dtype t) { return t == SIMDINIT_F64 ? 2048 : 4096; }
#define GROUP 16

/* Offsets: inside, at and across group and block edges, far away, and the
 * very end of the 2^64 index space. */
static const uint64_t k_offsets[] = {
    0, 1, 15, 16, 17, 2047, 2048, 2049, 4095, 4096, 4097, 8191, 12288 - 5,
    (UINT64_C(1) << 33) + 3, (UINT64_C(1) << 40) - 7, UINT64_MAX - 8300, UINT64_MAX - 1100,
};

static const uint64_t k_seeds[] = {UINT64_C(0x0123456789abcdef), 0, 42, UINT64_MAX};
static const uint64_t k_streams[] = {0, 1, UINT64_C(0x8000000000000000), UINT64_MAX};

/* The full 0..FULL_N sweep. */
#define FULL_N 1100

/* Output placements inside a guarded arena. */
typedef struct placement {
    const char *name;
    int at_start;   /* 0: end side (guard after), 1: start side (guard before) */
    int shift;      /* -1: end exactly at the guard; else out % 64 == shift */
} placement;

static const placement k_places[] = {
    {"end-abut", 0, -1}, {"end/a64", 0, 0}, {"end/+1", 0, 1}, {"end/+2", 0, 2},
    {"end/+3", 0, 3}, {"end/a32", 0, 32}, {"start/a64", 1, 0}, {"start/+1", 1, 1},
    {"start/+2", 1, 2}, {"start/+3", 1, 3}, {"start/a32", 1, 32},
};
/* The placements of the full sweep: end-abutting, start + 1 byte, start 64-aligned. */
static const int k_full_places[] = {0, 7, 6};

/* ------------------------------------------------------------------------ */
/* Guarded arenas                                                            */
/* ------------------------------------------------------------------------ */

typedef struct arena {
    unsigned char *map;   /* whole mapping, guard pages included */
    size_t map_len;
    unsigned char *lo;    /* first usable byte (just after the low guard page) */
    unsigned char *hi;    /* one past the last usable byte (the high guard page) */
} arena;

static size_t g_page;

static int arena_init(arena *a, size_t usable)
{
    usable = (usable + g_page - 1) / g_page * g_page;
    a->map_len = usable + 2 * g_page;
    void *m = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    a->map = m;
    a->lo = a->map + g_page;
    a->hi = a->lo + usable;
    if (mprotect(a->map, g_page, PROT_NONE) || mprotect(a->hi, g_page, PROT_NONE))
        return -1;
    return 0;
}

static void arena_free(arena *a)
{
    if (a->map)
        munmap(a->map, a->map_len);
    a->map = NULL;
}

/* Where `bytes` go in arena `a` for placement `pl`. */
static unsigned char *place(const arena *a, const placement *pl, size_t bytes)
{
    if (pl->at_start)
        return a->lo + pl->shift;
    if (pl->shift < 0)
        return a->hi - bytes;
    uintptr_t p = (uintptr_t)(a->hi - bytes) & ~(uintptr_t)63;
    p += (uintptr_t)pl->shift;
    if (p + bytes > (uintptr_t)a->hi)
        p -= 64;
    return (unsigned char *)p;
}

/* Canaries: CANARY_W bytes on each side of the output (clipped to the arena),
 * a position-dependent pattern so a shifted copy cannot match by accident. */
#define CANARY_W 256
static unsigned char canary_at(size_t k) { return (unsigned char)(0x5a + 37 * k + (k >> 8)); }

typedef struct window {
    unsigned char *w0, *w1;   /* checked window [w0, w1) */
} window;

static window prepare(const arena *a, unsigned char *out, size_t bytes, unsigned char poison)
{
    window w;
    w.w0 = out - a->lo > CANARY_W ? out - CANARY_W : a->lo;
    w.w1 = a->hi - (out + bytes) > CANARY_W ? out + bytes + CANARY_W : a->hi;
    for (unsigned char *p = w.w0; p < out; p++)
        *p = canary_at((size_t)(p - w.w0));
    memset(out, poison, bytes);
    for (unsigned char *p = out + bytes; p < w.w1; p++)
        *p = canary_at((size_t)(p - w.w0));
    return w;
}

/* Returns the byte distance of the first broken canary from the output
 * (negative: before out, positive: past the end, 1-based), 0 when intact. */
static long canary_broken(window w, const unsigned char *out, size_t bytes)
{
    for (const unsigned char *p = out; p > w.w0; p--)
        if (p[-1] != canary_at((size_t)(p - 1 - w.w0)))
            return -(long)(out - (p - 1));
    for (const unsigned char *p = out + bytes; p < w.w1; p++)
        if (*p != canary_at((size_t)(p - w.w0)))
            return (long)(p - (out + bytes)) + 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Crash reporting                                                           */
/* ------------------------------------------------------------------------ */

static char g_case[512];  /* the case being run, for the signal handler */

static void on_crash(int sig)
{
    static const char pre[] = "\ncheckasm: FATAL signal ";
    char num[8];
    int k = 0;
    if (sig >= 10) num[k++] = (char)('0' + sig / 10);
    num[k++] = (char)('0' + sig % 10);
    (void)!write(2, pre, sizeof pre - 1);
    (void)!write(2, num, (size_t)k);
    static const char mid[] = " (a write outside [out, out+n) hit a guard page?) in case: ";
    (void)!write(2, mid, sizeof mid - 1);
    (void)!write(2, g_case, strlen(g_case));
    (void)!write(2, "\n", 1);
    _exit(3);
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = (int)SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A 64-bit hash of a byte range (8 bytes a step, unaligned-safe). */
static uint64_t hash_bytes(const unsigned char *p, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    h ^= h >> 32;
    h *= UINT64_C(0xd6e8feb86659fd93);
    return h ^ (h >> 32);
}

/* Fill [offset, offset + n) as the given backend does. `split` cuts the range
 * into up to 4 calls at pseudo-random points (the scalar-only mode). */
static simdinit_status do_fill(simdinit_backend be, int split, void *out, simdinit_dtype dt,
                               size_t n, uint64_t off, uint64_t seed, uint64_t stream,
                               const simdinit_dist *d)
{
    simdinit_status s = simdinit_set_backend(be);
    if (s != SIMDINIT_OK)
        return s;
    if (!split || n < 2)
        return simdinit_fill(out, dt, n, off, seed, stream, d);
    size_t size = simdinit_dtype_size(dt);
    uint64_t r = n * UINT64_C(0x9e37) ^ off ^ seed;
    size_t done = 0;
    for (int piece = 0; piece < 4 && done < n; piece++) {
        size_t left = n - done;
        size_t take = piece == 3 ? left : 1 + (size_t)(splitmix(&r) % left);
        s = simdinit_fill((unsigned char *)out + done * size, dt, take, off + done, seed, stream, d);
        if (s != SIMDINIT_OK)
            return s;
        done += take;
    }
    if (done < n)
        s = simdinit_fill((unsigned char *)out + done * size, dt, n - done, off + done, seed,
                          stream, d);
    return s;
}

/* ------------------------------------------------------------------------ */
/* The comparison                                                            */
/* ------------------------------------------------------------------------ */

typedef struct options {
    int bench, large, quick;
    const char *only_dist, *only_dtype, *only_backend;
} options;

typedef struct tally {
    unsigned long cases, failed;
} tally;

static arena g_ref, g_test;
static int g_reported;   /* failure details printed so far */
#define MAX_REPORTS 30

typedef struct target {
    simdinit_backend be;   /* the backend under test */
    int split;             /* scalar-only mode: compare against split fills */
} target;

static void report(const char *what)
{
    if (g_reported++ < MAX_REPORTS)
        fprintf(stderr, "FAIL: %s: %s\n", g_case, what);
    else if (g_reported == MAX_REPORTS + 1)
        fprintf(stderr, "(further failures not shown)\n");
}

/* One reference fill (scalar) compared against every (target, placement) in the lists. */
static void check_range(const param_set *ps, simdinit_dtype dt, size_t n, uint64_t off,
                        uint64_t seed, uint64_t stream, const target *tg, size_t ntg,
                        const int *places, size_t nplaces, unsigned long ref_rot, tally *tl)
{
    const size_t size = simdinit_dtype_size(dt);
    const size_t bytes = n * size;
    /* The reference goes to a placement that rotates with the case counter,
     * so the scalar backend also writes at every alignment against a guard. */
    const placement *rpl = &k_places[ref_rot % ARRAY_LEN(k_places)];
    unsigned char *rout = place(&g_ref, rpl, bytes);
    snprintf(g_case, sizeof g_case, "%s %s n=%zu offset=%" PRIu64 " seed=%#" PRIx64
             " stream=%#" PRIx64 " backend=scalar(ref) placement=%s",
             ps->label, simdinit_dtype_name(dt), n, off, seed, stream, rpl->name);
    window rw = prepare(&g_ref, rout, bytes, 0xcd);
    simdinit_status rs = do_fill(SIMDINIT_BACKEND_SCALAR, 0, rout, dt, n, off, seed, stream,
                                 &ps->d);
    int ref_bad = 0;
    if (rs != SIMDINIT_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "reference fill returned %d (%s)", (int)rs,
                 simdinit_strerror(rs));
        report(msg);
        ref_bad = 1;
    } else if (canary_broken(rw, rout, bytes)) {
        report("scalar reference wrote outside [out, out+n)");
        ref_bad = 1;
    }

    for (size_t t = 0; t < ntg; t++) {
        for (size_t pi = 0; pi < nplaces; pi++) {
            const placement *pl = &k_places[places[pi]];
            unsigned char *out = place(&g_test, pl, bytes);
            snprintf(g_case, sizeof g_case, "%s %s n=%zu offset=%" PRIu64 " seed=%#" PRIx64
                     " stream=%#" PRIx64 " backend=%s%s placement=%s",
                     ps->label, simdinit_dtype_name(dt), n, off, seed, stream,
                     simdinit_backend_name(tg[t].be), tg[t].split ? "(split)" : "", pl->name);
            window w = prepare(&g_test, out, bytes, 0x3c);
            simdinit_status s = do_fill(tg[t].be, tg[t].split, out, dt, n, off, seed, stream,
                                        &ps->d);
            tl[t].cases++;
            char msg[256];
            long cb;
            if (ref_bad) {
                tl[t].failed++;
                continue;
            }
            if (s != SIMDINIT_OK) {
                snprintf(msg, sizeof msg, "fill returned %d (%s)", (int)s, simdinit_strerror(s));
                report(msg);
                tl[t].failed++;
            } else if ((cb = canary_broken(w, out, bytes)) != 0) {
                snprintf(msg, sizeof msg, "wrote outside [out, out+n): canary %ld byte(s) %s",
                         cb < 0 ? -cb : cb, cb < 0 ? "before out" : "past the end");
                report(msg);
                tl[t].failed++;
            } else if (memcmp(out, rout, bytes) != 0) {
                size_t k = 0;
                while (k < n && memcmp(out + k * size, rout + k * size, size) == 0)
                    k++;
                uint64_t a = 0, b = 0;
                memcpy(&a, rout + k * size, size);
                memcpy(&b, out + k * size, size);
                snprintf(msg, sizeof msg,
                         "mismatch at element %zu (tensor index %" PRIu64 "): scalar %#" PRIx64
                         ", got %#" PRIx64,
                         k, off + k, a, b);
                report(msg);
                tl[t].failed++;
            }
        }
    }
}

/* Lengths of the sparse sweep for a given offset (sorted, unique, capped so
 * offset + n - 1 does not overflow). */
static size_t sparse_lengths(simdinit_dtype dt, uint64_t off, size_t *ns, size_t cap)
{
    static const size_t base[] = {0,   1,   2,   3,   4,   5,   6,   7,   8,   9,    10,   11,
                                  12,  13,  14,  15,  16,  17,  31,  32,  33,  47,   48,   49,
                                  63,  64,  65,  127, 128, 129, 255, 256, 257, 511,  512,  513,
                                  1023, 1024, 1025, 1099, 1100};
    size_t k = 0;
    for (size_t i = 0; i < ARRAY_LEN(base); i++)
        ns[k++] = base[i];
    const uint64_t blk = block_elems(dt);
    /* lengths that end at / around the next group edge and the next block edges */
    uint64_t dg = (GROUP - off % GROUP) % GROUP, db = (blk - off % blk) % blk;
    const uint64_t ends[] = {dg, dg + GROUP, db, db + blk, db + 2 * blk};
    for (size_t i = 0; i < ARRAY_LEN(ends); i++)
        for (int d = -1; d <= 1; d++)
            if ((int64_t)ends[i] + d >= 0)
                ns[k++] = (size_t)((int64_t)ends[i] + d);
    ns[k++] = (size_t)(2 * blk + 33);
    /* sort + unique */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && ns[j - 1] > ns[j]; j--) {
            size_t t = ns[j];
            ns[j] = ns[j - 1];
            ns[j - 1] = t;
        }
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && ns[m - 1] == ns[i])
            continue;
        if (ns[i] > cap)
            continue;
        if (ns[i] > 0 && (uint64_t)(ns[i] - 1) > UINT64_MAX - off)
            continue;
        ns[m++] = ns[i];
    }
    return m;
}

#define MAX_SPARSE_N (3 * 4096 + 64)

/* Large fills (non-temporal path): reference hash vs every target's hash. */
static void check_large(const param_set *ps, simdinit_dtype dt, const target *tg, size_t ntg,
                        tally *tl)
{
    const size_t size = simdinit_dtype_size(dt);
    static const struct {
        size_t n;
        uint64_t off;
        int at_start, shift;
    } cases[] = {
        {(size_t)5 << 20, 0, 0, -1},                 /* end abuts the guard, page-aligned */
        {((size_t)9 << 20) + 7, 4097, 1, 3},         /* start after the guard + 3 bytes */
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        size_t n = cases[c].n, bytes = n * size;
        arena a = {0};
        if (arena_init(&a, bytes + 4096) != 0) {
            fprintf(stderr, "checkasm: cannot map %zu bytes\n", bytes);
            for (size_t t = 0; t < ntg; t++) {
                tl[t].cases++;
                tl[t].failed++;
            }
            continue;
        }
        placement pl = {"large", cases[c].at_start, cases[c].shift};
        unsigned char *out = place(&a, &pl, bytes);
        uint64_t seed = k_seeds[c % 4], stream = k_streams[(c + 1) % 4];
        snprintf(g_case, sizeof g_case, "LARGE %s %s n=%zu offset=%" PRIu64 " backend=scalar(ref)",
                 ps->label, simdinit_dtype_name(dt), n, cases[c].off);
        window w = prepare(&a, out, bytes, 0xcd);
        simdinit_status rs = do_fill(SIMDINIT_BACKEND_SCALAR, 0, out, dt, n, cases[c].off, seed,
                                     stream, &ps->d);
        int ref_bad = rs != SIMDINIT_OK || canary_broken(w, out, bytes) != 0;
        if (ref_bad)
            report("scalar reference large fill failed or wrote out of bounds");
        uint64_t href = hash_bytes(out, bytes);
        /* every target with cached and with streaming stores, whatever the
         * run's policy: the large fills are where the streaming path matters */
        simdinit_stores run_policy = simdinit_active_stores();
        for (size_t tt = 0; tt < 2 * ntg; tt++) {
            size_t t = tt / 2;
            simdinit_stores pol = tt % 2 ? SIMDINIT_STORES_STREAMING : SIMDINIT_STORES_CACHED;
            simdinit_set_stores(pol);
            snprintf(g_case, sizeof g_case, "LARGE %s %s n=%zu offset=%" PRIu64 " backend=%s%s stores=%s",
                     ps->label, simdinit_dtype_name(dt), n, cases[c].off,
                     simdinit_backend_name(tg[t].be), tg[t].split ? "(split)" : "",
                     simdinit_stores_name(pol));
            w = prepare(&a, out, bytes, 0x3c);
            simdinit_status s = do_fill(tg[t].be, tg[t].split, out, dt, n, cases[c].off, seed,
                                        stream, &ps->d);
            tl[t].cases++;
            uint64_t h = hash_bytes(out, bytes);
            char msg[200];
            if (ref_bad) {
                tl[t].failed++;
            } else if (s != SIMDINIT_OK || canary_broken(w, out, bytes)) {
                report("large fill failed or wrote out of bounds");
                tl[t].failed++;
            } else if (h != href) {
                snprintf(msg, sizeof msg, "hash %#" PRIx64 " != scalar %#" PRIx64, h, href);
                report(msg);
                tl[t].failed++;
            }
        }
        simdinit_set_stores(run_policy);
        arena_free(&a);
    }
}

/* Scalar elements per second of one parameter set: the best of 5 fills of
 * 4096 elements after a warm-up (the fast sets run >= 10 Melem/s, the slow
 * ones ~1, so a busy machine does not blur the line). */
#define SLOW_RATE 5e6
static double scalar_rate(const param_set *ps, simdinit_dtype dt)
{
    enum { N = 4096 };
    static double buf[N];
    simdinit_set_backend(SIMDINIT_BACKEND_SCALAR);
    simdinit_fill(buf, dt, N, 12345, 1, 2, &ps->d);
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now_s();
        simdinit_fill(buf, dt, N, 12345 + (uint64_t)r * N, 1, 2, &ps->d);
        double t = now_s() - t0;
        if (t < best)
            best = t;
    }
    return best > 0 ? N / best : 1e30;
}

static int selected(const char *only, const char *name) { return !only || !strcmp(only, name); }

static int run_checks(const options *o)
{
    target tg[SIMDINIT_BACKEND_COUNT];
    size_t ntg = 0;
    for (int b = SIMDINIT_BACKEND_SCALAR + 1; b < SIMDINIT_BACKEND_COUNT; b++)
        if (simdinit_backend_usable((simdinit_backend)b) &&
            selected(o->only_backend, simdinit_backend_name((simdinit_backend)b)))
            tg[ntg++] = (target){(simdinit_backend)b, 0};
    if (ntg == 0) {
        if (o->only_backend && strcmp(o->only_backend, "scalar") != 0) {
            fprintf(stderr, "checkasm: backend '%s' is not usable here\n", o->only_backend);
            return 2;
        }
        printf("checkasm: %s: checking scalar against split fills (the same range in up to 4 "
               "calls) instead of another backend\n",
               o->only_backend ? "--backend=scalar" : "only the scalar backend is usable here");
        tg[ntg++] = (target){SIMDINIT_BACKEND_SCALAR, 1};
    }

    if (arena_init(&g_ref, MAX_SPARSE_N * 8 + 2 * CANARY_W + 128) ||
        arena_init(&g_test, MAX_SPARSE_N * 8 + 2 * CANARY_W + 128)) {
        fprintf(stderr, "checkasm: mmap/mprotect failed\n");
        return 2;
    }

    unsigned long passed = 0, failed = 0, rot = 0;
    size_t ns[128];
    static const int all_places[ARRAY_LEN(k_places)] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    /* Split fills (scalar only) and --quick (emulators): fewer placements per range. */
    static const int few_places[] = {0, 4, 7};
    const int reduced = o->quick || tg[0].split;
    const int *sparse_places = reduced ? few_places : all_places;
    const size_t n_sparse_places = reduced ? ARRAY_LEN(few_places) : ARRAY_LEN(all_places);
    const int n_full_offs = o->quick ? 1 : 3;
    const double t_start = now_s();

    for (size_t di = 0; di < ARRAY_LEN(k_dists); di++) {
        const dist_info *dist = &k_dists[di];
        if (!selected(o->only_dist, dist->name))
            continue;
        for (size_t ti = 0; ti < ARRAY_LEN(k_dtypes); ti++) {
            const simdinit_dtype dt = k_dtypes[ti];
            if (!selected(o->only_dtype, simdinit_dtype_name(dt)))
                continue;
            const double t0 = now_s();
            tally tl[SIMDINIT_BACKEND_COUNT] = {{0}};
            for (size_t si = 0; si < dist->nsets; si++) {
                const param_set *ps = &dist->sets[si];
                if (simdinit_dist_check(&ps->d, dt) != SIMDINIT_OK) {
                    printf("  (skipping %s for %s: %s)\n", ps->label, simdinit_dtype_name(dt),
                           simdinit_strerror(simdinit_dist_check(&ps->d, dt)));
                    continue;
                }
                /* Full sweep, first parameter set: n = 0..1100 at 3 offsets x 3 placements. */
                if (si == 0) {
                    const uint64_t full_offs[3] = {0, 17, block_elems(dt) - 5};
                    for (int fo = 0; fo < n_full_offs; fo++)
                        for (size_t n = 0; n <= FULL_N; n++, rot++)
                            check_range(ps, dt, n, full_offs[fo], k_seeds[fo], k_streams[fo], tg,
                                        ntg, k_full_places, ARRAY_LEN(k_full_places), rot, tl);
                }
                /* Sparse sweep: every offset x every placement. A parameter set
                 * whose scalar fill is slow gets 3 placements and ranges of at most
                 * one block crossing, so the default run stays short. */
                const double rate = scalar_rate(ps, dt);
                const int slow = rate < SLOW_RATE;
                if (slow)
                    printf("  (%s %s: scalar runs %.2f Melem/s: sparse sweep at 3 placements, "
                           "ranges up to one block)\n", ps->label, simdinit_dtype_name(dt),
                           rate * 1e-6);
                for (size_t oi = 0; oi < ARRAY_LEN(k_offsets); oi++) {
                    const uint64_t off = k_offsets[oi];
                    const uint64_t seed = k_seeds[(oi + si) % 4];
                    const uint64_t stream = k_streams[(oi / 4 + si) % 4];
                    size_t m = sparse_lengths(dt, off, ns,
                                              slow ? (size_t)block_elems(dt) + 1 : MAX_SPARSE_N);
                    for (size_t k = 0; k < m; k++, rot++)
                        check_range(ps, dt, ns[k], off, seed, stream, tg, ntg,
                                    slow ? few_places : sparse_places,
                                    slow ? ARRAY_LEN(few_places) : n_sparse_places, rot, tl);
                }
                if (o->large && si == 0)
                    check_large(ps, dt, tg, ntg, tl);
            }
            for (size_t t = 0; t < ntg; t++) {
                printf("%-13s %-5s %-7s %8lu cases  %s%s  (%.2f s)\n", dist->name,
                       simdinit_dtype_name(dt), simdinit_backend_name(tg[t].be), tl[t].cases,
                       tl[t].failed ? "FAILED " : "ok", tg[t].split ? " [vs split scalar fills]" : "",
                       now_s() - t0);
                if (tl[t].failed)
                    printf("    %lu of them failed\n", tl[t].failed);
                passed += tl[t].cases - tl[t].failed;
                failed += tl[t].failed;
            }
            fflush(stdout);
        }
    }
    arena_free(&g_ref);
    arena_free(&g_test);
    printf("%lu passed, %lu failed  (%.1f s)\n", passed, failed, now_s() - t_start);
    return failed ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* --bench                                                                   */
/* ------------------------------------------------------------------------ */

static volatile unsigned char g_sink;

/* Best time of one call of f. Small buffers: calls are batched so a batch
 * takes >= ~20 us, and the fastest of many batches (for ~0.2 s) is kept, so a
 * busy machine's preemptions fall outside the minimum. Large buffers: best of
 * 3 single calls. A warm-up call first faults the pages in. */
typedef int (*timed_fn)(void *ctx);

static double best_time(timed_fn f, void *ctx, size_t bytes)
{
    if (f(ctx))
        return -1;
    double best = 1e30;
    if (bytes >= ((size_t)64 << 20)) {
        for (int r = 0; r < 3; r++) {
            double t0 = now_s();
            f(ctx);
            double t = now_s() - t0;
            if (t < best) best = t;
        }
        return best;
    }
    unsigned long reps = 1;
    for (;;) {  /* calibrate the batch */
        double t0 = now_s();
        for (unsigned long r = 0; r < reps; r++)
            f(ctx);
        if (now_s() - t0 > 20e-6 || reps > (1ul << 24))
            break;
        reps *= 2;
    }
    const double stop = now_s() + 0.2;
    for (int batch = 0; batch < 20000 && (batch < 10 || now_s() < stop); batch++) {
        double t0 = now_s();
        for (unsigned long r = 0; r < reps; r++)
            f(ctx);
        double t = (now_s() - t0) / (double)reps;
        if (t < best) best = t;
    }
    return best;
}

typedef struct bench_ctx {
    void *buf;
    size_t n, bytes;
    simdinit_dtype dt;
    const simdinit_dist *d;
} bench_ctx;

static int bench_fill_fn(void *v)
{
    bench_ctx *c = v;
    return simdinit_fill(c->buf, c->dt, c->n, 0, 1, 0, c->d) != SIMDINIT_OK;
}

static int bench_memset_fn(void *v)
{
    bench_ctx *c = v;
    memset(c->buf, 0, c->bytes);
    g_sink = ((unsigned char *)c->buf)[c->bytes - 1];
    return 0;
}

static int run_bench(const options *o)
{
    static const size_t sizes[] = {(size_t)4 << 10, (size_t)256 << 10, (size_t)256 << 20};
    static const char *size_names[] = {"4KiB", "256KiB", "256MiB"};
    void *buf = NULL;
    if (posix_memalign(&buf, 64, sizes[2]) != 0) {
        fprintf(stderr, "checkasm: cannot allocate the bench buffer\n");
        return 2;
    }
    memset(buf, 0, sizes[2]);
    printf("checkasm --bench: Gelem/s, one thread, buffer 64-byte aligned, best time\n");
    printf("%-13s %-5s %-7s %10s %10s %10s   %s\n", "dist", "dtype", "backend", size_names[0],
           size_names[1], size_names[2], "x scalar @256KiB");
    for (size_t ti = 0; ti < ARRAY_LEN(k_dtypes); ti++) {
        const simdinit_dtype dt = k_dtypes[ti];
        if (!selected(o->only_dtype, simdinit_dtype_name(dt)))
            continue;
        const size_t esz = simdinit_dtype_size(dt);
        double r[3];
        for (int s = 0; s < 3; s++) {
            bench_ctx c = {buf, sizes[s] / esz, sizes[s], dt, NULL};
            r[s] = (double)c.n / best_time(bench_memset_fn, &c, sizes[s]) * 1e-9;
        }
        printf("%-13s %-5s %-7s %10.3f %10.3f %10.3f\n", "memset", simdinit_dtype_name(dt), "libc",
               r[0], r[1], r[2]);
        for (size_t di = 0; di < ARRAY_LEN(k_dists); di++) {
            const dist_info *dist = &k_dists[di];
            if (!selected(o->only_dist, dist->name))
                continue;
            const simdinit_dist *d = &dist->sets[0].d;
            double scalar_mid = 0;
            for (int b = SIMDINIT_BACKEND_SCALAR; b < SIMDINIT_BACKEND_COUNT; b++) {
                if (!simdinit_backend_usable((simdinit_backend)b) ||
                    !selected(o->only_backend, simdinit_backend_name((simdinit_backend)b)))
                    continue;
                simdinit_set_backend((simdinit_backend)b);
                for (int s = 0; s < 3; s++) {
                    bench_ctx c = {buf, sizes[s] / esz, sizes[s], dt, d};
                    double t = best_time(bench_fill_fn, &c, sizes[s]);
                    r[s] = t > 0 ? (double)c.n / t * 1e-9 : 0.0;
                }
                if (b == SIMDINIT_BACKEND_SCALAR)
                    scalar_mid = r[1];
                printf("%-13s %-5s %-7s %10.3f %10.3f %10.3f", dist->name, simdinit_dtype_name(dt),
                       simdinit_backend_name((simdinit_backend)b), r[0], r[1], r[2]);
                if (b != SIMDINIT_BACKEND_SCALAR && scalar_mid > 0)
                    printf("   %.2fx", r[1] / scalar_mid);
                printf("\n");
                fflush(stdout);
            }
        }
    }
    free(buf);
    return 0;
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: checkasm [--bench] [--dist=uniform|normal|trunc_normal|constant]\n"
            "                [--dtype=f32|f64|bf16|f16] [--backend=NAME] [--no-large] [--quick]\n"
            "                [--stores=auto|cached|streaming]\n"
            "Compares every usable SIMD backend with the scalar reference, bit for bit,\n"
            "with guard pages and canaries around every output. --bench times the kernels.\n");
}

int main(int argc, char **argv)
{
    options o = {0, 1, 0, NULL, NULL, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--bench")) o.bench = 1;
        else if (!strcmp(a, "--no-large")) o.large = 0;
        else if (!strcmp(a, "--quick")) o.quick = 1;
        else if (!strncmp(a, "--dist=", 7)) o.only_dist = a + 7;
        else if (!strncmp(a, "--dtype=", 8)) o.only_dtype = a + 8;
        else if (!strncmp(a, "--backend=", 10)) o.only_backend = a + 10;
        else if (!strncmp(a, "--stores=", 9)) {
            simdinit_stores m;
            if (simdinit_stores_from_name(a + 9, &m) != SIMDINIT_OK) {
                fprintf(stderr, "checkasm: unknown store policy '%s' (auto, cached, streaming)\n", a + 9);
                return 2;
            }
            simdinit_set_stores(m);
        }
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        else { usage(stderr); return 2; }
    }
    g_page = (size_t)sysconf(_SC_PAGESIZE);
    install_handlers();

    printf("checkasm: simdinit %s, backends usable:", simdinit_version());
    for (int b = SIMDINIT_BACKEND_SCALAR; b < SIMDINIT_BACKEND_COUNT; b++)
        if (simdinit_backend_usable((simdinit_backend)b))
            printf(" %s", simdinit_backend_name((simdinit_backend)b));
    printf("; stores %s; cpu features:", simdinit_stores_name(simdinit_active_stores()));
    unsigned f = simdinit_cpu_features();
    for (unsigned bit = 1; bit; bit <<= 1)
        if ((f & bit) && simdinit_cpu_feature_name(bit))
            printf(" %s", simdinit_cpu_feature_name(bit));
    printf("\n");

    int rc = o.bench ? run_bench(&o) : run_checks(&o);
    simdinit_set_backend(SIMDINIT_BACKEND_AUTO);
    return rc;
}
