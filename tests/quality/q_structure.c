/*
 * q_structure — dependence between elements, for U[0,1) and N(0,1) in f32
 * and f64 (the f32 path also serves bf16/f16, which only round it):
 *
 *  1. serial correlation at lags 1 (split into even- and odd-aligned pairs:
 *     in the f32 uniform the pair (2l, 2l+1) shares one 64-bit output),
 *     2, 3, 7, 8, 9, 15, 16, 17, 32, 64, 256, 1024 and one block (4096 / 2048),
 *     of x and, for normals, of x^2 - 1 (Box-Muller's z0, z1 share a radius);
 *     2.7e8 elements from 2 tensors. Statistic: t = sum(d_i d_{i+L}) /
 *     sqrt(sum (d_i d_{i+L})^2), d the deviation from the target mean, which
 *     is N(0,1) under independence whatever the marginal law;
 *  2. chi-square on a 64 x 64 grid of non-overlapping pairs (u_i, u_{i+L}),
 *     u = x (uniform) or Phi(x) (normal), for L = 1 (even- and odd-aligned),
 *     8 and 16 (same lane, next step, for the f32 uniform);
 *  3. the same index of different tensors: consecutive streams (0/1, 1/2,
 *     2^32/2^32+1, 2^63-1/2^63), consecutive seeds (0/1, 1/2) and the swapped
 *     pair (seed 0, stream 1)/(seed 1, stream 0): correlation and 64 x 64
 *     pair chi-square over 4 * 10^7 indices;
 *  4. block boundaries: for 2 * 10^6 block boundaries bE (E = 4096 f32,
 *     2048 f64) the last 16 elements of block b-1 against the first 16 of
 *     block b: the correlation of the direct neighbours (bE-1, bE), all 256
 *     cross correlations summed as sum t^2 ~ chi2(256), a 16 x 16 pair
 *     chi-square on (u_{bE-1}, u_{bE}), and the same block-local index j of
 *     consecutive blocks, (bE + j, (b+1)E + j), j = 0..15, sum t^2 ~ chi2(16).
 * p-values through Holm at this program's share of the suite's alpha.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qstat.h"
#include "simdinit.h"

#define CHUNK ((size_t)1 << 22)
#define LAG_N ((uint64_t)128 * 1024 * 1024)  /* per tensor, 2 tensors */
#define CROSS_N ((size_t)40000000)
#define NBOUND 2000000
#define G 64

static qa_family fam;

typedef struct cfg {
    const char *name;
    simdinit_dtype t;
    int normal;
    uint32_t E;
} cfg;

static void fill(const cfg *c, double *out, void *tmp, size_t n, uint64_t offset, uint64_t seed,
                 uint64_t stream)
{
    simdinit_status s = c->normal ? simdinit_normal(tmp, c->t, n, offset, seed, stream, 0.0, 1.0)
                                  : simdinit_uniform(tmp, c->t, n, offset, seed, stream, 0.0, 1.0);
    if (s != SIMDINIT_OK) {
        fprintf(stderr, "fill failed: %s\n", simdinit_strerror(s));
        exit(2);
    }
    if (c->t == SIMDINIT_F32)
        for (size_t i = 0; i < n; i++) out[i] = ((float *)tmp)[i];
    else
        memcpy(out, tmp, n * 8);
}

/* deviation from the target mean, and the uniform u used for grids */
static inline double dev(const cfg *c, double x) { return c->normal ? x : x - 0.5; }
static inline double dev2(double x) { return x * x - 1.0; }
static inline double to_u(const cfg *c, double x) { return c->normal ? qa_Phi(x) : x; }
static inline int cell(double u, int g)
{
    int k = (int)(u * g);
    return k < 0 ? 0 : k >= g ? g - 1 : k;
}

typedef struct corr {
    double s, q;    /* sum of products, sum of squared products */
} corr;
static inline void corr_add(corr *a, double x, double y) { double p = x * y; a->s += p; a->q += p * p; }
static inline double corr_t(const corr *a) { return a->q > 0 ? a->s / sqrt(a->q) : 0.0; }

static double grid_chi2(const uint64_t *h, int g, double n, int *df)
{
    double e = n / ((double)g * g), chi = 0;
    for (int i = 0; i < g * g; i++) chi += ((double)h[i] - e) * ((double)h[i] - e) / e;
    *df = g * g - 1;
    return chi;
}

/* ---- 1 + 2: serial structure within a tensor ----------------------------------- */

#define NLAG 15
static void serial(const cfg *c, double *x, void *tmp)
{
    const int lags[NLAG] = {1, 1, 2, 3, 7, 8, 9, 15, 16, 17, 32, 64, 256, 1024, 0};
    int L[NLAG];
    memcpy(L, lags, sizeof L);
    L[NLAG - 1] = (int)c->E;           /* one block */
    corr a1[NLAG] = {{0}}, a2[NLAG] = {{0}};
    /* pair grids: lag 1 even-aligned, lag 1 odd-aligned, lag 8, lag 16 */
    const int glag[4] = {1, 1, 8, 16}, gpar[4] = {0, 1, 0, 0};
    uint64_t *grid = calloc(4 * G * G, sizeof *grid);
    double gn[4] = {0};
    double t0 = qa_now(), c0 = qa_cpu();
    for (int tensor = 0; tensor < 2; tensor++) {
        uint64_t seed = 101 + (uint64_t)tensor, stream = tensor ? 5 : 0;
        for (uint64_t done = 0; done < LAG_N; done += CHUNK) {
            fill(c, x, tmp, CHUNK, done, seed, stream);
            for (size_t i = 0; i < CHUNK; i++) x[i] = dev(c, x[i]);
            for (int k = 0; k < NLAG; k++) {
                size_t lag = (size_t)L[k];
                size_t start = 0, step = 1;
                if (k == 0) { start = 0; step = 2; }        /* lag 1, even i */
                if (k == 1) { start = 1; step = 2; }        /* lag 1, odd i */
                for (size_t i = start; i + lag < CHUNK; i += step) {
                    corr_add(&a1[k], x[i], x[i + lag]);
                    if (c->normal) corr_add(&a2[k], dev2(x[i]), dev2(x[i + lag]));
                }
            }
            for (int q = 0; q < 4; q++) {
                size_t lag = (size_t)glag[q];
                /* non-overlapping pairs (i, i + lag): i mod 2 lag < lag, shifted by parity */
                for (size_t i = (size_t)gpar[q]; i + lag < CHUNK; i++) {
                    if (((i - (size_t)gpar[q]) % (2 * lag)) >= lag) continue;
                    double u = to_u(c, c->normal ? x[i] : x[i] + 0.5);
                    double v = to_u(c, c->normal ? x[i + lag] : x[i + lag] + 0.5);
                    grid[q * G * G + cell(u, G) * G + cell(v, G)]++;
                    gn[q] += 1;
                }
            }
        }
    }
    printf("  serial: %.0f elements, %.1f s (cpu %.1f s)\n", 2.0 * LAG_N, qa_now() - t0, qa_cpu() - c0);
    for (int k = 0; k < NLAG; k++) {
        const char *what = k == 0 ? " (even i)" : k == 1 ? " (odd i)" : "";
        double t = corr_t(&a1[k]);
        qa_add(&fam, t, qa_p_z(t), "%s lag %d%s corr(x) t", c->name, L[k], what);
        if (c->normal) {
            t = corr_t(&a2[k]);
            qa_add(&fam, t, qa_p_z(t), "%s lag %d%s corr(x^2) t", c->name, L[k], what);
        }
    }
    for (int q = 0; q < 4; q++) {
        int df;
        double chi = grid_chi2(grid + q * G * G, G, gn[q], &df);
        qa_add(&fam, chi, qa_chi2_sf(chi, df), "%s pairs (u_i, u_i+%d)%s %dx%d chi2", c->name,
               glag[q], q == 0 ? " even i" : q == 1 ? " odd i" : "", G, G);
    }
    free(grid);
}

/* ---- 3: same index, different tensors --------------------------------------- */

static void cross(const cfg *c, double *x, double *y, void *tmp)
{
    static const struct { uint64_t s1, t1, s2, t2; const char *what; } pairs[] = {
        {7, 0, 7, 1, "streams 0/1"},
        {7, 1, 7, 2, "streams 1/2"},
        {7, UINT64_C(1) << 32, 7, (UINT64_C(1) << 32) + 1, "streams 2^32/2^32+1"},
        {7, (UINT64_C(1) << 63) - 1, 7, UINT64_C(1) << 63, "streams 2^63-1/2^63"},
        {0, 3, 1, 3, "seeds 0/1"},
        {1, 3, 2, 3, "seeds 1/2"},
        {0, 1, 1, 0, "(seed 0, stream 1)/(seed 1, stream 0)"},
    };
    double t0 = qa_now(), c0 = qa_cpu();
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        corr a1 = {0}, a2 = {0};
        uint64_t *grid = calloc(G * G, sizeof *grid);
        for (size_t done = 0; done < CROSS_N; done += CHUNK) {
            size_t n = CROSS_N - done < CHUNK ? CROSS_N - done : CHUNK;
            fill(c, x, tmp, n, done, pairs[p].s1, pairs[p].t1);
            fill(c, y, tmp, n, done, pairs[p].s2, pairs[p].t2);
            for (size_t i = 0; i < n; i++) {
                corr_add(&a1, dev(c, x[i]), dev(c, y[i]));
                if (c->normal) corr_add(&a2, dev2(x[i]), dev2(y[i]));
                grid[cell(to_u(c, x[i]), G) * G + cell(to_u(c, y[i]), G)]++;
            }
        }
        double t = corr_t(&a1);
        qa_add(&fam, t, qa_p_z(t), "%s same index, %s: corr(x) t", c->name, pairs[p].what);
        if (c->normal) {
            t = corr_t(&a2);
            qa_add(&fam, t, qa_p_z(t), "%s same index, %s: corr(x^2) t", c->name, pairs[p].what);
        }
        int df;
        double chi = grid_chi2(grid, G, (double)CROSS_N, &df);
        qa_add(&fam, chi, qa_chi2_sf(chi, df), "%s same index, %s: %dx%d chi2", c->name,
               pairs[p].what, G, G);
        free(grid);
    }
    printf("  cross: %.1f s (cpu %.1f s)\n", qa_now() - t0, qa_cpu() - c0);
}

/* ---- 4: block boundaries ------------------------------------------------------ */

#define W 16
static void boundaries(const cfg *c, void *tmp)
{
    double *win = malloc((size_t)2 * W * sizeof *win), prev_first[W];
    corr nb1 = {0}, nb2 = {0};
    corr *cm = calloc(W * W, sizeof *cm);
    corr same[W];
    memset(same, 0, sizeof same);
    uint64_t grid[16 * 16] = {0};
    double t0 = qa_now(), c0 = qa_cpu();
    uint64_t seed = 4242, stream = 17;
    for (uint64_t b = 1; b <= NBOUND; b++) {
        fill(c, win, tmp, 2 * W, b * c->E - W, seed, stream);
        double d[2 * W];
        for (int i = 0; i < 2 * W; i++) d[i] = dev(c, win[i]);
        corr_add(&nb1, d[W - 1], d[W]);
        if (c->normal) corr_add(&nb2, dev2(win[W - 1]), dev2(win[W]));
        for (int i = 0; i < W; i++)
            for (int j = 0; j < W; j++) corr_add(&cm[i * W + j], d[i], d[W + j]);
        grid[cell(to_u(c, win[W - 1]), 16) * 16 + cell(to_u(c, win[W]), 16)]++;
        if (b > 1)
            for (int j = 0; j < W; j++) corr_add(&same[j], prev_first[j], d[W + j]);
        memcpy(prev_first, d + W, sizeof prev_first);
    }
    printf("  boundaries: %d blocks, %.1f s (cpu %.1f s)\n", NBOUND, qa_now() - t0, qa_cpu() - c0);
    double t = corr_t(&nb1);
    qa_add(&fam, t, qa_p_z(t), "%s block boundary: corr(x_bE-1, x_bE) t", c->name);
    if (c->normal) {
        t = corr_t(&nb2);
        qa_add(&fam, t, qa_p_z(t), "%s block boundary: corr(x^2_bE-1, x^2_bE) t", c->name);
    }
    double s = 0;
    for (int k = 0; k < W * W; k++) { t = corr_t(&cm[k]); s += t * t; }
    qa_add(&fam, s, qa_chi2_sf(s, W * W), "%s block boundary: 16x16 cross corr, sum t^2 (df 256)",
           c->name);
    int df;
    double chi = grid_chi2(grid, 16, (double)NBOUND, &df);
    qa_add(&fam, chi, qa_chi2_sf(chi, df), "%s block boundary: (u_bE-1, u_bE) 16x16 chi2", c->name);
    s = 0;
    for (int j = 0; j < W; j++) { t = corr_t(&same[j]); s += t * t; }
    qa_add(&fam, s, qa_chi2_sf(s, W), "%s consecutive blocks, same local index j<16: sum t^2 (df 16)",
           c->name);
    t = corr_t(&same[0]);
    qa_add(&fam, t, qa_p_z(t), "%s consecutive blocks, local index 0: corr t", c->name);
    free(win); free(cm);
}

int main(void)
{
    qa_family_init(&fam, "q_structure", QA_FAMILY_ALPHA * QA_SHARE_STRUCTURE);
    printf("q_structure: backend %s\n", simdinit_backend_name(simdinit_active_backend()));
    const cfg cfgs[] = {
        {"f32 U[0,1)", SIMDINIT_F32, 0, 4096},
        {"f64 U[0,1)", SIMDINIT_F64, 0, 2048},
        {"f32 N(0,1)", SIMDINIT_F32, 1, 4096},
        {"f64 N(0,1)", SIMDINIT_F64, 1, 2048},
    };
    double *x = malloc(CHUNK * sizeof *x), *y = malloc(CHUNK * sizeof *y);
    void *tmp = malloc(CHUNK * 8);
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        printf("\n== %s ==\n", cfgs[i].name);
        serial(&cfgs[i], x, tmp);
        cross(&cfgs[i], x, y, tmp);
        boundaries(&cfgs[i], tmp);
    }
    free(x); free(y); free(tmp);
    printf("\nq_structure: %.1f s cpu\n", qa_cpu());
    return qa_finish(&fam);
}
