/*
 * q_math — accuracy of the value-path kernels (src/simd_math.h, scalar
 * instantiation from src/scalar/math_scalar.h; every backend computes the
 * same bits) against libm, in ulps of the result type:
 *  - si_log_f32 on EVERY float in [2^-32, 1] (268,435,457 inputs) against
 *    double log;
 *  - si_sincos_turn_f32 on all 2^23 distinct inputs against long double sinl/cosl of
 *    the exactly reduced angle;
 *  - si_log_f64 on 10^8 inputs (half distributed as the Box-Muller radius
 *    input (k >> 12) 2^-52 + 2^-53, half log-uniform over [2^-53, 1]) plus the
 *    binade ends, against long double logl;
 *  - si_sincos_turn_f64 on 10^8 random 64-bit inputs plus the neighbourhoods
 *    of t = -1/8, 0 and 1/8 turns with and without the swap, against sinl/cosl.
 * Error = |y - ref| / ulp_T(ref), ulp_T(x) the spacing of T at |x| (floored at
 * T's smallest normal). Reports the maximum and where it occurs, and fails
 * if it exceeds the documented bound (2 ulp, docs/STREAM.md §3.1).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qstat.h"
#include "scalar/math_scalar.h"

#define BOUND_ULP 2.0
#define N64 100000000ull

static qa_family fam;

static double ulp32(double r)
{
    int e = r == 0 ? -126 : ilogb(r);
    if (e < -126) e = -126;
    return ldexp(1.0, e - 23);
}

static long double ulp64(long double r)
{
    int e = r == 0 ? -1022 : ilogbl(r);
    if (e < -1022) e = -1022;
    return ldexpl(1.0L, e - 52);
}

typedef struct worst {
    double err;
    long double where;      /* input */
    long double got, ref;
    unsigned long long n;
    unsigned long long over_half, over_one;
} worst;

static void note(worst *w, double err, long double in, long double got, long double ref)
{
    w->n++;
    if (err > 0.5) w->over_half++;
    if (err > 1.0) w->over_one++;
    if (err > w->err) { w->err = err; w->where = in; w->got = got; w->ref = ref; }
}

/* in_int: print the input as an integer (the sincos m); digits: of the result type */
static void report(const char *what, const worst *w, int in_int, int digits)
{
    if (in_int)
        printf("  %-26s n = %llu  max %.3f ulp at m = %.0Lf (got %.*Lg, ref %.21Lg); "
               "> 0.5 ulp: %.3g%%, > 1 ulp: %.3g%%\n",
               what, w->n, w->err, w->where, digits, w->got, w->ref, 100.0 * w->over_half / w->n,
               100.0 * w->over_one / w->n);
    else
        printf("  %-26s n = %llu  max %.3f ulp at x = %a (got %.*Lg, ref %.21Lg); "
               "> 0.5 ulp: %.3g%%, > 1 ulp: %.3g%%\n",
               what, w->n, w->err, (double)w->where, digits, w->got, w->ref,
               100.0 * w->over_half / w->n, 100.0 * w->over_one / w->n);
    qa_check(&fam, w->err <= BOUND_ULP, "%s: max error %.3f ulp <= %.1f", what, w->err, BOUND_ULP);
}

static const long double TWO_PI_L = 6.283185307179586476925286766559005768L;

int main(void)
{
    qa_family_init(&fam, "q_math", 0.0);
    double c0 = qa_cpu();

    /* ---- log f32, exhaustive over [2^-32, 1] ---- */
    {
        worst w = {0};
        unsigned long long positive = 0;
        uint32_t b0 = si_f32_bits(0x1p-32f), b1 = si_f32_bits(1.0f);
        for (uint32_t b = b0; b <= b1; b++) {
            float x = si_f32_from_bits(b);
            float y = si_log_f32(x);
            double r = log((double)x);
            if (y > 0) positive++;
            note(&w, fabs((double)y - r) / ulp32(r), x, y, r);
        }
        printf("log_f32 (every float in [2^-32, 1]):\n");
        report("si_log_f32", &w, 0, 9);
        qa_check(&fam, positive == 0, "si_log_f32 never positive on [2^-32, 1] (%llu)", positive);
        printf("  cpu so far %.1f s\n", qa_cpu() - c0);
    }

    /* ---- sincos f32, exhaustive over the 2^23 inputs that matter ---- */
    {
        worst ws = {0}, wc = {0};
        for (uint32_t j = 0; j < (1u << 23); j++) {
            uint32_t w = j << 9;   /* bits 10..31: the angle, bit 9: the swap */
            float c, s;
            si_sincos_turn_f32(w, &c, &s);
            int32_t n = (int32_t)((w >> 9) | 1u) - (1 << 22);    /* t = n 2^-25 turns */
            long double a = TWO_PI_L * ((long double)n * 0x1p-25L);
            long double sr = sinl(a), cr = cosl(a), t;
            if (j & 1) { t = sr; sr = cr; cr = t; }   /* the swap: a quarter turn minus t */
            note(&ws, fabs((double)((long double)s - sr)) / ulp32((double)sr), w, s, sr);
            note(&wc, fabs((double)((long double)c - cr)) / ulp32((double)cr), w, c, cr);
        }
        printf("sincos_turn_f32 (all 2^23 inputs w >> 9, t = (v + 1/2) 2^-24 turns):\n");
        report("si_sincos_turn_f32 sin", &ws, 1, 9);
        report("si_sincos_turn_f32 cos", &wc, 1, 9);
        printf("  cpu so far %.1f s\n", qa_cpu() - c0);
    }

    /* ---- log f64, 10^8 samples ---- */
    {
        worst w = {0};
        uint64_t rng = 0x1234567;
        unsigned long long positive = 0;
        for (unsigned long long i = 0; i < N64 + 2 * 54; i++) {
            double x;
            if (i < N64 / 2) {
                x = (double)(qa_splitmix(&rng) >> 12) * 0x1p-52 + 0x1p-53;
            } else if (i < N64) {
                int e = -(int)(qa_splitmix(&rng) % 53) - 1;       /* [2^e, 2^(e+1)) */
                x = ldexp(1.0 + (double)(qa_splitmix(&rng) >> 11) * 0x1p-53, e);
            } else {
                int k = (int)(i - N64);                         /* binade ends */
                x = (k & 1) ? nextafter(ldexp(1.0, -(k >> 1)), 0.0) : ldexp(1.0, -(k >> 1));
                if (x < 0x1p-53) x = 0x1p-53;
            }
            double y = si_log_f64(x);
            if (y > 0) positive++;
            long double r = logl((long double)x);
            note(&w, (double)(fabsl((long double)y - r) / ulp64(r)), x, y, r);
        }
        printf("log_f64 (%llu samples in [2^-53, 1]):\n", w.n);
        report("si_log_f64", &w, 0, 17);
        qa_check(&fam, positive == 0, "si_log_f64 never positive (%llu)", positive);
        printf("  cpu so far %.1f s\n", qa_cpu() - c0);
    }

    /* ---- sincos f64, 10^8 samples + neighbourhoods of t = -1/8, 0, 1/8 ---- */
    {
        worst ws = {0}, wc = {0};
        uint64_t rng = 0x7654321;
        const uint64_t M = UINT64_C(1) << 52;
        for (unsigned long long i = 0; i < N64 + 6 * 2048; i++) {
            uint64_t w;
            if (i < N64) {
                w = qa_splitmix(&rng);
            } else {
                unsigned long long k = i - N64;
                uint64_t centre = ((k / 2048) % 3) * (M / 2);         /* M = 2^52: t = -1/8, 0, 1/8 */
                int64_t d = (int64_t)(k % 2048) - 1024;
                w = (((centre + (uint64_t)d) & (M - 1)) << 12) | ((uint64_t)(k / (3 * 2048)) << 12);
            }
            double c, s;
            si_sincos_turn_f64(w, &c, &s);
            int64_t n = (int64_t)((w >> 12) | 1u) - (INT64_C(1) << 51);   /* t = n 2^-54 turns */
            long double a = TWO_PI_L * ((long double)n * 0x1p-54L);
            long double sr = sinl(a), cr = cosl(a), t;
            if ((w >> 12) & 1) { t = sr; sr = cr; cr = t; }
            note(&ws, (double)(fabsl((long double)s - sr) / ulp64(sr)), (long double)w, s, sr);
            note(&wc, (double)(fabsl((long double)c - cr) / ulp64(cr)), (long double)w, c, cr);
        }
        printf("sincos_turn_f64 (%llu inputs w, t = (v + 1/2) 2^-53 turns):\n", ws.n);
        report("si_sincos_turn_f64 sin", &ws, 1, 17);
        report("si_sincos_turn_f64 cos", &wc, 1, 17);
    }
    printf("\nq_math: %.1f s cpu\n", qa_cpu() - c0);
    return qa_finish(&fam);
}
