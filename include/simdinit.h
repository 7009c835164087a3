/*
 * simdinit — fill large buffers with neural-network initial weights, fast and
 * reproducibly.
 *
 * The one promise a reader must not miss: the value written for element i of a
 * tensor depends only on (seed, stream, i), the distribution with its
 * parameters, and the output type. It does not depend on the backend (scalar,
 * AVX2, avx512, NEON), the CPU, the compiler, the thread count, or how [0, N) was split
 * into calls. docs/STREAM.md specifies the bits exactly.
 *
 * Conventions shared by every function below:
 *  - Every function returns a simdinit_status. On any error nothing is written
 *    to any output buffer.
 *  - A fill writes n elements of the given type at `out` (no alignment is
 *    required, not even the element size); out[k] receives tensor element
 *    offset + k and nothing outside out[0 .. n-1] is touched. n == 0 is a
 *    successful no-op (out may then be NULL).
 *  - bf16 output is stored as raw uint16_t bits (the upper half of a float32),
 *    f16 as IEEE-754 binary16 bits. Both are computed in float32 and rounded to
 *    nearest-even, never drawn from a coarse grid.
 *  - All functions are thread-safe and may be called concurrently.
 *  - The caller's floating-point environment does not matter: each call runs
 *    its arithmetic under IEEE defaults (round to nearest, no flush-to-zero,
 *    no traps) and restores the caller's controls before returning.
 *    Parameters are checked for NaN and infinity from their bits, so
 *    rejecting a non-finite parameter raises no FE_INVALID (a fill may raise
 *    "inexact", and a huge parameter may raise "overflow" while its range is
 *    checked, as any arithmetic does).
 *  - fork() is supported: after a threaded call has started the library's
 *    workers, a forked child's threaded calls create the child's own workers
 *    (a pthread_atfork handler resets the pool in the child), and a child
 *    forked while another thread was in the library's first call (CPU
 *    detection) does that detection itself.
 */
#ifndef SIMDINIT_H
#define SIMDINIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; everything declared here is
 * its public interface. */
#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility push(default)
#endif

#define SIMDINIT_VERSION_MAJOR 0
#define SIMDINIT_VERSION_MINOR 1
#define SIMDINIT_VERSION_PATCH 0

/* The version of the bit stream (docs/STREAM.md): the values a fill writes
 * for given arguments. The bits of a stream version never change; a library
 * that writes other bits for any (seed, stream, offset, distribution, dtype)
 * has a new stream version. Store it next to a seed to know which values the
 * seed names. */
#define SIMDINIT_STREAM_VERSION 1

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

typedef enum simdinit_status {
    SIMDINIT_OK = 0,
    SIMDINIT_ERR_NULL = 1,          /* a required pointer is NULL (out with n > 0, shape, result) */
    SIMDINIT_ERR_NONFINITE = 2,     /* a floating-point parameter is NaN or infinite */
    SIMDINIT_ERR_NEGATIVE_STD = 3,  /* std < 0 */
    SIMDINIT_ERR_LOW_GT_HIGH = 4,   /* uniform: low > high */
    SIMDINIT_ERR_EMPTY_TRUNC = 5,   /* truncated normal: a >= b */
    SIMDINIT_ERR_BAD_ENUM = 6,      /* unknown dtype, distribution, scheme, mode, layout, ... */
    SIMDINIT_ERR_ZERO_FAN = 7,      /* a fan (or the fan a scheme needs) is zero */
    SIMDINIT_ERR_OVERFLOW = 8,      /* offset + n, n * element size or a shape product overflows */
    SIMDINIT_ERR_RANGE = 9,         /* parameters not representable in the output type */
    SIMDINIT_ERR_BAD_SHAPE = 10,    /* ndim out of range, or too few dims for the layout's fans */
    SIMDINIT_ERR_OUT_OF_TENSOR = 11,/* [offset, offset + n) exceeds the tensor's element count */
    SIMDINIT_ERR_BAD_PARAM = 12,    /* a parameter outside its domain (gain <= 0, scale <= 0, ...) */
    SIMDINIT_ERR_BACKEND_UNAVAILABLE = 13, /* backend not compiled in or not usable on this CPU */
    SIMDINIT_ERR_BAD_ENV = 14,      /* SIMDINIT_BACKEND names no backend, or one not usable here
                                       (fills fail with this until simdinit_set_backend() is called),
                                       or SIMDINIT_STORES names no store policy (until
                                       simdinit_set_stores() is called), or SIMDINIT_NUM_THREADS is
                                       not a thread count 1..256 (threaded calls with nthreads == 0
                                       fail with this; an explicit nthreads > 0 ignores it) */
    SIMDINIT_ERR_NOMEM = 15         /* a work array could not be allocated (simdinit_init_tensors) */
} simdinit_status;

/* A short, static, English description of a status ("unknown status" for
 * values outside the enum). Never NULL. */
const char *simdinit_strerror(simdinit_status status);

/* ------------------------------------------------------------------------ */
/* Output types and distributions                                            */
/* ------------------------------------------------------------------------ */

typedef enum simdinit_dtype {
    SIMDINIT_F32 = 0,   /* float */
    SIMDINIT_F64 = 1,   /* double */
    SIMDINIT_BF16 = 2,  /* uint16_t: bfloat16 bits */
    SIMDINIT_F16 = 3    /* uint16_t: IEEE binary16 bits */
} simdinit_dtype;

/* Size in bytes of one element of `dtype`, 0 for an unknown dtype. */
size_t simdinit_dtype_size(simdinit_dtype dtype);
/* "f32", "f64", "bf16", "f16"; NULL for an unknown dtype. */
const char *simdinit_dtype_name(simdinit_dtype dtype);

typedef enum simdinit_dist_kind {
    SIMDINIT_DIST_UNIFORM = 0,      /* U[low, high) */
    SIMDINIT_DIST_NORMAL = 1,       /* N(mean, std^2), Box-Muller, NOT truncated */
    SIMDINIT_DIST_TRUNC_NORMAL = 2, /* N(mean, std^2) conditioned on [a, b] (absolute bounds) */
    SIMDINIT_DIST_CONSTANT = 3      /* every element = value */
} simdinit_dist_kind;

/* A distribution with its parameters. Only the fields of `kind` are read. */
typedef struct simdinit_dist {
    simdinit_dist_kind kind;
    double low, high;   /* UNIFORM */
    double mean, std;   /* NORMAL, TRUNC_NORMAL */
    double a, b;        /* TRUNC_NORMAL: ABSOLUTE bounds as in torch.nn.init.trunc_normal_,
                           not multiples of std; a may be -inf and b +inf */
    double value;       /* CONSTANT */
} simdinit_dist;

/* Convenience constructors (no validation; validation happens at fill time). */
simdinit_dist simdinit_dist_uniform(double low, double high);
simdinit_dist simdinit_dist_normal(double mean, double std);
simdinit_dist simdinit_dist_trunc_normal(double mean, double std, double a, double b);
simdinit_dist simdinit_dist_constant(double value);

/* Validate `dist` for `dtype` without filling anything. Returns the status a
 * fill with these arguments would return for n > 0 and a valid pointer. */
simdinit_status simdinit_dist_check(const simdinit_dist *dist, simdinit_dtype dtype);

/*
 * simdinit_fill — the generic fill.
 *
 * Writes elements [offset, offset + n) of the tensor named by (seed, stream),
 * drawn from `dist`, as `dtype`, to out[0 .. n-1].
 *
 * Guarantees:
 *  - Element i's value depends only on (seed, stream, i, *dist, dtype): any
 *    split of [0, N) into calls, any backend and any machine give the same bits.
 *  - The cost of starting at an arbitrary offset is bounded by one block
 *    (a few thousand elements), not proportional to offset.
 *  - UNIFORM: every value v satisfies low <= v < high, where for bf16/f16 the
 *    value is rounded to the nearest representable value inside [low, high)
 *    (low == high is allowed and writes `low`).
 *  - TRUNC_NORMAL: exact in distribution for any a < b, including cut points far
 *    in a tail and infinite bounds (a = -inf, b = +inf; a = +inf, b = -inf and
 *    NaN are SIMDINIT_ERR_NONFINITE), never clamped to the bounds; every value
 *    lies in [a, b]. Drawn by rejection from the normal, a uniform or an
 *    exponential proposal chosen from the bounds (at least 0.3 of the
 *    candidates kept for every interval); the cost of any interval is within
 *    a small factor of a normal fill's (docs/STREAM.md §3.5). When
 *    std is so small (or the interval so far out) that (tlo - mean) / std
 *    overflows to +inf, the law is concentrated within 37 std / 2^1024 of the
 *    near bound, less than half an ulp of it in every dtype for |mean| < 2^967:
 *    every value is then exactly ceil_dtype(a) (resp. floor_dtype(b) when
 *    (thi - mean) / std is -inf), computed in constant time
 *    (docs/STREAM.md §3.5). std == 0 is the point of [a, b] nearest the mean.
 *
 * Errors (nothing written): SIMDINIT_ERR_NULL (out == NULL or dist == NULL
 * with n > 0), SIMDINIT_ERR_BAD_ENUM (dtype or dist->kind), SIMDINIT_ERR_NONFINITE,
 * SIMDINIT_ERR_NEGATIVE_STD, SIMDINIT_ERR_LOW_GT_HIGH, SIMDINIT_ERR_EMPTY_TRUNC,
 * SIMDINIT_ERR_RANGE (e.g. |low|, |high| or mean +- 9 std beyond the largest
 * finite value of dtype, or a truncation interval [a, b] holding no finite
 * value of dtype, such as a > the largest finite value), SIMDINIT_ERR_OVERFLOW
 * (the last index offset + n - 1 exceeds 2^64 - 1, so offset 2^64 - 1 with
 * n = 1 is valid; or n * element size > SIZE_MAX), SIMDINIT_ERR_BAD_ENV.
 */
simdinit_status simdinit_fill(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                              uint64_t seed, uint64_t stream, const simdinit_dist *dist);

/* Shorthands for simdinit_fill with the corresponding distribution. */
simdinit_status simdinit_uniform(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                 uint64_t seed, uint64_t stream, double low, double high);
simdinit_status simdinit_normal(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                uint64_t seed, uint64_t stream, double mean, double std);
simdinit_status simdinit_trunc_normal(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                      uint64_t seed, uint64_t stream, double mean, double std,
                                      double a, double b);
/* Constant fills are not random and take no (seed, stream, offset). */
simdinit_status simdinit_constant(void *out, simdinit_dtype dtype, size_t n, double value);
simdinit_status simdinit_zeros(void *out, simdinit_dtype dtype, size_t n);
simdinit_status simdinit_ones(void *out, simdinit_dtype dtype, size_t n);

/* ------------------------------------------------------------------------ */
/* Fans, gains and init schemes                                              */
/* ------------------------------------------------------------------------ */

#define SIMDINIT_MAX_NDIM 16

typedef enum simdinit_layout {
    SIMDINIT_LAYOUT_TORCH = 0,  /* (out, in, *kernel): PyTorch's _calculate_fan_in_and_fan_out */
    SIMDINIT_LAYOUT_KERAS = 1   /* (*kernel, in, out): Keras/TF/JAX compute_fans */
} simdinit_layout;

/*
 * simdinit_fans — fan_in and fan_out of a weight of the given shape.
 * TORCH: needs ndim >= 2; receptive = prod(shape[2:]); fan_in = shape[1] * receptive,
 *        fan_out = shape[0] * receptive.
 * KERAS: ndim 0 -> (1, 1); ndim 1 -> (shape[0], shape[0]); ndim 2 -> (shape[0], shape[1]);
 *        else receptive = prod(shape[:-2]), fan_in = shape[-2] * receptive,
 *        fan_out = shape[-1] * receptive.
 * Fans may be 0 when a dimension is 0 (this function does not reject that); a
 * fan with a zero factor is 0 even when its other factors would overflow.
 * Errors: SIMDINIT_ERR_NULL (fan_in/fan_out NULL, or shape NULL with ndim > 0),
 * SIMDINIT_ERR_BAD_SHAPE (ndim < 0, ndim > SIMDINIT_MAX_NDIM, TORCH with ndim < 2),
 * SIMDINIT_ERR_BAD_ENUM (layout), SIMDINIT_ERR_OVERFLOW (a product overflows uint64).
 */
simdinit_status simdinit_fans(const uint64_t *shape, int ndim, simdinit_layout layout,
                              uint64_t *fan_in, uint64_t *fan_out);

/* Number of elements of a shape (1 for ndim == 0; 0 when any dimension is 0,
 * even if the product of the others would overflow). Errors: NULL, BAD_SHAPE,
 * OVERFLOW (the product of nonzero dimensions exceeds 2^64 - 1). */
simdinit_status simdinit_numel(const uint64_t *shape, int ndim, uint64_t *numel);

typedef enum simdinit_nonlinearity {
    SIMDINIT_NL_LINEAR = 0, SIMDINIT_NL_CONV1D, SIMDINIT_NL_CONV2D, SIMDINIT_NL_CONV3D,
    SIMDINIT_NL_CONV_TRANSPOSE1D, SIMDINIT_NL_CONV_TRANSPOSE2D, SIMDINIT_NL_CONV_TRANSPOSE3D,
    SIMDINIT_NL_SIGMOID,      /* gain 1 */
    SIMDINIT_NL_TANH,         /* gain 5/3 */
    SIMDINIT_NL_RELU,         /* gain sqrt(2) */
    SIMDINIT_NL_LEAKY_RELU,   /* gain sqrt(2 / (1 + slope^2)), slope = param (PyTorch default 0.01) */
    SIMDINIT_NL_SELU          /* gain 3/4 */
} simdinit_nonlinearity;

/* torch.nn.init.calculate_gain. `param` is the negative slope for LEAKY_RELU and
 * ignored otherwise. Errors: NULL, BAD_ENUM, NONFINITE (param, for LEAKY_RELU). */
simdinit_status simdinit_gain(simdinit_nonlinearity nl, double param, double *gain);
/* "linear", "conv1d", ..., "leaky_relu", "selu"; NULL when unknown. */
const char *simdinit_nonlinearity_name(simdinit_nonlinearity nl);

typedef enum simdinit_fan_mode {
    SIMDINIT_FAN_IN = 0, SIMDINIT_FAN_OUT = 1,
    SIMDINIT_FAN_AVG = 2      /* (fan_in + fan_out) / 2; Keras/JAX variance scaling only */
} simdinit_fan_mode;

typedef enum simdinit_vs_distribution {
    SIMDINIT_VS_TRUNCATED_NORMAL = 0,   /* std = sqrt(scale/n) / 0.87962566103423978, cut at +-2 std */
    SIMDINIT_VS_UNTRUNCATED_NORMAL = 1, /* std = sqrt(scale/n) */
    SIMDINIT_VS_UNIFORM = 2             /* limit = sqrt(3 scale / n) */
} simdinit_vs_distribution;

/*
 * Init schemes. The name says whether a "normal" is truncated:
 *  PyTorch family (untruncated normals):
 *   XAVIER_UNIFORM    U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))
 *   XAVIER_NORMAL     N(0, gain * sqrt(2 / (fan_in + fan_out)))           NOT truncated
 *   KAIMING_UNIFORM   U(-b, b), b = sqrt(3) * gain(nl, a) / sqrt(fan_mode)
 *   KAIMING_NORMAL    N(0, gain(nl, a) / sqrt(fan_mode))                  NOT truncated
 *   TORCH_LINEAR      nn.Linear/ConvNd default weight: KAIMING_UNIFORM with a = sqrt(5)
 *                     and leaky_relu, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 *   TORCH_LINEAR_BIAS nn.Linear/ConvNd default bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
 *                     fan_in taken from the WEIGHT shape passed in; the tensor a
 *                     scheme fill writes is the bias: shape[0] elements (TORCH
 *                     layout) or shape[ndim-1] (KERAS)
 *  Keras / JAX family (their *Normal presets are TRUNCATED normals):
 *   GLOROT_UNIFORM    variance_scaling(1, fan_avg, uniform)
 *   GLOROT_NORMAL     variance_scaling(1, fan_avg, truncated_normal)      TRUNCATED
 *   HE_UNIFORM        variance_scaling(2, fan_in, uniform)
 *   HE_NORMAL         variance_scaling(2, fan_in, truncated_normal)       TRUNCATED
 *   LECUN_UNIFORM     variance_scaling(1, fan_in, uniform)
 *   LECUN_NORMAL      variance_scaling(1, fan_in, truncated_normal)       TRUNCATED
 *   VARIANCE_SCALING  (scale, mode, distribution) as given
 */
typedef enum simdinit_scheme_kind {
    SIMDINIT_XAVIER_UNIFORM = 0, SIMDINIT_XAVIER_NORMAL,
    SIMDINIT_KAIMING_UNIFORM, SIMDINIT_KAIMING_NORMAL,
    SIMDINIT_TORCH_LINEAR, SIMDINIT_TORCH_LINEAR_BIAS,
    SIMDINIT_GLOROT_UNIFORM, SIMDINIT_GLOROT_NORMAL,
    SIMDINIT_HE_UNIFORM, SIMDINIT_HE_NORMAL,
    SIMDINIT_LECUN_UNIFORM, SIMDINIT_LECUN_NORMAL,
    SIMDINIT_VARIANCE_SCALING
} simdinit_scheme_kind;

typedef struct simdinit_scheme {
    simdinit_scheme_kind kind;
    double gain;                        /* XAVIER_*: multiplier (PyTorch default 1.0), > 0 */
    simdinit_nonlinearity nonlinearity; /* KAIMING_*: PyTorch default LEAKY_RELU */
    double a;                           /* KAIMING_*: negative slope for LEAKY_RELU (default 0) */
    simdinit_fan_mode mode;             /* KAIMING_* (FAN_IN or FAN_OUT), VARIANCE_SCALING */
    double scale;                       /* VARIANCE_SCALING: > 0 (default 1.0) */
    simdinit_vs_distribution distribution; /* VARIANCE_SCALING */
} simdinit_scheme;

/* A scheme with the framework defaults for `kind`: gain 1, LEAKY_RELU with a = 0,
 * FAN_IN, scale 1, TRUNCATED_NORMAL. */
simdinit_scheme simdinit_scheme_default(simdinit_scheme_kind kind);

/* Scheme name as the CLI spells it ("xavier_uniform", "he_normal", ...), NULL if unknown;
 * and the reverse lookup (BAD_ENUM when the name is unknown). */
const char *simdinit_scheme_name(simdinit_scheme_kind kind);
simdinit_status simdinit_scheme_from_name(const char *name, simdinit_scheme_kind *kind);

/*
 * simdinit_scheme_dist_fans — the distribution a scheme draws from, given fans.
 * Writes *dist (UNIFORM, NORMAL or TRUNC_NORMAL with mean 0).
 * Errors: NULL, BAD_ENUM (kind, mode, nonlinearity, distribution, or FAN_AVG for
 * KAIMING_*), ZERO_FAN (the fan the scheme uses is 0), NONFINITE, BAD_PARAM
 * (gain <= 0, scale <= 0).
 */
simdinit_status simdinit_scheme_dist_fans(const simdinit_scheme *scheme, uint64_t fan_in,
                                          uint64_t fan_out, simdinit_dist *dist);

/* The same from a shape and layout (fans by simdinit_fans). */
simdinit_status simdinit_scheme_dist(const simdinit_scheme *scheme, const uint64_t *shape,
                                     int ndim, simdinit_layout layout, simdinit_dist *dist);

/*
 * simdinit_fill_scheme — writes elements [offset, offset + n) of a tensor of
 * `shape` initialized by `scheme` (row-major element order), as `dtype`.
 * Equal, bit for bit, to simdinit_fill with the distribution from
 * simdinit_scheme_dist. A zero-element shape with n == 0 succeeds (PyTorch
 * treats initializing an empty tensor as a no-op).
 * Errors: those of simdinit_scheme_dist and simdinit_fill, and
 * SIMDINIT_ERR_OUT_OF_TENSOR when offset + n exceeds the element count.
 */
simdinit_status simdinit_fill_scheme(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                     int ndim, simdinit_layout layout,
                                     const simdinit_scheme *scheme, size_t n, uint64_t offset,
                                     uint64_t seed, uint64_t stream);

/* ------------------------------------------------------------------------ */
/* Parallel fills, model initialization and shards                           */
/* ------------------------------------------------------------------------ */

/*
 * Thread counts: nthreads > 0 is used as given (capped at 256); nthreads < 0
 * is SIMDINIT_ERR_BAD_PARAM (checked first, even when there is nothing to
 * do); nthreads == 0 means the default: SIMDINIT_NUM_THREADS when set and not
 * empty, else the number of cores this process may run on (at most 256).
 * SIMDINIT_NUM_THREADS must then be a decimal integer from 1 to 256, digits
 * only; anything else (0, a sign, spaces, 257, 99999999999999999999, "4x")
 * is refused, never capped or guessed: calls with nthreads == 0 fail with
 * SIMDINIT_ERR_BAD_ENV and write nothing, as with an invalid SIMDINIT_BACKEND
 * (an explicit nthreads > 0 does not read the variable). The library's worker
 * threads (pthreads) are created lazily on first use and reused (and created
 * afresh in a forked child). Every threaded call produces exactly the bits of
 * the single-threaded call. When another thread of the process is already
 * using the workers, the call runs on the calling thread alone (same bits)
 * instead of waiting.
 *
 * simdinit_default_threads — the count nthreads == 0 stands for, or 0 when
 * SIMDINIT_NUM_THREADS is set but invalid (passing that 0 on gives BAD_ENV).
 */
int simdinit_default_threads(void);

/*
 * simdinit_fill_mt — simdinit_fill spread over nthreads threads. The range is
 * cut into one contiguous, block-aligned piece per thread, and each thread
 * writes only its own piece: pages untouched before the call are first
 * touched, and so placed (on multi-socket machines), by the thread that fills
 * them. Errors: SIMDINIT_ERR_BAD_PARAM for nthreads < 0 (before anything
 * else), those of simdinit_fill, and SIMDINIT_ERR_BAD_ENV for nthreads == 0
 * with an invalid SIMDINIT_NUM_THREADS (n > 0). Nothing is written on error.
 */
simdinit_status simdinit_fill_mt(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                 uint64_t seed, uint64_t stream, const simdinit_dist *dist,
                                 int nthreads);

/* simdinit_fill_scheme over nthreads threads (same bits). */
simdinit_status simdinit_fill_scheme_mt(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                        int ndim, simdinit_layout layout,
                                        const simdinit_scheme *scheme, size_t n, uint64_t offset,
                                        uint64_t seed, uint64_t stream, int nthreads);

/*
 * simdinit_plan_chunks — for engines that own their thread pool. Splits the
 * fill of [offset, offset + n) into at most max_chunks contiguous chunks
 * whose inner boundaries fall on block boundaries of the stream (so no block
 * is seeded or skipped twice) and whose numbers of blocks touched differ by
 * at most one (a partial first or last block counts as one).
 * Writes bounds[0] = 0 < bounds[1] < ... < bounds[*nchunks] = n (bounds must
 * have room for max_chunks + 1 values); chunk c is then
 *   simdinit_fill(out + bounds[c] * size, dtype, bounds[c+1] - bounds[c],
 *                 offset + bounds[c], seed, stream, dist)
 * and any order or concurrency of those calls gives the bits of one call.
 * n == 0 gives *nchunks = 0. Errors: NULL, BAD_PARAM (max_chunks == 0), and
 * the validation errors of simdinit_fill for (dtype, dist).
 */
simdinit_status simdinit_plan_chunks(simdinit_dtype dtype, const simdinit_dist *dist,
                                     uint64_t offset, size_t n, size_t max_chunks,
                                     size_t *bounds, size_t *nchunks);

/*
 * simdinit_stream_from_name — the stream of a named tensor: the 64-bit FNV-1a
 * hash of the bytes of `name` up to its terminating NUL (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3; docs/STREAM.md §1.1). The CLI's
 * model writer and the Python binding's init_module name each parameter's
 * stream this way (its fully qualified name, e.g. "model.layers.0.mlp.up_proj.weight"),
 * so a tensor's values depend on its name and the seed only, never on which
 * other tensors exist or their order. Stable: it is part of the stream's spec.
 * Errors: SIMDINIT_ERR_NULL (name or stream NULL).
 */
simdinit_status simdinit_stream_from_name(const char *name, uint64_t *stream);

/* One tensor of a model for simdinit_init_tensors. */
typedef struct simdinit_tensor {
    const char *name;                  /* for error reports; may be NULL */
    void *out;                         /* the whole tensor, numel elements of dtype */
    simdinit_dtype dtype;
    uint64_t shape[SIMDINIT_MAX_NDIM];
    int ndim;
    simdinit_layout layout;            /* for the scheme's fans */
    const simdinit_scheme *scheme;     /* non-NULL: initialized by this scheme ... */
    simdinit_dist dist;                /* ... else drawn from this distribution */
    uint64_t seed, stream;
} simdinit_tensor;

/*
 * simdinit_init_tensors — initialize `count` whole tensors in one call over
 * nthreads threads. All tensors are validated first; if any is invalid its
 * index goes to *failed_index (when not NULL), its status is returned and
 * nothing is written to any tensor. The work is cut into block-aligned
 * pieces, largest tensors first, that threads take dynamically, so many small
 * tensors do not wait behind one large one. Each tensor's bits equal
 * simdinit_fill_scheme / simdinit_fill of the whole tensor.
 * Errors (nothing written): SIMDINIT_ERR_BAD_PARAM (nthreads < 0, checked
 * before anything else, so also with count == 0, as in simdinit_fill_mt);
 * SIMDINIT_ERR_NULL (tensors == NULL with count > 0); SIMDINIT_ERR_BAD_ENV
 * (a bad SIMDINIT_BACKEND or SIMDINIT_STORES, or nthreads == 0 with a bad
 * SIMDINIT_NUM_THREADS); any tensor's validation error (with *failed_index);
 * SIMDINIT_ERR_NOMEM when the call's work arrays (about 240 bytes per tensor
 * plus 40 per MiB of output) cannot be allocated. count == 0 with nthreads
 * >= 0 is OK.
 */
simdinit_status simdinit_init_tensors(const simdinit_tensor *tensors, size_t count, int nthreads,
                                      size_t *failed_index);

/*
 * simdinit_fill_shard — the 2-D shard rows [r0, r1) x columns [c0, c1) of a
 * logical rows x cols tensor (row-major, element (r, c) is index r * cols + c
 * of the stream), written to out with a leading dimension of ld elements:
 * element (r, c) goes to out[(r - r0) * ld + (c - c0)]; nothing else in out
 * is touched. Equal, bit for bit, to that sub-matrix of the full fill: the
 * shape of tensor-parallel row and column shards. Cost: the shard's elements
 * plus at most one block per row (the row's start inside its block).
 * Errors: those of simdinit_fill; SIMDINIT_ERR_OUT_OF_TENSOR (r0 > r1,
 * r1 > rows, c0 > c1, c1 > cols); SIMDINIT_ERR_BAD_PARAM (ld < c1 - c0 when
 * there is more than one row); SIMDINIT_ERR_OVERFLOW (rows * cols).
 */
simdinit_status simdinit_fill_shard(void *out, size_t ld, simdinit_dtype dtype, uint64_t rows,
                                    uint64_t cols, uint64_t r0, uint64_t r1, uint64_t c0,
                                    uint64_t c1, uint64_t seed, uint64_t stream,
                                    const simdinit_dist *dist);

/* ------------------------------------------------------------------------ */
/* Backends and dispatch                                                     */
/* ------------------------------------------------------------------------ */

typedef enum simdinit_backend {
    SIMDINIT_BACKEND_AUTO = 0,   /* the best usable one */
    SIMDINIT_BACKEND_SCALAR = 1, /* the reference: always compiled, always usable */
    SIMDINIT_BACKEND_AVX2 = 2,   /* x86-64 with AVX2 + FMA + F16C, OS saves YMM state */
    SIMDINIT_BACKEND_NEON = 3,   /* aarch64 */
    SIMDINIT_BACKEND_AVX512 = 4  /* the AVX2 kernels built for AVX-512F/VL/DQ, with the
                                    lane state and Box-Muller math on 512-bit
                                    registers; x86-64 with AVX2 + those, OS saves ZMM */
} simdinit_backend;
#define SIMDINIT_BACKEND_COUNT 5

/* "auto", "scalar", "avx2", "neon", "avx512"; NULL when unknown. */
const char *simdinit_backend_name(simdinit_backend backend);
/* Parse a backend name (exact, lower case). Errors: NULL, BAD_ENUM. */
simdinit_status simdinit_backend_from_name(const char *name, simdinit_backend *backend);
/* 1 when the backend's kernels are compiled into this library, else 0. */
int simdinit_backend_compiled(simdinit_backend backend);
/* 1 when compiled in and the CPU and OS support it, else 0. AUTO is always usable. */
int simdinit_backend_usable(simdinit_backend backend);

/*
 * Force a backend for all later fills in the process (AUTO = best usable).
 * Overrides SIMDINIT_BACKEND. Errors: BAD_ENUM, BACKEND_UNAVAILABLE (nothing changes).
 */
simdinit_status simdinit_set_backend(simdinit_backend backend);

/* The backend fills use now. Never AUTO. When SIMDINIT_BACKEND is invalid and no
 * backend was set by the API this still reports the best usable backend, and
 * simdinit_env_status() reports the problem. */
simdinit_backend simdinit_active_backend(void);

/* SIMDINIT_OK when SIMDINIT_BACKEND is unset, empty, or names a usable backend
 * (or simdinit_set_backend was called) and SIMDINIT_STORES is unset, empty or
 * valid (or simdinit_set_stores was called); SIMDINIT_ERR_BAD_ENV otherwise. */
simdinit_status simdinit_env_status(void);

/*
 * How fills write memory. Never changes a value, only speed and what stays in
 * the caches afterwards.
 *  AUTO       the default, chosen from measurements (docs/PERFORMANCE.md):
 *             constant fills (zeros, ones, constant) of at least 32 MiB use
 *             non-temporal (streaming) stores, which skip the read-for-ownership
 *             of every line; random fills use ordinary stores at every size,
 *             because interleaving streaming stores with the generator's
 *             arithmetic measured slower (1 and 2 threads, 8 MiB to 1 GiB).
 *  CACHED     ordinary stores for every fill.
 *  STREAMING  streaming stores for every fill, of any size, wherever the
 *             backend has them (AVX2 and avx512; scalar and NEON always store
 *             normally): try it on machines where write bandwidth, not the
 *             generator, is the limit. The data is not left in the caches.
 * The environment variable SIMDINIT_STORES=auto|cached|streaming sets the
 * policy when the library initializes; simdinit_set_stores overrides it.
 */
typedef enum simdinit_stores {
    SIMDINIT_STORES_AUTO = 0,
    SIMDINIT_STORES_CACHED = 1,
    SIMDINIT_STORES_STREAMING = 2
} simdinit_stores;
#define SIMDINIT_STORES_COUNT 3
/* Process-wide, for all later fills. Errors: BAD_ENUM (nothing changes). */
simdinit_status simdinit_set_stores(simdinit_stores stores);
/* The policy in force (AUTO when SIMDINIT_STORES is invalid and none was set). */
simdinit_stores simdinit_active_stores(void);
/* "auto", "cached", "streaming"; NULL when unknown. */
const char *simdinit_stores_name(simdinit_stores stores);
/* Parse a policy name (exact, lower case). Errors: NULL, BAD_ENUM. */
simdinit_status simdinit_stores_from_name(const char *name, simdinit_stores *stores);

/* CPU features the dispatcher detected, as a bit set of SIMDINIT_CPU_*. */
#define SIMDINIT_CPU_SSE2    (1u << 0)
#define SIMDINIT_CPU_AVX     (1u << 1)  /* CPU has AVX and the OS saves YMM (XCR0 bits 1, 2) */
#define SIMDINIT_CPU_AVX2    (1u << 2)
#define SIMDINIT_CPU_FMA     (1u << 3)
#define SIMDINIT_CPU_F16C    (1u << 4)
#define SIMDINIT_CPU_AVX512F (1u << 5)  /* and XCR0 bits 5-7 */
#define SIMDINIT_CPU_NEON    (1u << 6)
#define SIMDINIT_CPU_SVE     (1u << 7)
#define SIMDINIT_CPU_AVX512VL (1u << 8) /* with AVX512F usable */
#define SIMDINIT_CPU_AVX512DQ (1u << 9) /* with AVX512F usable */
unsigned simdinit_cpu_features(void);
/* Name of one SIMDINIT_CPU_* bit ("avx2", ...), NULL if not a single known bit. */
const char *simdinit_cpu_feature_name(unsigned bit);

/* Library version string, e.g. "0.1.0". */
const char *simdinit_version(void);

/* The stream version of the library loaded at run time (SIMDINIT_STREAM_VERSION
 * of the header it was built with): compare it with the one a seed was
 * recorded under. */
int simdinit_stream_version(void);

/* ------------------------------------------------------------------------ */
/* Structured initializers: orthogonal, eye, dirac, delta-orthogonal, sparse */
/* ------------------------------------------------------------------------ */

/*
 * These write a WHOLE tensor in one call (their values are not independent
 * per element, so there is no offset). Like the fills, the bits depend only
 * on the arguments: never on the backend, the thread count or the machine
 * (docs/STREAM.md §4 specifies every operation). nthreads as for
 * simdinit_fill_mt (< 0: BAD_PARAM, checked first; 0: the default). A tensor
 * with a zero dimension is a successful no-op (out may then be NULL), as in
 * PyTorch. Nothing is written on any error. out == NULL is checked after
 * every other argument: a call with out == NULL and a nonzero element count
 * returns SIMDINIT_ERR_NULL exactly when all else is valid, and allocates
 * nothing (the CLI validates options this way).
 */

/*
 * simdinit_orthogonal — a rows x cols row-major matrix, times gain, whose
 * rows (rows <= cols) or columns (rows >= cols) are orthonormal, drawn from
 * the Haar (uniform) distribution: the law of torch.nn.init.orthogonal_ and
 * of the Q factor of a Gaussian matrix with the sign correction by diag(R).
 * Computed in double precision as the product of min(rows, cols)
 * Householder reflectors drawn from the normal stream of (seed, stream)
 * (docs/STREAM.md §4.1-4.3), then rounded once to dtype (nearest-even).
 *   torch orthogonal_(w, gain):  rows = shape[0], cols = product of the rest.
 *   Keras Orthogonal(gain):      rows = product of shape[:-1], cols = shape[-1]
 *                                (simdinit_orthogonal_axis with column_axis -1).
 * Any finite gain is allowed (0 and negative too, as in the frameworks).
 * Accuracy: max |Q^T Q - I| (resp. Q Q^T) is a small multiple of
 * max(rows, cols) * 2^-53 before the rounding to dtype.
 * Work memory: about 16 * rows * cols bytes (allocated and freed here).
 * Errors (nothing written): BAD_PARAM (nthreads < 0), BAD_ENUM (dtype),
 * NONFINITE (gain), RANGE (|gain| above the largest finite value of dtype),
 * BAD_ENV, OVERFLOW (rows * cols * element size exceeds SIZE_MAX), NULL (out
 * with rows * cols > 0), NOMEM (the work memory).
 */
simdinit_status simdinit_orthogonal(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                                    double gain, uint64_t seed, uint64_t stream, int nthreads);

/*
 * simdinit_orthogonal_axis — JAX's orthogonal(scale, column_axis) on a tensor
 * of `shape` (row-major): the matrix has nc = shape[column_axis] columns and
 * nr = numel / nc rows, a row being the index over the other axes in their
 * order; element (r, c) is stored at the tensor position whose column_axis
 * index is c and whose other indices flatten to r (JAX's reshape then
 * moveaxis). Values: those of simdinit_orthogonal(nr, nc) bit for bit,
 * only placed differently; column_axis == ndim - 1 (or -1) is exactly
 * simdinit_orthogonal(out, dtype, nr, nc, ...), Keras's Orthogonal.
 * column_axis may be negative (counted from the end).
 * Errors: those of simdinit_orthogonal; NULL (shape); BAD_SHAPE (ndim < 2 or
 * > SIMDINIT_MAX_NDIM); BAD_PARAM (column_axis outside [-ndim, ndim)).
 */
simdinit_status simdinit_orthogonal_axis(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                         int ndim, int column_axis, double gain, uint64_t seed,
                                         uint64_t stream, int nthreads);

/*
 * simdinit_eye — torch.nn.init.eye_ (gain 1) and Keras Identity(gain): the
 * rows x cols row-major matrix with gain at (i, i) for i < min(rows, cols)
 * and +0 elsewhere, gain rounded once to dtype. Any finite gain.
 * Errors: BAD_ENUM (dtype), NONFINITE (gain), RANGE (|gain| above the
 * largest finite value of dtype), OVERFLOW, NULL (out with rows * cols > 0).
 */
simdinit_status simdinit_eye(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                             double gain);

/*
 * simdinit_dirac — torch.nn.init.dirac_(w, groups) for a 3-, 4- or 5-D
 * convolution weight (out, in, *kernel), row-major: zeros, and 1 at
 * (g * out/groups + d, d, k_1 // 2, ..., k_s // 2) for every group g and
 * d < min(out / groups, in) — exactly torch's placement.
 * Errors: BAD_ENUM (dtype), NULL (shape; out with a nonzero element count),
 * BAD_SHAPE (ndim not 3, 4 or 5), BAD_PARAM (groups == 0 or not dividing
 * shape[0]), OVERFLOW.
 */
simdinit_status simdinit_dirac(void *out, simdinit_dtype dtype, const uint64_t *shape, int ndim,
                               uint64_t groups);

/*
 * simdinit_delta_orthogonal — JAX's delta_orthogonal(scale, column_axis) for
 * a 3-, 4- or 5-D kernel (*spatial, in, out), row-major: zeros, except the
 * spatial centre ((k - 1) // 2 in every spatial dimension), which holds
 * orthogonal(scale, column_axis) of the 2-D shape (in, out): the values of
 * simdinit_orthogonal_axis(shape[-2:], column_axis) bit for bit (the
 * Gaussian draws come from (seed, stream) as there).
 * Errors: those of simdinit_orthogonal (scale for gain); NULL (shape);
 * BAD_SHAPE (ndim not 3, 4 or 5, or shape[-1] < shape[-2]: JAX's "fan_in
 * must be less or equal than fan_out"); BAD_PARAM (column_axis not in
 * [-2, 1], an axis of the 2-D matrix).
 */
simdinit_status simdinit_delta_orthogonal(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                          int ndim, int column_axis, double scale, uint64_t seed,
                                          uint64_t stream, int nthreads);

/*
 * simdinit_sparse — torch.nn.init.sparse_(w, sparsity, std) for a rows x
 * cols row-major matrix: element (r, c) is element r * cols + c of
 * simdinit_normal(0, std) of (seed, stream) (bit for bit), except that in
 * every column exactly ceil(sparsity * rows) entries (computed in double, as
 * Python does) are +0. Which rows are zero is the first nz steps of a
 * Fisher-Yates shuffle of 0 .. rows-1 driven by uniforms of the same
 * (seed, stream) at indices 2^63 + c * rows + i (docs/STREAM.md §4.7): a
 * function of (seed, stream, rows, c, nz) alone, unlike torch's, which
 * ignores its generator here.
 * Errors: BAD_PARAM (nthreads < 0; sparsity outside [0, 1]), NONFINITE
 * (sparsity, std), the errors of simdinit_fill for normal(0, std) (BAD_ENUM,
 * NEGATIVE_STD, RANGE), BAD_ENV, OVERFLOW, NULL, NOMEM (the permutation
 * work arrays: 8 * rows bytes per thread).
 */
simdinit_status simdinit_sparse(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                                double sparsity, double std, uint64_t seed, uint64_t stream,
                                int nthreads);

/*
 * JAX variance scaling (jax.nn.initializers.variance_scaling with in_axis,
 * out_axis, batch_axis and the fan_geo_avg mode), next to the TORCH and
 * KERAS layouts of simdinit_fans. A separate pair of functions, so the
 * existing scheme structs keep their ABI: compute the fans with
 * simdinit_fans_axes, the distribution with simdinit_variance_scaling_jax,
 * and fill with simdinit_fill / simdinit_fill_mt.
 *
 * simdinit_axes: each list holds n_* axes (0 .. SIMDINIT_MAX_NDIM); an axis
 * may be negative (counted from the end); a repeated axis counts twice, as
 * in JAX's math.prod over the list. simdinit_axes_jax_default() is JAX's
 * default: in_axis = -2, out_axis = -1, batch_axis = ().
 */
typedef struct simdinit_axes {
    int in_axes[SIMDINIT_MAX_NDIM];
    int n_in;
    int out_axes[SIMDINIT_MAX_NDIM];
    int n_out;
    int batch_axes[SIMDINIT_MAX_NDIM];
    int n_batch;
} simdinit_axes;

simdinit_axes simdinit_axes_jax_default(void);

/*
 * simdinit_fans_axes — JAX's _compute_fans: in = prod(shape[in_axes]),
 * out = prod(shape[out_axes]), batch = prod(shape[batch_axes]) (1 for an
 * empty list), receptive = numel / in / out / batch in double (each integer
 * converted to double first), fan_in = in * receptive, fan_out = out *
 * receptive: JAX's floats exactly whenever numel < 2^53.
 * Errors: NULL, BAD_SHAPE (ndim < 2, as JAX, or > SIMDINIT_MAX_NDIM),
 * BAD_PARAM (an axis outside [-ndim, ndim), a count outside
 * [0, SIMDINIT_MAX_NDIM]), ZERO_FAN (in, out or batch is 0: JAX divides by
 * it), OVERFLOW (a product of nonzero dimensions above 2^64 - 1).
 */
simdinit_status simdinit_fans_axes(const uint64_t *shape, int ndim, const simdinit_axes *axes,
                                   double *fan_in, double *fan_out);

typedef enum simdinit_jax_fan_mode {
    SIMDINIT_JAX_FAN_IN = 0,
    SIMDINIT_JAX_FAN_OUT = 1,
    SIMDINIT_JAX_FAN_AVG = 2,      /* (fan_in + fan_out) / 2 */
    SIMDINIT_JAX_FAN_GEO_AVG = 3   /* sqrt(fan_in * fan_out) */
} simdinit_jax_fan_mode;

/*
 * simdinit_variance_scaling_jax — the distribution of JAX's
 * variance_scaling(scale, mode, distribution) for the given fans:
 * variance = scale / n (n per mode, no max(1, n) clamp: that is Keras's),
 * TRUNCATED_NORMAL: std = sqrt(variance) / 0.87962566103423978 cut at
 * +-2 std; UNTRUNCATED_NORMAL: std = sqrt(variance); UNIFORM:
 * U(-sqrt(3 variance), sqrt(3 variance)). Writes *dist.
 * Errors: NULL, NONFINITE (scale or a fan), BAD_PARAM (scale <= 0, a fan
 * < 0), BAD_ENUM (mode, distribution), ZERO_FAN (n == 0), RANGE (scale / n
 * overflows).
 */
simdinit_status simdinit_variance_scaling_jax(double scale, simdinit_jax_fan_mode mode,
                                              simdinit_vs_distribution distribution,
                                              double fan_in, double fan_out, simdinit_dist *dist);

#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* SIMDINIT_H */
