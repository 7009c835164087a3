/*
 * Accuracy of the value-path math (src/simd_math.h, instantiated on scalars
 * in src/scalar/math_scalar.h) against libm, in ulps of the result type.
 *
 * Error measure (documented here because sin/cos cross zero): for a result y
 * of type T and a reference value r (libm double for float32, long double for
 * float64, both far more accurate than T's ulp),
 *     err = |y - r| / max(ulp_T(r), ulp_T(2^-p))      p = 24 (f32), 53 (f64)
 * where ulp_T(x) is the spacing of T at |x| (its exponent floored at T's
 * smallest normal). The floor only matters for r == 0 (log(1), cos of a
 * quarter turn) because every non-zero result of these functions on their
 * domains is larger than 2^-p: it is, in effect, a RELATIVE error, also near
 * the zeros of sin and cos. The sin/cos reference is itself evaluated on the
 * argument reduced exactly (integer quarter turns), so it is accurate near
 * those zeros too. Bound: 2 ulp.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "scalar/math_scalar.h"
#include "test_util.h"

#define MAX_ULP 2.0

static double ulp32(double r)
{
    int e = r == 0 ? -126 : ilogb(r);
    if (e < -126)
        e = -126;
    return ldexp(1.0, e - 23);
}

static long double ulp64(long double r)
{
    int e = r == 0 ? -1022 : ilogbl(r);
    if (e < -1022)
        e = -1022;
    return ldexpl(1.0L, e - 52);
}

static double err32(float y, double r)
{
    double u = ulp32(r), floor_u = ulp32(0x1p-24);
    return fabs((double)y - r) / (u > floor_u ? u : floor_u);
}

static double err64(double y, long double r)
{
    long double u = ulp64(r), floor_u = ulp64(0x1p-53L);
    return (double)(fabsl((long double)y - r) / (u > floor_u ? u : floor_u));
}

/* Tracks the worst case of one measured function. */
typedef struct worst {
    double err;
    double arg;
    double got;
    double want;
} worst;

static void note(worst *w, double err, double arg, double got, double want)
{
    if (err > w->err || isnan(err)) {
        w->err = isnan(err) ? INFINITY : err;
        w->arg = arg;
        w->got = got;
        w->want = want;
    }
}

static void report(const char *name, const worst *w)
{
    fprintf(stderr, "test_math: %-28s max error %.3f ulp (at %.17g: got %.17g, want %.17g)\n",
            name, w->err, w->arg, w->got, w->want);
    cr_expect_leq(w->err, MAX_ULP, "%s: %.3f ulp at %.17g (got %.17g, want %.17g)", name, w->err,
                  w->arg, w->got, w->want);
}

/* ---- log ---- */

/* Every float in [lo_bits, hi_bits] (both inside [2^-32, 1]). */
static void log32_range(uint32_t lo_bits, uint32_t hi_bits, const char *name)
{
    worst w = {0};
    for (uint32_t b = lo_bits;; b++) {
        float x = si_f32_from_bits(b);
        float y = si_log_f32(x);
        double r = log((double)x);
        note(&w, err32(y, r), x, y, r);
        if (b == hi_bits)
            break;
    }
    report(name, &w);
}

/* 2^-32 = 0x2f800000, 2^-16 = 0x37800000, 1 = 0x3f800000 */
Test(math, log_f32_exhaustive_low, .timeout = 120)
{
    log32_range(0x2f800000u, 0x377fffffu, "log_f32 [2^-32, 2^-16)");
}

Test(math, log_f32_exhaustive_high, .timeout = 120)
{
    log32_range(0x37800000u, 0x3f800000u, "log_f32 [2^-16, 1]");
    cr_expect_eq(si_f32_bits(si_log_f32(1.0f)), 0u, "log_f32(1) must be +0");
}

Test(math, log_f64_sampled, .timeout = 120)
{
    if (LDBL_MANT_DIG < 64)
        cr_skip_test("long double has no more precision than double here");
    worst w = {0};
    t_rng rng = {0x10f64};
    long n = 0;
    /* Random binade in [2^-53, 1), random mantissa. */
    for (int i = 0; i < 6000000; i++) {
        int e = (int)t_range(&rng, 1, 53);
        double x = ldexp(1.0 + (double)(t_next(&rng) >> 12) * 0x1p-52, -e);
        double y = si_log_f64(x);
        note(&w, err64(y, logl((long double)x)), x, y, (double)logl((long double)x));
        n++;
    }
    /* Next to 1, where log is smallest. */
    for (uint64_t k = 1; k <= 1000000; k++) {
        double x = 1.0 - (double)k * 0x1p-53;
        double y = si_log_f64(x);
        note(&w, err64(y, logl((long double)x)), x, y, (double)logl((long double)x));
        n++;
    }
    /* A few thousand ulps around the mantissa split at sqrt(1/2), in every binade. */
    for (int e = 0; e <= 53; e++) {
        uint64_t b0 = si_f64_bits(ldexp(0.70710678118654752, -e));
        for (int d = -2000; d <= 2000; d++) {
            double x = si_f64_from_bits(b0 + (uint64_t)(int64_t)d);
            if (x < 0x1p-53 || x > 1.0)
                continue;
            double y = si_log_f64(x);
            note(&w, err64(y, logl((long double)x)), x, y, (double)logl((long double)x));
            n++;
        }
    }
    static const double ends[3] = {0x1p-53, 1.0, 0.5};
    for (int i = 0; i < 3; i++) {
        double y = si_log_f64(ends[i]);
        note(&w, err64(y, logl((long double)ends[i])), ends[i], y, (double)logl((long double)ends[i]));
    }
    cr_expect_eq(si_f64_bits(si_log_f64(1.0)), 0u, "log_f64(1) must be +0");
    fprintf(stderr, "test_math: log_f64 checked %ld arguments\n", n);
    report("log_f64 [2^-53, 1]", &w);
}

/* ---- sin/cos of a turn ---- */

/* Reference cos and sin of 2 pi m / 2^bits: m is split into q quarter turns
 * plus r, and both values come from sin of a non-negative angle of at most a
 * quarter turn (u = r or the complement quarter - r), so they are accurate
 * relative to their own size, also near zero. */
static void ref_turn_f32(uint32_t m, double *c, double *s)
{
    const uint32_t quarter = 1u << 22;
    uint32_t q = m >> 22, r = m & (quarter - 1);
    const double k = 6.283185307179586476925286766559 * 0x1p-24;
    double su = sin(k * r), sv = sin(k * (quarter - r));
    switch (q) {
    case 0: *c = sv; *s = su; break;
    case 1: *c = -su; *s = sv; break;
    case 2: *c = -sv; *s = -su; break;
    default: *c = su; *s = -sv; break;
    }
}

static void ref_turn_f64(uint64_t m, long double *c, long double *s)
{
    const uint64_t quarter = UINT64_C(1) << 51;
    uint64_t q = m >> 51, r = m & (quarter - 1);
    const long double k = 6.283185307179586476925286766559L * 0x1p-53L;
    long double su = sinl(k * (long double)r), sv = sinl(k * (long double)(quarter - r));
    switch (q) {
    case 0: *c = sv; *s = su; break;
    case 1: *c = -su; *s = sv; break;
    case 2: *c = -sv; *s = -su; break;
    default: *c = su; *s = -sv; break;
    }
}

Test(math, sincos_turn_f32_exhaustive, .timeout = 120)
{
    worst wc = {0}, ws = {0};
    double max_norm = 0;
    for (uint32_t m = 0; m < (1u << 24); m++) {
        float c, s;
        double rc, rs;
        si_sincos_turn_f32(m, &c, &s);
        ref_turn_f32(m, &rc, &rs);
        note(&wc, err32(c, rc), m, c, rc);
        note(&ws, err32(s, rs), m, s, rs);
        double dn = fabs((double)c * c + (double)s * s - 1.0);
        if (dn > max_norm)
            max_norm = dn;
    }
    report("cos(2 pi m / 2^24)", &wc);
    report("sin(2 pi m / 2^24)", &ws);
    fprintf(stderr, "test_math: f32 max |c^2 + s^2 - 1| = %.3g\n", max_norm);
    /* Exact special angles. */
    float c, s;
    si_sincos_turn_f32(0, &c, &s);
    cr_expect(c == 1.0f && s == 0.0f, "turn 0: (%a, %a)", c, s);
    si_sincos_turn_f32(1u << 22, &c, &s);
    cr_expect(c == 0.0f && s == 1.0f, "quarter turn: (%a, %a)", c, s);
    si_sincos_turn_f32(1u << 23, &c, &s);
    cr_expect(c == -1.0f && s == 0.0f, "half turn: (%a, %a)", c, s);
}

Test(math, sincos_turn_f64_sampled, .timeout = 120)
{
    if (LDBL_MANT_DIG < 64)
        cr_skip_test("long double has no more precision than double here");
    worst wc = {0}, ws = {0};
    t_rng rng = {0x5c0f64};
    long n = 0;
    for (long i = 0; i < 10000000 + 8 * 20001; i++) {
        uint64_t m;
        if (i < 10000000) {
            m = t_next(&rng) >> 11;
        } else {
            /* Around every eighth of a turn: quadrant and octant boundaries. */
            long j = i - 10000000;
            int64_t d = (int64_t)(j % 20001) - 10000;
            uint64_t base = (uint64_t)(j / 20001) << 50;
            m = (base + (uint64_t)d) & ((UINT64_C(1) << 53) - 1);
        }
        double c, s;
        long double rc, rs;
        si_sincos_turn_f64(m, &c, &s);
        ref_turn_f64(m, &rc, &rs);
        note(&wc, err64(c, rc), (double)m, c, (double)rc);
        note(&ws, err64(s, rs), (double)m, s, (double)rs);
        n++;
    }
    fprintf(stderr, "test_math: sincos_f64 checked %ld arguments\n", n);
    report("cos(2 pi m / 2^53)", &wc);
    report("sin(2 pi m / 2^53)", &ws);
    double c, s;
    si_sincos_turn_f64(0, &c, &s);
    cr_expect(c == 1.0 && s == 0.0, "turn 0: (%a, %a)", c, s);
    si_sincos_turn_f64(UINT64_C(1) << 51, &c, &s);
    cr_expect(c == 0.0 && s == 1.0, "quarter turn: (%a, %a)", c, s);
    si_sincos_turn_f64(UINT64_C(3) << 51, &c, &s);
    cr_expect(c == 0.0 && s == -1.0, "three quarter turns: (%a, %a)", c, s);
}

/* The measure itself: a deliberately wrong result is reported as > 2 ulp. */
Test(math, measure_detects_errors)
{
    double r = log(0.3);
    float good = (float)r;
    float bad = si_f32_from_bits(si_f32_bits(good) + 3);
    cr_expect_leq(err32(good, r), 0.5);
    cr_expect_gt(err32(bad, r), MAX_ULP);
    cr_expect_gt(err32(1e-12f, 0.0), MAX_ULP);
    long double rl = logl(0.3L);
    double bad64 = nextafter(nextafter(nextafter((double)rl, 1.0), 1.0), 1.0);
    cr_expect_gt(err64(bad64, rl), MAX_ULP);
}
