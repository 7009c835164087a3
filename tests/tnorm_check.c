/*
 * Standalone check of src/tnorm.c (the double-precision truncated-normal
 * inverse CDF). Build and run from the repository root:
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
static double max_ulps, max_relz, max_relF, max_mass;

static void check(int ok, const char *what, double a, double b, double u, double got, double want)
{
    if (ok) { n_pass++; return; }
    n_fail++;
    printf("FAIL %s: a=%.17g b=%.17g u=%.17g got %.17g want %.17g\n", what, a, b, u, got, want);
}

static double ulps_between(double x, double ref)
{
    if (x == ref) return 0.0;
    double up = nextafter(ref, INFINITY) - ref;
    if (!(up > 0)) up = ref - nextafter(ref, -INFINITY);
    return fabs(x - ref) / up;
}

/* exact references: z within 1e-14 relative (or 4 ulps), or the conditional
 * CDF F(z) within 1e-14 relative of min(u, 1-u) (for z ~ 0 or rounding-bound
 * cases at the ends of narrow/tail intervals) */
static void check_inverse_refs(void)
{
    for (size_t i = 0; i < N_ELEMS(TN_REF_INV); i++) {
        const tn_ref_inv *r = &TN_REF_INV[i];
        si_tn tn;
        double mass;
        si_tn_setup(&tn, r->a, r->b, &mass);
        double z = si_tn_inverse(&tn, r->u);
        double ulps = ulps_between(z, r->z);
        double relz = r->z != 0 ? fabs(z - r->z) / fabs(r->z) : (z == 0 ? 0 : INFINITY);
        double relF = r->dens * fabs(z - r->z) / fmin(r->u, 1.0 - r->u);
        if (r->a >= 0 || r->b <= 0 || fabs(r->z) >= 0.1) {   /* z away from 0 */
            if (ulps > max_ulps) max_ulps = ulps;
            if (relz > max_relz) max_relz = relz;
        } else if (relF > max_relF) {                       /* central, z near 0 */
            max_relF = relF;
        }
        if (ulps > 4 && relz > 1e-15)
            printf("  info: a=%g b=%g u=%.17g z=%.17g ref %.17g (%.3g ulps, relz %.3g, relF %.3g)\n",
                   r->a, r->b, r->u, z, r->z, ulps, relz, relF);
        check(isfinite(z) && z >= r->a && z <= r->b &&
                  (relz <= 1e-14 || ulps <= 4 || relF <= 1e-14),
              "inverse vs reference", r->a, r->b, r->u, z, r->z);
    }
}

static void check_mass_refs(void)
{
    for (size_t i = 0; i < N_ELEMS(TN_REF_MASS); i++) {
        const tn_ref_mass *r = &TN_REF_MASS[i];
        si_tn tn;
        double mass = -1;
        si_tn_setup(&tn, r->a, r->b, &mass);
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

/* F(z) with libm (independent of src/tnorm.c), for moderate bounds */
static double ref_cdf(double a, double b, double z)
{
    if (a >= 0) {
        double qa = 0.5 * erfc(a / sqrt(2.0)), qb = 0.5 * erfc(b / sqrt(2.0));
        return (qa - 0.5 * erfc(z / sqrt(2.0))) / (qa - qb);
    }
    double pa = 0.5 * erfc(-a / sqrt(2.0)), pb = 0.5 * erfc(-b / sqrt(2.0));
    return (0.5 * erfc(-z / sqrt(2.0)) - pa) / (pb - pa);
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

/* Dense grids: monotone in u, inside [a, b], finite; the extreme u values
 * too (including u = 0 and u = 1, which callers must not pass but may). */
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

static void check_grid(void)
{
    const int N = 20000;
    for (size_t i = 0; i < N_ELEMS(GRID_IV); i++) {
        double a = GRID_IV[i][0], b = GRID_IV[i][1], mass;
        si_tn tn;
        si_tn_setup(&tn, a, b, &mass);
        int ok = mass >= 0 && mass <= 1.0, mono = 1;
        double prev = -INFINITY, pu = 0;
        static const double lo_u[] = {0x1p-1074, 1e-300, 0x1p-60, 0x1p-54};
        static const double hi_u[] = {1.0 - 0x1p-40, 1.0 - 0x1p-52, 1.0 - 0x1p-53};
        for (int k = -4; k <= N + 2; k++) {
            double u = k < 0 ? lo_u[k + 4] : k < N ? (k + 0.5) / N : hi_u[k - N];
            double z = si_tn_inverse(&tn, u);
            if (!(isfinite(z) && z >= a && z <= b)) {
                ok = 0;
                printf("  out of range: a=%g b=%g u=%.17g z=%.17g\n", a, b, u, z);
            }
            if (!(z >= prev)) {
                mono = 0;
                printf("  not monotone: a=%g b=%g u=%.17g (prev u %.17g) z=%.17g prev %.17g\n",
                       a, b, u, pu, z, prev);
            }
            prev = z;
            pu = u;
        }
        double z0 = si_tn_inverse(&tn, 0.0), z1 = si_tn_inverse(&tn, 1.0);
        ok = ok && isfinite(z0) && isfinite(z1) && z0 >= a && z1 <= b && z0 <= z1 &&
             z1 >= prev;
        check(ok, "grid range/finite", a, b, 0, 0, 0);
        check(mono, "grid monotone", a, b, 0, 0, 0);
    }
}

/* Mirror symmetry, bit for bit, for u with exact 1 - u. */
static void check_mirror(void)
{
    for (size_t i = 0; i < N_ELEMS(GRID_IV); i++) {
        double a = GRID_IV[i][0], b = GRID_IV[i][1], m1, m2;
        si_tn t1, t2;
        si_tn_setup(&t1, a, b, &m1);
        si_tn_setup(&t2, -b, -a, &m2);
        int ok = m1 == m2;
        for (int k = 0; k < 200 && ok; k++) {
            double u = rng_unif();
            if (u < 0.5) u = 1.0 - u;   /* 1 - u exact */
            double z1 = si_tn_inverse(&t1, u), z2 = si_tn_inverse(&t2, 1.0 - u);
            if (!(z1 == -z2)) {
                ok = 0;
                printf("  mirror: a=%g b=%g u=%.17g %.17g vs %.17g\n", a, b, u, z1, -z2);
            }
        }
        check(ok, "mirror symmetry", a, b, 0, 0, 0);
    }
}

/* Random moderate intervals against the libm CDF (independent reference, so
 * the tolerance reflects erfc's accuracy, not tnorm's). */
static void check_random_cdf(void)
{
    double worst = 0;
    int bad = 0;
    for (int t = 0; t < 20000; t++) {
        double a = -6 + 12 * rng_unif(), w = pow(10.0, -3 + 4 * rng_unif());
        double b = a + w;
        if (b > 6) continue;
        si_tn tn;
        double mass;
        si_tn_setup(&tn, a, b, &mass);
        double u = rng_unif();
        double z = si_tn_inverse(&tn, u);
        double F = ref_cdf(a, b, z);
        /* libm-side error: erfc relative ~1 ulp at args up to 6/sqrt2, the
         * sqrt(2) division, and the cancellation in the mass. */
        double qa = 0.5 * erfc(fabs(a) / sqrt(2.0));
        double tol = 4e-15 * (1 + (qa + 0.5 * erfc(-fabs(b) / sqrt(2.0))) / mass) *
                     (1 + a * a + b * b);
        double e = fabs(F - u);
        double rel = e / (tol + 1e-300);
        if (rel > worst) worst = rel;
        if (!(z >= a && z <= b) || e > tol) {
            bad++;
            if (bad < 10) printf("  random cdf: a=%.17g b=%.17g u=%.17g z=%.17g F=%.17g\n", a, b, u, z, F);
        }
    }
    printf("random CDF check vs libm: worst |F(z)-u| / tolerance = %.3g\n", worst);
    check(bad == 0, "random intervals vs libm CDF", 0, 0, 0, 0, 0);
}

int main(void)
{
    check_inverse_refs();
    check_mass_refs();
    check_grid();
    check_mirror();
    check_random_cdf();
    printf("max inverse error vs exact reference (one-sided, or |z| >= 0.1): %.3g ulps, "
           "relative %.3g\n", max_ulps, max_relz);
    printf("max relative conditional-CDF error (central, |z| < 0.1): %.3g\n", max_relF);
    printf("max relative mass error (normal range): %.3g\n", max_mass);
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail != 0;
}
