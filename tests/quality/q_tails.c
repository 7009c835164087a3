/*
 * q_tails — the tails of the normal fills (f32 and f64, N(0, 1)):
 *  - counts of z > k and z < -k for k = 3, 4, 5, 6 over 4 * 10^9 (f32) and
 *    2 * 10^9 (f64) samples, each against its exact Poisson-binomial law
 *    (the per-sample probabilities are <= 1.35e-3, so Poisson is exact to
 *    that relative order); two-sided p-values, Holm (qstat.h);
 *  - the largest reachable |z| of each type, computed by running the
 *    library's own Box-Muller (si_box_muller_f32/f64 from
 *    src/scalar/math_scalar.h) at the smallest radius uniform: u1 = 2^-32
 *    (f32) and 2^-53 (f64), at the angle next to 0 (t = 2^-25 / 2^-54
 *    turns, where cos rounds to 1) -- compared with sqrt(-2 ln u1_min)
 *    = sqrt(64 ln 2) = 6.6604 and sqrt(106 ln 2) = 8.5716; no sample may
 *    exceed it, and the largest one observed is reported;
 *  - that every radius is a real number: log(u1) <= 0 for the largest u1
 *    values (u1 rounds to 1 for the top 2^6 of the 2^31 inputs), so the
 *    sqrt never sees a negative argument.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "qstat.h"
#include "simdinit.h"
#include "scalar/math_scalar.h"

#define CHUNK ((size_t)1 << 22)
#define NK 4

static qa_family fam;
static const int ks[NK] = {3, 4, 5, 6};

typedef struct tensor_part {
    uint64_t seed, stream, offset, n;
} tensor_part;

static void run(simdinit_dtype t, const tensor_part *parts, int nparts, double reach)
{
    const char *tn = simdinit_dtype_name(t);
    size_t es = simdinit_dtype_size(t);
    void *buf = malloc(CHUNK * es);
    uint64_t up[NK] = {0}, dn[NK] = {0}, nonfinite = 0;
    double n = 0, zmax = 0;
    double t0 = qa_now(), c0 = qa_cpu();
    for (int p = 0; p < nparts; p++) {
        for (uint64_t done = 0; done < parts[p].n;) {
            size_t m = parts[p].n - done < CHUNK ? (size_t)(parts[p].n - done) : CHUNK;
            if (simdinit_normal(buf, t, m, parts[p].offset + done, parts[p].seed, parts[p].stream,
                                0.0, 1.0) != SIMDINIT_OK) {
                fprintf(stderr, "fill failed\n");
                exit(2);
            }
            for (size_t i = 0; i < m; i++) {
                double z = t == SIMDINIT_F32 ? (double)((float *)buf)[i] : ((double *)buf)[i];
                double a = fabs(z);
                if (!(a <= 1e300)) { nonfinite++; continue; }
                if (a > zmax) zmax = a;
                if (a > 3.0) {
                    for (int k = 0; k < NK; k++) {
                        if (z > ks[k]) up[k]++;
                        if (z < -ks[k]) dn[k]++;
                    }
                }
            }
            done += m;
        }
        n += (double)parts[p].n;
    }
    printf("\n== %s N(0,1): n = %.0f, %.1f s (cpu %.1f s) ==\n", tn, n, qa_now() - t0,
           qa_cpu() - c0);
    printf("  %-4s %14s %14s %14s %14s\n", "k", "expected/side", "z > k", "z < -k", "|z| > k");
    for (int k = 0; k < NK; k++) {
        double p1 = qa_Q(ks[k]);
        double lam = n * p1;
        printf("  %-4d %14.2f %14llu %14llu %14llu   (P(|Z|>k) = %.4g, observed %.4g)\n", ks[k], lam,
               (unsigned long long)up[k], (unsigned long long)dn[k],
               (unsigned long long)(up[k] + dn[k]), 2 * p1, (double)(up[k] + dn[k]) / n);
        qa_add(&fam, (double)up[k], qa_p_count((double)up[k], lam), "%s count z > %d (exp %.1f)", tn,
               ks[k], lam);
        qa_add(&fam, (double)dn[k], qa_p_count((double)dn[k], lam), "%s count z < -%d (exp %.1f)", tn,
               ks[k], lam);
    }
    qa_check(&fam, nonfinite == 0, "%s: no NaN/inf among the samples (%llu)", tn,
             (unsigned long long)nonfinite);
    qa_check(&fam, zmax <= reach, "%s: largest |z| observed %.9g <= reach %.9g", tn, zmax, reach);
    free(buf);
}

int main(void)
{
    qa_family_init(&fam, "q_tails", QA_FAMILY_ALPHA * QA_SHARE_TAILS);
    printf("q_tails: backend %s\n", simdinit_backend_name(simdinit_active_backend()));

    /* ---- reach, from the library's own Box-Muller ---- */
    float z0, z1;
    si_box_muller_f32(0u, 1u << 31, &z0, &z1);  /* u1 = 2^-32, t = 2^-25 turns */
    double r32 = z0, want32 = sqrt(64.0 * log(2.0));
    printf("f32 reach: si_box_muller_f32(hi=0, lo=2^31) = (%.9g, %.9g); sqrt(64 ln 2) = %.9g\n", z0, z1,
           want32);
    qa_check(&fam, fabs(r32 - want32) <= 4 * 0x1p-21 && fabsf(z1) < 1e-5f,
             "f32 reach %.9g = sqrt(64 ln 2) within 4 ulp, sin part ~0", r32);
    /* The swap bit (lo bit 9) and the sign bit (hi bit 31) give the same
     * radius on the other axis / with the other sign. */
    float a0, a1, b0, b1, c0, c1;
    si_box_muller_f32(0u, (1u << 31) | 0x200u, &a0, &a1);
    si_box_muller_f32(1u << 31, 1u << 31, &b0, &b1);
    si_box_muller_f32(1u << 31, (1u << 31) | 0x200u, &c0, &c1);
    printf("  quarter turns: (%.9g, %.9g) (%.9g, %.9g) (%.9g, %.9g)\n", a0, a1, b0, b1, c0, c1);
    qa_check(&fam, a1 == z0 && b0 == -z0 && c1 == -z0 && a0 == z1 && b1 == -z1 && c0 == -z1,
             "f32 reach is symmetric: the four axis points are exactly +-%.9g", r32);
    /* r is monotone in u1: check the whole lowest range of hi too. */
    float rmax_scan = 0;
    for (uint32_t hi = 0; hi < (1u << 20); hi++) {
        si_box_muller_f32(hi, 1u << 31, &a0, &a1);
        if (a0 > rmax_scan) rmax_scan = a0;
    }
    qa_check(&fam, rmax_scan == z0, "f32: no hi in [0, 2^20) gives a larger radius (%.9g)", rmax_scan);
    /* top of the u1 range: log(u1) must never be positive */
    int neg_ok = 1;
    float rmin_nonzero = 1e30f;
    for (uint32_t k = 0x7fffffffu; k >= 0x7ff00000u; k--) {
        float u1 = si_fmaf((float)(int32_t)k, 0x1p-31f, 0x1p-32f);   /* as si_box_muller_f32 */
        float lg = si_log_f32(u1);
        if (lg > 0) neg_ok = 0;
        float r = sqrtf(lg * -2.0f);
        if (r > 0 && r < rmin_nonzero) rmin_nonzero = r;
    }
    qa_check(&fam, neg_ok, "f32: log(u1) <= 0 for the top 2^20 inputs (radius always real)");
    printf("  f32 smallest non-zero radius %.6g; P(radius = 0) = 2^-25\n", rmin_nonzero);

    double d0, d1;
    si_box_muller_f64(0u, UINT64_C(1) << 63, &d0, &d1);        /* u1 = 2^-53, t = 2^-54 turns */
    double want64 = sqrt(106.0 * log(2.0));
    printf("f64 reach: si_box_muller_f64(x1=0, x2=2^63) = (%.17g, %.17g); sqrt(106 ln 2) = %.17g\n", d0,
           d1, want64);
    qa_check(&fam, fabs(d0 - want64) <= 4 * 0x1p-50 && fabs(d1) < 1e-14,
             "f64 reach %.17g = sqrt(106 ln 2) within 4 ulp", d0);
    double e0, e1;
    si_box_muller_f64(UINT64_MAX & ~(UINT64_C(1) << 11), UINT64_C(1) << 63, &e0, &e1);  /* u1 = 1 - 2^-53 */
    qa_check(&fam, e0 > 0 && fabs(e0 - 0x1p-26) <= 0x1p-78 && fabs(e1) < 1e-22,
             "f64: the largest u1 = 1 - 2^-53 gives the smallest radius 2^-26 (%g, %g)", e0, e1);
    si_box_muller_f32(0x7fffffffu, 1u << 31, &a0, &a1);
    qa_check(&fam, a0 == 0.0f && a1 == 0.0f, "f32: u1 = 1 gives radius exactly 0 (%g, %g)", a0, a1);
    printf("  ideal mass beyond the reach: P(|Z| > %.4f) = %.3g (f32), P(|Z| > %.4f) = %.3g (f64);\n"
           "  radius tail cut: P(R > r_max) = u1_min = 2^-32 = %.3g (f32), 2^-53 = %.3g (f64)\n",
           r32, 2 * qa_Q(r32), d0, 2 * qa_Q(d0), 0x1p-32, 0x1p-53);

    /* ---- tail frequencies ---- */
    const tensor_part p32[] = {
        {11, 0, 0, 1000000000}, {12, 1, 0, 1000000000},
        {13, 0xffffffffffffffffull, (UINT64_C(1) << 33) + 3, 1000000000}, {14, 9, 77, 1000000000},
    };
    const tensor_part p64[] = {
        {21, 0, 0, 500000000}, {22, 1, 0, 500000000},
        {23, 0xffffffffffffffffull, (UINT64_C(1) << 35) + 5, 500000000}, {24, 9, 77, 500000000},
    };
    run(SIMDINIT_F32, p32, 4, r32);
    run(SIMDINIT_F64, p64, 4, d0);
    printf("\nq_tails: %.1f s cpu\n", qa_cpu());
    return qa_finish(&fam);
}
