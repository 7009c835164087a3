/*
 * Every error path of every public function: the documented status comes
 * back and nothing is written (output buffers are filled with a canary first
 * and must still hold it; output structs and integers keep a sentinel).
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static unsigned char g_buf[512];
/* Fills go 3 bytes in: no alignment is promised, and the bytes before the
 * output are canaries too. */
#define BUF ((void *)(g_buf + 3))
#define BUF_ELEMS 32 /* what fits in g_buf after the 3-byte skew, for f64 */

/* `call` returns `want` and leaves g_buf untouched. */
#define EXPECT_NOWRITE(want, call)                                                              \
    do {                                                                                        \
        t_canary_fill(g_buf, sizeof g_buf);                                                     \
        simdinit_status got_ = (call);                                                          \
        cr_expect_eq(got_, (want), "%s\n  returned %d (%s), want %d (%s)", #call, (int)got_,    \
                     simdinit_strerror(got_), (int)(want), simdinit_strerror(want));            \
        cr_expect(t_canary_intact(g_buf, sizeof g_buf), "%s\n  wrote to its output", #call);   \
    } while (0)

/* Same, with a loop index in the message. */
#define EXPECT_NOWRITE_I(want, call, i)                                                         \
    do {                                                                                        \
        t_canary_fill(g_buf, sizeof g_buf);                                                     \
        simdinit_status got_ = (call);                                                          \
        cr_expect_eq(got_, (want), "%s [case %d]\n  returned %d (%s), want %d (%s)", #call,     \
                     (int)(i), (int)got_, simdinit_strerror(got_), (int)(want),                 \
                     simdinit_strerror(want));                                                  \
        cr_expect(t_canary_intact(g_buf, sizeof g_buf), "%s [case %d]\n  wrote to its output",  \
                  #call, (int)(i));                                                             \
    } while (0)

#define BAD_DTYPE ((simdinit_dtype)99)

/* ------------------------------------------------------------------------ */
/* Fills                                                                     */
/* ------------------------------------------------------------------------ */

/* A distribution that must be rejected for a set of dtypes. */
typedef struct bad_dist {
    simdinit_dist dist;
    simdinit_status want;
    unsigned dtypes; /* bit t set: applies to t_dtypes[t] */
} bad_dist;

#define ALL_DT 0xfu
#define F16_ONLY 0x8u         /* t_dtypes[3] */
#define F32_BF16 0x5u         /* t_dtypes[0], t_dtypes[2] */

static simdinit_dist bad_kind(void)
{
    simdinit_dist d = simdinit_dist_uniform(0, 1);
    d.kind = (simdinit_dist_kind)99;
    return d;
}

static void bad_dists(bad_dist *t, int *n)
{
    const double nan = NAN, inf = INFINITY;
    int k = 0;
#define ADD(d, w, m) (t[k].dist = (d), t[k].want = (w), t[k].dtypes = (m), k++)
    ADD(simdinit_dist_uniform(nan, 1), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_uniform(0, nan), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_uniform(-inf, 1), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_uniform(0, inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_uniform(2, 1), SIMDINIT_ERR_LOW_GT_HIGH, ALL_DT);
    ADD(simdinit_dist_uniform(1, 1 - 1e-15), SIMDINIT_ERR_LOW_GT_HIGH, ALL_DT);
    ADD(simdinit_dist_normal(nan, 1), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_normal(inf, 1), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_normal(0, nan), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_normal(0, inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_normal(0, -1), SIMDINIT_ERR_NEGATIVE_STD, ALL_DT);
    ADD(simdinit_dist_normal(0, -1e-300), SIMDINIT_ERR_NEGATIVE_STD, ALL_DT);
    ADD(simdinit_dist_trunc_normal(nan, 1, -2, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(-inf, 1, -2, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, nan, -2, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, inf, -2, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, nan, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, -2, nan), SIMDINIT_ERR_NONFINITE, ALL_DT);
    /* infinite bounds on the outside are accepted (one-sided truncation);
     * a = +inf or b = -inf leave no interval */
    ADD(simdinit_dist_trunc_normal(0, 1, inf, inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, inf, 2), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, -2, -inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, -inf, -inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, nan, inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, -1, -2, 2), SIMDINIT_ERR_NEGATIVE_STD, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, 2, 2), SIMDINIT_ERR_EMPTY_TRUNC, ALL_DT);
    ADD(simdinit_dist_trunc_normal(0, 1, 3, -3), SIMDINIT_ERR_EMPTY_TRUNC, ALL_DT);
    ADD(simdinit_dist_constant(nan), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(simdinit_dist_constant(-inf), SIMDINIT_ERR_NONFINITE, ALL_DT);
    ADD(bad_kind(), SIMDINIT_ERR_BAD_ENUM, ALL_DT);
    /* Not representable in the output type. */
    ADD(simdinit_dist_uniform(-1e6, 1e6), SIMDINIT_ERR_RANGE, F16_ONLY);
    ADD(simdinit_dist_normal(0, 1e5), SIMDINIT_ERR_RANGE, F16_ONLY);
    ADD(simdinit_dist_normal(1e5, 1), SIMDINIT_ERR_RANGE, F16_ONLY);
    ADD(simdinit_dist_constant(1e6), SIMDINIT_ERR_RANGE, F16_ONLY);
    ADD(simdinit_dist_uniform(-1e39, 1e39), SIMDINIT_ERR_RANGE, F32_BF16 | F16_ONLY);
    ADD(simdinit_dist_normal(0, 1e38), SIMDINIT_ERR_RANGE, F32_BF16 | F16_ONLY);
    ADD(simdinit_dist_constant(-1e39), SIMDINIT_ERR_RANGE, F32_BF16 | F16_ONLY);
#undef ADD
    *n = k;
}

Test(errors, bad_distributions_write_nothing)
{
    bad_dist t[64];
    int n;
    bad_dists(t, &n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 4; j++) {
            if (!(t[i].dtypes & (1u << j)))
                continue;
            simdinit_dtype dt = t_dtypes[j];
            const simdinit_dist *d = &t[i].dist;
            int c = i * 4 + j;
            cr_expect_eq(simdinit_dist_check(d, dt), t[i].want, "dist_check case %d", c);
            EXPECT_NOWRITE_I(t[i].want, simdinit_fill(BUF, dt, 7, 0, 1, 2, d), c);
            EXPECT_NOWRITE_I(t[i].want, simdinit_fill(BUF, dt, 7, 12345, 1, 2, d), c);
            switch (d->kind) {
            case SIMDINIT_DIST_UNIFORM:
                EXPECT_NOWRITE_I(t[i].want, simdinit_uniform(BUF, dt, 7, 0, 1, 2, d->low, d->high), c);
                break;
            case SIMDINIT_DIST_NORMAL:
                EXPECT_NOWRITE_I(t[i].want, simdinit_normal(BUF, dt, 7, 0, 1, 2, d->mean, d->std), c);
                break;
            case SIMDINIT_DIST_TRUNC_NORMAL:
                EXPECT_NOWRITE_I(t[i].want,
                                 simdinit_trunc_normal(BUF, dt, 7, 0, 1, 2, d->mean, d->std, d->a, d->b),
                                 c);
                break;
            case SIMDINIT_DIST_CONSTANT:
                EXPECT_NOWRITE_I(t[i].want, simdinit_constant(BUF, dt, 7, d->value), c);
                break;
            default:
                break;
            }
        }
}

Test(errors, null_pointers)
{
    simdinit_dist u = simdinit_dist_uniform(0, 1);
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_fill(NULL, dt, 1, 0, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_fill(BUF, dt, 4, 0, 1, 2, NULL));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_uniform(NULL, dt, 3, 0, 1, 2, 0, 1));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_normal(NULL, dt, 3, 0, 1, 2, 0, 1));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_trunc_normal(NULL, dt, 3, 0, 1, 2, 0, 1, -2, 2));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_constant(NULL, dt, 3, 0.5));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_zeros(NULL, dt, 3));
        EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_ones(NULL, dt, 3));
        /* n == 0: a successful no-op, out may be NULL. */
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_fill(NULL, dt, 0, 0, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_fill(BUF, dt, 0, 0, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_uniform(NULL, dt, 0, 0, 1, 2, 0, 1));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_normal(NULL, dt, 0, 0, 1, 2, 0, 1));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_trunc_normal(NULL, dt, 0, 0, 1, 2, 0, 1, -2, 2));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_constant(NULL, dt, 0, 0.5));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_zeros(NULL, dt, 0));
        EXPECT_NOWRITE(SIMDINIT_OK, simdinit_ones(NULL, dt, 0));
    }
    cr_expect_eq(simdinit_dist_check(NULL, SIMDINIT_F32), SIMDINIT_ERR_NULL);
}

Test(errors, bad_dtype)
{
    simdinit_dist ds[4] = {simdinit_dist_uniform(0, 1), simdinit_dist_normal(0, 1),
                           simdinit_dist_trunc_normal(0, 1, -2, 2), simdinit_dist_constant(1)};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(simdinit_dist_check(&ds[i], BAD_DTYPE), SIMDINIT_ERR_BAD_ENUM);
        EXPECT_NOWRITE_I(SIMDINIT_ERR_BAD_ENUM, simdinit_fill(BUF, BAD_DTYPE, 5, 0, 1, 2, &ds[i]), i);
    }
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_uniform(BUF, BAD_DTYPE, 5, 0, 1, 2, 0, 1));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_normal(BUF, BAD_DTYPE, 5, 0, 1, 2, 0, 1));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM,
                   simdinit_trunc_normal(BUF, BAD_DTYPE, 5, 0, 1, 2, 0, 1, -2, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_constant(BUF, BAD_DTYPE, 5, 1));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_zeros(BUF, BAD_DTYPE, 5));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_ones(BUF, BAD_DTYPE, 5));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM,
                   simdinit_uniform(BUF, (simdinit_dtype)-1, 5, 0, 1, 2, 0, 1));
    cr_expect_eq(simdinit_dtype_size(BAD_DTYPE), 0);
    cr_expect_null(simdinit_dtype_name(BAD_DTYPE));
}

Test(errors, overflow)
{
    simdinit_dist u = simdinit_dist_uniform(0, 1);
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        /* offset + n > 2^64 - 1 */
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_fill(BUF, dt, 2, UINT64_MAX, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_fill(BUF, dt, 5, UINT64_MAX - 3, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_normal(BUF, dt, 2, UINT64_MAX, 1, 2, 0, 1));
        /* n * element size > SIZE_MAX (the smallest such n for this dtype) */
        size_t n_big = SIZE_MAX / elem_size(dt) + 1;
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_fill(BUF, dt, n_big, 0, 1, 2, &u));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_constant(BUF, dt, n_big, 0.5));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_zeros(BUF, dt, n_big));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_ones(BUF, dt, n_big));
        EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_trunc_normal(BUF, dt, n_big, 0, 1, 2, 0, 1, -2, 2));
    }
    EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_fill(BUF, SIMDINIT_F32, SIZE_MAX / 2, 0, 1, 2, &u));
    EXPECT_NOWRITE(SIMDINIT_ERR_OVERFLOW, simdinit_fill(BUF, SIMDINIT_F64, SIZE_MAX / 2, 0, 1, 2, &u));
}

/* The boundary cases next to the errors succeed and write exactly n elements. */
Test(errors, edges_that_succeed)
{
    simdinit_dist u = simdinit_dist_uniform(0, 1);
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        size_t sz = elem_size(dt);
        /* Elements up to index 2^64 - 2 are addressable (offset + n = 2^64 - 1). */
        t_canary_fill(g_buf, sizeof g_buf);
        cr_expect_eq(simdinit_fill(BUF, dt, 2, UINT64_MAX - 2, 1, 2, &u), SIMDINIT_OK);
        cr_expect(t_canary_intact(g_buf, 3), "wrote before out");
        cr_expect(t_canary_intact(g_buf + 3 + 2 * sz, sizeof g_buf - 3 - 2 * sz), "wrote past n");
        cr_expect_eq(simdinit_fill(BUF, dt, 1, UINT64_MAX - 1, 1, 2, &u), SIMDINIT_OK);

        /* low == high writes low (0.5 is exact in every dtype). */
        static const uint64_t half[4] = {0x3f000000u, UINT64_C(0x3fe0000000000000), 0x3f00u, 0x3800u};
        t_canary_fill(g_buf, sizeof g_buf);
        cr_expect_eq(simdinit_uniform(BUF, dt, 9, 77, 1, 2, 0.5, 0.5), SIMDINIT_OK);
        for (size_t i = 0; i < 9; i++)
            cr_expect_eq(elem_bits(BUF, dt, i), half[j], "%s uniform(0.5, 0.5)[%zu]",
                         simdinit_dtype_name(dt), i);
        cr_expect(t_canary_intact(g_buf + 3 + 9 * sz, sizeof g_buf - 3 - 9 * sz), "wrote past n");

        /* Largest finite values are in range for their own type. */
        double big = dt == SIMDINIT_F16 ? 65504.0 : dt == SIMDINIT_F64 ? 1e300 : 3e38;
        cr_expect_eq(simdinit_constant(BUF, dt, 3, big), SIMDINIT_OK, "constant(%g) as %s", big,
                     simdinit_dtype_name(dt));
        cr_expect_eq(simdinit_uniform(BUF, dt, 3, 0, 1, 2, -big / 2, big / 2), SIMDINIT_OK,
                     "uniform(+-%g) as %s", big / 2, simdinit_dtype_name(dt));
        /* Normal with std 0 is a valid (degenerate) distribution. */
        cr_expect_eq(simdinit_normal(BUF, dt, 3, 0, 1, 2, 0.5, 0.0), SIMDINIT_OK);
        cr_expect_eq(simdinit_dist_check(&u, dt), SIMDINIT_OK);
    }
}

/* ------------------------------------------------------------------------ */
/* Fans, numel, gains                                                        */
/* ------------------------------------------------------------------------ */

#define SENT UINT64_C(0xdeadbeefcafef00d)

#define EXPECT_FANS(want, shape, ndim, layout)                                                  \
    do {                                                                                        \
        uint64_t fi_ = SENT, fo_ = SENT;                                                        \
        simdinit_status s_ = simdinit_fans((shape), (ndim), (layout), &fi_, &fo_);              \
        cr_expect_eq(s_, (want), "fans(%s, %d, %d) returned %d (%s)", #shape, (int)(ndim),      \
                     (int)(layout), (int)s_, simdinit_strerror(s_));                            \
        cr_expect(fi_ == SENT && fo_ == SENT, "fans(%s, %d) wrote on error", #shape, (int)(ndim)); \
    } while (0)

Test(errors, fans_and_numel)
{
    uint64_t s2[2] = {4, 5};
    uint64_t s17[17];
    for (int i = 0; i < 17; i++)
        s17[i] = 1;
    uint64_t ovf[4] = {2, 2, UINT64_C(1) << 62, 4}; /* receptive field overflows */
    uint64_t ovf2[2] = {UINT64_C(1) << 32, UINT64_C(1) << 32};
    uint64_t fi = SENT, fo = SENT;

    EXPECT_FANS(SIMDINIT_ERR_NULL, (const uint64_t *)NULL, 2, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s17, -1, SIMDINIT_LAYOUT_KERAS);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s17, -1, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s17, 17, SIMDINIT_LAYOUT_KERAS);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s17, 17, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s2, 1, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_BAD_SHAPE, s2, 0, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_BAD_ENUM, s2, 2, (simdinit_layout)99);
    EXPECT_FANS(SIMDINIT_ERR_OVERFLOW, ovf, 4, SIMDINIT_LAYOUT_TORCH);
    EXPECT_FANS(SIMDINIT_ERR_OVERFLOW, ovf, 4, SIMDINIT_LAYOUT_KERAS);
    cr_expect_eq(simdinit_fans(s2, 2, SIMDINIT_LAYOUT_TORCH, NULL, &fo), SIMDINIT_ERR_NULL);
    cr_expect_eq(fo, SENT);
    cr_expect_eq(simdinit_fans(s2, 2, SIMDINIT_LAYOUT_TORCH, &fi, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(fi, SENT);
    /* Valid neighbours. */
    cr_expect_eq(simdinit_fans(s17, 16, SIMDINIT_LAYOUT_TORCH, &fi, &fo), SIMDINIT_OK);
    cr_expect_eq(simdinit_fans(NULL, 0, SIMDINIT_LAYOUT_KERAS, &fi, &fo), SIMDINIT_OK);
    cr_expect(fi == 1 && fo == 1);

    uint64_t n = SENT;
    cr_expect_eq(simdinit_numel(s2, 2, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_numel(NULL, 2, &n), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_numel(s17, -1, &n), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_numel(s17, 17, &n), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_numel(ovf2, 2, &n), SIMDINIT_ERR_OVERFLOW);
    cr_expect_eq(simdinit_numel(ovf, 4, &n), SIMDINIT_ERR_OVERFLOW);
    cr_expect_eq(n, SENT, "numel wrote on error");
    cr_expect_eq(simdinit_numel(NULL, 0, &n), SIMDINIT_OK);
    cr_expect_eq(n, 1);
    uint64_t fits[2] = {UINT64_C(1) << 32, (UINT64_C(1) << 32) - 1};
    cr_expect_eq(simdinit_numel(fits, 2, &n), SIMDINIT_OK);
    cr_expect_eq(n, (UINT64_C(1) << 32) * ((UINT64_C(1) << 32) - 1));
    cr_expect_eq(simdinit_numel(s17, 16, &n), SIMDINIT_OK);
    cr_expect_eq(n, 1);
}

Test(errors, gain)
{
    double g = -1234.5;
    cr_expect_eq(simdinit_gain(SIMDINIT_NL_RELU, 0, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_gain((simdinit_nonlinearity)99, 0, &g), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_gain((simdinit_nonlinearity)-1, 0, &g), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_gain(SIMDINIT_NL_LEAKY_RELU, NAN, &g), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_gain(SIMDINIT_NL_LEAKY_RELU, INFINITY, &g), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(simdinit_gain(SIMDINIT_NL_LEAKY_RELU, -INFINITY, &g), SIMDINIT_ERR_NONFINITE);
    cr_expect_eq(g, -1234.5, "gain written on error");
    /* param is ignored for other nonlinearities, NaN included. */
    cr_expect_eq(simdinit_gain(SIMDINIT_NL_RELU, NAN, &g), SIMDINIT_OK);
    cr_expect_eq(g, sqrt(2.0));
    cr_expect_null(simdinit_nonlinearity_name((simdinit_nonlinearity)99));
}

/* ------------------------------------------------------------------------ */
/* Schemes                                                                   */
/* ------------------------------------------------------------------------ */

static simdinit_dist dist_sentinel(void)
{
    simdinit_dist d;
    memset(&d, 0x5a, sizeof d);
    return d;
}

/* scheme_dist_fans(sch, fi, fo) returns want and leaves the dist untouched. */
static void expect_sdf(simdinit_status want, simdinit_scheme sch, uint64_t fi, uint64_t fo,
                       const char *what)
{
    simdinit_dist d = dist_sentinel(), ref = dist_sentinel();
    simdinit_status s = simdinit_scheme_dist_fans(&sch, fi, fo, &d);
    cr_expect_eq(s, want, "%s (fans %llu, %llu): got %d (%s), want %d (%s)", what,
                 (unsigned long long)fi, (unsigned long long)fo, (int)s, simdinit_strerror(s),
                 (int)want, simdinit_strerror(want));
    if (want != SIMDINIT_OK)
        cr_expect(memcmp(&d, &ref, sizeof d) == 0, "%s: dist written on error", what);
}

static simdinit_scheme sch_with(simdinit_scheme_kind k)
{
    return simdinit_scheme_default(k);
}

Test(errors, scheme_dist_fans)
{
    simdinit_scheme s;
    simdinit_dist d;
    s = sch_with(SIMDINIT_XAVIER_UNIFORM);
    cr_expect_eq(simdinit_scheme_dist_fans(NULL, 3, 4, &d), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_dist_fans(&s, 3, 4, NULL), SIMDINIT_ERR_NULL);

    s.kind = (simdinit_scheme_kind)99;
    expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "kind 99");
    s.kind = (simdinit_scheme_kind)-1;
    expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "kind -1");

    static const simdinit_scheme_kind kaiming[2] = {SIMDINIT_KAIMING_UNIFORM, SIMDINIT_KAIMING_NORMAL};
    for (int i = 0; i < 2; i++) {
        s = sch_with(kaiming[i]);
        s.mode = SIMDINIT_FAN_AVG;
        expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "kaiming FAN_AVG");
        s.mode = (simdinit_fan_mode)99;
        expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "kaiming mode 99");
        s = sch_with(kaiming[i]);
        s.nonlinearity = (simdinit_nonlinearity)99;
        expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "kaiming nonlinearity 99");
        s = sch_with(kaiming[i]);
        s.a = NAN;
        expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "kaiming leaky slope NaN");
        s.a = INFINITY;
        expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "kaiming leaky slope inf");
        s = sch_with(kaiming[i]);
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 4, "kaiming fan_in 0");
        expect_sdf(SIMDINIT_OK, s, 3, 0, "kaiming FAN_IN with fan_out 0");
        s.mode = SIMDINIT_FAN_OUT;
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 3, 0, "kaiming fan_out 0");
        expect_sdf(SIMDINIT_OK, s, 0, 4, "kaiming FAN_OUT with fan_in 0");
    }

    static const simdinit_scheme_kind xavier[2] = {SIMDINIT_XAVIER_UNIFORM, SIMDINIT_XAVIER_NORMAL};
    for (int i = 0; i < 2; i++) {
        s = sch_with(xavier[i]);
        s.gain = 0;
        expect_sdf(SIMDINIT_ERR_BAD_PARAM, s, 3, 4, "xavier gain 0");
        s.gain = -1;
        expect_sdf(SIMDINIT_ERR_BAD_PARAM, s, 3, 4, "xavier gain -1");
        s.gain = NAN;
        expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "xavier gain NaN");
        s.gain = INFINITY;
        expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "xavier gain inf");
        s = sch_with(xavier[i]);
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 0, "xavier fans 0");
        /* Xavier uses both fans: either one being 0 is a zero fan. */
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 4, "xavier fan_in 0");
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 4, 0, "xavier fan_out 0");
    }

    static const simdinit_scheme_kind fan_in_users[6] = {
        SIMDINIT_TORCH_LINEAR, SIMDINIT_TORCH_LINEAR_BIAS, SIMDINIT_HE_UNIFORM,
        SIMDINIT_HE_NORMAL, SIMDINIT_LECUN_UNIFORM, SIMDINIT_LECUN_NORMAL};
    for (int i = 0; i < 6; i++) {
        s = sch_with(fan_in_users[i]);
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 4, simdinit_scheme_name(fan_in_users[i]));
        expect_sdf(SIMDINIT_OK, s, 4, 0, simdinit_scheme_name(fan_in_users[i]));
    }
    static const simdinit_scheme_kind glorot[2] = {SIMDINIT_GLOROT_UNIFORM, SIMDINIT_GLOROT_NORMAL};
    for (int i = 0; i < 2; i++) {
        s = sch_with(glorot[i]);
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 0, "glorot fans 0");
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 1, "glorot fan_in 0");
        expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 1, 0, "glorot fan_out 0");
    }

    s = sch_with(SIMDINIT_VARIANCE_SCALING);
    s.scale = 0;
    expect_sdf(SIMDINIT_ERR_BAD_PARAM, s, 3, 4, "variance_scaling scale 0");
    s.scale = -2;
    expect_sdf(SIMDINIT_ERR_BAD_PARAM, s, 3, 4, "variance_scaling scale -2");
    s.scale = NAN;
    expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "variance_scaling scale NaN");
    s.scale = INFINITY;
    expect_sdf(SIMDINIT_ERR_NONFINITE, s, 3, 4, "variance_scaling scale inf");
    s = sch_with(SIMDINIT_VARIANCE_SCALING);
    s.mode = (simdinit_fan_mode)99;
    expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "variance_scaling mode 99");
    s = sch_with(SIMDINIT_VARIANCE_SCALING);
    s.distribution = (simdinit_vs_distribution)99;
    expect_sdf(SIMDINIT_ERR_BAD_ENUM, s, 3, 4, "variance_scaling distribution 99");
    s = sch_with(SIMDINIT_VARIANCE_SCALING);
    s.mode = SIMDINIT_FAN_OUT;
    expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 3, 0, "variance_scaling fan_out 0");
    s.mode = SIMDINIT_FAN_AVG;
    expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 0, 0, "variance_scaling fan_avg 0");
    expect_sdf(SIMDINIT_ERR_ZERO_FAN, s, 3, 0, "variance_scaling fan_avg, fan_out 0");
    s.mode = SIMDINIT_FAN_IN;
    expect_sdf(SIMDINIT_OK, s, 3, 0, "variance_scaling fan_in with fan_out 0");
}

/* scheme_dist from a shape, and fill_scheme, which must also write nothing. */
Test(errors, scheme_shapes_and_fill_scheme)
{
    simdinit_scheme k = sch_with(SIMDINIT_KAIMING_UNIFORM);
    simdinit_dist d = dist_sentinel(), ref = dist_sentinel();
    uint64_t s48[2] = {4, 8}, s50[2] = {5, 0}, s05[2] = {0, 5};
    uint64_t s17[17];
    for (int i = 0; i < 17; i++)
        s17[i] = 1;

    cr_expect_eq(simdinit_scheme_dist(NULL, s48, 2, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_dist(&k, NULL, 2, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_dist(&k, s48, 2, SIMDINIT_LAYOUT_TORCH, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_dist(&k, s17, -1, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_scheme_dist(&k, s17, 17, SIMDINIT_LAYOUT_KERAS, &d), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_scheme_dist(&k, s48, 1, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect_eq(simdinit_scheme_dist(&k, s48, 2, (simdinit_layout)99, &d), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_scheme_dist(&k, s50, 2, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_ERR_ZERO_FAN);
    cr_expect(memcmp(&d, &ref, sizeof d) == 0, "scheme_dist wrote on error");
    cr_expect_eq(simdinit_scheme_dist(&k, s05, 2, SIMDINIT_LAYOUT_TORCH, &d), SIMDINIT_OK,
                 "torch (0, 5): fan_in 5, fan_out 0 is fine for FAN_IN");

    simdinit_scheme bad = k;
    bad.kind = (simdinit_scheme_kind)99;
    const simdinit_layout T = SIMDINIT_LAYOUT_TORCH;
    EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_fill_scheme(NULL, SIMDINIT_F32, s48, 2, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_fill_scheme(BUF, SIMDINIT_F32, NULL, 2, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_NULL, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, NULL, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_fill_scheme(BUF, BAD_DTYPE, s48, 2, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &bad, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_ENUM,
                   simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, (simdinit_layout)99, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_SHAPE, simdinit_fill_scheme(BUF, SIMDINIT_F32, s17, 17, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_SHAPE, simdinit_fill_scheme(BUF, SIMDINIT_F32, s17, -1, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_SHAPE, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 1, T, &k, 4, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_OUT_OF_TENSOR, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 3, 30, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_OUT_OF_TENSOR, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 1, 32, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_OUT_OF_TENSOR, simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 33, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_ERR_OUT_OF_TENSOR,
                   simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 1, UINT64_MAX - 5, 1, 2));
    simdinit_scheme g0 = sch_with(SIMDINIT_XAVIER_NORMAL);
    g0.gain = 0;
    EXPECT_NOWRITE(SIMDINIT_ERR_BAD_PARAM, simdinit_fill_scheme(BUF, SIMDINIT_F64, s48, 2, T, &g0, 4, 0, 1, 2));

    /* Successes next to them. */
    t_canary_fill(g_buf, sizeof g_buf);
    cr_expect_eq(simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 2, 30, 1, 2), SIMDINIT_OK);
    cr_expect(t_canary_intact(g_buf + 3 + 8, sizeof g_buf - 11), "fill_scheme wrote past n");
    cr_expect_eq(simdinit_fill_scheme(BUF, SIMDINIT_F32, s48, 2, T, &k, 32, 0, 1, 2), SIMDINIT_OK);
    /* A zero-element tensor with n == 0 is a no-op, even though its fan is 0. */
    EXPECT_NOWRITE(SIMDINIT_OK, simdinit_fill_scheme(NULL, SIMDINIT_F32, s50, 2, T, &k, 0, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_OK, simdinit_fill_scheme(NULL, SIMDINIT_BF16, s05, 2, T, &k, 0, 0, 1, 2));
    EXPECT_NOWRITE(SIMDINIT_OK, simdinit_fill_scheme(NULL, SIMDINIT_F32, s48, 2, T, &k, 0, 0, 1, 2));
}

Test(errors, scheme_names)
{
    simdinit_scheme_kind k = (simdinit_scheme_kind)77;
    cr_expect_eq(simdinit_scheme_from_name(NULL, &k), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_from_name("he_normal", NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_scheme_from_name("no_such_scheme", &k), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_scheme_from_name("HE_NORMAL", &k), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_scheme_from_name("", &k), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq((int)k, 77, "scheme_from_name wrote on error");
    cr_expect_null(simdinit_scheme_name((simdinit_scheme_kind)99));
    for (int i = SIMDINIT_XAVIER_UNIFORM; i <= SIMDINIT_VARIANCE_SCALING; i++) {
        const char *name = simdinit_scheme_name((simdinit_scheme_kind)i);
        cr_assert_not_null(name, "scheme %d has no name", i);
        cr_expect_eq(simdinit_scheme_from_name(name, &k), SIMDINIT_OK, "%s", name);
        cr_expect_eq((int)k, i, "%s parses back to %d", name, (int)k);
    }
    cr_expect_str_eq(simdinit_scheme_name(SIMDINIT_XAVIER_UNIFORM), "xavier_uniform");
    cr_expect_str_eq(simdinit_scheme_name(SIMDINIT_HE_NORMAL), "he_normal");
}

/* ------------------------------------------------------------------------ */
/* Status strings, names, backends                                           */
/* ------------------------------------------------------------------------ */

Test(errors, strerror_distinct)
{
    const char *s[SIMDINIT_ERR_NOMEM + 1];
    for (int i = 0; i <= SIMDINIT_ERR_NOMEM; i++) {
        s[i] = simdinit_strerror((simdinit_status)i);
        cr_assert_not_null(s[i], "strerror(%d) is NULL", i);
        cr_expect_gt(strlen(s[i]), 0, "strerror(%d) is empty", i);
        for (int j = 0; j < i; j++)
            cr_expect_str_neq(s[i], s[j], "strerror(%d) == strerror(%d)", i, j);
    }
    static const int unknown[4] = {-1, SIMDINIT_ERR_NOMEM + 1, 1000, INT32_MIN};
    for (int k = 0; k < 4; k++) {
        const char *u = simdinit_strerror((simdinit_status)unknown[k]);
        cr_assert_not_null(u, "strerror(%d) is NULL", unknown[k]);
        cr_expect(strstr(u, "unknown") != NULL, "strerror(%d) = \"%s\"", unknown[k], u);
        for (int i = 0; i <= SIMDINIT_ERR_NOMEM; i++)
            cr_expect_str_neq(u, s[i], "strerror(%d) equals strerror(%d)", unknown[k], i);
    }
}

Test(errors, names_and_fallbacks)
{
    static const char *const dn[4] = {"f32", "f64", "bf16", "f16"};
    static const size_t dsz[4] = {4, 8, 2, 2};
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(simdinit_dtype_name((simdinit_dtype)i), dn[i]);
        cr_expect_eq(simdinit_dtype_size((simdinit_dtype)i), dsz[i]);
    }
    const char *nl[SIMDINIT_NL_SELU + 1];
    for (int i = 0; i <= SIMDINIT_NL_SELU; i++) {
        nl[i] = simdinit_nonlinearity_name((simdinit_nonlinearity)i);
        cr_assert_not_null(nl[i], "nonlinearity %d has no name", i);
        for (int j = 0; j < i; j++)
            cr_expect_str_neq(nl[i], nl[j]);
    }
    cr_expect_str_eq(nl[SIMDINIT_NL_LEAKY_RELU], "leaky_relu");
    cr_expect_str_eq(nl[SIMDINIT_NL_LINEAR], "linear");
    cr_expect_null(simdinit_nonlinearity_name((simdinit_nonlinearity)(SIMDINIT_NL_SELU + 1)));
    for (unsigned bit = 1; bit <= SIMDINIT_CPU_AVX512DQ; bit <<= 1)
        cr_expect_not_null(simdinit_cpu_feature_name(bit), "feature bit 0x%x has no name", bit);
    cr_expect_str_eq(simdinit_cpu_feature_name(SIMDINIT_CPU_AVX2), "avx2");
    cr_expect_null(simdinit_cpu_feature_name(0));
    cr_expect_null(simdinit_cpu_feature_name(SIMDINIT_CPU_AVX | SIMDINIT_CPU_AVX2));
    cr_expect_null(simdinit_cpu_feature_name(1u << 20));
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", SIMDINIT_VERSION_MAJOR, SIMDINIT_VERSION_MINOR,
             SIMDINIT_VERSION_PATCH);
    cr_expect_str_eq(simdinit_version(), v);
}

Test(errors, backends)
{
    static const char *const bn[SIMDINIT_BACKEND_COUNT] = {"auto", "scalar", "avx2", "neon",
                                                           "avx512"};
    simdinit_backend b = (simdinit_backend)77;
    for (int i = 0; i < SIMDINIT_BACKEND_COUNT; i++) {
        cr_expect_str_eq(simdinit_backend_name((simdinit_backend)i), bn[i]);
        cr_expect_eq(simdinit_backend_from_name(bn[i], &b), SIMDINIT_OK);
        cr_expect_eq((int)b, i);
    }
    b = (simdinit_backend)77;
    cr_expect_eq(simdinit_backend_from_name("avx1024", &b), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_backend_from_name("AVX2", &b), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_backend_from_name("scalar ", &b), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_backend_from_name("", &b), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_backend_from_name(NULL, &b), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_backend_from_name("scalar", NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq((int)b, 77, "backend_from_name wrote on error");
    cr_expect_null(simdinit_backend_name((simdinit_backend)SIMDINIT_BACKEND_COUNT));

    cr_expect_eq(simdinit_backend_compiled(SIMDINIT_BACKEND_SCALAR), 1);
    cr_expect_eq(simdinit_backend_usable(SIMDINIT_BACKEND_SCALAR), 1);
    cr_expect_eq(simdinit_backend_usable(SIMDINIT_BACKEND_AUTO), 1);
    cr_expect_eq(simdinit_backend_compiled((simdinit_backend)99), 0);
    cr_expect_eq(simdinit_backend_usable((simdinit_backend)99), 0);
#if defined(__x86_64__) || defined(__i386__)
    cr_expect_eq(simdinit_backend_usable(SIMDINIT_BACKEND_NEON), 0);
    cr_expect_eq(simdinit_backend_compiled(SIMDINIT_BACKEND_NEON), 0);
#elif defined(__aarch64__)
    cr_expect_eq(simdinit_backend_usable(SIMDINIT_BACKEND_AVX2), 0);
#endif

    simdinit_backend before = simdinit_active_backend();
    cr_expect_neq(before, SIMDINIT_BACKEND_AUTO, "active backend is never AUTO");
    cr_expect_eq(simdinit_set_backend((simdinit_backend)99), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_set_backend((simdinit_backend)-1), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(simdinit_active_backend(), before);
    int found = 0;
    for (int i = SIMDINIT_BACKEND_SCALAR; i < SIMDINIT_BACKEND_COUNT; i++) {
        if (simdinit_backend_usable((simdinit_backend)i))
            continue;
        found = 1;
        cr_expect_eq(simdinit_set_backend((simdinit_backend)i), SIMDINIT_ERR_BACKEND_UNAVAILABLE,
                     "set_backend(%s)", bn[i]);
        cr_expect_eq(simdinit_active_backend(), before, "a failed set_backend changed the backend");
    }
    cr_expect(found, "every backend usable on one machine? neon and avx2 cannot both be");
    /* Usable ones can be forced and AUTO goes back to the best one. */
    cr_expect_eq(simdinit_set_backend(SIMDINIT_BACKEND_SCALAR), SIMDINIT_OK);
    cr_expect_eq(simdinit_active_backend(), SIMDINIT_BACKEND_SCALAR);
    cr_expect_eq(simdinit_set_backend(SIMDINIT_BACKEND_AUTO), SIMDINIT_OK);
    cr_expect_neq(simdinit_active_backend(), SIMDINIT_BACKEND_AUTO);
    cr_expect_eq(simdinit_env_status(), SIMDINIT_OK);
    /* The features the dispatcher reports agree with what it says is usable. */
    unsigned f = simdinit_cpu_features();
    if (simdinit_backend_usable(SIMDINIT_BACKEND_AVX2))
        cr_expect((f & (SIMDINIT_CPU_AVX | SIMDINIT_CPU_AVX2 | SIMDINIT_CPU_FMA | SIMDINIT_CPU_F16C)) ==
                      (SIMDINIT_CPU_AVX | SIMDINIT_CPU_AVX2 | SIMDINIT_CPU_FMA | SIMDINIT_CPU_F16C),
                  "avx2 usable but features 0x%x", f);
}

/* simdinit_stream_from_name: NULL paths keep the sentinel; values are the
 * published FNV-1a 64 test vectors ("" is the offset basis). */
Test(errors, stream_from_name)
{
    uint64_t s = 77;
    cr_expect_eq(simdinit_stream_from_name(NULL, &s), SIMDINIT_ERR_NULL);
    cr_expect_eq(s, 77);
    cr_expect_eq(simdinit_stream_from_name("x", NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_stream_from_name("", &s), SIMDINIT_OK);
    cr_expect_eq(s, UINT64_C(0xcbf29ce484222325));
    cr_expect_eq(simdinit_stream_from_name("a", &s), SIMDINIT_OK);
    cr_expect_eq(s, UINT64_C(0xaf63dc4c8601ec8c));
    cr_expect_eq(simdinit_stream_from_name("foobar", &s), SIMDINIT_OK);
    cr_expect_eq(s, UINT64_C(0x85944171f73967e8));
}
