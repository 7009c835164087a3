/*
 * libFuzzer harness over the public API (issue 15). Each input is one
 * operation, chosen by its first byte, with arguments read from the rest:
 *   0-3  a fill of any dist / dtype (including invalid enums), with NaN,
 *        infinite, huge, tiny and subnormal parameters and offsets near 2^64;
 *   4    a 2-D shard;   5  a scheme fill;   6  init_tensors;
 *   7    numel and fans of arbitrary shapes;   8  plan_chunks alone.
 * Properties checked (abort() on violation, so libFuzzer saves the input):
 *  - a non-OK status writes nothing (canary bytes around and inside), and
 *    rejecting a parameter leaves FE_INVALID clear;
 *  - simdinit_dist_check gives the fill's validation status;
 *  - OK results: nothing outside out[0 .. n-1] is touched; uniform values lie
 *    in [low, high), truncated-normal values in [a, b], every value is finite,
 *    constants are constant; when the standardized lower bound overflows the
 *    values are the near bound;
 *  - every usable backend (scalar, avx2, avx512 through simdinit_set_backend),
 *    any split into two calls, simdinit_fill_mt with 1-4 threads and the
 *    chunks of simdinit_plan_chunks give the bits of one call; shards equal
 *    the rows of the full fill; scheme fills equal the fill of
 *    simdinit_scheme_dist; init_tensors equals per-tensor fills;
 *  - numel/fans agree with a 128-bit reference;
 *  - each call returns within CALL_LIMIT_S (n is capped so inputs are quick).
 * Reproducers of the defects are in tests/fuzz/corpus/api/ (made by
 * tests/fuzz/make_corpus_api.py).
 */
// fuzz-sources:
#define _POSIX_C_SOURCE 200809L
#include <fenv.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"   /* si_block_elems for the plan_chunks block property */
#include "hard_util.h"
#include "fuzz/fuzz_check.h"

#define CALL_LIMIT_S 2.0
#define MAX_N 4096
#define PAD 64          /* canary bytes before and after every output */

/* ---- input reader ------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n;
} rd;

static uint8_t u8(rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static uint64_t raw64(rd *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)u8(r) << (8 * i);
    return v;
}

/* An integer: raw, near 2^64, small, a power of two +- a little. */
static uint64_t u64(rd *r)
{
    uint8_t s = u8(r);
    switch (s & 7) {
    case 0: return raw64(r);
    case 1: return UINT64_MAX - u8(r);
    case 2: return u8(r);
    case 3: return (uint64_t)u8(r) | (uint64_t)u8(r) << 8;
    case 4: return (UINT64_C(1) << (u8(r) & 63)) + (uint64_t)(int8_t)u8(r);
    case 5: return UINT64_MAX - ((uint64_t)u8(r) | (uint64_t)u8(r) << 8);
    default: return s >> 3;
    }
}

static const double k_special[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 0.02, 3.0, 1e-3,
    5e-324, -5e-324, 1e-320, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-60, 1e-45,
    1.1754943508222875e-38, 1e-30, 1e-10, 1e10, 1e30, 1e38, 3.4e38, 0x1.fep127,
    3.4028234663852886e38, 3.5e38, 1e39, 1e40, 65504.0, 65504.5, 65520.0, 7e4, 8e4, 6e4,
    1e300, 1e308, DBL_MAX, -DBL_MAX, -1e300, -65504.0, -3.4028234663852886e38, -1e39,
    NAN, -NAN, INFINITY, -INFINITY, 0x1p-1074, 0x1p-1022, 0x1p-149, 0x1p-24, 0x1p-14,
};
#define NSPECIAL (sizeof k_special / sizeof k_special[0])

/* A double: a special value, a small multiple of 1/8, or raw bits. */
static double f64(rd *r)
{
    uint8_t s = u8(r);
    if (s < NSPECIAL)
        return k_special[s];
    if (s < 240)
        return ((int)s - 148) / 8.0;
    uint64_t b = raw64(r);
    double d;
    memcpy(&d, &b, 8);
    return d;
}

static size_t count(rd *r)
{
    uint8_t s = u8(r);
    if (s < 200)
        return s;
    return ((size_t)u8(r) | (size_t)u8(r) << 8) % (MAX_N + 1);
}

/* ---- checks --------------------------------------------------------------- */


static double g_t0;
static void timer_start(void) { g_t0 = hard_now(); }
static void timer_check(const char *what)
{
    double el = hard_now() - g_t0;
    REQUIRE(el < CALL_LIMIT_S, "%s took %.3f s", what, el);
}

static unsigned char g_a[PAD + 8 * MAX_N + PAD + 16], g_b[PAD + 8 * MAX_N + PAD + 16],
    g_c[PAD + 8 * MAX_N + PAD + 16];
#define OUT(buf) ((void *)((buf) + PAD + 1))   /* misaligned on purpose */

/* Bytes of a buffer an operation may touch plus its trailing canary: only
 * these are filled and compared (keeps an input at a few microseconds). */
static size_t region(size_t n, size_t es) { return PAD + 1 + n * es + PAD; }

static int canary_ok(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != T_CANARY)
            return 0;
    return 1;
}

/* Only out[0 .. n-1] of buf changed. */
static int outside_ok(const unsigned char *buf, size_t n, size_t es)
{
    size_t used = PAD + 1 + n * es;
    return canary_ok(buf, PAD + 1) && canary_ok(buf + used, PAD);
}

static simdinit_backend g_backends[SIMDINIT_BACKEND_COUNT];
static int g_nbackends = -1;

static int valid_dtype(simdinit_dtype t) { return (unsigned)t <= SIMDINIT_F16; }

/* The values of an OK fill lie where the header promises. */
static void check_values(const void *out, simdinit_dtype dt, size_t n, const simdinit_dist *d)
{
    double first = n ? hard_value(out, dt, 0) : 0;
    double tlo = 0, thi = 0, alpha = 0, beta = 0;
    if (d->kind == SIMDINIT_DIST_TRUNC_NORMAL) {
        tlo = hard_bound(d->a, dt, 1);
        thi = hard_bound(d->b, dt, 0);
        alpha = (tlo - d->mean) / d->std;
        beta = (thi - d->mean) / d->std;
    }
    for (size_t i = 0; i < n; i++) {
        double v = hard_value(out, dt, i);
        REQUIRE(isfinite(v), "value %zu not finite: %g", i, v);
        switch (d->kind) {
        case SIMDINIT_DIST_UNIFORM:
            if (d->low == d->high)
                REQUIRE(v == first, "uniform(low == high) not constant");
            else
                REQUIRE(v >= d->low && v < d->high, "uniform(%.17g, %.17g) %s [%zu] = %.17g",
                        d->low, d->high, simdinit_dtype_name(dt), i, v);
            break;
        case SIMDINIT_DIST_TRUNC_NORMAL:
            REQUIRE(v >= d->a && v <= d->b, "trunc_normal(%.17g, %.17g, [%.17g, %.17g]) %s "
                    "[%zu] = %.17g", d->mean, d->std, d->a, d->b, simdinit_dtype_name(dt), i, v);
            if (d->std > 0 && alpha == INFINITY)
                REQUIRE(v == tlo, "trunc_normal far above the mean: %.17g, want %.17g", v, tlo);
            if (d->std > 0 && beta == -INFINITY)
                REQUIRE(v == thi, "trunc_normal far below the mean: %.17g, want %.17g", v, thi);
            break;
        case SIMDINIT_DIST_NORMAL:
            if (d->std == 0)
                REQUIRE(v == first, "normal(std 0) not constant");
            break;
        default:
            REQUIRE(v == first, "constant not constant");
        }
    }
}

/* ---- operations ------------------------------------------------------------- */

static simdinit_dist read_dist(rd *r)
{
    simdinit_dist d;
    memset(&d, 0, sizeof d);
    d.kind = (simdinit_dist_kind)(u8(r) % 5);   /* 4: invalid */
    switch (d.kind) {
    case SIMDINIT_DIST_UNIFORM: d.low = f64(r); d.high = f64(r); break;
    case SIMDINIT_DIST_NORMAL: d.mean = f64(r); d.std = f64(r); break;
    case SIMDINIT_DIST_TRUNC_NORMAL:
        d.mean = f64(r); d.std = f64(r); d.a = f64(r); d.b = f64(r);
        break;
    default: d.value = f64(r); break;
    }
    return d;
}

static simdinit_dtype read_dtype(rd *r)
{
    uint8_t s = u8(r) % 9;
    return s < 8 ? (simdinit_dtype)(s & 3) : (simdinit_dtype)(99);
}

static void op_fill(rd *r)
{
    simdinit_dtype dt = read_dtype(r);
    simdinit_dist d = read_dist(r);
    size_t n = count(r);
    uint64_t offset = u64(r), seed = u64(r), stream = u64(r);
    size_t es = valid_dtype(dt) ? simdinit_dtype_size(dt) : 8;
    const size_t R = region(n, es);

    feclearexcept(FE_ALL_EXCEPT);
    timer_start();
    simdinit_status sc = simdinit_dist_check(&d, dt);
    timer_check("dist_check");
    if (sc != SIMDINIT_OK)
        REQUIRE(!fetestexcept(FE_INVALID), "dist_check %d raised FE_INVALID", (int)sc);

    t_canary_fill(g_a, R);
    feclearexcept(FE_ALL_EXCEPT);
    timer_start();
    simdinit_status s = simdinit_fill(OUT(g_a), dt, n, offset, seed, stream, &d);
    timer_check("fill");
    if (s != SIMDINIT_OK) {
        REQUIRE(canary_ok(g_a, R), "status %d but wrote", (int)s);
        if (s != SIMDINIT_ERR_OVERFLOW)
            REQUIRE(!fetestexcept(FE_INVALID), "status %d raised FE_INVALID", (int)s);
    }
    if (n > 0) {
        if (sc != SIMDINIT_OK)
            REQUIRE(s == sc, "fill %d, dist_check %d", (int)s, (int)sc);
        else
            REQUIRE(s == SIMDINIT_OK || s == SIMDINIT_ERR_OVERFLOW, "fill %d after check OK",
                    (int)s);
    } else {
        REQUIRE(s == sc, "n = 0: fill %d, dist_check %d", (int)s, (int)sc);
    }
    if (s != SIMDINIT_OK)
        return;
    REQUIRE(outside_ok(g_a, n, es), "wrote outside out[0 .. n-1]");
    check_values(OUT(g_a), dt, n, &d);
    if (n == 0)
        return;

    /* Every backend: the same bits. */
    for (int b = 0; b < g_nbackends; b++) {
        REQUIRE(simdinit_set_backend(g_backends[b]) == SIMDINIT_OK, "set_backend");
        t_canary_fill(g_b, R);
        timer_start();
        simdinit_status sb = simdinit_fill(OUT(g_b), dt, n, offset, seed, stream, &d);
        timer_check("fill (backend)");
        REQUIRE(sb == SIMDINIT_OK && memcmp(g_a, g_b, R) == 0,
                "backend %s differs (status %d)", simdinit_backend_name(g_backends[b]), (int)sb);
    }
    simdinit_set_backend(SIMDINIT_BACKEND_AUTO);

    /* Two calls split at k. */
    size_t k = n ? (size_t)(u64(r) % (n + 1)) : 0;
    t_canary_fill(g_b, R);
    REQUIRE(simdinit_fill(OUT(g_b), dt, k, offset, seed, stream, &d) == SIMDINIT_OK, "split 1");
    REQUIRE(simdinit_fill((unsigned char *)OUT(g_b) + k * es, dt, n - k, offset + k, seed, stream,
                          &d) == SIMDINIT_OK, "split 2");
    REQUIRE(memcmp(g_a, g_b, R) == 0, "split at %zu differs", k);

    /* Threads. */
    int nt = 1 + u8(r) % 4;
    t_canary_fill(g_b, R);
    timer_start();
    simdinit_status sm = simdinit_fill_mt(OUT(g_b), dt, n, offset, seed, stream, &d, nt);
    timer_check("fill_mt");
    REQUIRE(sm == SIMDINIT_OK && memcmp(g_a, g_b, R) == 0, "fill_mt(%d) differs", nt);

    /* plan_chunks. */
    size_t maxc = 1 + u8(r) % 8, bounds[9], nch = 99;
    REQUIRE(simdinit_plan_chunks(dt, &d, offset, n, maxc, bounds, &nch) == SIMDINIT_OK,
            "plan_chunks");
    REQUIRE(nch >= 1 && nch <= maxc && bounds[0] == 0 && bounds[nch] == n, "plan bounds");
    t_canary_fill(g_b, R);
    for (size_t c = nch; c-- > 0;) {   /* any order: backwards */
        REQUIRE(bounds[c] < bounds[c + 1], "plan not increasing");
        REQUIRE(simdinit_fill((unsigned char *)OUT(g_b) + bounds[c] * es, dt,
                              bounds[c + 1] - bounds[c], offset + bounds[c], seed, stream,
                              &d) == SIMDINIT_OK, "chunk fill");
    }
    REQUIRE(memcmp(g_a, g_b, R) == 0, "plan_chunks fills differ");
}

static void op_shard(rd *r)
{
    simdinit_dtype dt = read_dtype(r);
    simdinit_dist d = read_dist(r);
    uint64_t rows = u8(r) % 24, cols = u8(r) % 70;
    if (u8(r) == 255) { rows = u64(r); cols = u64(r); }   /* overflow paths */
    uint64_t r0 = u8(r) % 26, r1 = u8(r) % 26, c0 = u8(r) % 72, c1 = u8(r) % 72;
    size_t ld = u8(r) % 80;
    uint64_t seed = u64(r), stream = u64(r);
    size_t es = valid_dtype(dt) ? simdinit_dtype_size(dt) : 8;
    const size_t R = region(79 * 25 + 72, es);   /* the largest span a shard may have */
    t_canary_fill(g_a, R);
    timer_start();
    simdinit_status s = simdinit_fill_shard(OUT(g_a), ld, dt, rows, cols, r0, r1, c0, c1, seed,
                                            stream, &d);
    timer_check("fill_shard");
    if (s != SIMDINIT_OK) {
        REQUIRE(canary_ok(g_a, R), "shard status %d but wrote", (int)s);
        return;
    }
    uint64_t h = r1 - r0, w = c1 - c0;
    if (h == 0 || w == 0) {
        REQUIRE(canary_ok(g_a, R), "empty shard wrote");
        return;
    }
    REQUIRE(h <= 1 || ld >= w, "shard accepted ld < width");
    size_t span = (size_t)((h - 1) * ld + w);
    REQUIRE(outside_ok(g_a, span, es), "shard wrote outside its span");
    for (uint64_t i = 0; i < h; i++) {
        t_canary_fill(g_b, R);
        REQUIRE(simdinit_fill(OUT(g_b), dt, (size_t)w, (r0 + i) * cols + c0, seed, stream, &d) ==
                SIMDINIT_OK, "row fill");
        REQUIRE(memcmp((unsigned char *)OUT(g_a) + (size_t)i * ld * es, OUT(g_b), (size_t)w * es) ==
                0, "shard row %llu differs", (unsigned long long)i);
        if (i + 1 < h)   /* the gap between rows is untouched */
            REQUIRE(canary_ok((unsigned char *)OUT(g_a) + ((size_t)i * ld + w) * es,
                              (ld - w) * es), "shard wrote between rows");
    }
}

static void read_shape(rd *r, uint64_t shape[SIMDINIT_MAX_NDIM], int *ndim)
{
    uint8_t s = u8(r);
    *ndim = s % 6;
    if (s == 255)
        *ndim = (int)(int8_t)u8(r);   /* bad ndim */
    for (int i = 0; i < SIMDINIT_MAX_NDIM; i++)
        shape[i] = 0;
    for (int i = 0; i < *ndim && i < SIMDINIT_MAX_NDIM; i++) {
        uint8_t v = u8(r);
        shape[i] = v < 250 ? v % 9 : u64(r);
    }
}

static simdinit_scheme read_scheme(rd *r)
{
    simdinit_scheme sc = simdinit_scheme_default((simdinit_scheme_kind)(u8(r) % 14));
    uint8_t flags = u8(r);
    if (flags & 1) sc.gain = f64(r);
    if (flags & 2) sc.nonlinearity = (simdinit_nonlinearity)(u8(r) % 13);
    if (flags & 4) sc.a = f64(r);
    if (flags & 8) sc.mode = (simdinit_fan_mode)(u8(r) % 4);
    if (flags & 16) sc.scale = f64(r);
    if (flags & 32) sc.distribution = (simdinit_vs_distribution)(u8(r) % 4);
    return sc;
}

static void op_scheme(rd *r)
{
    simdinit_dtype dt = read_dtype(r);
    simdinit_scheme sc = read_scheme(r);
    uint64_t shape[SIMDINIT_MAX_NDIM];
    int ndim;
    read_shape(r, shape, &ndim);
    simdinit_layout lay = (simdinit_layout)(u8(r) % 3);
    size_t n = count(r);
    uint64_t offset = u8(r) == 0 ? u64(r) : u8(r), seed = u64(r), stream = u64(r);
    size_t es = valid_dtype(dt) ? simdinit_dtype_size(dt) : 8;
    const size_t R = region(n, es);
    t_canary_fill(g_a, R);
    feclearexcept(FE_ALL_EXCEPT);
    timer_start();
    simdinit_status s = simdinit_fill_scheme(OUT(g_a), dt, shape, ndim, lay, &sc, n, offset, seed,
                                             stream);
    timer_check("fill_scheme");
    if (s != SIMDINIT_OK) {
        REQUIRE(canary_ok(g_a, R), "scheme status %d but wrote", (int)s);
        if (s == SIMDINIT_ERR_NONFINITE)
            REQUIRE(!fetestexcept(FE_INVALID), "scheme NONFINITE raised FE_INVALID");
    } else {
        REQUIRE(outside_ok(g_a, n, es), "scheme wrote outside out[0 .. n-1]");
    }
    t_canary_fill(g_b, R);
    int nt = u8(r) % 4;
    simdinit_status sm = simdinit_fill_scheme_mt(OUT(g_b), dt, shape, ndim, lay, &sc, n, offset,
                                                 seed, stream, nt);
    REQUIRE(sm == s && memcmp(g_a, g_b, R) == 0, "fill_scheme_mt %d vs %d", (int)sm,
            (int)s);
    if (s != SIMDINIT_OK || n == 0)
        return;
    simdinit_dist d;
    REQUIRE(simdinit_scheme_dist(&sc, shape, ndim, lay, &d) == SIMDINIT_OK, "scheme_dist");
    t_canary_fill(g_c, R);
    REQUIRE(simdinit_fill(OUT(g_c), dt, n, offset, seed, stream, &d) == SIMDINIT_OK &&
            memcmp(g_a, g_c, R) == 0, "scheme fill != fill of scheme_dist");
    check_values(OUT(g_a), dt, n, &d);
}

/* init_tensors over up to 4 small tensors in g_a (slices of it). */
static void op_tensors(rd *r)
{
    simdinit_tensor t[4];
    simdinit_scheme sc[4];
    size_t cnt = u8(r) % 5, off = 0, start[4], numel[4];
    memset(t, 0, sizeof t);
    for (size_t i = 0; i < cnt; i++) {
        t[i].dtype = read_dtype(r);
        int ndim = u8(r) % 4;
        t[i].ndim = ndim;
        uint64_t ne = 1;
        for (int k = 0; k < ndim; k++) {
            t[i].shape[k] = u8(r) % 12;
            ne *= t[i].shape[k];
        }
        if (u8(r) == 255) {
            /* a shape whose element count overflows: must be rejected */
            t[i].ndim = 2;
            t[i].shape[0] = UINT64_MAX - u8(r);
            t[i].shape[1] = 2 + u8(r) % 5;
            ne = 0;
        }
        t[i].layout = (simdinit_layout)(u8(r) % 2);
        if (u8(r) & 1) {
            sc[i] = read_scheme(r);
            t[i].scheme = &sc[i];
        } else {
            t[i].dist = read_dist(r);
        }
        t[i].seed = u64(r);
        t[i].stream = u64(r);
        size_t es = valid_dtype(t[i].dtype) ? simdinit_dtype_size(t[i].dtype) : 8;
        if (ne * es > 8 * MAX_N - off) {
            t[i].shape[0] = 0;   /* does not fit in g_a: an empty tensor */
            ne = 0;
        }
        numel[i] = (size_t)ne;
        start[i] = off;
        t[i].out = (unsigned char *)OUT(g_a) + off;
        off += (size_t)ne * es;
    }
    int nt = u8(r) % 4;
    size_t failed = 12345;
    const size_t R = region(off, 1);
    t_canary_fill(g_a, R);
    timer_start();
    simdinit_status s = simdinit_init_tensors(t, cnt, nt, &failed);
    timer_check("init_tensors");
    if (s != SIMDINIT_OK) {
        REQUIRE(canary_ok(g_a, R), "init_tensors status %d but wrote", (int)s);
        REQUIRE(failed == 12345 || failed < cnt, "failed_index %zu of %zu", failed, cnt);
        return;
    }
    for (size_t i = 0; i < cnt; i++) {
        size_t es = simdinit_dtype_size(t[i].dtype);
        t_canary_fill(g_b, region(numel[i], es));
        simdinit_status s1 =
            t[i].scheme ? simdinit_fill_scheme(OUT(g_b), t[i].dtype, t[i].shape, t[i].ndim,
                                               t[i].layout, t[i].scheme, numel[i], 0, t[i].seed,
                                               t[i].stream)
                        : simdinit_fill(OUT(g_b), t[i].dtype, numel[i], 0, t[i].seed, t[i].stream,
                                        &t[i].dist);
        REQUIRE(s1 == SIMDINIT_OK, "tensor %zu alone: %d", i, (int)s1);
        REQUIRE(memcmp((unsigned char *)OUT(g_a) + start[i], OUT(g_b), numel[i] * es) == 0,
                "tensor %zu differs from its own fill", i);
    }
    REQUIRE(canary_ok((unsigned char *)OUT(g_a) + off, PAD),
            "init_tensors wrote past the tensors");
}

/* 128-bit references for numel and fans. */
typedef unsigned __int128 u128;
static int prod128(const uint64_t *s, int from, int to, u128 first, uint64_t *out)
{
    u128 p = first;
    int zero = first == 0, over = 0;
    for (int i = from; i < to; i++) {
        if (s[i] == 0)
            zero = 1;
        else if (!over) {
            p *= s[i];
            if (p > UINT64_MAX)
                over = 1, p = 1;
        }
    }
    if (zero) { *out = 0; return 0; }
    if (over) return 1;
    *out = (uint64_t)p;
    return 0;
}

static void op_shapes(rd *r)
{
    uint64_t shape[SIMDINIT_MAX_NDIM];
    int ndim = u8(r) % 18;
    for (int i = 0; i < SIMDINIT_MAX_NDIM; i++)
        shape[i] = i < ndim ? u64(r) : 0;
    if (u8(r) & 1)
        for (int i = 0; i < ndim && i < SIMDINIT_MAX_NDIM; i++)
            shape[i] %= 5;
    uint64_t n = 77, want;
    simdinit_status s = simdinit_numel(shape, ndim, &n);
    if (ndim > SIMDINIT_MAX_NDIM) {
        REQUIRE(s == SIMDINIT_ERR_BAD_SHAPE && n == 77, "numel ndim %d", ndim);
        return;
    }
    int over = prod128(shape, 0, ndim, 1, &want);
    REQUIRE(over ? (s == SIMDINIT_ERR_OVERFLOW && n == 77) : (s == SIMDINIT_OK && n == want),
            "numel: status %d, %llu vs %llu", (int)s, (unsigned long long)n,
            (unsigned long long)want);
    for (int lay = 0; lay < 2; lay++) {
        uint64_t fi = 7, fo = 7, wi = 0, wo = 0;
        s = simdinit_fans(shape, ndim, (simdinit_layout)lay, &fi, &fo);
        int oi = 0, oo = 0;
        if (lay == 0) {
            if (ndim < 2) {
                REQUIRE(s == SIMDINIT_ERR_BAD_SHAPE, "torch fans ndim %d", ndim);
                continue;
            }
            oi = prod128(shape, 2, ndim, shape[1], &wi);
            oo = prod128(shape, 2, ndim, shape[0], &wo);
        } else if (ndim == 0) {
            wi = wo = 1;
        } else if (ndim == 1) {
            wi = wo = shape[0];
        } else if (ndim == 2) {
            wi = shape[0]; wo = shape[1];
        } else {
            oi = prod128(shape, 0, ndim - 2, shape[ndim - 2], &wi);
            oo = prod128(shape, 0, ndim - 2, shape[ndim - 1], &wo);
        }
        if (oi || oo)
            REQUIRE(s == SIMDINIT_ERR_OVERFLOW && fi == 7 && fo == 7, "fans overflow: %d", (int)s);
        else
            REQUIRE(s == SIMDINIT_OK && fi == wi && fo == wo, "fans %d: %d", lay, (int)s);
    }
}

static void op_plan(rd *r)
{
    simdinit_dtype dt = read_dtype(r);
    simdinit_dist d = read_dist(r);
    uint64_t offset = u64(r);
    size_t n = (size_t)u64(r), maxc = u8(r) % 40;
    size_t bounds[41], nch = 777;
    for (int i = 0; i < 41; i++)
        bounds[i] = 0xdead;
    timer_start();
    simdinit_status s = simdinit_plan_chunks(dt, &d, offset, n, maxc, bounds, &nch);
    timer_check("plan_chunks");
    if (s != SIMDINIT_OK) {
        REQUIRE(nch == 777 && bounds[0] == 0xdead, "plan_chunks %d wrote", (int)s);
        return;
    }
    if (n == 0) {
        REQUIRE(nch == 0, "plan of n = 0 gave %zu chunks", nch);
        return;
    }
    REQUIRE(nch >= 1 && nch <= maxc && bounds[0] == 0 && bounds[nch] == n, "plan ends");
    si_params p;   /* the prepared kind: e.g. uniform(x, x) is a constant */
    REQUIRE(si_params_prepare(&p, &d, dt) == SIMDINIT_OK, "prepare after plan OK");
    uint64_t blk = si_block_elems(p.kind, dt);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t c = 0; c < nch; c++) {
        REQUIRE(bounds[c] < bounds[c + 1], "plan not increasing");
        if (c > 0)
            REQUIRE((offset + bounds[c]) % blk == 0, "inner bound off a block boundary");
        uint64_t a = offset + bounds[c], e = offset + (bounds[c + 1] - 1);
        uint64_t touched = e / blk - a / blk + 1;
        if (touched < lo) lo = touched;
        if (touched > hi) hi = touched;
    }
    REQUIRE(hi - lo <= 1, "chunks touch %llu to %llu blocks", (unsigned long long)lo,
            (unsigned long long)hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (g_nbackends < 0)
        g_nbackends = t_usable_backends(g_backends);
    rd r = {data, size};
    uint8_t op = u8(&r) % 9;
    switch (op) {
    case 4: op_shard(&r); break;
    case 5: op_scheme(&r); break;
    case 6: op_tensors(&r); break;
    case 7: op_shapes(&r); break;
    case 8: op_plan(&r); break;
    default: op_fill(&r); break;
    }
    simdinit_set_backend(SIMDINIT_BACKEND_AUTO);
    return 0;
}
