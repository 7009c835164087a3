/*
 * Shared helpers of the long statistical-quality suite (tests/quality/):
 * distribution functions, p-values, a Holm collector that turns a program's
 * p-values into one pass/fail at its share of the suite's family-wise alpha,
 * and a wall clock. Header-only: every program is a single C file.
 *
 * Multiple testing. The whole long suite is one family with family-wise
 * error rate QA_FAMILY_ALPHA. Each program owns a fixed share of it (the
 * QA_SHARE_* constants below sum to 1) and applies Holm's step-down procedure
 * to its own p-values at alpha = QA_FAMILY_ALPHA * share. By the union bound
 * the probability that any program of the suite rejects a true null
 * hypothesis is at most QA_FAMILY_ALPHA. All seeds are fixed, so a verdict is
 * reproducible: the alpha is the chance that the seeds we fixed were unlucky.
 */
#ifndef SIMDINIT_QSTAT_H
#define SIMDINIT_QSTAT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QA_FAMILY_ALPHA 1e-3
/* Shares of the family-wise alpha (sum = 1). */
#define QA_SHARE_DIST_EACH 0.15   /* q_dist, one per output type: 4 x 0.15 */
#define QA_SHARE_TAILS 0.10       /* q_tails */
#define QA_SHARE_STRUCTURE 0.20   /* q_structure */
#define QA_SHARE_TNORM 0.10       /* q_tnorm */
/* The fast subset (q_fast, default suite) is a family of its own. */
#define QA_FAST_ALPHA 1e-4

/* ---- clock ---------------------------------------------------------------- */

static inline double qa_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of this process (the machine may be shared: wall time alone
 * would not say what a test costs). */
static inline double qa_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the standard normal ---------------------------------------------------- */

static inline double qa_Phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }
/* 1 - Phi(z), accurate in the upper tail. */
static inline double qa_Q(double z) { return 0.5 * erfc(z / sqrt(2.0)); }
static inline double qa_phi(double z) { return exp(-0.5 * z * z) / 2.5066282746310002; }

/* Two-sided p-value of a standard normal score. */
static inline double qa_p_z(double z) { return erfc(fabs(z) / sqrt(2.0)); }

/* ---- regularized incomplete gamma: P(a, x) and Q(a, x) ---------------------- */

/* Series for P(a, x), good for x < a + 1. */
static double qa_gamma_p_series(double a, double x)
{
    double sum = 1.0 / a, term = sum, ap = a;
    for (int n = 0; n < 100000; n++) {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if (fabs(term) < fabs(sum) * 1e-16)
            break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction (modified Lentz) for Q(a, x), good for x >= a + 1. */
static double qa_gamma_q_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

static inline double qa_gamma_q(double a, double x)
{
    if (x <= 0)
        return 1.0;
    if (x < a + 1.0)
        return 1.0 - qa_gamma_p_series(a, x);
    return qa_gamma_q_cf(a, x);
}

static inline double qa_gamma_p(double a, double x)
{
    if (x <= 0)
        return 0.0;
    if (x < a + 1.0)
        return qa_gamma_p_series(a, x);
    return 1.0 - qa_gamma_q_cf(a, x);
}

/* Upper tail of the chi-square distribution with df degrees of freedom. */
static inline double qa_chi2_sf(double x, double df) { return qa_gamma_q(0.5 * df, 0.5 * x); }

/* Poisson(lambda): P(X >= k) and P(X <= k). */
static inline double qa_pois_ge(double k, double lambda)
{
    return k <= 0 ? 1.0 : qa_gamma_p(k, lambda);
}
static inline double qa_pois_le(double k, double lambda) { return qa_gamma_q(k + 1.0, lambda); }

/* Two-sided p-value of a count against a Poisson mean (doubling the smaller tail). */
static inline double qa_p_count(double k, double lambda)
{
    double lo = qa_pois_le(k, lambda), hi = qa_pois_ge(k, lambda);
    double p = 2.0 * (lo < hi ? lo : hi);
    return p > 1.0 ? 1.0 : p;
}

/* ---- Kolmogorov distribution ---------------------------------------------- */

/* P(sqrt(n) D > lambda) asymptotically, with Stephens' small-n correction
 * applied by the caller: lambda = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) D. */
static inline double qa_kolmogorov_sf(double lambda)
{
    if (lambda < 0.2)
        return 1.0;
    double s = 0.0;
    for (int k = 1; k < 200; k++) {
        double t = exp(-2.0 * k * k * lambda * lambda);
        s += (k & 1) ? t : -t;
        if (t < 1e-300)
            break;
    }
    s *= 2.0;
    return s < 0 ? 0 : s > 1 ? 1 : s;
}

static inline double qa_ks_p(double D, double n)
{
    double sn = sqrt(n);
    return qa_kolmogorov_sf((sn + 0.12 + 0.11 / sn) * D);
}

/* ---- Holm collector ------------------------------------------------------- */

typedef struct qa_test {
    char name[112];
    double stat;     /* the statistic reported (z, chi2, D, ...) */
    double p;
} qa_test;

typedef struct qa_family {
    const char *program;
    double alpha;    /* this program's share of the family-wise alpha */
    qa_test *t;
    int n, cap;
    int hard_failures;   /* deterministic checks that failed (not p-values) */
} qa_family;

static inline void qa_family_init(qa_family *f, const char *program, double alpha)
{
    memset(f, 0, sizeof *f);
    f->program = program;
    f->alpha = alpha;
}

static inline void qa_add(qa_family *f, double stat, double p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline void qa_add(qa_family *f, double stat, double p, const char *fmt, ...)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 256;
        f->t = realloc(f->t, (size_t)f->cap * sizeof *f->t);
        if (!f->t) { perror("realloc"); exit(2); }
    }
    qa_test *t = &f->t[f->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->name, sizeof t->name, fmt, ap);
    va_end(ap);
    t->stat = stat;
    t->p = (p != p) ? 0.0 : p;    /* NaN p-value: treat as a failure */
    printf("  %-70s stat %12.5g  p %.3e\n", t->name, stat, t->p);
    fflush(stdout);
}

/* A deterministic check (bounds, reach, ulp limits). */
static inline void qa_check(qa_family *f, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void qa_check(qa_family *f, int ok, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("  %-6s %s\n", ok ? "ok" : "FAIL", buf);
    fflush(stdout);
    if (!ok)
        f->hard_failures++;
}

static int qa_cmp_p(const void *a, const void *b)
{
    double x = ((const qa_test *)a)->p, y = ((const qa_test *)b)->p;
    return x < y ? -1 : x > y;
}

/* Holm step-down over the program's p-values; prints the verdict and returns
 * the process exit status (0 pass, 1 fail). */
static inline int qa_finish(qa_family *f)
{
    int m = f->n, rejected = 0;
    qa_test *s = malloc((size_t)(m ? m : 1) * sizeof *s);
    if (m)
        memcpy(s, f->t, (size_t)m * sizeof *s);
    qsort(s, (size_t)m, sizeof *s, qa_cmp_p);
    for (int i = 0; i < m; i++) {
        double thr = f->alpha / (double)(m - i);
        if (s[i].p <= thr) {
            printf("REJECTED (Holm, alpha %.2e): %s  p = %.3e <= %.3e\n", f->alpha, s[i].name,
                   s[i].p, thr);
            rejected++;
        } else {
            break;
        }
    }
    printf("\n%s: %d p-values, smallest %.3e (%s); Holm at alpha %.2e: %d rejected; "
           "%d deterministic check(s) failed\n",
           f->program, m, m ? s[0].p : 1.0, m ? s[0].name : "-", f->alpha, rejected,
           f->hard_failures);
    /* Also the five smallest, for the record. */
    for (int i = 0; i < m && i < 5; i++)
        printf("  smallest[%d] p = %.3e  %s\n", i, s[i].p, s[i].name);
    free(s);
    int fail = rejected > 0 || f->hard_failures > 0;
    printf("%s: %s\n", f->program, fail ? "FAIL" : "PASS");
    free(f->t);
    return fail;
}

/* ---- tiny deterministic helper RNG (SplitMix64), for sampling test inputs ---- */

static inline uint64_t qa_splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- moment tests --------------------------------------------------------- */

/* Sample moments from power sums about a fixed centre c (the target mean):
 * S[k] = sum (x - c)^k, k = 1..4, over n samples. Central target moments
 * mu[2..8] (mu[0] = 1, mu[1] = 0). Adds four tests (mean, variance, skewness,
 * kurtosis) with delta-method standard errors computed from the target's
 * moments up to order 8. */
typedef struct qa_moments {
    double n;
    double S[5];
} qa_moments;

static inline void qa_moments_add_block(qa_moments *m, const double *S, double n)
{
    m->n += n;
    for (int k = 1; k <= 4; k++)
        m->S[k] += S[k];
}

/* Asymptotic covariance (times n) of sample central moments m_r, m_s. */
static inline double qa_cov_m(const double *mu, int r, int s)
{
    double v = mu[r + s] - mu[r] * mu[s];
    v -= r * mu[r - 1] * mu[s + 1] + s * mu[s - 1] * mu[r + 1];
    v += (double)(r * s) * mu[r - 1] * mu[s - 1] * mu[2];
    return v;
}

static inline void qa_moment_tests(qa_family *f, const qa_moments *m, double c, const double *mu,
                                   const char *label, double *out_stats)
{
    double n = m->n;
    double d = m->S[1] / n;                 /* sample mean - c */
    /* central sample moments from raw moments about c */
    double r2 = m->S[2] / n, r3 = m->S[3] / n, r4 = m->S[4] / n;
    double m2 = r2 - d * d;
    double m3 = r3 - 3 * d * r2 + 2 * d * d * d;
    double m4 = r4 - 4 * d * r3 + 6 * d * d * r2 - 3 * d * d * d * d;
    double g1 = m3 / pow(m2, 1.5), g2 = m4 / (m2 * m2);
    double G1 = mu[3] / pow(mu[2], 1.5), G2 = mu[4] / (mu[2] * mu[2]);

    double se_mean = sqrt(mu[2] / n);
    double se_var = sqrt(qa_cov_m(mu, 2, 2) / n);
    /* skewness = m3 m2^-3/2 */
    double a2 = -1.5 * mu[3] * pow(mu[2], -2.5), a3 = pow(mu[2], -1.5);
    double v_g1 = a2 * a2 * qa_cov_m(mu, 2, 2) + 2 * a2 * a3 * qa_cov_m(mu, 2, 3) +
                  a3 * a3 * qa_cov_m(mu, 3, 3);
    /* kurtosis = m4 / m2^2 */
    double b2 = -2.0 * mu[4] * pow(mu[2], -3.0), b4 = pow(mu[2], -2.0);
    double v_g2 = b2 * b2 * qa_cov_m(mu, 2, 2) + 2 * b2 * b4 * qa_cov_m(mu, 2, 4) +
                  b4 * b4 * qa_cov_m(mu, 4, 4);
    double z_mean = d / se_mean, z_var = (m2 - mu[2]) / se_var;
    double z_g1 = (g1 - G1) / sqrt(v_g1 / n), z_g2 = (g2 - G2) / sqrt(v_g2 / n);
    qa_add(f, z_mean, qa_p_z(z_mean), "%s mean (z)", label);
    qa_add(f, z_var, qa_p_z(z_var), "%s variance (z)", label);
    qa_add(f, z_g1, qa_p_z(z_g1), "%s skewness (z)", label);
    qa_add(f, z_g2, qa_p_z(z_g2), "%s kurtosis (z)", label);
    printf("    %s: mean %+.9g (target %+.9g), var %.9g (%.9g), skew %+.6f (%+.6f), "
           "kurt %.6f (%.6f)\n",
           label, c + d, c, m2, mu[2], g1, G1, g2, G2);
    if (out_stats) {
        out_stats[0] = z_mean; out_stats[1] = z_var; out_stats[2] = z_g1; out_stats[3] = z_g2;
    }
}

#endif /* SIMDINIT_QSTAT_H */
