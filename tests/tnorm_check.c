/*
 * Standalone check of src/tnorm.c (the truncated normal's setup: its mass
 * and the choice of proposal). Build and run from the repository root:
 *
 *   gcc -O2 -std=c11 -ffp-contract=off -fno-math-errno -Iinclude -Isrc \
 *       tests/tnorm_check.c src/tnorm.c -lm && ./a.out
 *
 * libm is used here only for reference values; tests/tnorm_ref.h holds exact
 * (80-digit) references from tests/gen_tnorm_ref.py. Exit status 0 iff all pass.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "internal.h"
#include "tnorm_ref.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int n_pass, n_fail;
static double max_mass, max_eff_err, min_eff = 1;

static void check(int ok, const char *what, double a, double b, double u, double got, double want)
{
    if (ok) { n_pass++; return; }
    n_fail++;
    printf("FAIL %s: a=%.17g b=%.17g u=%.17g got %.17g want %.17g\n", what, a, b, u, got, want);
}


static void check_mass_refs(void)
{
    for (size_t i = 0; i < N_ELEMS(TN_REF_MASS); i++) {
        const tn_ref_mass *r = &TN_REF_MASS[i];
        si_tn tn;
        si_tn_setup(&tn, r->a, r->b);
        double mass = tn.mass;
        double err = fabs(mass - r->mass);
        int ok;
        if (r->mass >= DBL_MIN) {
            double rel = err / r->mass;
            if (rel > max_mass) max_mass = rel;
            ok = rel <= 1e-13;
        } else {
            ok = err <= 1e-13 * r->mass + 8 * 4.9406564584124654e-324;  /* subnormal/zero */
        }
        check(ok && mass >= 0, "mass vs reference", r->a, r->b, 0, mass, r->mass);
    }
}

static uint64_t rng_state = 12345;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
/* (k + 1/2) 2^-52: exactly representable, in (0, 1), 1 - u exact for u >= 1/2 */
static double rng_unif(void) { return ((double)(rng_next() >> 12) + 0.5) * 0x1p-52; }

/* Intervals of every kind: central, one-sided, narrow, far tails, huge,
 * infinite ends. */
static const double GRID_IV[][2] = {
    {-2, 2}, {-INFINITY, INFINITY}, {0, INFINITY}, {-INFINITY, 0}, {1, 3}, {3, 4}, {5, 6},
    {8, INFINITY}, {20, 21}, {38, 40}, {100, INFINITY}, {1e6, INFINITY}, {-30, -29},
    {-1e-9, 1e-9}, {0.5, 0.5000001}, {-10, 10}, {30, 30.000000000001}, {-5e-13, 5e-13},
    {1e200, INFINITY}, {-INFINITY, -1e300}, {1e8, 1e8 + 1e-8}, {0, 1e-300}, {-1e-300, 1e-300},
    {3.9, 4.1}, {-0.3, 1e10}, {2, 1e300}, {1e-320, 1e-310}, {-4, -3.99}, {0.999, 1.001},
    {-DBL_MAX, DBL_MAX}, {DBL_MAX / 2, DBL_MAX}, {DBL_MAX, INFINITY}, {-1e308, -1e307},
    {37.5, 38.5}, {-0.0, 1}, {-1, -0.0}, {5, 5.000000000000001}, {1e-10, 1e-10 + 1e-25},
    {-40, 40}, {-40, -38}, {0.125, 0.25}, {-1e-200, 0.0}, {7.999999, 8.000001}, {4, 4.125},
};

/*
 * The acceptance rate of a proposal, by quadrature of its definition
 * (independent of the closed forms in src/tnorm.c): the expected acceptance
 * probability under the proposal density.
 *  uniform, one-sided (near end c >= 0, width h): (1/h) int_0^h exp(-((c+t)^2 - c^2)/2) dt
 *  uniform, two-sided [alpha, beta]:              (1/w) int_alpha^beta exp(-x^2/2) dx
 *  exponential (rate lam): int_0^h lam exp(-lam t) exp(-(c + t - lam)^2 / 2) dt
 *  normal: the mass, checked separately.
 * Composite Simpson in long double over the part of the range where the
 * integrand is not negligible.
 */
static long double f_uni1(long double c, long double t, long double lam)
{
    (void)lam;
    return expl(-t * (c + 0.5L * t));
}
static long double f_uni0(long double c, long double t, long double lam)
{
    (void)lam;
    long double x = c + t;
    return expl(-0.5L * x * x);
}
static long double f_exp(long double c, long double t, long double lam)
{
    long double d = c + t - lam;
    return lam * expl(-lam * t) * expl(-0.5L * d * d);
}

static long double simpson(long double (*f)(long double, long double, long double), long double c,
                           long double lam, long double len)
{
    const int K = 200000;
    long double hh = len / K, sum = f(c, 0, lam) + f(c, len, lam);
    for (int k = 1; k < K; k++)
        sum += (k & 1 ? 4 : 2) * f(c, k * hh, lam);
    return sum * hh / 3;
}

static double quad_rate(const si_tn *tn)
{
    if (tn->method == SI_TN_UNIFORM) {
        long double w = tn->w;
        if (tn->side == 0)
            return (double)(simpson(f_uni0, tn->alpha, 0, w) / w);
        if (w == 0)
            return 1.0;
        /* the integrand is below e^-60 once t (c + t/2) > 60 */
        long double c = tn->c, len = w;
        long double tmax = c > 0 ? 60.0L / c : 12.0L;
        if (len > tmax) len = tmax;
        if (len < w * 1e-18L) return -1;   /* not resolvable: skip */
        return (double)(simpson(f_uni1, c, 0, len) / w);
    }
    long double lam = tn->lam, len = 60.0L / lam;
    if (tn->w < len) len = tn->w;
    return (double)simpson(f_exp, tn->c, lam, len);
}

/* Every interval: the chosen proposal's rate (tn.eff) matches its quadrature,
 * is at least 0.3 (so a block's loop ends: expected fewer than 4 candidates
 * per element), and no other proposal is cheaper per accepted value by more
 * than the cost weights allow (the choice is the documented rule). */
static void check_plan(double a, double b, int verbose)
{
    si_tn tn;
    si_tn_setup(&tn, a, b);
    double mass = tn.mass;
    double rate = tn.method == SI_TN_NORMAL ? mass : quad_rate(&tn);
    if (rate >= 0 && tn.method != SI_TN_NORMAL) {
        double err = fabs(rate - tn.eff) / rate;
        if (err > max_eff_err) max_eff_err = err;
        check(err <= 1e-9, "proposal rate vs quadrature", a, b, 0, tn.eff, rate);
    }
    if (tn.eff < min_eff) min_eff = tn.eff;
    check(tn.eff >= 0.3 && tn.eff <= 1.0 + 1e-12, "proposal rate in [0.3, 1]", a, b, 0, tn.eff, 0.3);
    if (verbose)
        printf("  [%g, %g]: mass %.6g, proposal %s, rate %.6f\n", a, b, mass,
               tn.method == SI_TN_NORMAL ? "normal" : tn.method == SI_TN_UNIFORM ? "uniform" : "exponential",
               tn.eff);
}

static void check_plans(void)
{
    for (size_t i = 0; i < N_ELEMS(GRID_IV); i++)
        check_plan(GRID_IV[i][0], GRID_IV[i][1], 1);
    /* random intervals over 16 decades of width and position */
    for (int t = 0; t < 3000; t++) {
        double a = (rng_unif() < 0.5 ? -1 : 1) * pow(10.0, -8 + 10 * rng_unif());
        double w = pow(10.0, -8 + 10 * rng_unif());
        check_plan(a, a + w, 0);
    }
    printf("proposal rates: min %.4f, max relative error vs quadrature %.3g\n", min_eff, max_eff_err);
}

int main(void)
{
    check_mass_refs();
    check_plans();
    printf("max relative mass error (normal range): %.3g\n", max_mass);
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail != 0;
}
