/*
 * float32 -> bfloat16 / binary16 rounding (si_f32_to_bf16, si_f32_to_f16 in
 * src/scalar/math_scalar.h) against the independent reference in
 * tests/test_util.h, over float bit patterns; and the fill contract that
 * narrow outputs are the float32 fill's values rounded to nearest-even.
 *
 * Coverage: every one of the 2^32 float bit patterns, for both formats (about
 * 40 s of CPU in all, split into eight tests that run in parallel).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "scalar/math_scalar.h"
#include "test_util.h"

typedef uint16_t (*conv_fn)(float);

static uint16_t lib_bf16(float f) { return si_f32_to_bf16(f); }
static uint16_t lib_f16(float f) { return si_f32_to_f16(f); }

typedef struct tally {
    uint64_t checked, bad;
    uint32_t first_bad;
    uint16_t got, want;
} tally;

/* Check every pattern in [lo, hi]. */
static inline void check_span(tally *t, const t_narrow *f, int is_bf16, uint32_t lo, uint32_t hi)
{
    for (uint64_t b = lo; b <= hi; b++) {
        float x = si_f32_from_bits((uint32_t)b);
        /* Direct calls (not through conv_fn) so the library code is inlined. */
        uint16_t got = is_bf16 ? si_f32_to_bf16(x) : si_f32_to_f16(x);
        int ok;
        uint16_t want = t_ref_narrow(x, f);
        if (x != x)
            ok = t_narrow_nan_ok(got, x, f);
        else
            ok = got == want;
        if (!ok) {
            if (t->bad == 0) {
                t->first_bad = (uint32_t)b;
                t->got = got;
                t->want = want;
            }
            t->bad++;
        }
        t->checked++;
    }
}

static void finish(const tally *t, const char *what)
{
    fprintf(stderr, "test_rounding: %s: %llu patterns checked, %llu wrong\n", what,
            (unsigned long long)t->checked, (unsigned long long)t->bad);
    cr_expect_eq(t->bad, 0,
                 "%s: %llu wrong results; first at float bits 0x%08x: got 0x%04x, want 0x%04x", what,
                 (unsigned long long)t->bad, t->first_bad, t->got, t->want);
}

/* One quarter of the pattern space (q = top two bits: sign, exponent MSB). */
static void quarter(int is_bf16, uint32_t q)
{
    const t_narrow *f = is_bf16 ? &T_BF16 : &T_F16;
    uint32_t lo = q << 30, hi = lo + ((1u << 30) - 1);
    tally t = {0};
    check_span(&t, f, is_bf16, lo, hi);
    char what[64];
    snprintf(what, sizeof what, "%s, %s, |x| %s", is_bf16 ? "bf16" : "f16",
             (q & 2) ? "negative" : "positive", (q & 1) ? ">= 2" : "< 2");
    finish(&t, what);
}

#define QUARTER_TESTS(fmt, is_bf16)                                                              \
    Test(rounding, fmt##_q0, .timeout = 600) { quarter(is_bf16, 0); }                           \
    Test(rounding, fmt##_q1, .timeout = 600) { quarter(is_bf16, 1); }                           \
    Test(rounding, fmt##_q2, .timeout = 600) { quarter(is_bf16, 2); }                           \
    Test(rounding, fmt##_q3, .timeout = 600) { quarter(is_bf16, 3); }

QUARTER_TESTS(bf16, 1)
QUARTER_TESTS(f16, 0)

/* Hand-checked anchors: they pin the reference as much as the library. */
typedef struct anchor {
    uint32_t in;
    uint16_t out;
} anchor;

static void check_anchors(const anchor *a, size_t n, conv_fn lib, const t_narrow *f,
                          const char *name)
{
    for (size_t i = 0; i < n; i++) {
        float x = si_f32_from_bits(a[i].in);
        cr_expect_eq(t_ref_narrow(x, f), a[i].out, "reference %s(0x%08x) = 0x%04x, want 0x%04x",
                     name, a[i].in, t_ref_narrow(x, f), a[i].out);
        cr_expect_eq(lib(x), a[i].out, "library %s(0x%08x) = 0x%04x, want 0x%04x", name, a[i].in,
                     lib(x), a[i].out);
    }
}

Test(rounding, anchors)
{
    static const anchor bf16[] = {
        {0x00000000u, 0x0000}, {0x80000000u, 0x8000}, {0x3f800000u, 0x3f80}, /* 0, -0, 1 */
        {0x3f808000u, 0x3f80}, /* tie, even below */
        {0x3f818000u, 0x3f82}, /* tie, even above */
        {0x3f808001u, 0x3f81}, {0x3f807fffu, 0x3f80},
        {0x7f7fffffu, 0x7f80}, /* FLT_MAX rounds to inf */
        {0x7f7f7fffu, 0x7f7f}, {0x7f7f8000u, 0x7f80}, /* max bf16 + half ulp ties to inf (even) */
        {0x00018000u, 0x0002}, {0x00008000u, 0x0000}, {0x00008001u, 0x0001}, /* subnormals */
        {0x007fffffu, 0x0080}, /* largest float subnormal rounds up to the smallest normal */
        {0x7f800000u, 0x7f80}, {0xff800000u, 0xff80}, {0x3dcccccdu, 0x3dcd}, /* inf, -inf, 0.1 */
        {0xc0490fdbu, 0xc049}, /* -pi */
    };
    static const anchor f16[] = {
        {0x00000000u, 0x0000}, {0x80000000u, 0x8000}, {0x3f800000u, 0x3c00}, /* 0, -0, 1 */
        {0x477fe000u, 0x7bff}, /* 65504 */
        {0x477fefffu, 0x7bff}, {0x477ff000u, 0x7c00}, /* 65520 ties to inf (even) */
        {0x47800000u, 0x7c00}, {0x7f7fffffu, 0x7c00}, {0xc7800000u, 0xfc00},
        {0x33800000u, 0x0001}, /* 2^-24: smallest subnormal */
        {0x33000000u, 0x0000}, /* 2^-25: tie to 0 */
        {0x33000001u, 0x0001}, {0xb3000001u, 0x8001},
        {0x33c00000u, 0x0002}, /* 1.5 * 2^-24: tie to 2 */
        {0x34200000u, 0x0002}, /* 2.5 * 2^-24: tie to 2 */
        {0x38800000u, 0x0400}, /* 2^-14: smallest normal */
        {0x387fc000u, 0x03ff}, {0x387fe000u, 0x0400}, /* largest subnormal, tie up to normal */
        {0x3dcccccdu, 0x2e66}, /* 0.1 */
        {0x3f801000u, 0x3c00}, {0x3f803000u, 0x3c02}, /* ties at 1 */
        {0x00000001u, 0x0000}, {0x7f800000u, 0x7c00},
    };
    check_anchors(bf16, T_ARRAY_LEN(bf16), lib_bf16, &T_BF16, "bf16");
    check_anchors(f16, T_ARRAY_LEN(f16), lib_f16, &T_F16, "f16");
    /* NaN: stays a quiet NaN, sign kept, signalling or not. */
    static const uint32_t nans[] = {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xff800001u,
                                    0x7fbfffffu, 0x7fffffffu, 0xff802000u};
    for (size_t i = 0; i < T_ARRAY_LEN(nans); i++) {
        float x = si_f32_from_bits(nans[i]);
        cr_expect(t_narrow_nan_ok(si_f32_to_bf16(x), x, &T_BF16), "bf16(0x%08x) = 0x%04x", nans[i],
                  si_f32_to_bf16(x));
        cr_expect(t_narrow_nan_ok(si_f32_to_f16(x), x, &T_F16), "f16(0x%08x) = 0x%04x", nans[i],
                  si_f32_to_f16(x));
    }
    /* The checker rejects wrong NaNs: a signalling or sign-flipped one. */
    cr_expect(!t_narrow_nan_ok(0x7c01, si_f32_from_bits(0x7fc00000u), &T_F16));
    cr_expect(!t_narrow_nan_ok(0xfe00, si_f32_from_bits(0x7fc00000u), &T_F16));
    cr_expect(!t_narrow_nan_ok(0x7c00, si_f32_from_bits(0x7fc00000u), &T_F16));
}

/* ---- the fill contract: narrow = RNE(float32 fill) ---- */

/* The value a narrow uniform fill must hold for float32 value x: RNE(x),
 * moved to the nearest representable value inside [low, high) if outside. */
static uint16_t uniform_expect(float x, const t_narrow *f, double low, double high)
{
    uint16_t h = t_ref_narrow(x, f);
    while (t_narrow_to_double(h, f) >= high)
        h = t_narrow_down(h);
    while (t_narrow_to_double(h, f) < low)
        h = t_narrow_up(h);
    return h;
}

static void contract(const simdinit_dist *d, const char *name)
{
    const size_t n = 100000;
    static const uint64_t offsets[3] = {0, 12345679, UINT64_C(1) << 44};
    float *ref = malloc(n * sizeof *ref);
    uint16_t *nar = malloc(n * sizeof *nar);
    cr_assert(ref && nar);
    for (int o = 0; o < 3; o++) {
        cr_assert_eq(simdinit_fill(ref, SIMDINIT_F32, n, offsets[o], 3, 4, d), SIMDINIT_OK);
        for (int k = 0; k < 2; k++) {
            simdinit_dtype dt = k ? SIMDINIT_F16 : SIMDINIT_BF16;
            const t_narrow *f = t_narrow_fmt(dt);
            cr_assert_eq(simdinit_fill(nar, dt, n, offsets[o], 3, 4, d), SIMDINIT_OK);
            size_t bad = 0, first = 0;
            uint16_t want_first = 0;
            for (size_t i = 0; i < n; i++) {
                uint16_t want = d->kind == SIMDINIT_DIST_UNIFORM
                                    ? uniform_expect(ref[i], f, d->low, d->high)
                                    : t_ref_narrow(ref[i], f);
                if (nar[i] != want) {
                    if (!bad) {
                        first = i;
                        want_first = want;
                    }
                    bad++;
                }
            }
            cr_expect_eq(bad, 0,
                         "%s as %s, offset %llu: %zu elements are not RNE of the f32 fill; first "
                         "element %zu: f32 %a, got 0x%04x, want 0x%04x",
                         name, simdinit_dtype_name(dt), (unsigned long long)offsets[o], bad, first,
                         (double)ref[first], nar[first], want_first);
        }
    }
    free(ref);
    free(nar);
}

Test(rounding, fill_narrow_is_rne_of_f32)
{
    struct {
        simdinit_dist d;
        const char *name;
    } cases[] = {
        {simdinit_dist_normal(0.25, 1.5), "normal(0.25, 1.5)"},
        {simdinit_dist_normal(0, 1), "normal(0, 1)"},
        {simdinit_dist_normal(-1000, 0.01), "normal(-1000, 0.01)"},
        {simdinit_dist_normal(0, 1e-6), "normal(0, 1e-6)"},
        {simdinit_dist_uniform(-0.5, 2), "uniform(-0.5, 2)"},
        {simdinit_dist_uniform(0, 1), "uniform(0, 1)"},
        /* bounds not representable in bf16/f16: RNE can land outside */
        {simdinit_dist_uniform(0.0997, 0.3), "uniform(0.0997, 0.3)"},
        {simdinit_dist_uniform(-0.02, 0.02), "uniform(-0.02, 0.02)"},
        {simdinit_dist_uniform(1000, 1003), "uniform(1000, 1003)"},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(cases); i++)
        contract(&cases[i].d, cases[i].name);
}

/* The contract check is not vacuous: a grid-drawn bf16 (what PyTorch's CPU
 * uniform does) or a truncating conversion is caught by the same comparison. */
Test(rounding, contract_check_can_fail)
{
    float x = si_f32_from_bits(0x3f80c000u); /* 1.0058594 */
    cr_expect_neq(t_ref_narrow(x, &T_BF16), (uint16_t)(0x3f80c000u >> 16), "truncation would pass");
    cr_expect_eq(uniform_expect(si_f32_from_bits(0x3fffffffu), &T_BF16, -0.5, 2.0), 0x3fff,
                 "a value rounding up to high must come back inside");
    cr_expect_eq(t_ref_narrow(0.0997f, &T_BF16), 0x3dcc, "0.0997 rounds to 0.099609375");
    cr_expect_eq(uniform_expect(0.0997f, &T_BF16, 0.0997, 0.3), 0x3dcd,
                 "a value rounding below low must come back inside");
}
