/*
 * Target distributions of the quality suite, written independently of the
 * library from docs/STREAM.md §3: the exact continuous CDF of what a fill is
 * supposed to draw, its central moments, and for bf16/f16 the exact
 * probability of every representable value (the continuous target rounded to
 * nearest into the output's support).
 *
 * What "the target" is, per distribution (STREAM.md §3.3-3.5):
 *  - uniform(low, high) as type T: continuous U[lo, high), lo = ceil_C(low) in
 *    the computation type C (f32 for bf16/f16), rounded to nearest in T; mass
 *    whose rounding would leave [low, high) goes to the nearest T value inside
 *    (for the top: the largest T value below high, the documented edge
 *    mapping);
 *  - normal(mean, std): N(mean, std^2), rounded to T;
 *  - trunc_normal(mean, std, a, b): N(mean, std^2) conditioned on
 *    [tlo, thi] = [ceil_T(a), floor_T(b)], rounded to T (never leaving it).
 */
#ifndef SIMDINIT_QTARGET_H
#define SIMDINIT_QTARGET_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qstat.h"
#include "simdinit.h"

/* ---- bf16 / f16 decoding and the sorted table of values --------------------- */

static inline double qa_bf16_value(uint16_t h)
{
    uint32_t b = (uint32_t)h << 16;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static inline double qa_f16_value(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 31)
        v = m ? NAN : INFINITY;
    else if (e == 0)
        v = ldexp((double)m, -24);
    else
        v = ldexp((double)(1024 + m), e - 25);
    return s ? -v : v;
}

static inline double qa_narrow_value(uint16_t h, simdinit_dtype t)
{
    return t == SIMDINIT_BF16 ? qa_bf16_value(h) : qa_f16_value(h);
}

/* All finite values of a 16-bit type in increasing order, -0 and +0 as one
 * value 0. idx[bits] = position of the value (-1 for inf / NaN). */
typedef struct qa_table {
    int n;
    double v[65536];
    uint16_t bits[65536];
    int idx[65536];
} qa_table;

static inline void qa_table_build(qa_table *tb, simdinit_dtype t)
{
    uint16_t maxfin = t == SIMDINIT_BF16 ? 0x7f7f : 0x7bff;
    int n = 0;
    for (int b = maxfin; b >= 1; b--) {            /* negatives, most negative first */
        tb->bits[n] = (uint16_t)(0x8000 | b);
        tb->v[n++] = -qa_narrow_value((uint16_t)b, t);
    }
    tb->bits[n] = 0;
    tb->v[n++] = 0.0;
    for (int b = 1; b <= maxfin; b++) {
        tb->bits[n] = (uint16_t)b;
        tb->v[n++] = qa_narrow_value((uint16_t)b, t);
    }
    tb->n = n;
    for (int b = 0; b < 65536; b++)
        tb->idx[b] = -1;
    for (int i = 0; i < n; i++)
        tb->idx[tb->bits[i]] = i;
    tb->idx[0x8000] = tb->idx[0];
}

/* Smallest table value >= x / largest <= x (index). */
static inline int qa_table_ceil(const qa_table *tb, double x)
{
    int lo = 0, hi = tb->n - 1;
    if (tb->v[hi] < x) return -1;
    while (lo < hi) { int mid = (lo + hi) / 2; if (tb->v[mid] >= x) hi = mid; else lo = mid + 1; }
    return lo;
}
static inline int qa_table_floor(const qa_table *tb, double x)
{
    int lo = 0, hi = tb->n - 1;
    if (tb->v[0] > x) return -1;
    while (lo < hi) { int mid = (lo + hi + 1) / 2; if (tb->v[mid] <= x) lo = mid; else hi = mid - 1; }
    return lo;
}

/* Round-to-nearest-even of x into the table (for constant checks). */
static inline int qa_table_round(const qa_table *tb, double x)
{
    int c = qa_table_ceil(tb, x), f = qa_table_floor(tb, x);
    if (c < 0) return f;
    if (f < 0) return c;
    if (c == f) return c;
    double dc = tb->v[c] - x, df = x - tb->v[f];
    if (dc < df) return c;
    if (df < dc) return f;
    return (tb->bits[c] & 1) ? f : c;   /* tie: even mantissa */
}

/* ---- the continuous targets --------------------------------------------------- */

enum { QA_UNIFORM = 0, QA_NORMAL = 1, QA_TNORM = 2 };

typedef struct qa_target {
    int kind;
    double lo, high;          /* uniform: continuous support [lo, high) */
    double hi;                /* uniform: largest output value (< high) */
    double mean, std;         /* normal, tnorm */
    double tlo, thi;          /* tnorm: support in the output type */
    double alpha, beta;       /* tnorm: standardized support */
    double Qa, Qb, Pa, Pb;    /* tnorm: tail masses at alpha, beta */
    int upper;                /* tnorm: use the upper-tail form */
    double mu1;               /* mean */
    double mu[9];             /* central moments, mu[0] = 1, mu[1] = 0 */
} qa_target;

/* CDF of the continuous target at x (in [0, 1]). */
static inline double qa_target_cdf(const qa_target *t, double x)
{
    double u;
    switch (t->kind) {
    case QA_UNIFORM:
        u = (x - t->lo) / (t->high - t->lo);
        break;
    case QA_NORMAL:
        u = qa_Phi((x - t->mean) / t->std);
        break;
    default: {
        double z = (x - t->mean) / t->std;
        if (z <= t->alpha) return 0.0;
        if (z >= t->beta) return 1.0;
        if (t->upper)
            u = (t->Qa - qa_Q(z)) / (t->Qa - t->Qb);
        else
            u = (qa_Phi(z) - t->Pa) / (t->Pb - t->Pa);
    }
    }
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

/* Central moments of the standard normal truncated to [alpha, beta], by
 * composite Simpson over the density scaled so its maximum on the interval
 * is 1 (no underflow far in a tail). mean in *m1, central moments in mu[]. */
static inline void qa_tn_moments(double alpha, double beta, double *m1, double mu[9])
{
    double a = alpha < -40 ? -40 : alpha, b = beta > 40 ? 40 : beta;
    double z0 = a > 0 ? a : b < 0 ? b : 0.0;    /* where the density peaks */
    const int N = 400000;                       /* even */
    double h = (b - a) / N;
    long double raw[9] = {0};
    for (int pass = 0; pass < 2; pass++) {
        long double c = pass ? (long double)raw[1] / raw[0] : 0.0L;
        long double acc[9] = {0};
        for (int i = 0; i <= N; i++) {
            double z = a + h * i;
            double w = (i == 0 || i == N) ? 1 : (i & 1) ? 4 : 2;
            long double d = expl(-0.5L * ((long double)z * z - (long double)z0 * z0)) * w;
            long double p = 1, x = (long double)z - c;
            for (int k = 0; k <= 8; k++) { acc[k] += d * p; p *= x; }
        }
        if (pass == 0) {
            memcpy(raw, acc, sizeof raw);
        } else {
            *m1 = (double)c;
            for (int k = 0; k <= 8; k++) mu[k] = (double)(acc[k] / acc[0]);
            mu[0] = 1; mu[1] = 0;
        }
    }
}

static inline void qa_target_uniform(qa_target *t, double lo, double high, double hi)
{
    memset(t, 0, sizeof *t);
    t->kind = QA_UNIFORM;
    t->lo = lo; t->high = high; t->hi = hi;
    double w = high - lo;
    t->mu1 = 0.5 * (lo + high);
    t->mu[0] = 1;
    for (int k = 2; k <= 8; k += 2)
        t->mu[k] = pow(0.5 * w, k) / (k + 1);
}

static inline void qa_target_normal(qa_target *t, double mean, double std)
{
    memset(t, 0, sizeof *t);
    t->kind = QA_NORMAL;
    t->mean = mean; t->std = std;
    t->mu1 = mean;
    t->mu[0] = 1;
    double df = 1;
    for (int k = 2; k <= 8; k += 2) {
        df *= k - 1;
        t->mu[k] = df * pow(std, k);
    }
}

static inline void qa_target_tnorm(qa_target *t, double mean, double std, double tlo, double thi)
{
    memset(t, 0, sizeof *t);
    t->kind = QA_TNORM;
    t->mean = mean; t->std = std; t->tlo = tlo; t->thi = thi;
    t->alpha = (tlo - mean) / std;
    t->beta = (thi - mean) / std;
    t->Qa = qa_Q(t->alpha); t->Qb = qa_Q(t->beta);
    t->Pa = qa_Phi(t->alpha); t->Pb = qa_Phi(t->beta);
    t->upper = t->alpha > 0;
    double m1, mu[9];
    qa_tn_moments(t->alpha, t->beta, &m1, mu);
    t->mu1 = mean + std * m1;
    for (int k = 0; k <= 8; k++)
        t->mu[k] = mu[k] * pow(std, k);
}

/* Exact truncated-normal mean and variance (the closed forms) of N(0,1) on
 * [alpha, beta], stable in the tails (ratios of densities to tail masses). */
static inline void qa_tn_mean_var(double alpha, double beta, double *mean, double *var)
{
    long double pa = qa_phi(alpha), pb = qa_phi(beta), Z;
    if (alpha > 0)
        Z = (long double)qa_Q(alpha) - qa_Q(beta);
    else if (beta < 0)
        Z = (long double)qa_Phi(beta) - qa_Phi(alpha);
    else
        Z = 1.0L - qa_Q(beta) - qa_Phi(alpha);
    long double a = isinf(alpha) ? 0 : alpha * pa, b = isinf(beta) ? 0 : beta * pb;
    long double m = (pa - pb) / Z;
    *mean = (double)m;
    *var = (double)(1.0L + (a - b) / Z - m * m);
}

#endif /* SIMDINIT_QTARGET_H */
