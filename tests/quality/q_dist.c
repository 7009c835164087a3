/*
 * q_dist <f32|f64|bf16|f16> — distribution quality of every random
 * distribution in one output type, at 10^8 samples per distribution
 * (4 tensors (seed, stream, offset) x 2.5 * 10^7 consecutive elements,
 * filled in chunks of 2^20).
 *
 * For each of uniform, normal and the truncated normal with each of its
 * proposals (normal, exponential, uniform: docs/STREAM.md §3.5):
 *  - support: every value inside the target's support (hard check);
 *  - Kolmogorov-Smirnov against the exact target CDF;
 *  - chi-square against the exact target bin probabilities;
 *  - mean, variance, skewness, kurtosis against the target's, with
 *    delta-method standard errors from the target's moments up to order 8.
 * f32/f64 are tested through the probability integral transform u = F(x):
 * chi-square on 1000 equiprobable bins, KS evaluated on a 2^20-bin grid
 * of u (understating D by at most 2^-20, far below the 10^-4 scale that
 * matters at n = 10^8). bf16/f16 are discrete: their target is the
 * continuous target rounded to nearest in the type (qtarget.h), KS is
 * evaluated at every representable value (conservative for discrete laws),
 * chi-square on the representable values merged in order until each bin
 * expects >= 1000 samples (see EMIN); the uniform is also tested value by
 * value against the exact law of its 2^24-point float32 lattice.
 * Constant fills are checked for exact values.
 *
 * The p-values go through Holm at this program's share of the suite's
 * family-wise alpha (qstat.h).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qstat.h"
#include "qtarget.h"
#include "internal.h"   /* si_params_prepare: the proposal a fill uses */
#include "simdinit.h"

#define CHUNK ((size_t)1 << 20)
#define PART_N ((uint64_t)25000000)
#define NPARTS 4
#define NK ((size_t)1 << 20)     /* KS grid on u */
#define NB 1000                  /* chi-square bins on u */
/* narrow types: minimum expected count per chi-square bin. Against the ideal
 * (continuous, then rounded) target the bins must be wide enough to hold many
 * points of the 2^24-point lattice the f32 value path draws from: near zero
 * a bf16/f16 value can be narrower than the lattice spacing (width * 2^-24),
 * and there the per-value probabilities legitimately differ from the ideal
 * ones by up to ~10%. With >= 1000 expected samples a bin spans >= 167
 * lattice points at 10^8 samples. The uniform is also tested against its
 * exact lattice law, value by value (EMIN_LATTICE). */
#define EMIN 1000.0
#define EMIN_LATTICE 100.0

typedef struct part {
    uint64_t seed, stream, offset;
} part;

static const part parts[NPARTS] = {
    {1, 0, 0},
    {2, 7, 0},
    {UINT64_C(0xdeadbeef), 1, (UINT64_C(1) << 40) + 12345},   /* far, unaligned offset */
    {3, (UINT64_C(1) << 63) + 5, 1000003},
};

typedef struct config {
    const char *name;
    simdinit_dist dist;
} config;

/* Distributions per type: uniform, normal, and the truncated normal with each
 * of its three proposals. */
#define NCFG 5

/* The proposal the library chose for a truncated-normal fill. */
static const char *tn_proposal(const simdinit_dist *d, simdinit_dtype t)
{
    si_params p;
    if (si_params_prepare(&p, d, t) != SIMDINIT_OK || p.kind != SIMDINIT_DIST_TRUNC_NORMAL)
        return "no";
    return p.tn.method == SI_TN_NORMAL ? "normal" : p.tn.method == SI_TN_UNIFORM ? "uniform" : "exponential";
}

static qa_family fam;
static simdinit_dtype T;
/* f32, bf16 and f16 share the float32 value path: distinct seeds per type keep
 * their tests independent of each other. */
#define SEED_OF_TYPE ((uint64_t)T * 1000 + (uint64_t)cfg_index * 100)
/* ... and per distribution: two distributions of one type would otherwise
 * be computed from the very same generator outputs. */
static int cfg_index;
static const char *tname;

/* ---- f32 / f64 -------------------------------------------------------------- */

static void run_wide(const config *c, const qa_target *tg, double sup_lo, double sup_hi,
                     int hi_open)
{
    size_t es = simdinit_dtype_size(T);
    void *buf = malloc(CHUNK * es);
    uint64_t *ks = calloc(NK, sizeof *ks);
    uint64_t *cb = calloc(NB, sizeof *cb);
    qa_moments mom = {0};
    double xmin = INFINITY, xmax = -INFINITY;
    uint64_t outside = 0, nonfinite = 0;
    double t0 = qa_now(), c0 = qa_cpu();
    for (int pi = 0; pi < NPARTS; pi++) {
        for (uint64_t done = 0; done < PART_N;) {
            size_t n = PART_N - done < CHUNK ? (size_t)(PART_N - done) : CHUNK;
            simdinit_status s = simdinit_fill(buf, T, n, parts[pi].offset + done,
                                              parts[pi].seed + SEED_OF_TYPE, parts[pi].stream,
                                              &c->dist);
            if (s != SIMDINIT_OK) {
                fprintf(stderr, "fill failed: %s\n", simdinit_strerror(s));
                exit(2);
            }
            double S[5] = {0};
            for (size_t i = 0; i < n; i++) {
                double x = T == SIMDINIT_F32 ? (double)((float *)buf)[i] : ((double *)buf)[i];
                if (!isfinite(x)) { nonfinite++; continue; }
                if (x < sup_lo || x > sup_hi || (hi_open && x >= tg->high)) outside++;
                if (x < xmin) xmin = x;
                if (x > xmax) xmax = x;
                double u = qa_target_cdf(tg, x);
                size_t k = (size_t)(u * (double)NK);
                ks[k < NK ? k : NK - 1]++;
                size_t b = (size_t)(u * NB);
                cb[b < NB ? b : NB - 1]++;
                double d = x - tg->mu1, d2 = d * d;
                S[1] += d; S[2] += d2; S[3] += d2 * d; S[4] += d2 * d2;
            }
            qa_moments_add_block(&mom, S, (double)n);
            done += n;
        }
    }
    double secs = qa_now() - t0, cpus = qa_cpu() - c0;
    double n = (double)PART_N * NPARTS;
    printf("  [%s %s] n = %.0f, %.1f s (cpu %.1f s), min %.9g max %.9g\n", tname, c->name, n, secs, cpus, xmin, xmax);
    qa_check(&fam, nonfinite == 0, "%s %s: no NaN/inf (%llu found)", tname, c->name,
             (unsigned long long)nonfinite);
    qa_check(&fam, outside == 0, "%s %s: all values in [%.9g, %.9g%s (%llu outside)", tname,
             c->name, sup_lo, hi_open ? tg->high : sup_hi, hi_open ? ")" : "]",
             (unsigned long long)outside);
    /* KS on the u grid */
    double D = 0, cum = 0;
    for (size_t k = 0; k + 1 < NK; k++) {
        cum += (double)ks[k];
        double d = fabs(cum / n - (double)(k + 1) / (double)NK);
        if (d > D) D = d;
    }
    qa_add(&fam, D * sqrt(n), qa_ks_p(D, n), "%s %s KS (sqrt(n) D)", tname, c->name);
    double chi = 0, e = n / NB;
    for (int b = 0; b < NB; b++)
        chi += ((double)cb[b] - e) * ((double)cb[b] - e) / e;
    qa_add(&fam, chi, qa_chi2_sf(chi, NB - 1), "%s %s chi2 (%d bins, df %d)", tname, c->name, NB,
           NB - 1);
    char label[96];
    snprintf(label, sizeof label, "%s %s", tname, c->name);
    qa_moment_tests(&fam, &mom, tg->mu1, tg->mu, label, NULL);
    free(buf); free(ks); free(cb);
}

/* ---- bf16 / f16 --------------------------------------------------------------- */

static qa_table tb;

/* Chi-square of observed counts against probabilities p[vmin..vmax] (in value
 * order), adjacent values merged until each bin expects >= emin samples (the
 * remainder joins the last bin). Observed counts where p is 0 count as well. */
static double merged_chi2(const double *obs, const double *p, int vmin, int vmax, double n,
                          double emin, int *nbins)
{
    double chi = 0, eo = 0, ee = 0, last_o = 0, last_e = 0;
    int bins = 0;
    for (int i = vmin; i <= vmax; i++) {
        eo += obs[i]; ee += p[i] * n;
        if (ee >= emin) {
            chi += (eo - ee) * (eo - ee) / ee;
            last_o = eo; last_e = ee;
            bins++;
            eo = ee = 0;
        }
    }
    if ((ee > 0 || eo > 0) && bins > 0) {
        chi -= (last_o - last_e) * (last_o - last_e) / last_e;
        last_o += eo; last_e += ee;
        chi += (last_o - last_e) * (last_o - last_e) / last_e;
    }
    if (bins == 0) { chi = 0; bins = 1; }
    *nbins = bins;
    return chi;
}

static void run_narrow(const config *c, const qa_target *tg, int vmin, int vmax)
{
    uint16_t *buf = malloc(CHUNK * 2);
    uint64_t *cnt = calloc(65536, sizeof *cnt);
    double t0 = qa_now(), c0 = qa_cpu();
    for (int pi = 0; pi < NPARTS; pi++) {
        for (uint64_t done = 0; done < PART_N;) {
            size_t n = PART_N - done < CHUNK ? (size_t)(PART_N - done) : CHUNK;
            simdinit_status s = simdinit_fill(buf, T, n, parts[pi].offset + done,
                                              parts[pi].seed + SEED_OF_TYPE, parts[pi].stream,
                                              &c->dist);
            if (s != SIMDINIT_OK) {
                fprintf(stderr, "fill failed: %s\n", simdinit_strerror(s));
                exit(2);
            }
            for (size_t i = 0; i < n; i++)
                cnt[buf[i]]++;
            done += n;
        }
    }
    double secs = qa_now() - t0, cpus = qa_cpu() - c0;
    double n = (double)PART_N * NPARTS;
    /* observed counts per table index */
    uint64_t bad = 0, outside = 0;
    double *obs = calloc((size_t)tb.n, sizeof *obs);
    for (int b = 0; b < 65536; b++) {
        if (!cnt[b]) continue;
        int i = tb.idx[b];
        if (i < 0) { bad += cnt[b]; continue; }
        if (i < vmin || i > vmax) outside += cnt[b];
        obs[i] += (double)cnt[b];
    }
    qa_check(&fam, bad == 0, "%s %s: no NaN/inf (%llu found)", tname, c->name,
             (unsigned long long)bad);
    qa_check(&fam, outside == 0, "%s %s: all values in [%.9g, %.9g] (%llu outside)", tname,
             c->name, tb.v[vmin], tb.v[vmax], (unsigned long long)outside);
    /* exact probabilities of the values vmin..vmax */
    double *pm = calloc((size_t)tb.n, sizeof *pm);
    double sup_lo = tg->kind == QA_UNIFORM ? tg->lo : tg->kind == QA_TNORM ? tg->tlo : -INFINITY;
    double sup_hi = tg->kind == QA_UNIFORM ? tg->high : tg->kind == QA_TNORM ? tg->thi : INFINITY;
    double Fprev = qa_target_cdf(tg, sup_lo);
    for (int i = vmin; i <= vmax; i++) {
        double up = i == vmax ? sup_hi : 0.5 * (tb.v[i] + tb.v[i + 1]);
        if (up > sup_hi) up = sup_hi;
        double F = i == vmax ? 1.0 : qa_target_cdf(tg, up);
        pm[i] = F - Fprev;
        Fprev = F;
    }
    /* target moments of the rounded law */
    double tot = 0, m1 = 0, mu[9] = {0};
    for (int i = vmin; i <= vmax; i++) { tot += pm[i]; m1 += pm[i] * tb.v[i]; }
    m1 /= tot;
    for (int i = vmin; i <= vmax; i++) {
        double d = tb.v[i] - m1, p = 1;
        for (int k = 0; k <= 8; k++) { mu[k] += pm[i] * p; p *= d; }
    }
    for (int k = 0; k <= 8; k++) mu[k] /= tot;
    mu[0] = 1; mu[1] = 0;
    printf("  [%s %s] n = %.0f, %.1f s (cpu %.1f s), %d values in the support, total target mass %.15f\n",
           tname, c->name, n, secs, cpus, vmax - vmin + 1, tot);
    qa_check(&fam, fabs(tot - 1.0) < 1e-9, "%s %s: target masses sum to 1", tname, c->name);
    /* KS at every value */
    double D = 0, cumo = 0, cume = 0;
    for (int i = vmin; i <= vmax; i++) {
        cumo += obs[i]; cume += pm[i];
        double d = fabs(cumo / n - cume);
        if (d > D) D = d;
    }
    qa_add(&fam, D * sqrt(n), qa_ks_p(D, n), "%s %s KS at every value (sqrt(n) D)", tname, c->name);
    /* chi-square on merged values, against the ideal target */
    int bins;
    double chi = merged_chi2(obs, pm, vmin, vmax, n, EMIN, &bins);
    qa_add(&fam, chi, qa_chi2_sf(chi, bins - 1), "%s %s chi2 (%d merged bins, df %d)", tname,
           c->name, bins, bins - 1);
    if (tg->kind == QA_UNIFORM) {
        /* ... and against the exact law of the documented arithmetic (STREAM.md
         * 3.3): v = min(lo + scale * k, hi) in float32, k uniform on 2^24
         * points, clamped into [nlo, nhi], rounded to nearest-even in the type. */
        double *lat = calloc((size_t)tb.n, sizeof *lat);
        float flo = (float)tg->lo, fhi = (float)tg->hi;
        float fscale = (float)(tg->high - tg->lo) * 0x1p-24f;
        float nlo = (float)tb.v[vmin], nhi = (float)tb.v[vmax];
        for (int32_t k = 0; k < (1 << 24); k++) {
            float v = flo + fscale * (float)k;
            if (v > fhi) v = fhi;
            if (v < nlo) v = nlo;
            if (v > nhi) v = nhi;
            lat[qa_table_round(&tb, (double)v)] += 0x1p-24;
        }
        double impossible = 0;
        for (int i = vmin; i <= vmax; i++)
            if (lat[i] == 0) impossible += obs[i];
        qa_check(&fam, impossible == 0, "%s %s: every value observed is a lattice value (%.0f not)",
                 tname, c->name, impossible);
        int lbins;
        double lchi = merged_chi2(obs, lat, vmin, vmax, n, EMIN_LATTICE, &lbins);
        qa_add(&fam, lchi, qa_chi2_sf(lchi, lbins - 1),
               "%s %s chi2 vs exact 2^24 lattice (%d bins, df %d)", tname, c->name, lbins,
               lbins - 1);
        free(lat);
    }
    /* moments */
    qa_moments mom = {0};
    for (int i = vmin; i <= vmax; i++) {
        double d = tb.v[i] - m1, d2 = d * d;
        mom.S[1] += obs[i] * d; mom.S[2] += obs[i] * d2;
        mom.S[3] += obs[i] * d2 * d; mom.S[4] += obs[i] * d2 * d2;
    }
    mom.n = n;
    char label[96];
    snprintf(label, sizeof label, "%s %s", tname, c->name);
    qa_moment_tests(&fam, &mom, m1, mu, label, NULL);
    free(buf); free(cnt); free(obs); free(pm);
}

/* ---- per configuration ----------------------------------------------------------- */

/* ceil_T / floor_T and "largest value below" for f32 / f64. */
static double wide_ceil(double x)
{
    if (T == SIMDINIT_F64) return x;
    float f = (float)x;
    if ((double)f < x) f = nextafterf(f, INFINITY);
    return f;
}
static double wide_floor(double x)
{
    if (T == SIMDINIT_F64) return x;
    float f = (float)x;
    if ((double)f > x) f = nextafterf(f, -INFINITY);
    return f;
}
static double wide_below(double x)
{
    double f = wide_floor(x);
    if (f < x) return f;
    return T == SIMDINIT_F64 ? nextafter(x, -INFINITY) : (double)nextafterf((float)x, -INFINITY);
}

static double f32_ceil(double x)
{
    float f = (float)x;
    if ((double)f < x) f = nextafterf(f, INFINITY);
    return f;
}
static double f32_below(double x)
{
    float f = (float)x;
    if ((double)f >= x) f = nextafterf(f, -INFINITY);
    return f;
}

static void run_config(const config *c)
{
    const simdinit_dist *d = &c->dist;
    qa_target tg;
    int wide = T == SIMDINIT_F32 || T == SIMDINIT_F64;
    printf("\n== %s %s ==\n", tname, c->name);
    if (d->kind == SIMDINIT_DIST_UNIFORM) {
        if (wide) {
            double lo = wide_ceil(d->low), hi = wide_below(d->high);
            qa_target_uniform(&tg, lo, d->high, hi);
            run_wide(c, &tg, lo, hi, 1);
        } else {
            /* The f32 uniform on [ceil_f32(low), high), rounded to the type,
             * clamped into [nlo, nhi] = [ceil_T(low), largest T < high]. */
            int vmin = qa_table_ceil(&tb, d->low), vmax = qa_table_floor(&tb, d->high);
            if (tb.v[vmax] >= d->high) vmax--;
            qa_target_uniform(&tg, f32_ceil(d->low), d->high, f32_below(d->high));
            run_narrow(c, &tg, vmin, vmax);
        }
    } else if (d->kind == SIMDINIT_DIST_NORMAL) {
        qa_target_normal(&tg, d->mean, d->std);
        if (wide)
            run_wide(c, &tg, -INFINITY, INFINITY, 0);
        else
            run_narrow(c, &tg, 0, tb.n - 1);
    } else {
        if (wide) {
            double tlo = wide_ceil(d->a), thi = wide_floor(d->b);
            qa_target_tnorm(&tg, d->mean, d->std, tlo, thi);
            double P = tg.upper ? tg.Qa - tg.Qb : tg.Pb - tg.Pa;
            printf("  support [%.9g, %.9g], alpha %.6f beta %.6f, mass %.6g (%s proposal)\n", tlo,
                   thi, tg.alpha, tg.beta, P, tn_proposal(d, T));
            run_wide(c, &tg, tlo, thi, 0);
        } else {
            int vmin = qa_table_ceil(&tb, d->a), vmax = qa_table_floor(&tb, d->b);
            qa_target_tnorm(&tg, d->mean, d->std, tb.v[vmin], tb.v[vmax]);
            double P = tg.upper ? tg.Qa - tg.Qb : tg.Pb - tg.Pa;
            printf("  support [%.9g, %.9g], alpha %.6f beta %.6f, mass %.6g (%s proposal)\n",
                   tb.v[vmin], tb.v[vmax], tg.alpha, tg.beta, P, tn_proposal(d, T));
            run_narrow(c, &tg, vmin, vmax);
        }
    }
}

/* Constant fills: exact values, for a few constants. */
static void run_constants(void)
{
    static const double values[] = {0.0, 1.0, -0.1, 1.0 / 3.0, 0.02, 1e-6, -65504.0, 3.0e38};
    size_t n = 100003;
    void *buf = malloc(n * 8);
    printf("\n== %s constant ==\n", tname);
    for (size_t j = 0; j < sizeof values / sizeof values[0]; j++) {
        double v = values[j];
        simdinit_status s = simdinit_constant(buf, T, n, v);
        uint64_t want;
        int expect_ok = 1;
        if (T == SIMDINIT_F64) {
            memcpy(&want, &v, 8);
        } else if (T == SIMDINIT_F32) {
            float f = (float)v;
            uint32_t b;
            memcpy(&b, &f, 4);
            want = b;
        } else {
            /* through float32 as documented, then nearest-even in the table */
            double f = (double)(float)v;
            int i = qa_table_round(&tb, f);
            double maxv = tb.v[tb.n - 1];
            double ulp_top = maxv - tb.v[tb.n - 2];
            if (fabs(f) >= maxv + 0.5 * ulp_top) { expect_ok = 0; want = 0; }
            else want = tb.bits[i];
        }
        if (!expect_ok) {
            qa_check(&fam, s == SIMDINIT_ERR_RANGE, "%s constant %.9g: out of range -> %s", tname,
                     v, simdinit_strerror(s));
            continue;
        }
        int ok = s == SIMDINIT_OK;
        size_t es = simdinit_dtype_size(T);
        for (size_t i = 0; ok && i < n; i++) {
            uint64_t got = 0;
            memcpy(&got, (char *)buf + i * es, es);
            ok = got == want;
        }
        qa_check(&fam, ok, "%s constant %.9g: all %zu elements are 0x%llx", tname, v, n,
                 (unsigned long long)want);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: q_dist f32|f64|bf16|f16\n");
        return 2;
    }
    tname = argv[1];
    if (!strcmp(tname, "f32")) T = SIMDINIT_F32;
    else if (!strcmp(tname, "f64")) T = SIMDINIT_F64;
    else if (!strcmp(tname, "bf16")) T = SIMDINIT_BF16;
    else if (!strcmp(tname, "f16")) T = SIMDINIT_F16;
    else { fprintf(stderr, "unknown type %s\n", tname); return 2; }
    char prog[32];
    snprintf(prog, sizeof prog, "q_dist %s", tname);
    qa_family_init(&fam, prog, QA_FAMILY_ALPHA * QA_SHARE_DIST_EACH);
    if (T == SIMDINIT_BF16 || T == SIMDINIT_F16)
        qa_table_build(&tb, T);
    printf("q_dist %s: %d distributions x %llu samples (4 tensors x %llu), backend %s\n", tname, NCFG,
           (unsigned long long)(PART_N * NPARTS), (unsigned long long)PART_N,
           simdinit_backend_name(simdinit_active_backend()));
    double t0 = qa_now();

    config cfg[NCFG];
    int wide = T == SIMDINIT_F32 || T == SIMDINIT_F64;
    /* Wide types: generic parameters (non-representable bounds). Narrow types:
     * the scales an init scheme gives a (768, 3072) weight. */
    double xav = sqrt(6.0 / (768 + 3072));                   /* xavier_uniform bound */
    double he_tn = sqrt(2.0 / 3072) / 0.87962566103423978;   /* he_normal (Keras) std */
    if (wide) {
        cfg[0] = (config){"uniform(-0.3,0.7)", simdinit_dist_uniform(-0.3, 0.7)};
        cfg[1] = (config){"normal(0.25,1.5)", simdinit_dist_normal(0.25, 1.5)};
        cfg[2] = (config){"trunc_normal(0.5,2,[-3,4.5])",
                          simdinit_dist_trunc_normal(0.5, 2.0, -3.0, 4.5)};
        cfg[3] = (config){"trunc_normal(0,1,[2.5,7])",
                          simdinit_dist_trunc_normal(0.0, 1.0, 2.5, 7.0)};
        cfg[4] = (config){"trunc_normal(0,1,[-0.3,0.4])",
                          simdinit_dist_trunc_normal(0.0, 1.0, -0.3, 0.4)};
    } else {
        cfg[0] = (config){"uniform(-xavier,xavier)", simdinit_dist_uniform(-xav, xav)};
        cfg[1] = (config){"normal(0.001,0.02)", simdinit_dist_normal(0.001, 0.02)};
        cfg[2] = (config){"trunc_normal(he_normal,+-2std)",
                          simdinit_dist_trunc_normal(0.0, he_tn, -2 * he_tn, 2 * he_tn)};
        cfg[3] = (config){"trunc_normal(0,0.02,[0.05,0.2])",
                          simdinit_dist_trunc_normal(0.0, 0.02, 0.05, 0.2)};
        cfg[4] = (config){"trunc_normal(0,0.02,[0.01,0.03])",
                          simdinit_dist_trunc_normal(0.0, 0.02, 0.01, 0.03)};
    }
    for (cfg_index = 0; cfg_index < NCFG; cfg_index++)
        run_config(&cfg[cfg_index]);
    run_constants();
    printf("\nq_dist %s: total %.1f s wall, %.1f s cpu\n", tname, qa_now() - t0, qa_cpu());
    return qa_finish(&fam);
}
