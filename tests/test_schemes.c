/*
 * Fans, gains and init schemes against the framework definitions
 * (torch/nn/init.py of pytorch/pytorch, keras.io/api/layers/initializers/;
 * restated in simdinit.h), with expected values
 * computed here by hand from those formulas; and fill_scheme == fill with the
 * scheme's distribution, bit for bit.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Relative agreement to a few ulps: the library may evaluate the same
 * formula in a different order. */
static int close_rel(double got, double want)
{
    return fabs(got - want) <= 8 * DBL_EPSILON * fabs(want);
}

#define EXPECT_CLOSE(got, want, ...)                                                               \
    cr_expect(close_rel((got), (want)), __VA_ARGS__)

/* ---- fans ---- */

typedef struct fan_case {
    simdinit_layout layout;
    int ndim;
    uint64_t shape[6];
    uint64_t fan_in, fan_out;
} fan_case;

Test(schemes, fans_table)
{
    static const fan_case t[] = {
        /* torch (out, in, *kernel): fan_in = in * receptive, fan_out = out * receptive */
        {SIMDINIT_LAYOUT_TORCH, 2, {768, 3072}, 3072, 768},
        {SIMDINIT_LAYOUT_TORCH, 4, {64, 3, 7, 7}, 3 * 49, 64 * 49},
        {SIMDINIT_LAYOUT_TORCH, 3, {10, 20, 3}, 60, 30},
        {SIMDINIT_LAYOUT_TORCH, 4, {5, 5, 1, 1}, 5, 5},
        {SIMDINIT_LAYOUT_TORCH, 5, {16, 8, 3, 3, 3}, 8 * 27, 16 * 27},
        {SIMDINIT_LAYOUT_TORCH, 2, {0, 5}, 5, 0},
        {SIMDINIT_LAYOUT_TORCH, 3, {4, 6, 0}, 0, 0},
        /* keras (*kernel, in, out) */
        {SIMDINIT_LAYOUT_KERAS, 0, {0}, 1, 1},
        {SIMDINIT_LAYOUT_KERAS, 1, {7}, 7, 7},
        {SIMDINIT_LAYOUT_KERAS, 2, {3072, 768}, 3072, 768},
        {SIMDINIT_LAYOUT_KERAS, 3, {3, 16, 32}, 48, 96},
        {SIMDINIT_LAYOUT_KERAS, 4, {3, 3, 64, 128}, 9 * 64, 9 * 128},
        {SIMDINIT_LAYOUT_KERAS, 4, {1, 1, 5, 5}, 5, 5},
        {SIMDINIT_LAYOUT_KERAS, 2, {5, 0}, 5, 0},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(t); i++) {
        uint64_t fi = 0, fo = 0;
        simdinit_status s = simdinit_fans(t[i].ndim ? t[i].shape : NULL, t[i].ndim, t[i].layout, &fi, &fo);
        cr_expect_eq(s, SIMDINIT_OK, "case %zu: %s", i, simdinit_strerror(s));
        cr_expect(fi == t[i].fan_in && fo == t[i].fan_out,
                  "case %zu (%s, ndim %d): fans (%llu, %llu), want (%llu, %llu)", i,
                  t[i].layout == SIMDINIT_LAYOUT_TORCH ? "torch" : "keras", t[i].ndim,
                  (unsigned long long)fi, (unsigned long long)fo,
                  (unsigned long long)t[i].fan_in, (unsigned long long)t[i].fan_out);
        uint64_t n = 0, want_n = 1;
        for (int k = 0; k < t[i].ndim; k++)
            want_n *= t[i].shape[k];
        cr_expect_eq(simdinit_numel(t[i].ndim ? t[i].shape : NULL, t[i].ndim, &n), SIMDINIT_OK);
        cr_expect_eq(n, want_n, "case %zu: numel %llu, want %llu", i, (unsigned long long)n,
                     (unsigned long long)want_n);
    }
}

/* ---- gains ---- */

Test(schemes, gains)
{
    struct {
        simdinit_nonlinearity nl;
        double param, want;
    } t[] = {
        {SIMDINIT_NL_LINEAR, 0, 1}, {SIMDINIT_NL_CONV1D, 0, 1}, {SIMDINIT_NL_CONV2D, 0, 1},
        {SIMDINIT_NL_CONV3D, 0, 1}, {SIMDINIT_NL_CONV_TRANSPOSE1D, 0, 1},
        {SIMDINIT_NL_CONV_TRANSPOSE2D, 0, 1}, {SIMDINIT_NL_CONV_TRANSPOSE3D, 0, 1},
        {SIMDINIT_NL_SIGMOID, 0, 1}, {SIMDINIT_NL_TANH, 0, 5.0 / 3.0},
        {SIMDINIT_NL_RELU, 0, 1.4142135623730951}, {SIMDINIT_NL_SELU, 0, 0.75},
        {SIMDINIT_NL_LEAKY_RELU, 0.01, 1.4141428569978354},  /* sqrt(2 / 1.0001), PyTorch default slope */
        {SIMDINIT_NL_LEAKY_RELU, 0, 1.4142135623730951},
        {SIMDINIT_NL_LEAKY_RELU, 2.23606797749979, 0.5773502691896257}, /* sqrt(5): sqrt(1/3) */
        {SIMDINIT_NL_LEAKY_RELU, -0.2, 1.3867504905630728},  /* sqrt(2 / 1.04) */
        {SIMDINIT_NL_LEAKY_RELU, 1.0, 1.0},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(t); i++) {
        double g = -1;
        cr_expect_eq(simdinit_gain(t[i].nl, t[i].param, &g), SIMDINIT_OK);
        EXPECT_CLOSE(g, t[i].want, "gain(%s, %g) = %.17g, want %.17g",
                     simdinit_nonlinearity_name(t[i].nl), t[i].param, g, t[i].want);
    }
    double g;
    simdinit_gain(SIMDINIT_NL_LEAKY_RELU, 0.01, &g);
    EXPECT_CLOSE(g, sqrt(2.0 / 1.0001), "leaky_relu(0.01)");
}

/* ---- scheme distributions ---- */

#define TRUNC_STD 0.87962566103423978

/* The expected distribution, written out from the framework definitions. */
static simdinit_dist expected(const simdinit_scheme *s, uint64_t fi, uint64_t fo)
{
    double fin = (double)fi, fout = (double)fo, favg = (fin + fout) / 2;
    double g, bound, std;
    switch (s->kind) {
    case SIMDINIT_XAVIER_UNIFORM:
        bound = s->gain * sqrt(6.0 / (fin + fout));
        return simdinit_dist_uniform(-bound, bound);
    case SIMDINIT_XAVIER_NORMAL:
        return simdinit_dist_normal(0, s->gain * sqrt(2.0 / (fin + fout)));
    case SIMDINIT_KAIMING_UNIFORM:
    case SIMDINIT_KAIMING_NORMAL: {
        double a = s->a;
        switch (s->nonlinearity) {
        case SIMDINIT_NL_TANH: g = 5.0 / 3.0; break;
        case SIMDINIT_NL_RELU: g = sqrt(2.0); break;
        case SIMDINIT_NL_LEAKY_RELU: g = sqrt(2.0 / (1 + a * a)); break;
        case SIMDINIT_NL_SELU: g = 0.75; break;
        default: g = 1; break;
        }
        std = g / sqrt(s->mode == SIMDINIT_FAN_IN ? fin : fout);
        if (s->kind == SIMDINIT_KAIMING_NORMAL)
            return simdinit_dist_normal(0, std);
        bound = sqrt(3.0) * std;
        return simdinit_dist_uniform(-bound, bound);
    }
    case SIMDINIT_TORCH_LINEAR:
    case SIMDINIT_TORCH_LINEAR_BIAS:
        bound = 1.0 / sqrt(fin);
        return simdinit_dist_uniform(-bound, bound);
    default: {
        double scale = 1, n = fin;
        simdinit_vs_distribution dist = SIMDINIT_VS_TRUNCATED_NORMAL;
        switch (s->kind) {
        case SIMDINIT_GLOROT_UNIFORM: n = favg; dist = SIMDINIT_VS_UNIFORM; break;
        case SIMDINIT_GLOROT_NORMAL: n = favg; break;
        case SIMDINIT_HE_UNIFORM: scale = 2; dist = SIMDINIT_VS_UNIFORM; break;
        case SIMDINIT_HE_NORMAL: scale = 2; break;
        case SIMDINIT_LECUN_UNIFORM: dist = SIMDINIT_VS_UNIFORM; break;
        case SIMDINIT_LECUN_NORMAL: break;
        default: /* VARIANCE_SCALING */
            scale = s->scale;
            dist = s->distribution;
            n = s->mode == SIMDINIT_FAN_IN ? fin : s->mode == SIMDINIT_FAN_OUT ? fout : favg;
            break;
        }
        if (dist == SIMDINIT_VS_UNIFORM) {
            bound = sqrt(3.0 * scale / n);
            return simdinit_dist_uniform(-bound, bound);
        }
        if (dist == SIMDINIT_VS_UNTRUNCATED_NORMAL)
            return simdinit_dist_normal(0, sqrt(scale / n));
        std = sqrt(scale / n) / TRUNC_STD;
        return simdinit_dist_trunc_normal(0, std, -2 * std, 2 * std);
    }
    }
}

static void expect_dist(const simdinit_dist *got, const simdinit_dist *want, const char *what)
{
    cr_expect_eq(got->kind, want->kind, "%s: kind %d, want %d", what, got->kind, want->kind);
    if (got->kind != want->kind)
        return;
    switch (want->kind) {
    case SIMDINIT_DIST_UNIFORM:
        EXPECT_CLOSE(got->high, want->high, "%s: high %.17g, want %.17g", what, got->high, want->high);
        cr_expect_eq(got->low, -got->high, "%s: low %.17g is not -high", what, got->low);
        break;
    case SIMDINIT_DIST_TRUNC_NORMAL:
        EXPECT_CLOSE(got->a, want->a, "%s: a %.17g, want %.17g", what, got->a, want->a);
        EXPECT_CLOSE(got->b, want->b, "%s: b %.17g, want %.17g", what, got->b, want->b);
        /* fall through */
    case SIMDINIT_DIST_NORMAL:
        cr_expect_eq(got->mean, 0.0, "%s: mean %.17g", what, got->mean);
        EXPECT_CLOSE(got->std, want->std, "%s: std %.17g, want %.17g", what, got->std, want->std);
        break;
    default:
        break;
    }
}

Test(schemes, defaults)
{
    for (int k = SIMDINIT_XAVIER_UNIFORM; k <= SIMDINIT_VARIANCE_SCALING; k++) {
        simdinit_scheme s = simdinit_scheme_default((simdinit_scheme_kind)k);
        cr_expect_eq(s.kind, (simdinit_scheme_kind)k);
        cr_expect_eq(s.gain, 1.0);
        cr_expect_eq(s.nonlinearity, SIMDINIT_NL_LEAKY_RELU);
        cr_expect_eq(s.a, 0.0);
        cr_expect_eq(s.mode, SIMDINIT_FAN_IN);
        cr_expect_eq(s.scale, 1.0);
        cr_expect_eq(s.distribution, SIMDINIT_VS_TRUNCATED_NORMAL);
    }
}

/* The scheme variants exercised: defaults plus non-default gains, modes,
 * nonlinearities and variance-scaling settings. */
static int variants(simdinit_scheme *v)
{
    int n = 0;
    for (int k = SIMDINIT_XAVIER_UNIFORM; k <= SIMDINIT_VARIANCE_SCALING; k++)
        v[n++] = simdinit_scheme_default((simdinit_scheme_kind)k);
    for (int x = SIMDINIT_XAVIER_UNIFORM; x <= SIMDINIT_XAVIER_NORMAL; x++) {
        v[n] = simdinit_scheme_default((simdinit_scheme_kind)x);
        v[n++].gain = 5.0 / 3.0;
        v[n] = simdinit_scheme_default((simdinit_scheme_kind)x);
        v[n++].gain = 0.02;
    }
    static const simdinit_nonlinearity nls[] = {SIMDINIT_NL_RELU, SIMDINIT_NL_TANH,
                                                SIMDINIT_NL_LINEAR, SIMDINIT_NL_SELU,
                                                SIMDINIT_NL_LEAKY_RELU};
    for (int k = SIMDINIT_KAIMING_UNIFORM; k <= SIMDINIT_KAIMING_NORMAL; k++)
        for (size_t i = 0; i < T_ARRAY_LEN(nls); i++)
            for (int mode = SIMDINIT_FAN_IN; mode <= SIMDINIT_FAN_OUT; mode++) {
                v[n] = simdinit_scheme_default((simdinit_scheme_kind)k);
                v[n].nonlinearity = nls[i];
                v[n].mode = (simdinit_fan_mode)mode;
                v[n].a = nls[i] == SIMDINIT_NL_LEAKY_RELU ? 0.2 : 0.7; /* ignored unless leaky */
                n++;
            }
    static const double scales[] = {1.0, 2.0, 0.1};
    for (size_t i = 0; i < T_ARRAY_LEN(scales); i++)
        for (int mode = SIMDINIT_FAN_IN; mode <= SIMDINIT_FAN_AVG; mode++)
            for (int d = SIMDINIT_VS_TRUNCATED_NORMAL; d <= SIMDINIT_VS_UNIFORM; d++) {
                v[n] = simdinit_scheme_default(SIMDINIT_VARIANCE_SCALING);
                v[n].scale = scales[i];
                v[n].mode = (simdinit_fan_mode)mode;
                v[n].distribution = (simdinit_vs_distribution)d;
                n++;
            }
    return n;
}

static void describe(char *buf, size_t len, const simdinit_scheme *s, const char *shape)
{
    snprintf(buf, len, "%s(gain %g, nl %s, a %g, mode %d, scale %g, dist %d) on %s",
             simdinit_scheme_name(s->kind), s->gain, simdinit_nonlinearity_name(s->nonlinearity),
             s->a, (int)s->mode, s->scale, (int)s->distribution, shape);
}

Test(schemes, dists_from_fans)
{
    simdinit_scheme v[128];
    int nv = variants(v);
    static const uint64_t fans[][2] = {{3072, 768}, {147, 3136}, {1, 1}, {5, 5}, {7, 2}, {1, 0}};
    for (int i = 0; i < nv; i++)
        for (size_t f = 0; f < T_ARRAY_LEN(fans); f++) {
            uint64_t fi = fans[f][0], fo = fans[f][1];
            /* A zero fan the scheme uses (both for xavier / glorot / fan_avg)
             * is an error: test_errors covers it. */
            int uses_out = v[i].kind <= SIMDINIT_XAVIER_NORMAL || v[i].kind == SIMDINIT_GLOROT_UNIFORM ||
                           v[i].kind == SIMDINIT_GLOROT_NORMAL ||
                           ((v[i].kind <= SIMDINIT_KAIMING_NORMAL || v[i].kind == SIMDINIT_VARIANCE_SCALING) &&
                            v[i].mode != SIMDINIT_FAN_IN);
            if (fo == 0 && uses_out)
                continue;
            char what[200], sh[48];
            snprintf(sh, sizeof sh, "fans (%llu, %llu)", (unsigned long long)fi, (unsigned long long)fo);
            describe(what, sizeof what, &v[i], sh);
            simdinit_dist got;
            simdinit_status s = simdinit_scheme_dist_fans(&v[i], fi, fo, &got);
            cr_expect_eq(s, SIMDINIT_OK, "%s: %s", what, simdinit_strerror(s));
            if (s != SIMDINIT_OK)
                continue;
            simdinit_dist want = expected(&v[i], fi, fo);
            expect_dist(&got, &want, what);
        }
}

/* Spot values written out as numbers, so the formula above is checked too. */
Test(schemes, literal_values)
{
    simdinit_dist d;
    simdinit_scheme s = simdinit_scheme_default(SIMDINIT_XAVIER_UNIFORM);
    cr_assert_eq(simdinit_scheme_dist_fans(&s, 3072, 768, &d), SIMDINIT_OK);
    EXPECT_CLOSE(d.high, 0.03952847075210474, "xavier_uniform(3072, 768) bound %.17g", d.high);
    s = simdinit_scheme_default(SIMDINIT_KAIMING_NORMAL); /* leaky_relu, a = 0: gain sqrt 2 */
    cr_assert_eq(simdinit_scheme_dist_fans(&s, 147, 3136, &d), SIMDINIT_OK);
    EXPECT_CLOSE(d.std, 0.11664236870396086, "kaiming_normal fan_in 147: std %.17g", d.std);
    s = simdinit_scheme_default(SIMDINIT_TORCH_LINEAR);
    cr_assert_eq(simdinit_scheme_dist_fans(&s, 3072, 768, &d), SIMDINIT_OK);
    EXPECT_CLOSE(d.high, 0.018042195912175808, "torch linear 3072: bound %.17g", d.high);
    s = simdinit_scheme_default(SIMDINIT_HE_NORMAL);
    cr_assert_eq(simdinit_scheme_dist_fans(&s, 576, 1152, &d), SIMDINIT_OK);
    cr_expect_eq(d.kind, SIMDINIT_DIST_TRUNC_NORMAL, "he_normal is a truncated normal");
    EXPECT_CLOSE(d.std, 0.06698936571449711, "he_normal fan_in 576: std %.17g", d.std);
    EXPECT_CLOSE(d.b, 2 * 0.06698936571449711, "he_normal fan_in 576: b %.17g", d.b);
    EXPECT_CLOSE(d.a, -2 * 0.06698936571449711, "he_normal fan_in 576: a %.17g", d.a);
    s = simdinit_scheme_default(SIMDINIT_GLOROT_UNIFORM);
    cr_assert_eq(simdinit_scheme_dist_fans(&s, 3, 4, &d), SIMDINIT_OK);
    EXPECT_CLOSE(d.high, 0.9258200997725514, "glorot_uniform(3, 4) limit sqrt(3/3.5) %.17g", d.high);
}

/* From shapes: scheme_dist == scheme_dist_fans(fans(shape)). */
Test(schemes, dists_from_shapes)
{
    simdinit_scheme v[128];
    int nv = variants(v);
    struct {
        simdinit_layout l;
        int ndim;
        uint64_t shape[4];
        uint64_t fi, fo;
    } shapes[] = {
        {SIMDINIT_LAYOUT_TORCH, 2, {768, 3072}, 3072, 768},
        {SIMDINIT_LAYOUT_TORCH, 4, {64, 3, 7, 7}, 147, 3136},
        {SIMDINIT_LAYOUT_KERAS, 4, {3, 3, 64, 128}, 576, 1152},
        {SIMDINIT_LAYOUT_KERAS, 1, {10}, 10, 10},
        {SIMDINIT_LAYOUT_KERAS, 0, {0}, 1, 1},
    };
    for (int i = 0; i < nv; i++)
        for (size_t k = 0; k < T_ARRAY_LEN(shapes); k++) {
            simdinit_dist got;
            char what[200];
            describe(what, sizeof what, &v[i], shapes[k].l == SIMDINIT_LAYOUT_TORCH ? "a torch shape" : "a keras shape");
            simdinit_status s = simdinit_scheme_dist(&v[i], shapes[k].ndim ? shapes[k].shape : NULL,
                                                     shapes[k].ndim, shapes[k].l, &got);
            cr_expect_eq(s, SIMDINIT_OK, "%s (#%zu): %s", what, k, simdinit_strerror(s));
            if (s != SIMDINIT_OK)
                continue;
            simdinit_dist want = expected(&v[i], shapes[k].fi, shapes[k].fo);
            expect_dist(&got, &want, what);
        }
}

/* fill_scheme is fill with scheme_dist's distribution, bit for bit. */
Test(schemes, fill_scheme_equals_fill)
{
    simdinit_scheme v[128];
    int nv = variants(v);
    static const uint64_t torch[3] = {48, 20, 3}, keras[4] = {3, 3, 16, 24};
    enum { M = 3456 };
    static unsigned char a[M * 8 + 8], b[M * 8 + 8];
    for (int i = 0; i < nv; i++)
        for (int j = 0; j < 4; j++)
            for (int lay = 0; lay < 2; lay++) {
                simdinit_dtype dt = t_dtypes[j];
                const uint64_t *shape = lay ? keras : torch;
                int ndim = lay ? 4 : 3;
                simdinit_layout l = lay ? SIMDINIT_LAYOUT_KERAS : SIMDINIT_LAYOUT_TORCH;
                /* The tensor a scheme fill writes: the weight, or for
                 * TORCH_LINEAR_BIAS the bias (shape[0] torch, shape[-1] keras). */
                uint64_t numel = v[i].kind == SIMDINIT_TORCH_LINEAR_BIAS ? (lay ? 24 : 48)
                                 : lay ? 3 * 3 * 16 * 24 : 48 * 20 * 3;
                simdinit_dist d;
                cr_assert_eq(simdinit_scheme_dist(&v[i], shape, ndim, l, &d), SIMDINIT_OK);
                /* The whole tensor, and a piece of it at an odd offset. */
                struct {
                    size_t n;
                    uint64_t off;
                } parts[2] = {{(size_t)numel, 0}, {(size_t)numel / 3, numel - numel / 3 - 5}};
                for (int p = 0; p < 2; p++) {
                    size_t sz = elem_size(dt);
                    memset(a, 0, sizeof a);
                    memset(b, 0, sizeof b);
                    cr_assert_eq(simdinit_fill_scheme(a + 1, dt, shape, ndim, l, &v[i], parts[p].n,
                                                      parts[p].off, 17, 23),
                                 SIMDINIT_OK);
                    cr_assert_eq(simdinit_fill(b + 1, dt, parts[p].n, parts[p].off, 17, 23, &d),
                                 SIMDINIT_OK);
                    char what[200];
                    describe(what, sizeof what, &v[i], lay ? "keras (3,3,16,24)" : "torch (48,20,3)");
                    cr_expect(memcmp(a, b, parts[p].n * sz + 2) == 0,
                              "%s as %s, n %zu offset %llu: fill_scheme differs from fill", what,
                              simdinit_dtype_name(dt), parts[p].n, (unsigned long long)parts[p].off);
                }
            }
}

/* TORCH_LINEAR_BIAS writes the bias of the weight shape it is given. */
Test(schemes, linear_bias_tensor)
{
    simdinit_scheme s = simdinit_scheme_default(SIMDINIT_TORCH_LINEAR_BIAS);
    static const uint64_t torch[4] = {64, 3, 7, 7}, keras[4] = {7, 7, 3, 64};
    float a[65], b[65];
    for (int lay = 0; lay < 2; lay++) {
        const uint64_t *shape = lay ? keras : torch;
        simdinit_layout l = lay ? SIMDINIT_LAYOUT_KERAS : SIMDINIT_LAYOUT_TORCH;
        simdinit_dist d;
        cr_assert_eq(simdinit_scheme_dist(&s, shape, 4, l, &d), SIMDINIT_OK);
        EXPECT_CLOSE(d.high, 1 / sqrt(147.0), "bias bound %.17g, want 1/sqrt(147)", d.high);
        cr_expect_eq(simdinit_fill_scheme(a, SIMDINIT_F32, shape, 4, l, &s, 64, 0, 1, 2), SIMDINIT_OK);
        cr_expect_eq(simdinit_fill(b, SIMDINIT_F32, 64, 0, 1, 2, &d), SIMDINIT_OK);
        cr_expect(memcmp(a, b, 64 * sizeof *a) == 0, "bias fill differs from fill (layout %d)", lay);
        cr_expect_eq(simdinit_fill_scheme(a, SIMDINIT_F32, shape, 4, l, &s, 65, 0, 1, 2),
                     SIMDINIT_ERR_OUT_OF_TENSOR, "the bias has 64 elements (layout %d)", lay);
    }
}
