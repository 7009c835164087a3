/*
 * The structured initializers besides orthogonal (src/orthogonal.c): eye and
 * Keras Identity, torch dirac_, JAX delta_orthogonal, torch sparse_ with a
 * zero pattern drawn from our stream, and JAX's variance-scaling fans from
 * arbitrary axes. docs/STREAM.md §4.5-4.8 specifies the bits.
 */
#include <stdlib.h>

#include "orthogonal.h"
#include "fpenv.h"

/* Write `count` zeros of dtype at element `at` (every dtype's +0 is all-zero bits). */
static void put_zeros(void *out, simdinit_dtype dtype, uint64_t at, uint64_t count)
{
    size_t sz = simdinit_dtype_size(dtype);
    memset((char *)out + at * sz, 0, (size_t)count * sz);
}

/* The checks of a whole tensor's output, after the parameters' (NULL last):
 * its element count in *numel; SI_STATUS_EMPTY_TENSOR for none (a no-op),
 * OVERFLOW when it does not fit in memory, NULL, else OK. */
static simdinit_status tensor_check(const void *out, const uint64_t *shape, int ndim,
                                    simdinit_dtype dtype, uint64_t *numel)
{
    simdinit_status s = simdinit_numel(shape, ndim, numel);
    if (s != SIMDINIT_OK)
        return s;
    if (*numel == 0)
        return SI_STATUS_EMPTY_TENSOR;
    if (*numel > SIZE_MAX / simdinit_dtype_size(dtype))
        return SIMDINIT_ERR_OVERFLOW;
    return out ? SIMDINIT_OK : SIMDINIT_ERR_NULL;
}

/* ---- eye / Identity --------------------------------------------------------------- */

simdinit_status simdinit_eye(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                             double gain)
{
    simdinit_status s = si_check_gain(dtype, gain);
    if (s != SIMDINIT_OK || (s = si_matrix_check(out, dtype, rows, cols)) != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    si_fpenv e;
    si_fpenv_enter(&e);
    put_zeros(out, dtype, 0, rows * cols);
    uint64_t d = rows < cols ? rows : cols;
    for (uint64_t i = 0; i < d; i++)
        si_store_f64(out, dtype, i * cols + i, gain);
    si_fpenv_leave(&e);
    return SIMDINIT_OK;
}

/* ---- dirac_ ------------------------------------------------------------------------- */

simdinit_status simdinit_dirac(void *out, simdinit_dtype dtype, const uint64_t *shape, int ndim,
                               uint64_t groups)
{
    if (simdinit_dtype_size(dtype) == 0)
        return SIMDINIT_ERR_BAD_ENUM;
    if (!shape)
        return SIMDINIT_ERR_NULL;
    if (ndim < 3 || ndim > 5)
        return SIMDINIT_ERR_BAD_SHAPE;
    if (groups == 0 || shape[0] % groups != 0)
        return SIMDINIT_ERR_BAD_PARAM;
    uint64_t numel;
    simdinit_status s = tensor_check(out, shape, ndim, dtype, &numel);
    if (s != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    put_zeros(out, dtype, 0, numel);
    uint64_t opg = shape[0] / groups, mind = opg < shape[1] ? opg : shape[1];
    /* spatial centre size // 2 in every kernel dimension, as torch places it */
    uint64_t centre = 0, spatial = 1;
    for (int i = 2; i < ndim; i++) {
        centre = centre * shape[i] + shape[i] / 2;
        spatial *= shape[i];
    }
    for (uint64_t g = 0; g < groups; g++)
        for (uint64_t d = 0; d < mind; d++) {
            uint64_t o = g * opg + d;
            si_store_f64(out, dtype, (o * shape[1] + d) * spatial + centre, 1.0);
        }
    return SIMDINIT_OK;
}

/* ---- delta_orthogonal ----------------------------------------------------------------- */

simdinit_status simdinit_delta_orthogonal(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                          int ndim, int column_axis, double scale, uint64_t seed,
                                          uint64_t stream, int nthreads)
{
    int nt;
    simdinit_status s = si_resolve_nthreads(nthreads, &nt);
    if (s != SIMDINIT_OK)
        return s;
    if ((s = si_check_gain(dtype, scale)) != SIMDINIT_OK)
        return s;
    if (!shape)
        return SIMDINIT_ERR_NULL;
    if (ndim < 3 || ndim > 5)
        return SIMDINIT_ERR_BAD_SHAPE;
    uint64_t in = shape[ndim - 2], outc = shape[ndim - 1];
    if (outc < in)
        return SIMDINIT_ERR_BAD_SHAPE;   /* JAX: fan_in must be <= fan_out */
    if (column_axis < -2 || column_axis > 1)
        return SIMDINIT_ERR_BAD_PARAM;   /* an axis of the 2-D shape[-2:] */
    uint64_t numel;
    si_active_kernels(&s);
    if (s != SIMDINIT_OK || (s = tensor_check(out, shape, ndim, dtype, &numel)) != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    uint64_t centre = 0;
    for (int i = 0; i < ndim - 2; i++)
        centre = centre * shape[i] + (shape[i] - 1) / 2;
    /* The 2-D matrix of orthogonal(column_axis) on (in, outc), at the centre. */
    int ca = column_axis < 0 ? column_axis + 2 : column_axis;
    uint64_t nc = ca == 1 ? outc : in, nr = ca == 1 ? in : outc;
    si_ortho_map map = {centre * in * outc, ca == 1 ? 1 : outc};
    /* Allocation first (NOMEM writes nothing), the zeros after: si_orthogonal_run
     * writes only the centre slice, so zero the rest around it. */
    s = si_orthogonal_run(out, dtype, nr, nc, map, scale, seed, stream, nt);
    if (s != SIMDINIT_OK)
        return s;
    put_zeros(out, dtype, 0, map.base);
    put_zeros(out, dtype, map.base + in * outc, numel - map.base - in * outc);
    return SIMDINIT_OK;
}

/* ---- sparse_ ---------------------------------------------------------------------------- */

/* floor(k * L / 2^53) for k < 2^53, exactly (a 64 x 64 -> 128-bit product). */
static uint64_t scale_index(uint64_t k, uint64_t L)
{
    uint64_t a0 = k & 0xffffffffu, a1 = k >> 32, b0 = L & 0xffffffffu, b1 = L >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    uint64_t lo = (mid << 32) | (p00 & 0xffffffffu);
    return (hi << 11) | (lo >> 53);
}

#define SI_SPARSE_PERM_BASE (UINT64_C(1) << 63)

typedef struct {
    void *out;
    simdinit_dtype dtype;
    uint64_t rows, cols, nz, seed, stream;
    uint64_t *perm;   /* per member: rows indices */
    double *u;        /* per member: nz uniforms */
} sparse_job;

static void sparse_member(void *ctx, si_team *team, int t, int nt)
{
    (void)team;
    sparse_job *J = ctx;
    uint64_t rows = J->rows, nz = J->nz;
    uint64_t *perm = J->perm + (size_t)t * rows;
    double *u = J->u + (size_t)t * nz;
    uint64_t c0 = J->cols * (uint64_t)t / (uint64_t)nt, c1 = J->cols * (uint64_t)(t + 1) / (uint64_t)nt;
    simdinit_dist ud = simdinit_dist_uniform(0.0, 1.0);
    size_t sz = simdinit_dtype_size(J->dtype);
    for (uint64_t c = c0; c < c1; c++) {
        (void)simdinit_fill(u, SIMDINIT_F64, (size_t)nz, SI_SPARSE_PERM_BASE + c * rows, J->seed,
                            J->stream, &ud);
        for (uint64_t r = 0; r < rows; r++)
            perm[r] = r;
        /* The first nz steps of a Fisher-Yates shuffle: perm[0 .. nz) are the zero rows. */
        for (uint64_t i = 0; i < nz; i++) {
            uint64_t k = (uint64_t)(u[i] * 0x1p53);   /* exact: u = k 2^-53 */
            uint64_t j = i + scale_index(k, rows - i);
            uint64_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            memset((char *)J->out + (perm[i] * J->cols + c) * sz, 0, sz);
        }
    }
}

simdinit_status simdinit_sparse(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                                double sparsity, double std, uint64_t seed, uint64_t stream,
                                int nthreads)
{
    int nt;
    simdinit_status s = si_resolve_nthreads(nthreads, &nt);
    if (s != SIMDINIT_OK)
        return s;
    if (!si_finite(sparsity))
        return SIMDINIT_ERR_NONFINITE;
    if (!(sparsity >= 0.0 && sparsity <= 1.0))
        return SIMDINIT_ERR_BAD_PARAM;
    simdinit_dist nd = simdinit_dist_normal(0.0, std);
    if ((s = simdinit_dist_check(&nd, dtype)) != SIMDINIT_OK)
        return s;
    si_active_kernels(&s);
    if (s != SIMDINIT_OK || (s = si_matrix_check(out, dtype, rows, cols)) != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    /* nz = ceil(sparsity * rows) in double, as Python's math.ceil (no libm). */
    double x = sparsity * (double)rows;
    uint64_t nz = (uint64_t)x;
    if ((double)nz < x)
        nz++;
    if (nz > rows)
        nz = rows;
    sparse_job J = {out, dtype, rows, cols, nz, seed, stream, NULL, NULL};
    if ((uint64_t)nt > cols)
        nt = (int)cols;
    if (nz > 0) {
        if (rows > SIZE_MAX / sizeof(uint64_t) / (size_t)nt)
            return SIMDINIT_ERR_NOMEM;
        J.perm = malloc((size_t)nt * (size_t)rows * sizeof(uint64_t));
        J.u = malloc((size_t)nt * (size_t)nz * sizeof(double));
        if (!J.perm || !J.u) {
            free(J.perm);
            free(J.u);
            return SIMDINIT_ERR_NOMEM;
        }
    }
    s = simdinit_fill_mt(out, dtype, (size_t)(rows * cols), 0, seed, stream, &nd, nt);
    if (s == SIMDINIT_OK && nz > 0)
        si_team_run(nt, sparse_member, &J);
    free(J.perm);
    free(J.u);
    return s;
}

/* ---- JAX variance-scaling fans ------------------------------------------------------------ */

simdinit_axes simdinit_axes_jax_default(void)
{
    simdinit_axes a;
    memset(&a, 0, sizeof a);
    a.in_axes[0] = -2;
    a.n_in = 1;
    a.out_axes[0] = -1;
    a.n_out = 1;
    a.n_batch = 0;
    return a;
}

/* Product of shape[axes[i]] (negative axes from the end); BAD_PARAM for an
 * axis or count out of range, OVERFLOW past 2^64 - 1. */
static simdinit_status axes_size(const uint64_t *shape, int ndim, const int *axes, int n,
                                 uint64_t *size)
{
    if (n < 0 || n > SIMDINIT_MAX_NDIM)
        return SIMDINIT_ERR_BAD_PARAM;
    uint64_t p = 1;
    int zero = 0, over = 0;
    for (int i = 0; i < n; i++) {
        if (axes[i] < -ndim || axes[i] >= ndim)
            return SIMDINIT_ERR_BAD_PARAM;
        uint64_t d = shape[axes[i] < 0 ? axes[i] + ndim : axes[i]];
        if (d == 0)
            zero = 1;
        else if (p > UINT64_MAX / d)
            over = 1;
        else
            p *= d;
    }
    if (zero) {
        *size = 0;
        return SIMDINIT_OK;
    }
    if (over)
        return SIMDINIT_ERR_OVERFLOW;
    *size = p;
    return SIMDINIT_OK;
}

simdinit_status simdinit_fans_axes(const uint64_t *shape, int ndim, const simdinit_axes *axes,
                                   double *fan_in, double *fan_out)
{
    if (!axes || !fan_in || !fan_out || (!shape && ndim > 0))
        return SIMDINIT_ERR_NULL;
    if (ndim < 2 || ndim > SIMDINIT_MAX_NDIM)
        return SIMDINIT_ERR_BAD_SHAPE;
    uint64_t total, in, outs, batch;
    simdinit_status s;
    if ((s = axes_size(shape, ndim, axes->in_axes, axes->n_in, &in)) != SIMDINIT_OK ||
        (s = axes_size(shape, ndim, axes->out_axes, axes->n_out, &outs)) != SIMDINIT_OK ||
        (s = axes_size(shape, ndim, axes->batch_axes, axes->n_batch, &batch)) != SIMDINIT_OK ||
        (s = simdinit_numel(shape, ndim, &total)) != SIMDINIT_OK)
        return s;
    if (in == 0 || outs == 0 || batch == 0)
        return SIMDINIT_ERR_ZERO_FAN;   /* JAX divides by them */
    si_fpenv e;
    si_fpenv_enter(&e);
    double receptive = (double)total / (double)in / (double)outs / (double)batch;
    *fan_in = (double)in * receptive;
    *fan_out = (double)outs * receptive;
    si_fpenv_leave(&e);
    return SIMDINIT_OK;
}

/* The standard deviation of N(0, 1) truncated to (-2, 2) (JAX's constant). */
#define SI_JAX_TRUNC2_STD 0.87962566103423978

simdinit_status simdinit_variance_scaling_jax(double scale, simdinit_jax_fan_mode mode,
                                              simdinit_vs_distribution distribution,
                                              double fan_in, double fan_out, simdinit_dist *dist)
{
    if (!dist)
        return SIMDINIT_ERR_NULL;
    if (!si_finite(scale) || !si_finite(fan_in) || !si_finite(fan_out))
        return SIMDINIT_ERR_NONFINITE;
    if (scale <= 0.0)
        return SIMDINIT_ERR_BAD_PARAM;
    if (fan_in < 0.0 || fan_out < 0.0)
        return SIMDINIT_ERR_BAD_PARAM;
    if ((unsigned)mode > SIMDINIT_JAX_FAN_GEO_AVG || (unsigned)distribution > SIMDINIT_VS_UNIFORM)
        return SIMDINIT_ERR_BAD_ENUM;
    si_fpenv e;
    si_fpenv_enter(&e);
    double den;
    switch (mode) {
    case SIMDINIT_JAX_FAN_IN: den = fan_in; break;
    case SIMDINIT_JAX_FAN_OUT: den = fan_out; break;
    case SIMDINIT_JAX_FAN_AVG: den = (fan_in + fan_out) / 2.0; break;
    default: den = __builtin_sqrt(fan_in * fan_out); break;
    }
    simdinit_status s = SIMDINIT_OK;
    double var = den > 0.0 ? scale / den : 0.0;
    if (den <= 0.0 || !si_finite(var)) {
        s = den <= 0.0 ? SIMDINIT_ERR_ZERO_FAN : SIMDINIT_ERR_RANGE;
    } else if (distribution == SIMDINIT_VS_TRUNCATED_NORMAL) {
        double sd = __builtin_sqrt(var) / SI_JAX_TRUNC2_STD;
        *dist = simdinit_dist_trunc_normal(0.0, sd, -2.0 * sd, 2.0 * sd);
    } else if (distribution == SIMDINIT_VS_UNTRUNCATED_NORMAL) {
        *dist = simdinit_dist_normal(0.0, __builtin_sqrt(var));
    } else {
        double lim = __builtin_sqrt(3.0 * var);
        *dist = simdinit_dist_uniform(-lim, lim);
    }
    si_fpenv_leave(&e);
    return s;
}
