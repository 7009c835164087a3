/*
 * Accuracy of the value-path math (src/simd_math.h, instantiated on scalars
 * in src/scalar/math_scalar.h) against libm, in ulps of the result type.
 *
 * Error measure (documented here because sin/cos cross zero): for a result y
 * of type T and a reference value r (libm double for float32, long double for
 * float64, both far more accurate than T's ulp),
 *     err = |y - r| / max(ulp_T(r), ulp_T(2^-p))      p = 24 (f32), 53 (f64)
 * where ulp_T(x) is the spacing of T at |x| (its exponent floored at T's
 * smallest normal). The floor only matters for r == 0 (log(1)) because
 * every non-zero result of these functions on their
 * domains is larger than 2^-p: it is, in effect, a RELATIVE error, also near
 * small sines. The sin/cos reference is itself evaluated on the argument
 * reduced exactly (integers of the angle grid), so it is accurate there
 * too. Bound: 2 ulp.
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

/* The angle of si_sincos_turn_f32(w) in units of 2^-25 turns: n = M - 2^22
 * with M = (w >> 9) | 1 (odd, |n| < 2^22: t = n 2^-25 turns), or 2^23 - n
 * (a quarter turn minus t) when bit 9 of w is set (docs/STREAM.md §3.1).
 * Reference cos and sin from sin of a non-negative angle of at most a
 * quarter turn (|n| or the complement 2^23 - |n|), so they are accurate
 * relative to their own size, also near zero. */
static void ref_turn_f32(uint32_t w, double *c, double *s)
{
    const double k = 6.283185307179586476925286766559 * 0x1p-25;
    int32_t n = (int32_t)((w >> 9) | 1u) - (1 << 22);
    int32_t a = n < 0 ? -n : n;
    double sn = (n < 0 ? -1.0 : 1.0) * sin(k * a), cs = sin(k * ((1 << 23) - a));
    int swap = (w >> 9) & 1;
    *c = swap ? sn : cs;
    *s = swap ? cs : sn;
}

/* The same for si_sincos_turn_f64(w): M = (w >> 12) | 1, n = M - 2^51 in
 * units of 2^-54 turns, bit 12 the swap. */
static void ref_turn_f64(uint64_t w, long double *c, long double *s)
{
    const long double k = 6.283185307179586476925286766559L * 0x1p-54L;
    int64_t n = (int64_t)((w >> 12) | 1u) - (INT64_C(1) << 51);
    int64_t a = n < 0 ? -n : n;
    long double sn = (n < 0 ? -1.0L : 1.0L) * sinl(k * (long double)a);
    long double cs = sinl(k * (long double)((INT64_C(1) << 52) - a));
    int swap = (int)((w >> 12) & 1);
    *c = swap ? sn : cs;
    *s = swap ? cs : sn;
}

Test(math, sincos_turn_f32_exhaustive, .timeout = 120)
{
    worst wc = {0}, ws = {0};
    double max_norm = 0;
    /* every input that matters: bits 10..31 (the angle) and bit 9 (the swap) */
    for (uint32_t j = 0; j < (1u << 23); j++) {
        uint32_t w = j << 9;
        float c, s;
        double rc, rs;
        si_sincos_turn_f32(w, &c, &s);
        ref_turn_f32(w, &rc, &rs);
        note(&wc, err32(c, rc), w, c, rc);
        note(&ws, err32(s, rs), w, s, rs);
        double dn = fabs((double)c * c + (double)s * s - 1.0);
        if (dn > max_norm)
            max_norm = dn;
    }
    report("cos(turn f32)", &wc);
    report("sin(turn f32)", &ws);
    fprintf(stderr, "test_math: f32 max |c^2 + s^2 - 1| = %.3g\n", max_norm);
    /* Symmetry, exactly: n -> -n (M -> 2^23 - M) keeps cos and negates sin;
     * the swap exchanges the two; the low 9 bits are ignored. (Bit 0 of M is
     * bit 9 of w, the swap, so w holds M - 1.) */
    for (uint32_t j = 0; j < (1u << 22); j += 4099) {
        uint32_t m = (j << 1) | 1u, w = (m ^ 1u) << 9, wn = (((1u << 23) - m) ^ 1u) << 9;
        float c, s, cn, sn, cw, sw, cl, sl;
        si_sincos_turn_f32(w, &c, &s);
        si_sincos_turn_f32(wn, &cn, &sn);
        si_sincos_turn_f32(w | 0x200u, &cw, &sw);
        si_sincos_turn_f32(w | 0x1ffu, &cl, &sl);
        cr_expect(si_f32_bits(cn) == si_f32_bits(c) && si_f32_bits(sn) == (si_f32_bits(s) ^ 0x80000000u),
                  "turn %u: not symmetric in t", (unsigned)w);
        cr_expect(si_f32_bits(cw) == si_f32_bits(s) && si_f32_bits(sw) == si_f32_bits(c),
                  "turn %u: the swap bit does not swap", (unsigned)w);
        cr_expect(si_f32_bits(cl) == si_f32_bits(c) && si_f32_bits(sl) == si_f32_bits(s),
                  "turn %u: the low 9 bits must not matter", (unsigned)w);
    }
    /* The angles next to the axes: cos rounds to exactly 1. */
    float c, s;
    si_sincos_turn_f32(1u << 31, &c, &s);
    cr_expect(c == 1.0f && s > 0 && s < 0x1p-21f, "t = 2^-25: (%a, %a)", c, s);
}

Test(math, sincos_turn_f64_sampled, .timeout = 120)
{
    if (LDBL_MANT_DIG < 64)
        cr_skip_test("long double has no more precision than double here");
    worst wc = {0}, ws = {0};
    t_rng rng = {0x5c0f64};
    long n = 0;
    for (long i = 0; i < 10000000 + 6 * 20001; i++) {
        uint64_t w;
        if (i < 10000000) {
            w = t_next(&rng);
        } else {
            /* Around t = -1/8, 0 and 1/8 turns, with and without the swap. */
            long j = i - 10000000;
            int64_t d = (int64_t)(j % 20001) - 10000;
            uint64_t base = (uint64_t)((j / 20001) % 3) << 51;
            uint64_t sw = (uint64_t)(j / (3 * 20001)) << 12;
            w = (((base + (uint64_t)d) & ((UINT64_C(1) << 52) - 1)) << 12) | sw;
        }
        double c, s;
        long double rc, rs;
        si_sincos_turn_f64(w, &c, &s);
        ref_turn_f64(w, &rc, &rs);
        note(&wc, err64(c, rc), (double)w, c, (double)rc);
        note(&ws, err64(s, rs), (double)w, s, (double)rs);
        n++;
    }
    fprintf(stderr, "test_math: sincos_f64 checked %ld arguments\n", n);
    report("cos(turn f64)", &wc);
    report("sin(turn f64)", &ws);
    /* Symmetry in t and the swap, exactly, on random angles. */
    for (int i = 0; i < 100000; i++) {
        uint64_t m = (t_next(&rng) >> 12) | 1u, w = (m ^ 1u) << 12, wn = (((UINT64_C(1) << 52) - m) ^ 1u) << 12;
        double c, s, cn, sn, cw, sw;
        si_sincos_turn_f64(w, &c, &s);
        si_sincos_turn_f64(wn, &cn, &sn);
        si_sincos_turn_f64(w | 0x1000u, &cw, &sw);
        cr_expect(si_f64_bits(cn) == si_f64_bits(c) && si_f64_bits(sn) == (si_f64_bits(s) ^ (UINT64_C(1) << 63)),
                  "turn %llu: not symmetric in t", (unsigned long long)w);
        cr_expect(si_f64_bits(cw) == si_f64_bits(s) && si_f64_bits(sw) == si_f64_bits(c),
                  "turn %llu: the swap bit does not swap", (unsigned long long)w);
    }
    double c, s;
    si_sincos_turn_f64(UINT64_C(1) << 63, &c, &s);
    cr_expect(c == 1.0 && s > 0 && s < 0x1p-50, "t = 2^-54: (%a, %a)", c, s);
}

/* The software fma of the scalar backend (src/scalar/math_scalar.h) against
 * the correctly rounded fma of libm, on random operands of the value path's
 * magnitudes and on products that cancel c, exactly, bit for bit. */
Test(math, fma_correctly_rounded, .timeout = 120)
{
    t_rng rng = {0xf3a};
    long bad32 = 0, bad64 = 0;
    for (long i = 0; i < 4000000; i++) {
        uint64_t r1 = t_next(&rng), r2 = t_next(&rng), r3 = t_next(&rng);
        int e1 = (int)(r3 % 40) - 20, e2 = (int)((r3 >> 8) % 40) - 20, e3 = (int)((r3 >> 16) % 80) - 40;
        double a = ldexp(1.0 + (double)(r1 >> 12) * 0x1p-52, e1) * ((r3 >> 30) & 1 ? -1 : 1);
        double b = ldexp(1.0 + (double)(r2 >> 12) * 0x1p-52, e2) * ((r3 >> 31) & 1 ? -1 : 1);
        double c = ldexp(1.0 + (double)(r1 & 0xfffffffffffull) * 0x1p-44, e3) * ((r3 >> 32) & 1 ? -1 : 1);
        if ((r3 >> 33) % 4 == 0)
            c = -(a * b) * (1.0 + (double)((r3 >> 40) % 9 - 4) * 0x1p-52);   /* near cancellation */
        float af = (float)a, bf = (float)b, cf = (float)c;
        if ((r3 >> 33) % 4 == 0)
            cf = -(float)((double)af * bf) * (1.0f + (float)((r3 >> 40) % 9 - 4) * 0x1p-23f);
        if ((r3 >> 36) % 8 == 0)
            cf = (float)((double)af * bf + 0x1p-30 * (double)af * bf); /* midpoints of the sum */
        bad32 += si_f32_bits(si_fmaf(af, bf, cf)) != si_f32_bits(fmaf(af, bf, cf));
        bad64 += si_f64_bits(si_fma(a, b, c)) != si_f64_bits(fma(a, b, c));
    }
    cr_expect_eq(bad32, 0, "software fmaf differs from libm's on %ld inputs", bad32);
    cr_expect_eq(bad64, 0, "software fma differs from libm's on %ld inputs", bad64);
    cr_expect_eq(si_f32_bits(si_fmaf(0.0f, -3.0f, -0.0f)), 0x80000000u);
    cr_expect_eq(si_f64_bits(si_fma(2.0, 3.0, -6.0)), 0u);
    cr_expect_eq(si_f64_bits(si_fma(-0.0, 5.0, -0.0)), UINT64_C(1) << 63);
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
