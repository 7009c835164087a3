/*
 * q_fast — a few-second subset of the quality suite for the default (fast)
 * test run (docs/QUALITY.md has the long suite):
 *  - neighbour correlation of f32 U[0,1) at lag 1 (even- and odd-aligned
 *    pairs) and lag 16 (same lane, next step), 2^21 samples;
 *  - 64 x 64 chi-square on non-overlapping pairs (u_2k, u_2k+1), 2^21 samples;
 *  - frequency of |z| > 4 for N(0,1) in f32 and f64, 2^24 samples each
 *    (expected 1063), against its Poisson law;
 *  - the largest |z| the f32 and f64 Box-Muller can reach, computed by the
 *    library's own si_box_muller_f32/f64 at u1 = 2^-32 / 2^-53 and the
 *    angle next to 0 (t = 2^-25 / 2^-54 turns, cos rounds to 1), equals
 *    sqrt(64 ln 2) / sqrt(106 ln 2) to a few ulp.
 * Fixed seeds; Holm over the p-values at family-wise alpha 1e-4.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "qstat.h"
#include "simdinit.h"
#include "scalar/math_scalar.h"

#define NU ((size_t)1 << 21)
#define NN ((size_t)1 << 24)

int main(void)
{
    qa_family fam;
    qa_family_init(&fam, "q_fast", QA_FAST_ALPHA);
    float *u = malloc(NU * sizeof *u);
    if (simdinit_uniform(u, SIMDINIT_F32, NU, 0, 2024, 1, 0.0, 1.0) != SIMDINIT_OK) return 2;
    const int lags[3] = {1, 1, 16};
    for (int k = 0; k < 3; k++) {
        double s = 0, q = 0;
        size_t start = k == 1 ? 1 : 0, step = k < 2 ? 2 : 1;
        for (size_t i = start; i + (size_t)lags[k] < NU; i += step) {
            double p = ((double)u[i] - 0.5) * ((double)u[i + (size_t)lags[k]] - 0.5);
            s += p; q += p * p;
        }
        double t = s / sqrt(q);
        qa_add(&fam, t, qa_p_z(t), "f32 U[0,1) lag %d%s corr t", lags[k],
               k == 0 ? " (even i)" : k == 1 ? " (odd i)" : "");
    }
    static uint32_t grid[64 * 64];
    for (size_t i = 0; i + 1 < NU; i += 2)
        grid[(int)(u[i] * 64) * 64 + (int)(u[i + 1] * 64)]++;
    double e = (double)(NU / 2) / 4096.0, chi = 0;
    for (int c = 0; c < 4096; c++) chi += ((double)grid[c] - e) * ((double)grid[c] - e) / e;
    qa_add(&fam, chi, qa_chi2_sf(chi, 4095), "f32 U[0,1) pairs (u_2k, u_2k+1) 64x64 chi2");
    free(u);

    void *z = malloc(NN * 8);
    for (int t = 0; t < 2; t++) {
        simdinit_dtype dt = t ? SIMDINIT_F64 : SIMDINIT_F32;
        if (simdinit_normal(z, dt, NN, 0, 77, 3, 0.0, 1.0) != SIMDINIT_OK) return 2;
        size_t cnt = 0;
        for (size_t i = 0; i < NN; i++) {
            double v = t ? ((double *)z)[i] : (double)((float *)z)[i];
            cnt += fabs(v) > 4.0;
        }
        double lam = (double)NN * 2.0 * qa_Q(4.0);
        qa_add(&fam, (double)cnt, qa_p_count((double)cnt, lam), "%s N(0,1) count |z| > 4 (exp %.1f)",
               simdinit_dtype_name(dt), lam);
    }
    free(z);

    float r32, s32;
    si_box_muller_f32(0u, 1u << 31, &r32, &s32);
    double w32 = sqrt(64.0 * log(2.0));
    qa_check(&fam, fabs(r32 - w32) <= 4 * 4.8e-7, "f32 reach %.9g vs sqrt(64 ln 2) = %.9g (4 ulp)",
             r32, w32);
    double r64, s64;
    si_box_muller_f64(0u, UINT64_C(1) << 63, &r64, &s64);
    double w64 = sqrt(106.0 * log(2.0));
    qa_check(&fam, fabs(r64 - w64) <= 4 * 1.8e-15, "f64 reach %.17g vs sqrt(106 ln 2) = %.17g (4 ulp)",
             r64, w64);
    return qa_finish(&fam);
}
