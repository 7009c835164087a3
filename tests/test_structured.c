/*
 * The structured initializers (issue 13): orthogonal, orthogonal_axis, eye,
 * dirac, delta_orthogonal, sparse, and JAX's axes fans. Each is checked
 * against its definition computed here (placements, zero counts, the
 * orthogonality of Q, Haar moments), against the library's own fills where
 * values are shared (sparse's normals, delta-orthogonal's centre), for the
 * same bits on every usable backend and thread count, and for every error
 * path with nothing written.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const int thread_counts[] = {1, 2, 3, 7};

static double *ortho_f64(uint64_t r, uint64_t c, uint64_t seed, uint64_t stream, int nt)
{
    double *q = malloc((size_t)(r * c) * sizeof *q);
    cr_assert(q);
    cr_assert_eq(simdinit_orthogonal(q, SIMDINIT_F64, r, c, 1.0, seed, stream, nt), SIMDINIT_OK);
    return q;
}

/* max |G - I| for G the Gram matrix of the short side. */
static double ortho_error(const double *q, uint64_t r, uint64_t c)
{
    int tall = r >= c;
    uint64_t n = tall ? c : r, m = tall ? r : c;
    double worst = 0;
    for (uint64_t a = 0; a < n; a++)
        for (uint64_t b = a; b < n; b++) {
            double s = 0;
            for (uint64_t i = 0; i < m; i++)
                s += tall ? q[i * c + a] * q[i * c + b] : q[a * c + i] * q[b * c + i];
            double e = fabs(s - (a == b ? 1.0 : 0.0));
            if (e > worst)
                worst = e;
        }
    return worst;
}

static const uint64_t shapes[][2] = {{1, 1}, {1, 5}, {5, 1}, {2, 2}, {7, 3}, {3, 7}, {31, 31},
                                     {33, 33}, {64, 40}, {40, 64}, {100, 100}, {129, 65},
                                     {65, 129}, {200, 7}};

Test(orthogonal, orthonormal)
{
    for (size_t k = 0; k < T_ARRAY_LEN(shapes); k++) {
        uint64_t r = shapes[k][0], c = shapes[k][1], m = r > c ? r : c;
        double *q = ortho_f64(r, c, 11, k, 1);
        double err = ortho_error(q, r, c);
        /* a small multiple of m eps (eps = 2^-53 for f64) */
        cr_expect(err <= 8.0 * (double)m * 0x1p-53, "%llux%llu: max|QtQ - I| = %g",
                  (unsigned long long)r, (unsigned long long)c, err);
        free(q);
    }
}

Test(orthogonal, gain_and_sign)
{
    double *q = ortho_f64(20, 30, 5, 6, 1);
    double *g = malloc(600 * sizeof *g);
    cr_assert(g);
    static const double gains[] = {2.5, -1.0, 0.0, 1e-300};
    for (size_t k = 0; k < T_ARRAY_LEN(gains); k++) {
        cr_assert_eq(simdinit_orthogonal(g, SIMDINIT_F64, 20, 30, gains[k], 5, 6, 2), SIMDINIT_OK);
        for (int i = 0; i < 600; i++)
            cr_expect(g[i] == q[i] * gains[k] || (g[i] == 0 && q[i] * gains[k] == 0),
                      "gain %g element %d: %a vs %a", gains[k], i, g[i], q[i] * gains[k]);
    }
    free(q);
    free(g);
}

/* f32, bf16 and f16 are the f64 result rounded once, nearest-even. */
static uint16_t ref_narrow_d(double x, const t_narrow *f)
{
    uint16_t sign = x < 0 ? 0x8000 : 0;
    double d = fabs(x);
    int e;
    (void)frexp(d, &e);
    e -= 1;   /* d in [2^e, 2^(e+1)) */
    if (d == 0)
        e = f->emin;
    int ee = e < f->emin ? f->emin : e;
    double q = t_pow2(ee - f->mbits);
    uint64_t k = (uint64_t)(d / q);
    double dl = d - (double)k * q, du = (double)(k + 1) * q - d;
    if (du < dl || (du == dl && (k & 1)))
        k++;
    return (uint16_t)(sign | (((uint32_t)(ee + f->bias - 1) << f->mbits) + (uint32_t)k));
}

Test(orthogonal, dtypes_round_the_f64_result)
{
    enum { R = 50, C = 37 };
    double *q = ortho_f64(R, C, 3, 4, 1);
    unsigned char buf[R * C * 4];
    cr_assert_eq(simdinit_orthogonal(buf, SIMDINIT_F32, R, C, 1.0, 3, 4, 1), SIMDINIT_OK);
    for (int i = 0; i < R * C; i++) {
        float f, ref = (float)q[i];
        memcpy(&f, buf + 4 * i, 4);
        cr_expect(memcmp(&f, &ref, 4) == 0, "f32 element %d", i);
    }
    for (int t = 0; t < 2; t++) {
        simdinit_dtype dt = t ? SIMDINIT_F16 : SIMDINIT_BF16;
        cr_assert_eq(simdinit_orthogonal(buf, dt, R, C, 1.0, 3, 4, 1), SIMDINIT_OK);
        for (int i = 0; i < R * C; i++) {
            uint16_t h, ref = ref_narrow_d(q[i], t_narrow_fmt(dt));
            memcpy(&h, buf + 2 * i, 2);
            cr_expect(h == ref || ((h | ref) & 0x7fff) == 0, "%s element %d: %04x vs %04x (%a)",
                      simdinit_dtype_name(dt), i, h, ref, q[i]);
        }
    }
    free(q);
}

Test(orthogonal, same_bits_on_every_backend_and_thread_count)
{
    simdinit_backend bes[SIMDINIT_BACKEND_COUNT];
    int nb = t_usable_backends(bes);
    static const uint64_t sh[][2] = {{300, 300}, {97, 260}, {513, 70}, {8, 8}};
    for (size_t k = 0; k < T_ARRAY_LEN(sh); k++)
        for (int d = 0; d < 4; d++) {
            simdinit_dtype dt = t_dtypes[d];
            size_t bytes = (size_t)(sh[k][0] * sh[k][1]) * elem_size(dt);
            unsigned char *ref = malloc(bytes), *got = malloc(bytes + 16);
            cr_assert(ref && got);
            cr_assert_eq(simdinit_set_backend(SIMDINIT_BACKEND_SCALAR), SIMDINIT_OK);
            cr_assert_eq(simdinit_orthogonal(ref, dt, sh[k][0], sh[k][1], 1.5, 9, 10, 1),
                         SIMDINIT_OK);
            for (int b = 0; b < nb; b++) {
                cr_assert_eq(simdinit_set_backend(bes[b]), SIMDINIT_OK);
                for (size_t t = 0; t < T_ARRAY_LEN(thread_counts); t++) {
                    t_canary_fill(got, bytes + 16);
                    cr_assert_eq(simdinit_orthogonal(got + 8, dt, sh[k][0], sh[k][1], 1.5, 9, 10,
                                                     thread_counts[t]),
                                 SIMDINIT_OK);
                    cr_expect(memcmp(got + 8, ref, bytes) == 0, "%llux%llu %s, %s, %d threads",
                              (unsigned long long)sh[k][0], (unsigned long long)sh[k][1],
                              simdinit_dtype_name(dt), simdinit_backend_name(bes[b]),
                              thread_counts[t]);
                    cr_expect(t_canary_intact(got, 8) && t_canary_intact(got + 8 + bytes, 8),
                              "wrote outside the output");
                }
            }
            free(ref);
            free(got);
        }
    simdinit_set_backend(SIMDINIT_BACKEND_AUTO);
}

/* Seeds and streams give different matrices. */
Test(orthogonal, seed_and_stream_matter)
{
    double *a = ortho_f64(16, 16, 1, 2, 1), *b = ortho_f64(16, 16, 1, 3, 1),
           *c = ortho_f64(16, 16, 2, 2, 1);
    cr_expect(memcmp(a, b, 256 * 8) != 0 && memcmp(a, c, 256 * 8) != 0);
    free(a); free(b); free(c);
}

/*
 * Haar checks. For Haar Q in O(n): E[tr Q] = 0 and E[(tr Q)^2] = 1 (n >= 2);
 * a missing sign correction biases both. And sqrt(n) q_ij is close to N(0, 1)
 * (Kolmogorov-Smirnov distance; q_ij^2 is Beta(1/2, (n-1)/2) exactly).
 */
Test(orthogonal, haar_trace_moments)
{
    enum { N = 12, S = 600 };
    double m1 = 0, m2 = 0, q11 = 0;
    for (int s = 0; s < S; s++) {
        double *q = ortho_f64(N, N, 77, (uint64_t)s, 1);
        double tr = 0;
        for (int i = 0; i < N; i++)
            tr += q[i * N + i];
        m1 += tr;
        m2 += tr * tr;
        q11 += q[0];
        free(q);
    }
    m1 /= S;
    m2 /= S;
    q11 /= S;
    /* sd(tr) = 1, sd(tr^2) = sqrt(2): 5 sigma bounds */
    cr_expect(fabs(m1) < 5.0 / sqrt(S), "E[tr Q] = %g", m1);
    cr_expect(fabs(m2 - 1.0) < 5.0 * sqrt(2.0 / S), "E[(tr Q)^2] = %g", m2);
    cr_expect(fabs(q11) < 5.0 / sqrt((double)N * S), "E[q11] = %g", q11);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

Test(orthogonal, entries_near_normal)
{
    enum { N = 256 };
    double *q = ortho_f64(N, N, 5, 5, 2);
    for (int i = 0; i < N * N; i++)
        q[i] *= sqrt((double)N);
    qsort(q, N * N, sizeof *q, cmp_d);
    double d = 0;
    for (int i = 0; i < N * N; i++) {
        double F = 0.5 * erfc(-q[i] / sqrt(2.0));
        double a = fabs(F - (double)i / (N * N)), b = fabs(F - (double)(i + 1) / (N * N));
        if (a > d) d = a;
        if (b > d) d = b;
    }
    /* 1.95 / sqrt(65536) ~ 0.0076 (1e-3 level for independent samples) plus the
     * O(1/n) distance of the Beta marginal to the normal */
    cr_expect(d < 0.0076 + 1.0 / N, "KS distance %g", d);
    free(q);
}

Test(orthogonal, axis_places_the_matrix)
{
    /* shape (3, 4, 5), column axis 1: nc = 4, nr = 15; element (a, c, b) = M[a*5 + b][c] */
    uint64_t shape[3] = {3, 4, 5};
    double t[60];
    double *m = ortho_f64(15, 4, 8, 9, 1);
    cr_assert_eq(simdinit_orthogonal_axis(t, SIMDINIT_F64, shape, 3, 1, 1.0, 8, 9, 2), SIMDINIT_OK);
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 4; c++)
            for (int b = 0; b < 5; b++)
                cr_expect(t[(a * 4 + c) * 5 + b] == m[(a * 5 + b) * 4 + c], "(%d,%d,%d)", a, c, b);
    /* -1 and ndim - 1: Keras's flattening, simdinit_orthogonal(12, 5) */
    free(m);
    m = ortho_f64(12, 5, 8, 9, 1);
    for (int ca = -1; ca <= 2; ca += 3) {
        cr_assert_eq(simdinit_orthogonal_axis(t, SIMDINIT_F64, shape, 3, ca, 1.0, 8, 9, 1),
                     SIMDINIT_OK);
        cr_expect(memcmp(t, m, 60 * 8) == 0, "column_axis %d", ca);
    }
    free(m);
    /* axis 0 (and -3): nc = 3, nr = 20, element (c, x) = M[x][c] */
    m = ortho_f64(20, 3, 8, 9, 1);
    cr_assert_eq(simdinit_orthogonal_axis(t, SIMDINIT_F64, shape, 3, -3, 1.0, 8, 9, 1), SIMDINIT_OK);
    for (int c = 0; c < 3; c++)
        for (int x = 0; x < 20; x++)
            cr_expect(t[c * 20 + x] == m[x * 3 + c]);
    free(m);
}

Test(orthogonal, errors_write_nothing)
{
    unsigned char buf[64];
    uint64_t shape[3] = {2, 2, 2}, big[2] = {UINT64_C(1) << 32, UINT64_C(1) << 32};
    t_canary_fill(buf, sizeof buf);
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F32, 2, 2, 1.0, 0, 0, -1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_orthogonal(buf, (simdinit_dtype)9, 2, 2, 1.0, 0, 0, 1), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F32, 2, 2, NAN, 0, 0, 1), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F32, 2, 2, INFINITY, 0, 0, 1), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F16, 2, 2, 1e5, 0, 0, 1), SIMDINIT_ERR_RANGE);
    cr_expect_eq(simdinit_orthogonal(NULL, SIMDINIT_F32, 2, 2, 1.0, 0, 0, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F32, UINT64_MAX, 2, 1.0, 0, 0, 1), SIMDINIT_ERR_OVERFLOW);
    /* a tensor that fits the address space but not the work memory */
    cr_expect_eq(simdinit_orthogonal(buf, SIMDINIT_F16, UINT64_C(1) << 31, UINT64_C(1) << 31, 1.0,
                                     0, 0, 1),
                 SIMDINIT_ERR_NOMEM);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, NULL, 2, -1, 1.0, 0, 0, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, shape, 1, -1, 1.0, 0, 0, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, shape, 17, -1, 1.0, 0, 0, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, shape, 3, 3, 1.0, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, shape, 3, -4, 1.0, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_orthogonal_axis(buf, SIMDINIT_F32, big, 2, -1, 1.0, 0, 0, 1), SIMDINIT_ERR_OVERFLOW);
    cr_expect(t_canary_intact(buf, sizeof buf), "an error wrote to the output");
    /* zero elements: a no-op, out may be NULL */
    uint64_t z[2] = {0, 5};
    cr_expect_eq(simdinit_orthogonal(NULL, SIMDINIT_F32, 0, 5, 1.0, 0, 0, 1), SIMDINIT_OK);
    cr_expect_eq(simdinit_orthogonal_axis(NULL, SIMDINIT_F32, z, 2, 0, 1.0, 0, 0, 1), SIMDINIT_OK);
}

/* ---- eye, dirac ---------------------------------------------------------------------- */

Test(eye, definition)
{
    for (int d = 0; d < 4; d++) {
        simdinit_dtype dt = t_dtypes[d];
        unsigned char buf[7 * 5 * 8], one[8], zero[8];
        memset(zero, 0, sizeof zero);
        cr_assert_eq(simdinit_constant(one, dt, 1, 2.0), SIMDINIT_OK);
        for (int tr = 0; tr < 2; tr++) {
            uint64_t r = tr ? 5 : 7, c = tr ? 7 : 5;
            cr_assert_eq(simdinit_eye(buf, dt, r, c, 2.0), SIMDINIT_OK);
            size_t sz = elem_size(dt);
            for (uint64_t i = 0; i < r; i++)
                for (uint64_t j = 0; j < c; j++)
                    cr_expect(memcmp(buf + (i * c + j) * sz, i == j ? one : zero, sz) == 0);
        }
    }
    unsigned char b[16];
    t_canary_fill(b, 16);
    cr_expect_eq(simdinit_eye(b, SIMDINIT_F32, 2, 2, NAN), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_eye(b, SIMDINIT_F16, 2, 2, 7e4), SIMDINIT_ERR_RANGE);
    cr_expect_eq(simdinit_eye(b, (simdinit_dtype)4, 2, 2, 1), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_eye(NULL, SIMDINIT_F32, 2, 2, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_eye(b, SIMDINIT_F32, UINT64_MAX, 3, 1), SIMDINIT_ERR_OVERFLOW);
    cr_expect(t_canary_intact(b, 16));
    cr_expect_eq(simdinit_eye(NULL, SIMDINIT_F32, 0, 3, 1), SIMDINIT_OK);
}

Test(dirac, torch_placement)
{
    static const uint64_t sh[][5] = {{6, 4, 3, 0, 0}, {6, 2, 4, 5, 0}, {4, 3, 3, 2, 4}, {9, 5, 2, 0, 0}};
    static const int nd[] = {3, 4, 5, 3};
    static const uint64_t groups[] = {1, 2, 3};
    for (size_t k = 0; k < T_ARRAY_LEN(nd); k++)
        for (size_t g = 0; g < T_ARRAY_LEN(groups); g++) {
            uint64_t G = groups[g];
            if (sh[k][0] % G)
                continue;
            uint64_t n = 1, sp = 1, centre = 0;
            for (int i = 0; i < nd[k]; i++)
                n *= sh[k][i];
            for (int i = 2; i < nd[k]; i++) {
                sp *= sh[k][i];
                centre = centre * sh[k][i] + sh[k][i] / 2;
            }
            float *w = malloc(n * sizeof *w);
            cr_assert(w);
            cr_assert_eq(simdinit_dirac(w, SIMDINIT_F32, sh[k], nd[k], G), SIMDINIT_OK);
            uint64_t opg = sh[k][0] / G, ones = 0;
            for (uint64_t o = 0; o < sh[k][0]; o++)
                for (uint64_t i = 0; i < sh[k][1]; i++)
                    for (uint64_t s = 0; s < sp; s++) {
                        uint64_t d = o % opg;
                        float want = (d == i && s == centre && d < sh[k][1]) ? 1.0f : 0.0f;
                        float got = w[(o * sh[k][1] + i) * sp + s];
                        ones += got == 1.0f;
                        cr_expect(got == want && !signbit(got), "shape %zu groups %llu (%llu,%llu,%llu)",
                                  k, (unsigned long long)G, (unsigned long long)o,
                                  (unsigned long long)i, (unsigned long long)s);
                    }
            uint64_t mind = opg < sh[k][1] ? opg : sh[k][1];
            cr_expect_eq(ones, G * mind);
            free(w);
        }
}

Test(dirac, errors_write_nothing)
{
    unsigned char b[512];
    uint64_t s3[3] = {6, 4, 3}, s2[2] = {6, 4}, s6[6] = {1, 1, 1, 1, 1, 1};
    t_canary_fill(b, sizeof b);
    cr_expect_eq(simdinit_dirac(b, SIMDINIT_F32, s3, 3, 4), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_dirac(b, SIMDINIT_F32, s3, 3, 0), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_dirac(b, SIMDINIT_F32, s2, 2, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_dirac(b, SIMDINIT_F32, s6, 6, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_dirac(b, SIMDINIT_F32, NULL, 3, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_dirac(NULL, SIMDINIT_F32, s3, 3, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_dirac(b, (simdinit_dtype)7, s3, 3, 1), SIMDINIT_ERR_BAD_ENUM);
    cr_expect(t_canary_intact(b, sizeof b));
}

/* ---- delta_orthogonal ------------------------------------------------------------------- */

Test(delta_orthogonal, centre_is_the_orthogonal_matrix)
{
    static const uint64_t sh[][5] = {{3, 4, 6}, {4, 3, 5, 5}, {3, 2, 3, 2, 7}, {1, 6, 6}};
    static const int nd[] = {3, 4, 5, 3};
    for (size_t k = 0; k < T_ARRAY_LEN(nd); k++)
        for (int ca = -2; ca <= 1; ca++) {
            uint64_t n = 1, centre = 0;
            for (int i = 0; i < nd[k]; i++)
                n *= sh[k][i];
            for (int i = 0; i < nd[k] - 2; i++)
                centre = centre * sh[k][i] + (sh[k][i] - 1) / 2;
            uint64_t in = sh[k][nd[k] - 2], out = sh[k][nd[k] - 1], mat[2] = {in, out};
            double *w = malloc(n * sizeof *w), *m = malloc(in * out * sizeof *m);
            cr_assert(w && m);
            cr_assert_eq(simdinit_delta_orthogonal(w, SIMDINIT_F64, sh[k], nd[k], ca, 0.5, 4, 2, 3),
                         SIMDINIT_OK);
            cr_assert_eq(simdinit_orthogonal_axis(m, SIMDINIT_F64, mat, 2, ca, 0.5, 4, 2, 1),
                         SIMDINIT_OK);
            for (uint64_t i = 0; i < n; i++) {
                uint64_t slice = i / (in * out);
                if (slice == centre)
                    cr_expect(w[i] == m[i % (in * out)], "shape %zu axis %d element %llu", k, ca,
                              (unsigned long long)i);
                else
                    cr_expect(w[i] == 0 && !signbit(w[i]), "shape %zu: nonzero off centre", k);
            }
            free(w);
            free(m);
        }
}

Test(delta_orthogonal, errors_write_nothing)
{
    unsigned char b[1024];
    uint64_t wide[3] = {3, 5, 4}, ok[3] = {3, 4, 5}, s2[2] = {4, 5}, s6[6] = {1, 1, 1, 1, 4, 5};
    t_canary_fill(b, sizeof b);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, wide, 3, -1, 1, 0, 0, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, s2, 2, -1, 1, 0, 0, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, s6, 6, -1, 1, 0, 0, 1), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, ok, 3, 2, 1, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, ok, 3, -3, 1, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, ok, 3, -1, NAN, 0, 0, 1), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, ok, 3, -1, 1, 0, 0, -2), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_delta_orthogonal(b, SIMDINIT_F32, NULL, 3, -1, 1, 0, 0, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_delta_orthogonal(NULL, SIMDINIT_F32, ok, 3, -1, 1, 0, 0, 1), SIMDINIT_ERR_NULL);
    cr_expect(t_canary_intact(b, sizeof b));
}

/* ---- sparse ----------------------------------------------------------------------------------- */

Test(sparse, zero_counts_and_values)
{
    enum { R = 37, C = 23 };
    static const double sp[] = {0.0, 0.1, 0.5, 0.9, 1.0};
    float ref[R * C], w[R * C];
    cr_assert_eq(simdinit_normal(ref, SIMDINIT_F32, R * C, 0, 6, 7, 0.0, 0.02), SIMDINIT_OK);
    for (size_t k = 0; k < T_ARRAY_LEN(sp); k++) {
        cr_assert_eq(simdinit_sparse(w, SIMDINIT_F32, R, C, sp[k], 0.02, 6, 7, 1), SIMDINIT_OK);
        int nz = (int)ceil(sp[k] * R);
        for (int c = 0; c < C; c++) {
            int zeros = 0;
            for (int r = 0; r < R; r++) {
                float v = w[r * C + c];
                if (v == 0 && !signbit(v) && ref[r * C + c] != 0)
                    zeros++;
                else
                    cr_expect(memcmp(&v, &ref[r * C + c], 4) == 0, "sparsity %g (%d,%d)", sp[k], r, c);
            }
            cr_expect_eq(zeros, nz, "sparsity %g column %d: %d zeros, want %d", sp[k], c, zeros, nz);
        }
    }
}

Test(sparse, same_bits_on_every_thread_count_and_pattern_uniform)
{
    enum { R = 40, C = 300 };
    static float ref[R * C], w[R * C];
    cr_assert_eq(simdinit_sparse(ref, SIMDINIT_F32, R, C, 0.25, 1.0, 1, 2, 1), SIMDINIT_OK);
    for (size_t t = 0; t < T_ARRAY_LEN(thread_counts); t++) {
        cr_assert_eq(simdinit_sparse(w, SIMDINIT_F32, R, C, 0.25, 1.0, 1, 2, thread_counts[t]), SIMDINIT_OK);
        cr_expect(memcmp(w, ref, sizeof w) == 0, "%d threads", thread_counts[t]);
    }
    /* Each row is zero in 10/40 of the columns on average: chi-square over rows. */
    double chi = 0, expct = C * 10.0 / R;
    for (int r = 0; r < R; r++) {
        int z = 0;
        for (int c = 0; c < C; c++)
            z += ref[r * C + c] == 0;
        chi += (z - expct) * (z - expct) / expct;
    }
    /* 39 degrees of freedom (less, the columns being fixed-count): 99.99% point ~ 80 */
    cr_expect(chi < 80, "row zero counts chi-square %g", chi);
}

Test(sparse, errors_write_nothing)
{
    unsigned char b[256];
    t_canary_fill(b, sizeof b);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, -0.1, 1, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, 1.5, 1, 0, 0, 1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, NAN, 1, 0, 0, 1), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, 0.5, -1, 0, 0, 1), SIMDINIT_ERR_NEGATIVE_STD);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, 0.5, INFINITY, 0, 0, 1), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F16, 4, 4, 0.5, 1e4, 0, 0, 1), SIMDINIT_ERR_RANGE);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, 4, 4, 0.5, 1, 0, 0, -1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_sparse(b, (simdinit_dtype)5, 4, 4, 0.5, 1, 0, 0, 1), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_sparse(NULL, SIMDINIT_F32, 4, 4, 0.5, 1, 0, 0, 1), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_sparse(b, SIMDINIT_F32, UINT64_MAX, 4, 0.5, 1, 0, 0, 1), SIMDINIT_ERR_OVERFLOW);
    cr_expect(t_canary_intact(b, sizeof b));
    cr_expect_eq(simdinit_sparse(NULL, SIMDINIT_F32, 0, 4, 0.5, 1, 0, 0, 1), SIMDINIT_OK);
}

/* ---- JAX axes ----------------------------------------------------------------------------------- */

Test(fans_axes, jax_definition)
{
    uint64_t shape[4] = {3, 3, 16, 32};
    double fi, fo;
    simdinit_axes ax = simdinit_axes_jax_default();
    cr_assert_eq(simdinit_fans_axes(shape, 4, &ax, &fi, &fo), SIMDINIT_OK);
    uint64_t ki, ko;
    cr_assert_eq(simdinit_fans(shape, 4, SIMDINIT_LAYOUT_KERAS, &ki, &ko), SIMDINIT_OK);
    cr_expect(fi == (double)ki && fo == (double)ko, "default = Keras layout: %g %g", fi, fo);
    /* torch layout through axes: in 1, out 0 */
    uint64_t ts[4] = {32, 16, 3, 3};
    ax.in_axes[0] = 1;
    ax.out_axes[0] = 0;
    cr_assert_eq(simdinit_fans_axes(ts, 4, &ax, &fi, &fo), SIMDINIT_OK);
    cr_assert_eq(simdinit_fans(ts, 4, SIMDINIT_LAYOUT_TORCH, &ki, &ko), SIMDINIT_OK);
    cr_expect(fi == (double)ki && fo == (double)ko, "in 1 out 0 = torch layout: %g %g", fi, fo);
    /* a batch axis and several in axes: shape (2, 3, 5, 7): in (0, -3), out -1, batch 2 */
    uint64_t s4[4] = {2, 3, 5, 7};
    simdinit_axes b = simdinit_axes_jax_default();
    b.in_axes[0] = 0; b.in_axes[1] = -3; b.n_in = 2;
    b.out_axes[0] = -1;
    b.batch_axes[0] = 2; b.n_batch = 1;
    cr_assert_eq(simdinit_fans_axes(s4, 4, &b, &fi, &fo), SIMDINIT_OK);
    double rf = 210.0 / 6.0 / 7.0 / 5.0;
    cr_expect(fi == 6.0 * rf && fo == 7.0 * rf, "%g %g", fi, fo);
    /* errors */
    cr_expect_eq(simdinit_fans_axes(s4, 1, &b, &fi, &fo), SIMDINIT_ERR_BAD_SHAPE);
    b.in_axes[1] = 4;
    cr_expect_eq(simdinit_fans_axes(s4, 4, &b, &fi, &fo), SIMDINIT_ERR_BAD_PARAM);
    b.in_axes[1] = 1;
    b.n_batch = -1;
    cr_expect_eq(simdinit_fans_axes(s4, 4, &b, &fi, &fo), SIMDINIT_ERR_BAD_PARAM);
    b.n_batch = 0;
    uint64_t z[2] = {0, 4};
    ax = simdinit_axes_jax_default();
    cr_expect_eq(simdinit_fans_axes(z, 2, &ax, &fi, &fo), SIMDINIT_ERR_ZERO_FAN);
    cr_expect_eq(simdinit_fans_axes(s4, 4, NULL, &fi, &fo), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_fans_axes(NULL, 4, &ax, &fi, &fo), SIMDINIT_ERR_NULL);
}

Test(fans_axes, variance_scaling_jax)
{
    simdinit_dist d;
    cr_assert_eq(simdinit_variance_scaling_jax(2.0, SIMDINIT_JAX_FAN_GEO_AVG,
                                               SIMDINIT_VS_UNTRUNCATED_NORMAL, 8.0, 32.0, &d),
                 SIMDINIT_OK);
    cr_expect(d.kind == SIMDINIT_DIST_NORMAL && d.std == sqrt(2.0 / 16.0), "std %g", d.std);
    cr_assert_eq(simdinit_variance_scaling_jax(1.0, SIMDINIT_JAX_FAN_AVG, SIMDINIT_VS_UNIFORM, 8.0,
                                               24.0, &d),
                 SIMDINIT_OK);
    cr_expect(d.kind == SIMDINIT_DIST_UNIFORM && d.high == sqrt(3.0 / 16.0) && d.low == -d.high);
    cr_assert_eq(simdinit_variance_scaling_jax(1.0, SIMDINIT_JAX_FAN_IN,
                                               SIMDINIT_VS_TRUNCATED_NORMAL, 0.25, 24.0, &d),
                 SIMDINIT_OK);
    double sd = sqrt(4.0) / 0.87962566103423978;
    cr_expect(d.kind == SIMDINIT_DIST_TRUNC_NORMAL && d.std == sd && d.a == -2 * sd && d.b == 2 * sd);
    cr_expect_eq(simdinit_variance_scaling_jax(0.0, SIMDINIT_JAX_FAN_IN, SIMDINIT_VS_UNIFORM, 1, 1, &d), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_variance_scaling_jax(1.0, (simdinit_jax_fan_mode)4, SIMDINIT_VS_UNIFORM, 1, 1, &d), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_variance_scaling_jax(1.0, SIMDINIT_JAX_FAN_OUT, SIMDINIT_VS_UNIFORM, 1, 0, &d), SIMDINIT_ERR_ZERO_FAN);
    cr_expect_eq(simdinit_variance_scaling_jax(NAN, SIMDINIT_JAX_FAN_OUT, SIMDINIT_VS_UNIFORM, 1, 1, &d), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_variance_scaling_jax(1.0, SIMDINIT_JAX_FAN_OUT, SIMDINIT_VS_UNIFORM, 1, 1, NULL), SIMDINIT_ERR_NULL);
}
