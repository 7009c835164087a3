/*
 * Statistical sanity of every distribution in every dtype, with fixed seeds
 * (so a pass or fail is reproducible, not flaky), 2^20 samples each:
 *  - every value inside the support (uniform [low, high), truncated [a, b]);
 *  - mean and variance within 6 standard errors of the exact moments;
 *  - Kolmogorov-Smirnov D * sqrt(n) < 2.0 (p ~ 0.0007 for one test) against
 *    the exact CDF, computed here with libm's erfc.
 * bf16 and f16 outputs are discrete: they are compared with the distribution
 * of the exact variate rounded to nearest-even into the support, whose CDF at
 * each representable value is the exact CDF at the rounding boundary (the
 * midpoint to the neighbour, or the support's end). Moments for them are the
 * moments of that discrete distribution, so rounding is not mistaken for bias.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NS ((size_t)1 << 20)
#define KS_LIMIT 2.0
#define SE_LIMIT 6.0

/* ---- the exact distributions ---- */

static double Phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }
static double Qup(double z) { return 0.5 * erfc(z / sqrt(2.0)); } /* 1 - Phi, exact in the tail */

static int in_support(const simdinit_dist *d, double v)
{
    switch (d->kind) {
    case SIMDINIT_DIST_UNIFORM: return v >= d->low && (v < d->high || d->low == d->high);
    case SIMDINIT_DIST_TRUNC_NORMAL: return v >= d->a && v <= d->b;
    default: return isfinite(v);
    }
}

static void support(const simdinit_dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case SIMDINIT_DIST_UNIFORM: *lo = d->low; *hi = d->high; break;
    case SIMDINIT_DIST_TRUNC_NORMAL: *lo = d->a; *hi = d->b; break;
    default: *lo = -INFINITY; *hi = INFINITY; break;
    }
}

static double cdf(const simdinit_dist *d, double x)
{
    if (d->kind == SIMDINIT_DIST_UNIFORM) {
        double u = (x - d->low) / (d->high - d->low);
        return u < 0 ? 0 : u > 1 ? 1 : u;
    }
    double z = (x - d->mean) / d->std;
    if (d->kind == SIMDINIT_DIST_NORMAL)
        return Phi(z);
    double al = (d->a - d->mean) / d->std, be = (d->b - d->mean) / d->std;
    if (z <= al)
        return 0;
    if (z >= be)
        return 1;
    if (al >= 0) /* upper tail: work with 1 - Phi to keep the digits */
        return (Qup(al) - Qup(z)) / (Qup(al) - Qup(be));
    return (Phi(z) - Phi(al)) / (Phi(be) - Phi(al));
}

/* Mean, variance and 4th central moment of a continuous distribution
 * (closed forms for uniform and normal, Simpson's rule for truncated). */
typedef struct moments {
    double mean, var, m4;
} moments;

static moments cont_moments(const simdinit_dist *d)
{
    moments m;
    if (d->kind == SIMDINIT_DIST_UNIFORM) {
        double w = d->high - d->low;
        m.mean = (d->low + d->high) / 2;
        m.var = w * w / 12;
        m.m4 = w * w * w * w / 80;
        return m;
    }
    if (d->kind == SIMDINIT_DIST_NORMAL) {
        m.mean = d->mean;
        m.var = d->std * d->std;
        m.m4 = 3 * m.var * m.var;
        return m;
    }
    /* Truncated: integrate the standardized density over [al, be] ∩ [-40, 40]. */
    double al = (d->a - d->mean) / d->std, be = (d->b - d->mean) / d->std;
    if (al < -40)
        al = -40;
    if (be > 40)
        be = 40;
    const int K = 1 << 18; /* even */
    double h = (be - al) / K, s0 = 0, s1 = 0;
    for (int pass = 0; pass < 2; pass++) {
        double acc[3] = {0, 0, 0}, c = pass ? s1 : 0;
        for (int i = 0; i <= K; i++) {
            double z = al + h * i;
            double w = (i == 0 || i == K) ? 1 : (i & 1) ? 4 : 2;
            double p = w * exp(-0.5 * z * z);
            double y = z - c;
            if (pass == 0) {
                acc[0] += p;
                acc[1] += p * z;
            } else {
                acc[1] += p * y * y;
                acc[2] += p * y * y * y * y;
            }
        }
        if (pass == 0) {
            s0 = acc[0];
            s1 = acc[1] / s0;
        } else {
            m.var = acc[1] / s0;
            m.m4 = acc[2] / s0;
        }
    }
    m.mean = d->mean + d->std * s1;
    m.var *= d->std * d->std;
    m.m4 *= d->std * d->std * d->std * d->std;
    return m;
}

/* ---- the rounded (discrete) distribution for bf16 / f16 ---- */

typedef struct grid {
    int n;                    /* representable finite values in the support */
    double val[65536];        /* ascending */
    double glo[65536];        /* exact CDF at the lower rounding boundary */
    double ghi[65536];        /* ... at the upper one */
    int index[65536];         /* bits -> position in val, -1 when outside the support */
} grid;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void make_grid(grid *g, const simdinit_dist *d, simdinit_dtype dt)
{
    const t_narrow *f = t_narrow_fmt(dt);
    static double all[65536];
    int na = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        double v = t_narrow_to_double((uint16_t)h, f);
        if (isfinite(v) && h != 0x8000)
            all[na++] = v;
    }
    qsort(all, (size_t)na, sizeof *all, cmp_double);
    double slo, shi;
    support(d, &slo, &shi);
    g->n = 0;
    for (int i = 0; i < na; i++) {
        if (!in_support(d, all[i]))
            continue;
        double lo = (i == 0 || !in_support(d, all[i - 1])) ? slo : 0.5 * (all[i - 1] + all[i]);
        double hi = (i == na - 1 || !in_support(d, all[i + 1])) ? shi : 0.5 * (all[i] + all[i + 1]);
        g->val[g->n] = all[i];
        g->glo[g->n] = cdf(d, lo);
        g->ghi[g->n] = cdf(d, hi);
        g->n++;
    }
    for (uint32_t h = 0; h < 65536; h++) {
        double v = t_narrow_to_double((uint16_t)(h == 0x8000 ? 0 : h), f);
        g->index[h] = -1;
        if (!isfinite(v) || !in_support(d, v))
            continue;
        /* binary search */
        int lo = 0, hi = g->n - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (g->val[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        g->index[h] = lo;
    }
}

static moments grid_moments(const grid *g)
{
    moments m = {0, 0, 0};
    for (int i = 0; i < g->n; i++)
        m.mean += g->val[i] * (g->ghi[i] - g->glo[i]);
    for (int i = 0; i < g->n; i++) {
        double p = g->ghi[i] - g->glo[i], y = g->val[i] - m.mean;
        m.var += p * y * y;
        m.m4 += p * y * y * y * y;
    }
    return m;
}

/* ---- one case ---- */

static void check_moments(const double *x, size_t n, moments m, const char *what)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double mean = s / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double var = ss / (double)(n - 1);
    double se_mean = sqrt(m.var / (double)n);
    double se_var = sqrt((m.m4 - m.var * m.var) / (double)n);
    double zm = (mean - m.mean) / se_mean, zv = (var - m.var) / se_var;
    cr_expect(fabs(zm) < SE_LIMIT, "%s: mean %.10g, exact %.10g (%.2f standard errors)", what, mean,
              m.mean, zm);
    cr_expect(fabs(zv) < SE_LIMIT, "%s: variance %.10g, exact %.10g (%.2f standard errors)", what,
              var, m.var, zv);
    fprintf(stderr, "test_stats: %-44s mean %+6.2f se, var %+6.2f se", what, zm, zv);
}

static void run_case(const simdinit_dist *d, const char *name, uint64_t seed)
{
    void *buf = malloc(NS * 8);
    double *x = malloc(NS * sizeof *x);
    grid *g = malloc(sizeof *g);
    cr_assert(buf && x && g);
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        char what[96];
        snprintf(what, sizeof what, "%s as %s", name, simdinit_dtype_name(dt));
        cr_assert_eq(simdinit_fill(buf, dt, NS, 0, seed + (uint64_t)j, 3, d), SIMDINIT_OK, "%s", what);
        int narrow = dt == SIMDINIT_BF16 || dt == SIMDINIT_F16;
        size_t outside = 0, at_bound = 0, first_out = 0;
        for (size_t i = 0; i < NS; i++) {
            uint64_t b = elem_bits(buf, dt, i);
            double v;
            if (dt == SIMDINIT_F64) {
                memcpy(&v, &b, 8);
            } else if (dt == SIMDINIT_F32) {
                float f;
                uint32_t w = (uint32_t)b;
                memcpy(&f, &w, 4);
                v = f;
            } else {
                v = t_narrow_to_double((uint16_t)b, t_narrow_fmt(dt));
            }
            x[i] = v;
            if (!in_support(d, v)) {
                if (!outside)
                    first_out = i;
                outside++;
            }
            if (d->kind == SIMDINIT_DIST_TRUNC_NORMAL && (v == d->a || v == d->b))
                at_bound++;
        }
        cr_expect_eq(outside, 0, "%s: %zu values outside the support, first x[%zu] = %.17g", what,
                     outside, first_out, x[first_out]);
        if (!narrow && d->kind == SIMDINIT_DIST_TRUNC_NORMAL)
            cr_expect_leq(at_bound, 20, "%s: %zu values exactly on a bound (clamped?)", what, at_bound);

        double D = 0;
        moments m;
        if (narrow) {
            make_grid(g, d, dt);
            m = grid_moments(g);
            static uint32_t count[65536];
            memset(count, 0, sizeof count);
            for (size_t i = 0; i < NS; i++) {
                uint64_t b = elem_bits(buf, dt, i);
                int k = g->index[b == 0x8000 ? 0 : b];
                if (k >= 0)
                    count[k]++;
            }
            double cum = 0;
            for (int k = 0; k < g->n; k++) {
                double before = cum / (double)NS;
                cum += count[k];
                double after = cum / (double)NS;
                D = fmax(D, fmax(fabs(before - g->glo[k]), fabs(after - g->ghi[k])));
            }
        } else {
            m = cont_moments(d);
            qsort(x, NS, sizeof *x, cmp_double);
            for (size_t i = 0; i < NS; i++) {
                double F = cdf(d, x[i]);
                D = fmax(D, fmax(F - (double)i / NS, (double)(i + 1) / NS - F));
            }
        }
        check_moments(x, NS, m, what);
        double ks = D * sqrt((double)NS);
        fprintf(stderr, ", KS D*sqrt(n) %.3f\n", ks);
        cr_expect_lt(ks, KS_LIMIT, "%s: Kolmogorov-Smirnov D*sqrt(n) = %.3f (limit %.1f)", what, ks,
                     KS_LIMIT);
    }
    free(buf);
    free(x);
    free(g);
}

Test(stats, uniform) { run_case(&(simdinit_dist){.kind = SIMDINIT_DIST_UNIFORM, .low = -0.5, .high = 2}, "uniform(-0.5, 2)", 100); }
Test(stats, uniform_narrow_bounds) { run_case(&(simdinit_dist){.kind = SIMDINIT_DIST_UNIFORM, .low = 0.0997, .high = 0.15}, "uniform(0.0997, 0.15)", 110); }
Test(stats, normal) { run_case(&(simdinit_dist){.kind = SIMDINIT_DIST_NORMAL, .mean = 0.25, .std = 1.5}, "normal(0.25, 1.5)", 200); }
Test(stats, normal_standard) { run_case(&(simdinit_dist){.kind = SIMDINIT_DIST_NORMAL, .mean = 0, .std = 1}, "normal(0, 1)", 210); }

#define TN(m, s, a_, b_) (&(simdinit_dist){.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = (m), .std = (s), .a = (a_), .b = (b_)})
Test(stats, trunc_central) { run_case(TN(0, 1, -2, 2), "trunc_normal(0, 1, -2, 2)", 300); }
Test(stats, trunc_half) { run_case(TN(0, 1, 0, 40), "trunc_normal(0, 1, 0, 40)", 310); }
Test(stats, trunc_tail_3_4) { run_case(TN(0, 1, 3, 4), "trunc_normal(0, 1, 3, 4)", 320); }
Test(stats, trunc_tail_6_8) { run_case(TN(0, 1, 6, 8), "trunc_normal(0, 1, 6, 8)", 330); }
Test(stats, trunc_left_tail) { run_case(TN(0, 1, -8, -6), "trunc_normal(0, 1, -8, -6)", 335); }
Test(stats, trunc_shifted) { run_case(TN(0.5, 2, -1.5, 4.5), "trunc_normal(0.5, 2, -1.5, 4.5)", 340); }
Test(stats, trunc_asymmetric) { run_case(TN(-1, 0.25, -1.125, -0.25), "trunc_normal(-1, 0.25, -1.125, -0.25)", 350); }
/* the uniform proposal (narrow, two-sided and mirrored one-sided; docs/STREAM.md
 * §3.5). The bounds are values of every type: the sampler's interval is the
 * type's values inside [a, b], the reference here [a, b] itself. */
Test(stats, trunc_narrow) { run_case(TN(0, 1, -0.0625, 0.0625), "trunc_normal(0, 1, -0.0625, 0.0625)", 360); }
Test(stats, trunc_narrow_below) { run_case(TN(0, 1, -0.625, -0.5), "trunc_normal(0, 1, -0.625, -0.5)", 370); }
Test(stats, trunc_unit) { run_case(TN(0, 1, 0, 1), "trunc_normal(0, 1, 0, 1)", 380); }

/* Tails of the untruncated normal over 10^7 samples: the largest |z| and the
 * counts beyond 3 and 4 sigma must be what a normal gives. */
static void tails(simdinit_dtype dt)
{
    const size_t n = 10000000;
    void *buf = malloc(n * 8);
    cr_assert(buf);
    cr_assert_eq(simdinit_normal(buf, dt, n, 0, 77, 0, 0.0, 1.0), SIMDINIT_OK);
    double maxz = 0;
    size_t over3 = 0, over4 = 0;
    for (size_t i = 0; i < n; i++) {
        double z;
        if (dt == SIMDINIT_F32) {
            float f;
            memcpy(&f, (float *)buf + i, 4);
            z = fabs((double)f);
        } else {
            memcpy(&z, (double *)buf + i, 8);
            z = fabs(z);
        }
        maxz = fmax(maxz, z);
        over3 += z > 3;
        over4 += z > 4;
    }
    free(buf);
    double e3 = n * 2 * Qup(3), e4 = n * 2 * Qup(4);
    fprintf(stderr, "test_stats: normal %s, 10^7 samples: max |z| %.3f; |z| > 3: %zu (expect %.0f); |z| > 4: %zu (expect %.1f)\n",
            simdinit_dtype_name(dt), maxz, over3, e3, over4, e4);
    /* P(max < 4.8) ~ 1e-7; P(max > 7) ~ 3e-5 for a true normal. */
    cr_expect(maxz > 4.8 && maxz < 7.0, "max |z| = %.3f over 10^7 samples", maxz);
    cr_expect(fabs((double)over3 - e3) < SE_LIMIT * sqrt(e3), "%zu samples beyond 3 sigma, expect %.0f", over3, e3);
    cr_expect(fabs((double)over4 - e4) < SE_LIMIT * sqrt(e4), "%zu samples beyond 4 sigma, expect %.1f", over4, e4);
}

Test(stats, normal_tails_f32) { tails(SIMDINIT_F32); }
Test(stats, normal_tails_f64) { tails(SIMDINIT_F64); }

/* The machinery detects what it is meant to: a uniform shifted by 1% of its
 * width, or a normal with its std off by 1%, fails KS or the moments. */
Test(stats, checks_can_fail)
{
    simdinit_dist d = simdinit_dist_uniform(0, 1);
    float *buf = malloc(NS * sizeof *buf);
    cr_assert(buf);
    cr_assert_eq(simdinit_fill(buf, SIMDINIT_F32, NS, 0, 5, 5, &d), SIMDINIT_OK);
    double *x = malloc(NS * sizeof *x);
    for (size_t i = 0; i < NS; i++)
        x[i] = buf[i] + 0.01;
    qsort(x, NS, sizeof *x, cmp_double);
    double D = 0;
    for (size_t i = 0; i < NS; i++) {
        double F = cdf(&d, x[i]);
        D = fmax(D, fmax(F - (double)i / NS, (double)(i + 1) / NS - F));
    }
    cr_expect_gt(D * sqrt((double)NS), KS_LIMIT, "a 1%% shift went unnoticed");
    moments m = cont_moments(&(simdinit_dist){.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0, .std = 1, .a = -2, .b = 2});
    cr_expect(fabs(sqrt(m.var) - 0.87962566103423978) < 1e-9, "std of N(0,1) cut at +-2: %.17g", sqrt(m.var));
    free(buf);
    free(x);
}
