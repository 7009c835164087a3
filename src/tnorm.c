/*
 * The truncated normal's setup, in double precision, shared by every backend:
 * the mass Phi(beta) - Phi(alpha) of N(0, 1) on [alpha, beta] and the choice
 * of the proposal the kernels sample it with (docs/STREAM.md §3.5, §3.7).
 *
 * Reproducibility: only IEEE-754 double +, -, *, /, sqrt (__builtin_sqrt,
 * which -fno-math-errno makes the correctly rounded instruction), comparisons,
 * double <-> int conversions and bit manipulation. No libm, no long double,
 * no fma (the build uses -ffp-contract=off). Every loop has a bounded trip
 * count, so the result is a deterministic function of the inputs on any
 * IEEE-754 platform: the choice of proposal, which decides the bits, too.
 *
 * Masses are "scaled": divided by the density at an anchor point.
 *  R(x) = Q(x) / phi(x) is the Mills ratio, Q = 1 - Phi, phi the N(0,1) density.
 *  J(c, w) = integral_0^w exp(-c t - t^2/2) dt  (c >= 0, 0 <= w <= inf)
 *          = (mass of [c, c + w]) / phi(c)
 *          = R(c) - exp(-y) R(c + w),  y = w (c + w/2).
 *  J is evaluated by a Taylor series in w when y <= TN_Y0 (no cancellation
 *  problem: small interval) and by the R difference otherwise (which then
 *  loses at most a factor 1/(1 - e^-TN_Y0) ~ 2.5 in relative accuracy).
 *  A one-sided interval (alpha >= 0, or beta <= 0 mirrored) has anchor c =
 *  its end nearest the mean and width h; a two-sided one is the sum of its
 *  halves [alpha, 0] and [0, beta], each anchored at 0. The scaled masses
 *  are also the acceptance rates of the proposals, which need no underflowing
 *  density: see si_tn_setup.
 */
#include <math.h>   /* INFINITY only: no libm function is called */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF   /* the bits must not depend on fma contraction */
#endif
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define TN_INF ((double)INFINITY)
#define TN_Y0 0.5        /* J: Taylor series iff y <= TN_Y0 */

/* ln 2 split: LN2_HI has 42 significant bits, so k * LN2_HI is exact for
 * |k| < 2^11; LN2_HI + LN2_LO = ln 2 to ~2^-95. */
#define LN2_HI 0x1.62e42fefa3800p-1
#define LN2_LO 0x1.ef35793c76730p-45
#define INV_LN2 1.4426950408889634        /* 1 / ln 2 (nearest double) */
#define INV_SQRT_2PI 0.3989422804014327   /* 1 / sqrt(2 pi) */
#define R0 1.2533141373155003             /* R(0) = sqrt(pi / 2) */

static double tn_from_bits(uint64_t b) { double x; memcpy(&x, &b, sizeof x); return x; }
static uint64_t tn_bits(double x) { uint64_t b; memcpy(&b, &x, sizeof b); return b; }
static double tn_abs(double x) { return x < 0 ? -x : x; }
/* 2^k for -1022 <= k <= 1023 */
static double tn_pow2(int k) { return tn_from_bits((uint64_t)(k + 1023) << 52); }

/*
 * exp(x), ~1 ulp. x = k ln2 + r with k = round(x / ln2) (half away from 0),
 * r = (x - k LN2_HI) - k LN2_LO, |r| <= 0.347; e^r - 1 by its Taylor
 * polynomial to r^13 (truncation < 4e-18), then scaled by 2^k (in two steps
 * below 2^-1022). Returns 0 for x <= -746 (and -inf), +inf for x > 709.8.
 */
static double tn_exp(double x)
{
    if (!(x > -746.0)) return x != x ? x : 0.0;
    if (x > 709.8) return TN_INF;
    double t = x * INV_LN2;
    int k = (int)(t < 0 ? t - 0.5 : t + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.0 / 6227020800.0;           /* 1/13! */
    p = p * r + 1.0 / 479001600.0;           /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;                         /* p = (e^r - 1 - r) / r^2 */
    double e = 1.0 + (r + r * r * p);
    if (k > 1023) return e * tn_pow2(k - 1) * 2.0;
    if (k < -1022) return e * tn_pow2(k + 600) * tn_pow2(-600);
    return e * tn_pow2(k);
}

/*
 * exp(-x^2 / 2) for x >= 0 with the square exact: xh = x with the low 27
 * significand bits cleared (26 significant bits, so xh^2 is exact), xl = x - xh,
 * x^2 = xh^2 + xl (x + xh). 0 for x >= 40 (the value is below 2^-1074).
 */
static double tn_gauss(double x)
{
    if (!(x < 40.0)) return 0.0;
    double xh = tn_from_bits(tn_bits(x) & ~((UINT64_C(1) << 27) - 1)), xl = x - xh;
    return tn_exp(-(0.5 * xh) * xh) * tn_exp(-0.5 * xl * (x + xh));
}

/* TN_INV[k] = 1/k (correctly rounded by the compiler: exact constants) */
#define TN_I4(k) 1.0 / (k), 1.0 / (k + 1), 1.0 / (k + 2), 1.0 / (k + 3)
static const double TN_INV[84] = {
    0.0, TN_I4(1), TN_I4(5), TN_I4(9), TN_I4(13), TN_I4(17), TN_I4(21), TN_I4(25),
    TN_I4(29), TN_I4(33), TN_I4(37), TN_I4(41), TN_I4(45), TN_I4(49), TN_I4(53), TN_I4(57),
    TN_I4(61), TN_I4(65), TN_I4(69), TN_I4(73), TN_I4(77), 1.0 / 81, 1.0 / 82, 1.0 / 83,
};

/*
 * Taylor series of J(c, w) in w, for y = w (c + w/2) <= ~0.51.
 * With g(t) = exp(-c t - t^2/2) = sum a_n t^n, g' = -(c + t) g gives
 * (n+1) a_{n+1} = -c a_n - a_{n-1}. With b_n = a_n w^n, p = c w, q = w^2:
 * b_0 = 1, b_1 = -p, b_{n+1} = -(p b_n + q b_{n-1}) * (1/(n+1)), and
 * J = w sum_n b_n * (1/(n+1)), 1/k from TN_INV. Summed until
 * |b_{n+1}| + |b_n| < 2^-56 (the sum is >= e^-y > 0.6), at most n = 80
 * (about 30 terms are needed at the worst, y ~ 0.5 with c = 0).
 */
static double tn_jtaylor(double c, double w)
{
    double p = c * w, q = w * w;
    double b0 = 1.0, b1 = -p, sum = 1.0 - 0.5 * p;
    for (int n = 1; n < 82; n++) {
        double b2 = -(p * b1 + q * b0) * TN_INV[n + 1];
        sum += b2 * TN_INV[n + 2];
        if (tn_abs(b2) + tn_abs(b1) < 0x1p-56) break;
        b0 = b1;
        b1 = b2;
    }
    return w * sum;
}

/* R(k/8), k = 0..32, correctly rounded (tests/gen_tnorm_ref.py --rtab,
 * 80-digit decimal arithmetic). */
static const double TN_RTAB[33] = {
    1.2533141373155003, 1.1374909212036046, 1.0378245758537268, 0.9515271920712067,
    0.8763644564536923, 0.8105337152790304, 0.7525711790634081, 0.7012808218544301,
    0.6556795424187984, 0.6149545961509297, 0.5784303460476311, 0.545542135658217,
    0.5158156382179634, 0.48885044152757373, 0.4643069280394422, 0.44189573283260003,
    0.4213692292880545, 0.4025146181296721, 0.3851482907984346, 0.3691112106902634,
    0.35426511132979366, 0.3404893532870847, 0.32767831469055203, 0.31573921586941,
    0.3045902987101033, 0.2941592970402893, 0.28438214674849294, 0.27520189415760643,
    0.26656776896822376, 0.2584343943120385, 0.250761111443965, 0.24351140061545598,
    0.23665238291356067,
};

/*
 * Mills ratio R(x) = Q(x) / phi(x), x >= 0 (R(+inf) = 0).
 *  x < 4: x1 = the next multiple of 1/8 (x1 = k/8 >= x), d = x1 - x:
 *         R(x) = J(x, d) + exp(-d (x + d/2)) R(x1), a sum of two positive
 *         terms (J by its Taylor series, y <= 0.51), R(x1) from the table.
 *  x >= 4: Laplace's continued fraction R(x) = 1/(x+ 1/(x+ 2/(x+ 3/(x+ ...)))),
 *         evaluated backwards from the N-th partial numerator,
 *         N = 10 + (int)(500 / x^2) (41 at x = 4; relative truncation < 1e-17).
 */
static double tn_mills(double x)
{
    if (x != x)
        return x;   /* not reached from si_tn_setup's checked bounds; keeps (int) defined */
    if (x < 4.0) {
        int k = (int)(x * 8.0);
        double x1 = k * 0.125;
        if (x1 < x) { k++; x1 += 0.125; }
        double d = x1 - x;
        if (d == 0) return TN_RTAB[k];
        return tn_jtaylor(x, d) + tn_exp(-d * (x + 0.5 * d)) * TN_RTAB[k];
    }
    int n = 10 + (int)(500.0 / (x * x));
    double t = 0.0;
    for (; n > 0; n--) t = n / (x + t);
    return 1.0 / (x + t);
}

/* J(c, w) for c >= 0, w >= 0 (w may be +inf). rc = R(c) and rend = R(c + w)
 * when known, or negative to have them computed here (only when needed). */
static double tn_J(double c, double w, double rc, double rend)
{
    if (w == TN_INF) return rc < 0 ? tn_mills(c) : rc;
    double y = w * (c + 0.5 * w);
    if (y <= TN_Y0) return tn_jtaylor(c, w);
    if (rc < 0) rc = tn_mills(c);
    if (rend < 0) rend = tn_mills(c + w);
    return rc - tn_exp(-y) * rend;
}

/* Relative cost of one candidate of each proposal (the same kernels on every
 * backend; measured, docs/PERFORMANCE.md "Truncated normal"): a Box-Muller
 * normal candidate (16 per step of the 8 lanes in float32), a uniform one (8
 * per step, one log) and an exponential one (8 per step, two logs). */
static const double TN_COST[3] = {1.0, 1.25, 2.0};

void si_tn_setup(si_tn *tn, double alpha, double beta)
{
    memset(tn, 0, sizeof *tn);
    tn->alpha = alpha;
    tn->beta = beta;
    double eff[3] = {0, 0, 0};
    if (alpha >= 0 || beta <= 0) {
        /* one-sided: near end c >= 0 (distance from the mean), width h */
        tn->side = alpha >= 0 ? 1 : -1;
        double c = (tn->side > 0 ? alpha : -beta) + 0.0;     /* + 0.0: no -0 */
        double e = tn->side > 0 ? beta : -alpha;
        double h = e - c;
        double m1 = tn_J(c, h, tn_mills(c), tn_mills(e));
        tn->mass = tn_gauss(c) * (m1 * INV_SQRT_2PI);
        /* uniform on [c, c + h]: acceptance M1 / h (the mass over h phi(c)) */
        if (h < TN_INF) eff[SI_TN_UNIFORM] = h > 0 ? m1 / h : 1.0;   /* h = 0: alpha, beta
                                                      equal after rounding */
        /* Robert's exponential: rate lam = (c + sqrt(c^2 + 4)) / 2, written
         * lam = c + D with D = 2 / (c + sqrt(c^2 + 4)) (= 1/c where c^2
         * overflows); acceptance lam M1 exp(-D^2 / 2). */
        double D = c < 0x1p500 ? 2.0 / (c + __builtin_sqrt(c * c + 4.0)) : 1.0 / c;
        double lam = c + D;
        eff[SI_TN_EXP] = lam * m1 * tn_exp(-0.5 * D * D);
        tn->c = c;
        tn->w = h;
        tn->lam = lam;
        tn->D = D;
    } else {
        /* alpha < 0 < beta: both halves, J(0, .) = mass / phi(0) */
        tn->side = 0;
        double ml = tn_J(0.0, -alpha, R0, tn_mills(-alpha));
        double mr = tn_J(0.0, beta, R0, tn_mills(beta));
        tn->mass = (ml + mr) * INV_SQRT_2PI;
        if (tn->mass > 1.0) tn->mass = 1.0;                 /* rounding: 1 + 2^-52 */
        double w = beta - alpha;
        if (w < TN_INF) eff[SI_TN_UNIFORM] = (ml + mr) / w;
        tn->c = alpha;
        tn->w = w;
    }
    eff[SI_TN_NORMAL] = tn->mass;
    /* the proposal of least cost per accepted value (ties: the earlier one) */
    int best = SI_TN_NORMAL;
    for (int m = 1; m < 3; m++)
        if (eff[m] > 0 && TN_COST[m] * eff[best] < TN_COST[best] * eff[m])
            best = m;
    tn->method = best;
    tn->eff = eff[best];
}
