/*
 * Inverse-CDF sampler of the standard normal truncated to [alpha, beta], in
 * double precision, shared by every backend (called once per element on the
 * SI_TN_INVERSE path; scalar, 2-5 Newton steps, ~0.1-0.6 us per call).
 *
 * Reproducibility: only IEEE-754 double +, -, *, /, sqrt (__builtin_sqrt,
 * which -fno-math-errno makes the correctly rounded instruction), comparisons,
 * double <-> int conversions and bit manipulation. No libm, no long double,
 * no fma (the build uses -ffp-contract=off). Every loop either has a fixed trip
 * count or stops on a test of computed doubles, so the result is a
 * deterministic function of the inputs on any IEEE-754 platform.
 *
 * Method (all masses are "scaled": divided by the density at an anchor point).
 *  R(x) = Q(x) / phi(x) is the Mills ratio, Q = 1 - Phi, phi the N(0,1) density.
 *  J(c, w) = integral_0^w exp(-c t - t^2/2) dt  (c >= 0, 0 <= w <= inf)
 *          = (mass of [c, c + w]) / phi(c)
 *          = R(c) - exp(-y) R(c + w),  y = w (c + w/2).
 *  J is evaluated by a Taylor series in w when y <= TN_Y0 (no cancellation
 *  problem: small interval) and by the R difference otherwise (which then
 *  loses at most a factor 1/(1 - e^-TN_Y0) ~ 2.5 in relative accuracy).
 *  Everything is reduced to a one-sided problem: anchor c >= 0, width h, find
 *  s in [0, h] such that the mass of [c, c+s] is the fraction fl of the mass
 *  M1 = J(c, h), or equivalently the mass of [c+s, c+h] is the fraction fu.
 *  The smaller fraction is used so that it is accurate; see tn_solve.
 *   side +1 (alpha >= 0): anchor alpha, z = alpha + s, fl = u, fu = 1 - u.
 *   side -1 (beta <= 0):  mirrored, anchor -beta, z = -(-beta + s).
 *   side  0 (alpha < 0 < beta): anchor 0; the half [alpha, 0] or [0, beta]
 *         that holds the quantile is solved as a one-sided problem.
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
#define TN_MAXIT 64      /* hard cap on Newton iterations (at most 6 are used) */
#define TN_TOL 0x1p-40   /* Newton: relative residual after which one more step
                            is taken and the iteration stops (quadratic
                            convergence: that step leaves an error ~2^-80) */

/* ln 2 split: LN2_HI has 42 significant bits, so k * LN2_HI is exact for
 * |k| < 2^11; LN2_HI + LN2_LO = ln 2 to ~2^-95. */
#define LN2_HI 0x1.62e42fefa3800p-1
#define LN2_LO 0x1.ef35793c76730p-45
#define INV_LN2 1.4426950408889634        /* 1 / ln 2 (nearest double) */
#define INV_SQRT_2PI 0.3989422804014327   /* 1 / sqrt(2 pi) */
#define SQRT2 1.4142135623730951
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
 * log(1 + f) for sqrt(1/2) - 1 <= f <= sqrt(2) - 1: with s = f / (2 + f),
 * log(1 + f) = 2 atanh(s) = 2s + 2s T, T = sum_{j=1..10} s^(2j) / (2j + 1)
 * (|s| < 0.172, truncation < 1e-18), and 2s = f - s f, so
 * log(1 + f) = f - s (f - 2T): the leading term f is exact.
 */
static double tn_log1p_core(double f)
{
    double s = f / (2.0 + f), w = s * s;
    double T = 1.0 / 21;
    T = T * w + 1.0 / 19;
    T = T * w + 1.0 / 17;
    T = T * w + 1.0 / 15;
    T = T * w + 1.0 / 13;
    T = T * w + 1.0 / 11;
    T = T * w + 1.0 / 9;
    T = T * w + 1.0 / 7;
    T = T * w + 1.0 / 5;
    T = T * w + 1.0 / 3;
    T = T * w;
    return f - s * (f - 2.0 * T);
}

/*
 * log(x), ~1 ulp, x > 0: x = 2^e m with m in (sqrt(1/2), sqrt(2)] (exponent
 * and significand from the bits; subnormals scaled by 2^54 first),
 * log x = e LN2_HI + (e LN2_LO + log1p_core(m - 1)), m - 1 exact.
 */
static double tn_log(double x)
{
    if (!(x > 0)) return x == 0 ? -TN_INF : x - x;
    if (x == TN_INF) return x;
    int e = 0;
    if (x < 0x1p-1022) { x *= 0x1p54; e = -54; }   /* subnormal */
    uint64_t b = tn_bits(x);
    e += (int)(b >> 52) - 1023;
    double m = tn_from_bits((b & UINT64_C(0xfffffffffffff)) | (UINT64_C(1023) << 52));
    if (m > SQRT2) { m *= 0.5; e += 1; }
    return e * LN2_HI + (e * LN2_LO + tn_log1p_core(m - 1.0));
}

/* log(1 + x) for x >= 0 (only used for a starting point) */
static double tn_log1p(double x)
{
    return x <= 0.25 ? tn_log1p_core(x) : tn_log(1.0 + x);
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

/* largest double below x > 0 (finite) */
static double tn_below(double x) { return tn_from_bits(tn_bits(x) - 1); }

/* One-sided problem: anchor c >= 0, width h (may be inf), R(c), R(c + h),
 * M1 = J(c, h), log(R(c) / M1). */
typedef struct tn_side {
    double c, h, rc, rend, m1, lrm;
} tn_side;

/*
 * Solve for s in [0, h]: mass(c, c+s) = fl M1, i.e. mass(c+s, c+h) = fu M1
 * (fl + fu = 1 up to rounding; the smaller one is the accurate one and is used).
 *
 * Lower equation (fl <= fu): f(s) = J(c, s) / M1 - fl, f' = g(s) / M1 with
 *  g(s) = exp(-y), y = s (c + s/2). f is concave increasing, so Newton started
 *  left of the root stays left and increases monotonically. Start: the root of
 *  the exponential model (1 - e^(-c s)) / c = fl M1 (a lower bound since
 *  g(t) <= e^(-c t)): with a = fl (c M1), s0 = -log(1 - a) / c if a >= 2^-10,
 *  else s0 = fl M1 (1 + a (1/2 + a/3)). Step: s <- s - (J/M1 - fl) (M1/g).
 * Upper equation (fu < fl): ph(s) = (log(K(s) / M1) - y) - log fu where
 *  K(s) = J(c + s, h - s) (= R(c + s) for h = inf); the upper mass is g K and
 *  d/ds log(g K) = -1/K. ph is concave decreasing (ph'' = ((c+s) K - 1) / K^2
 *  and (c+s) K < 1), so Newton started right of the root decreases monotonically.
 *  Start: the smallest of three upper bounds of the root:
 *   s_max from K <= R(c): s_max (c + s_max/2) = L, L = log(R(c)/M1) - log fu,
 *     s_max = 2L / (c + d), d = sqrt(c^2 + 2L) (c < 1) or c sqrt(1 + (2L/c)/c);
 *   (h finite) s_exp from g(t) <= g(h) e^((c+h)(h-t)) (-y is concave):
 *     s_exp = h - log(1 + e^lam) / (c + h), lam = log fu + log(M1 (c+h)) + y(h)
 *     (= h - fu M1 exp(y(h)) if lam < -36, skipped if lam >= 700); tight when
 *     the root is near h;
 *   (h finite) the largest double below h (log K is singular at h).
 *  Step: s <- s + ph K, kept below h.
 * Both: clamp each iterate to [0, h] (upper: to the largest double below h);
 * stop right after the step whose residual (r / fl, resp. ph) is <= 2^-40 in
 * magnitude, or that does not move s, or that moves s the wrong way after the
 * first step (rounding noise at the root); at most TN_MAXIT steps.
 */
static double tn_solve(const tn_side *S, double fl, double fu)
{
    const double c = S->c, h = S->h;
    double s;
    if (fl <= fu) {
        if (!(fl > 0)) return 0.0;
        double a = fl * (c * S->m1);
        if (a < 0x1p-10) s = fl * S->m1 * (1.0 + a * (0.5 + a * (1.0 / 3.0)));
        else s = -tn_log(1.0 - a) / c;
        if (s > h) s = h;
        for (int it = 0; it < TN_MAXIT; it++) {
            double y = s * (c + 0.5 * s), g = tn_exp(-y), J;
            if (y <= TN_Y0) J = tn_jtaylor(c, s);
            else J = S->rc - g * tn_mills(c + s);
            double r = J / S->m1 - fl;
            double sn = s - r * (S->m1 / g);
            if (!(sn > 0)) sn = 0.0;
            if (sn > h) sn = h;
            double d = sn - s;
            s = sn;
            if (tn_abs(r) <= TN_TOL * fl || d == 0 || (it > 0 && d < 0)) break;
        }
        return s;
    }
    if (!(fu > 0)) fu = 0x1p-1074;
    double lfu = tn_log(fu);
    double L = S->lrm - lfu, hm = h;
    if (!(L > 0)) L = 0.0;
    double d = c < 1.0 ? __builtin_sqrt(c * c + 2.0 * L)
                       : c * __builtin_sqrt(1.0 + (2.0 * L / c) / c);
    s = c + d > 0 ? 2.0 * L / (c + d) : 0.0;
    if (h < TN_INF) {
        double e = c + h, yh = h * (c + 0.5 * h);
        double lam = lfu + tn_log(S->m1 * e) + yh;
        double b = s;
        if (lam < -36.0) b = h - fu * S->m1 * tn_exp(yh);   /* log(1 + x) ~ x */
        else if (lam < 700.0)
            b = h - (lam > 0 ? lam + tn_log1p(tn_exp(-lam)) : tn_log1p(tn_exp(lam))) / e;
        if (b < s) s = b;
        hm = tn_below(h);
        if (s > hm) s = hm;
    }
    if (!(s > 0)) s = 0.0;
    for (int it = 0; it < TN_MAXIT; it++) {
        double z = c + s, y = s * (c + 0.5 * s);
        double K = h < TN_INF ? tn_J(z, h - s, -1.0, S->rend) : tn_mills(z);
        if (!(K > 0)) break;                       /* only at s ~ h: keep s */
        double ph = (tn_log(K / S->m1) - y) - lfu;
        double sn = s + ph * K;
        if (!(sn > 0)) sn = 0.0;
        if (sn > hm) sn = hm;
        double dd = sn - s;
        s = sn;
        if (tn_abs(ph) <= TN_TOL || dd == 0 || (it > 0 && dd > 0)) break;
    }
    return s;
}

/* si_tn.c[] layout.
 * side +-1: c[0..5] = c, h, R(c), R(c + h), M1 = J(c, h), log(R(c) / M1)
 *           (a tn_side), the problem mirrored to c = -beta >= 0 for side -1.
 * side 0:   c[0] = Ml = J(0, -alpha), c[1] = Mr = J(0, beta), c[2] = R(-alpha),
 *           c[3] = R(beta), c[4] = log(R(0) / Ml), c[5] = log(R(0) / Mr)
 *           (Ml, Mr: masses of [alpha, 0] and [0, beta] divided by phi(0)). */
static tn_side tn_side_of(const si_tn *tn)
{
    tn_side S = {tn->c[0], tn->c[1], tn->c[2], tn->c[3], tn->c[4], tn->c[5]};
    return S;
}

void si_tn_setup(si_tn *tn, double alpha, double beta, double *mass)
{
    memset(tn, 0, sizeof *tn);
    tn->alpha = alpha;
    tn->beta = beta;
    if (alpha >= 0 || beta <= 0) {
        tn->side = alpha >= 0 ? 1 : -1;
        double c = (tn->side > 0 ? alpha : -beta) + 0.0;     /* + 0.0: no -0 */
        double e = tn->side > 0 ? beta : -alpha;
        double h = e - c, rc = tn_mills(c), rend = tn_mills(e);
        double m1 = tn_J(c, h, rc, rend);
        tn->c[0] = c; tn->c[1] = h; tn->c[2] = rc; tn->c[3] = rend;
        tn->c[4] = m1; tn->c[5] = tn_log(rc / m1);
        *mass = tn_gauss(c) * (m1 * INV_SQRT_2PI);
    } else {
        tn->side = 0;
        double ra = tn_mills(-alpha), rb = tn_mills(beta);
        double ml = tn_J(0.0, -alpha, R0, ra), mr = tn_J(0.0, beta, R0, rb);
        tn->c[0] = ml; tn->c[1] = mr; tn->c[2] = ra; tn->c[3] = rb;
        tn->c[4] = tn_log(R0 / ml); tn->c[5] = tn_log(R0 / mr);
        *mass = (ml + mr) * INV_SQRT_2PI;
        if (*mass > 1.0) *mass = 1.0;                       /* rounding: 1 + 2^-52 */
    }
}

/*
 * Side +1: tn_solve(fl = u, fu = 1 - u), z = alpha + s. Side -1: the mirrored
 * problem, tn_solve(fl = 1 - u, fu = u), z = -(c + s). (1 - u is exact whenever
 * it is the smaller fraction, so side -1 is the exact mirror of side +1.)
 * Side 0: with M = Ml + Mr, Tl = u M and Tu = (1 - u) M (each accurate relative
 * to itself). The quantile is in [alpha, 0] iff Tl <= Ml (u <= 1/2), resp.
 * Tu >= Mr (u > 1/2). Left: mirrored one-sided problem on [0, -alpha] with
 * fu = u (M / Ml) and fl = (Ml - Tl) / Ml (u <= 1/2) or (Tu - Mr) / Ml
 * (u > 1/2), z = -s. Right: problem on [0, beta] with fu = (1 - u) (M / Mr) and
 * fl = (Tl - Ml) / Mr (u <= 1/2) or (Mr - Tu) / Mr (u > 1/2), z = s. Of the two
 * differences the one with the smaller rounding error is taken; fu <= 1.
 * Finally z = z + 0 (no -0) is clamped to [alpha, beta].
 */
double si_tn_inverse(const si_tn *tn, double u)
{
    double s, z;
    /* u outside (0, 1) (not expected; NaN included): nearest valid u */
    if (!(u > 0)) u = 0x1p-1074;
    if (!(u < 1)) u = 1.0 - 0x1p-53;
    if (tn->side != 0) {
        tn_side S = tn_side_of(tn);
        double v = 1.0 - u;                           /* exact for u >= 1/2 */
        s = tn->side > 0 ? tn_solve(&S, u, v) : tn_solve(&S, v, u);
        if (!(s >= 0) || s == TN_INF) s = 0.0;   /* unreachable safety net */
        if (s > S.h) s = S.h;
        z = S.c + s;
        if (tn->side < 0) z = -z;
    } else {
        double ml = tn->c[0], mr = tn->c[1], m = ml + mr;
        double tl = u * m, tu = (1.0 - u) * m;
        int lo = u <= 0.5;
        int left = lo ? tl <= ml : tu >= mr;
        tn_side S;
        if (left) {
            S = (tn_side){0.0, -tn->alpha, R0, tn->c[2], ml, tn->c[4]};
            double fu = u * (m / ml), fl = (lo ? ml - tl : tu - mr) / ml;
            if (fu > 1.0) fu = 1.0;
            s = tn_solve(&S, fl, fu);
        } else {
            S = (tn_side){0.0, tn->beta, R0, tn->c[3], mr, tn->c[5]};
            double fu = (1.0 - u) * (m / mr), fl = (lo ? tl - ml : mr - tu) / mr;
            if (fu > 1.0) fu = 1.0;
            s = tn_solve(&S, fl, fu);
        }
        if (!(s >= 0) || s == TN_INF) s = 0.0;
        if (s > S.h) s = S.h;
        z = left ? -s : s;
    }
    z += 0.0;                                           /* -0 -> +0 */
    if (!(z >= tn->alpha)) z = tn->alpha;
    if (!(z <= tn->beta)) z = tn->beta;
    return z;
}
