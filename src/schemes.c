/*
 * Fans, gains and init schemes, with the formulas of PyTorch's torch.nn.init
 * and Keras/JAX variance scaling (the torch.nn.init documentation,
 * pytorch.org/docs/stable/nn.init.html and torch/nn/init.py of
 * pytorch/pytorch; keras.io/api/layers/initializers/; the
 * jax.nn.initializers documentation). A scheme resolves
 * to a plain simdinit_dist, so a scheme fill is bit-identical to the
 * corresponding distribution fill.
 */
#include <string.h>

#include "internal.h"
#include "fpenv.h"

static int finite_(double x) { return si_finite(x); }

/* first * s[from] * ... * s[to - 1]. 0 as soon as any factor is 0, even when
 * the product of the others would overflow: {2^64-1, 2^64-1, 0} has 0
 * elements, and a fan one of whose factors is 0 is 0. */
static simdinit_status prod(const uint64_t *s, int from, int to, uint64_t first, uint64_t *out)
{
    int zero = first == 0;
    for (int i = from; i < to; i++)
        zero |= s[i] == 0;
    if (zero) {
        *out = 0;
        return SIMDINIT_OK;
    }
    uint64_t n = first;
    for (int i = from; i < to; i++) {
        if (n > UINT64_MAX / s[i])
            return SIMDINIT_ERR_OVERFLOW;
        n *= s[i];
    }
    *out = n;
    return SIMDINIT_OK;
}

simdinit_status simdinit_numel(const uint64_t *shape, int ndim, uint64_t *numel)
{
    if (!numel || (ndim > 0 && !shape))
        return SIMDINIT_ERR_NULL;
    if (ndim < 0 || ndim > SIMDINIT_MAX_NDIM)
        return SIMDINIT_ERR_BAD_SHAPE;
    return prod(shape, 0, ndim, 1, numel);
}

simdinit_status simdinit_fans(const uint64_t *shape, int ndim, simdinit_layout layout,
                              uint64_t *fan_in, uint64_t *fan_out)
{
    if (!fan_in || !fan_out || (ndim > 0 && !shape))
        return SIMDINIT_ERR_NULL;
    if (layout != SIMDINIT_LAYOUT_TORCH && layout != SIMDINIT_LAYOUT_KERAS)
        return SIMDINIT_ERR_BAD_ENUM;
    if (ndim < 0 || ndim > SIMDINIT_MAX_NDIM)
        return SIMDINIT_ERR_BAD_SHAPE;
    uint64_t fi, fo;
    simdinit_status s;
    if (layout == SIMDINIT_LAYOUT_TORCH) {
        if (ndim < 2)
            return SIMDINIT_ERR_BAD_SHAPE;
        /* fan_in = shape[1] * receptive, fan_out = shape[0] * receptive */
        if ((s = prod(shape, 2, ndim, shape[1], &fi)) != SIMDINIT_OK) return s;
        if ((s = prod(shape, 2, ndim, shape[0], &fo)) != SIMDINIT_OK) return s;
    } else if (ndim == 0) {
        fi = fo = 1;
    } else if (ndim == 1) {
        fi = fo = shape[0];
    } else if (ndim == 2) {
        fi = shape[0];
        fo = shape[1];
    } else {
        if ((s = prod(shape, 0, ndim - 2, shape[ndim - 2], &fi)) != SIMDINIT_OK) return s;
        if ((s = prod(shape, 0, ndim - 2, shape[ndim - 1], &fo)) != SIMDINIT_OK) return s;
    }
    *fan_in = fi;
    *fan_out = fo;
    return SIMDINIT_OK;
}

static const char *const k_nl_names[] = {
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu",
};

const char *simdinit_nonlinearity_name(simdinit_nonlinearity nl)
{
    return (unsigned)nl <= SIMDINIT_NL_SELU ? k_nl_names[nl] : NULL;
}

static simdinit_status gain_impl(simdinit_nonlinearity nl, double param, double *gain)
{
    if (!gain)
        return SIMDINIT_ERR_NULL;
    switch (nl) {
    case SIMDINIT_NL_LINEAR: case SIMDINIT_NL_CONV1D: case SIMDINIT_NL_CONV2D:
    case SIMDINIT_NL_CONV3D: case SIMDINIT_NL_CONV_TRANSPOSE1D: case SIMDINIT_NL_CONV_TRANSPOSE2D:
    case SIMDINIT_NL_CONV_TRANSPOSE3D: case SIMDINIT_NL_SIGMOID:
        *gain = 1.0;
        return SIMDINIT_OK;
    case SIMDINIT_NL_TANH: *gain = 5.0 / 3.0; return SIMDINIT_OK;
    case SIMDINIT_NL_RELU: *gain = __builtin_sqrt(2.0); return SIMDINIT_OK;
    case SIMDINIT_NL_SELU: *gain = 3.0 / 4.0; return SIMDINIT_OK;
    case SIMDINIT_NL_LEAKY_RELU:
        if (!finite_(param))
            return SIMDINIT_ERR_NONFINITE;
        *gain = __builtin_sqrt(2.0 / (1.0 + param * param));
        return SIMDINIT_OK;
    }
    return SIMDINIT_ERR_BAD_ENUM;
}

simdinit_status simdinit_gain(simdinit_nonlinearity nl, double param, double *gain)
{
    si_fpenv e;
    si_fpenv_enter(&e);
    simdinit_status s = gain_impl(nl, param, gain);
    si_fpenv_leave(&e);
    return s;
}

static const char *const k_scheme_names[] = {
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "torch_linear", "torch_linear_bias",
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal", "variance_scaling",
};
#define N_SCHEMES ((int)(sizeof k_scheme_names / sizeof k_scheme_names[0]))

const char *simdinit_scheme_name(simdinit_scheme_kind k)
{
    return (unsigned)k < (unsigned)N_SCHEMES ? k_scheme_names[k] : NULL;
}

simdinit_status simdinit_scheme_from_name(const char *name, simdinit_scheme_kind *k)
{
    if (!name || !k)
        return SIMDINIT_ERR_NULL;
    int i = si_name_index(k_scheme_names, N_SCHEMES, name);
    if (i < 0)
        return SIMDINIT_ERR_BAD_ENUM;
    *k = (simdinit_scheme_kind)i;
    return SIMDINIT_OK;
}

simdinit_scheme simdinit_scheme_default(simdinit_scheme_kind kind)
{
    simdinit_scheme s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.gain = 1.0;
    s.nonlinearity = SIMDINIT_NL_LEAKY_RELU;
    s.a = 0.0;
    s.mode = SIMDINIT_FAN_IN;
    s.scale = 1.0;
    s.distribution = SIMDINIT_VS_TRUNCATED_NORMAL;
    return s;
}

/* The standard deviation of N(0, 1) truncated to (-2, 2). */
#define SI_TRUNC2_STD 0.87962566103423978

static simdinit_status variance_scaling(double scale, simdinit_fan_mode mode,
                                        simdinit_vs_distribution dist, uint64_t fi, uint64_t fo,
                                        simdinit_dist *out)
{
    if (!finite_(scale))
        return SIMDINIT_ERR_NONFINITE;
    if (scale <= 0)
        return SIMDINIT_ERR_BAD_PARAM;
    double n;
    switch (mode) {
    case SIMDINIT_FAN_IN: if (!fi) return SIMDINIT_ERR_ZERO_FAN; n = (double)fi; break;
    case SIMDINIT_FAN_OUT: if (!fo) return SIMDINIT_ERR_ZERO_FAN; n = (double)fo; break;
    case SIMDINIT_FAN_AVG:
        if (!fi || !fo) return SIMDINIT_ERR_ZERO_FAN;
        n = ((double)fi + (double)fo) / 2.0;
        break;
    default: return SIMDINIT_ERR_BAD_ENUM;
    }
    if (n < 1.0)
        n = 1.0;   /* Keras: max(1, n) */
    switch (dist) {
    case SIMDINIT_VS_TRUNCATED_NORMAL: {
        double std = __builtin_sqrt(scale / n) / SI_TRUNC2_STD;
        *out = simdinit_dist_trunc_normal(0.0, std, -2.0 * std, 2.0 * std);
        return SIMDINIT_OK;
    }
    case SIMDINIT_VS_UNTRUNCATED_NORMAL:
        *out = simdinit_dist_normal(0.0, __builtin_sqrt(scale / n));
        return SIMDINIT_OK;
    case SIMDINIT_VS_UNIFORM: {
        double limit = __builtin_sqrt(3.0 * scale / n);
        *out = simdinit_dist_uniform(-limit, limit);
        return SIMDINIT_OK;
    }
    }
    return SIMDINIT_ERR_BAD_ENUM;
}

static simdinit_status scheme_dist_fans_impl(const simdinit_scheme *sc, uint64_t fi, uint64_t fo,
                                             simdinit_dist *out)
{
    if (!sc || !out)
        return SIMDINIT_ERR_NULL;
    simdinit_status s;
    switch (sc->kind) {
    case SIMDINIT_XAVIER_UNIFORM: case SIMDINIT_XAVIER_NORMAL: {
        if (!finite_(sc->gain))
            return SIMDINIT_ERR_NONFINITE;
        if (sc->gain <= 0)
            return SIMDINIT_ERR_BAD_PARAM;
        if (!fi || !fo)
            return SIMDINIT_ERR_ZERO_FAN;
        double sum = (double)fi + (double)fo;
        if (sc->kind == SIMDINIT_XAVIER_UNIFORM) {
            double a = sc->gain * __builtin_sqrt(6.0 / sum);
            *out = simdinit_dist_uniform(-a, a);
        } else {
            *out = simdinit_dist_normal(0.0, sc->gain * __builtin_sqrt(2.0 / sum));
        }
        return SIMDINIT_OK;
    }
    case SIMDINIT_KAIMING_UNIFORM: case SIMDINIT_KAIMING_NORMAL: {
        double gain;
        if ((s = simdinit_gain(sc->nonlinearity, sc->a, &gain)) != SIMDINIT_OK)
            return s;
        uint64_t fan;
        if (sc->mode == SIMDINIT_FAN_IN) fan = fi;
        else if (sc->mode == SIMDINIT_FAN_OUT) fan = fo;
        else return SIMDINIT_ERR_BAD_ENUM;   /* PyTorch has no fan_avg for kaiming */
        if (!fan)
            return SIMDINIT_ERR_ZERO_FAN;
        double std = gain / __builtin_sqrt((double)fan);
        if (sc->kind == SIMDINIT_KAIMING_UNIFORM) {
            double bound = __builtin_sqrt(3.0) * std;
            *out = simdinit_dist_uniform(-bound, bound);
        } else {
            *out = simdinit_dist_normal(0.0, std);
        }
        return SIMDINIT_OK;
    }
    case SIMDINIT_TORCH_LINEAR: {
        /* kaiming_uniform(a = sqrt(5)): gain = sqrt(2 / 6), bound = sqrt(3) gain / sqrt(fan_in) */
        if (!fi)
            return SIMDINIT_ERR_ZERO_FAN;
        double gain = __builtin_sqrt(2.0 / (1.0 + 5.0));
        double bound = __builtin_sqrt(3.0) * (gain / __builtin_sqrt((double)fi));
        *out = simdinit_dist_uniform(-bound, bound);
        return SIMDINIT_OK;
    }
    case SIMDINIT_TORCH_LINEAR_BIAS: {
        if (!fi)
            return SIMDINIT_ERR_ZERO_FAN;
        double bound = 1.0 / __builtin_sqrt((double)fi);
        *out = simdinit_dist_uniform(-bound, bound);
        return SIMDINIT_OK;
    }
    case SIMDINIT_GLOROT_UNIFORM:
        return variance_scaling(1.0, SIMDINIT_FAN_AVG, SIMDINIT_VS_UNIFORM, fi, fo, out);
    case SIMDINIT_GLOROT_NORMAL:
        return variance_scaling(1.0, SIMDINIT_FAN_AVG, SIMDINIT_VS_TRUNCATED_NORMAL, fi, fo, out);
    case SIMDINIT_HE_UNIFORM:
        return variance_scaling(2.0, SIMDINIT_FAN_IN, SIMDINIT_VS_UNIFORM, fi, fo, out);
    case SIMDINIT_HE_NORMAL:
        return variance_scaling(2.0, SIMDINIT_FAN_IN, SIMDINIT_VS_TRUNCATED_NORMAL, fi, fo, out);
    case SIMDINIT_LECUN_UNIFORM:
        return variance_scaling(1.0, SIMDINIT_FAN_IN, SIMDINIT_VS_UNIFORM, fi, fo, out);
    case SIMDINIT_LECUN_NORMAL:
        return variance_scaling(1.0, SIMDINIT_FAN_IN, SIMDINIT_VS_TRUNCATED_NORMAL, fi, fo, out);
    case SIMDINIT_VARIANCE_SCALING:
        return variance_scaling(sc->scale, sc->mode, sc->distribution, fi, fo, out);
    }
    return SIMDINIT_ERR_BAD_ENUM;
}

simdinit_status simdinit_scheme_dist_fans(const simdinit_scheme *sc, uint64_t fi, uint64_t fo,
                                          simdinit_dist *out)
{
    si_fpenv e;
    si_fpenv_enter(&e);
    simdinit_status s = scheme_dist_fans_impl(sc, fi, fo, out);
    si_fpenv_leave(&e);
    return s;
}

simdinit_status simdinit_scheme_dist(const simdinit_scheme *sc, const uint64_t *shape, int ndim,
                                     simdinit_layout layout, simdinit_dist *out)
{
    uint64_t fi, fo;
    simdinit_status s = simdinit_fans(shape, ndim, layout, &fi, &fo);
    if (s != SIMDINIT_OK)
        return s;
    return simdinit_scheme_dist_fans(sc, fi, fo, out);
}

simdinit_status si_scheme_resolve(simdinit_dist *d, simdinit_dtype dtype, const uint64_t *shape,
                                  int ndim, simdinit_layout layout, const simdinit_scheme *scheme,
                                  size_t n, uint64_t offset)
{
    if (!scheme)
        return SIMDINIT_ERR_NULL;
    uint64_t numel;
    simdinit_status s = simdinit_numel(shape, ndim, &numel);
    if (s != SIMDINIT_OK)
        return s;
    if (scheme->kind == SIMDINIT_TORCH_LINEAR_BIAS) {
        /* The tensor written is the bias: out_features elements. */
        if (ndim < 1)
            return SIMDINIT_ERR_BAD_SHAPE;
        numel = numel == 0 ? 0 : layout == SIMDINIT_LAYOUT_KERAS ? shape[ndim - 1] : shape[0];
    }
    if (simdinit_dtype_size(dtype) == 0)
        return SIMDINIT_ERR_BAD_ENUM;
    if ((uint64_t)n > numel || offset > numel - (uint64_t)n)
        return SIMDINIT_ERR_OUT_OF_TENSOR;
    if (numel == 0)
        return SI_STATUS_EMPTY_TENSOR;
    return simdinit_scheme_dist(scheme, shape, ndim, layout, d);
}

simdinit_status simdinit_fill_scheme(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                     int ndim, simdinit_layout layout,
                                     const simdinit_scheme *scheme, size_t n, uint64_t offset,
                                     uint64_t seed, uint64_t stream)
{
    simdinit_dist d;
    simdinit_status s = si_scheme_resolve(&d, dtype, shape, ndim, layout, scheme, n, offset);
    if (s != SIMDINIT_OK)
        /* initializing an empty tensor is a no-op, as in PyTorch */
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    return simdinit_fill(out, dtype, n, offset, seed, stream, &d);
}
