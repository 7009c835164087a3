/*
 * Public fill entry points: validate, prepare parameters once, then walk the
 * requested range block by block, seeding each block and handing it to the
 * active backend's kernel. Nothing is written before validation succeeds.
 */
#include <string.h>

#include "internal.h"

#include "fpenv.h"      /* also <xmmintrin.h> on x86 (_mm_sfence: SSE, the x86-64 baseline) */

#define SI_STR2(x) #x
#define SI_STR(x) SI_STR2(x)
const char *simdinit_version(void)
{
    return SI_STR(SIMDINIT_VERSION_MAJOR) "." SI_STR(SIMDINIT_VERSION_MINOR) "."
           SI_STR(SIMDINIT_VERSION_PATCH);
}

int simdinit_stream_version(void)
{
    return SIMDINIT_STREAM_VERSION;
}

const char *simdinit_strerror(simdinit_status s)
{
    switch (s) {
    case SIMDINIT_OK: return "success";
    case SIMDINIT_ERR_NULL: return "a required pointer is NULL";
    case SIMDINIT_ERR_NONFINITE: return "a parameter is NaN or infinite";
    case SIMDINIT_ERR_NEGATIVE_STD: return "standard deviation is negative";
    case SIMDINIT_ERR_LOW_GT_HIGH: return "uniform bounds reversed: low > high";
    case SIMDINIT_ERR_EMPTY_TRUNC: return "truncation interval is empty: a >= b";
    case SIMDINIT_ERR_BAD_ENUM: return "unknown enumeration value (dtype, distribution, scheme, mode, layout, nonlinearity or backend)";
    case SIMDINIT_ERR_ZERO_FAN: return "fan is zero";
    case SIMDINIT_ERR_OVERFLOW: return "size overflow: offset + n or a byte count does not fit";
    case SIMDINIT_ERR_RANGE: return "parameters exceed the range of the output type, or no value of the output type lies in the requested interval";
    case SIMDINIT_ERR_BAD_SHAPE: return "invalid shape: bad ndim or too few dimensions for the layout";
    case SIMDINIT_ERR_OUT_OF_TENSOR: return "range [offset, offset + n) exceeds the tensor's element count";
    case SIMDINIT_ERR_BAD_PARAM: return "parameter outside its domain (for example nthreads < 0, gain or scale <= 0, sparsity outside [0, 1], groups not dividing the channels)";
    case SIMDINIT_ERR_BACKEND_UNAVAILABLE: return "backend not compiled in or not usable on this CPU";
    case SIMDINIT_ERR_BAD_ENV: return "SIMDINIT_BACKEND names an unknown backend or one not usable on this CPU, SIMDINIT_STORES an unknown store policy, or SIMDINIT_NUM_THREADS is not a thread count from 1 to 256";
    case SIMDINIT_ERR_NOMEM: return "out of memory";
    }
    return "unknown status";
}

size_t simdinit_dtype_size(simdinit_dtype t)
{
    switch (t) {
    case SIMDINIT_F32: return 4;
    case SIMDINIT_F64: return 8;
    case SIMDINIT_BF16: case SIMDINIT_F16: return 2;
    }
    return 0;
}

const char *simdinit_dtype_name(simdinit_dtype t)
{
    switch (t) {
    case SIMDINIT_F32: return "f32";
    case SIMDINIT_F64: return "f64";
    case SIMDINIT_BF16: return "bf16";
    case SIMDINIT_F16: return "f16";
    }
    return NULL;
}

simdinit_dist simdinit_dist_uniform(double low, double high)
{
    simdinit_dist d = {0};
    d.kind = SIMDINIT_DIST_UNIFORM; d.low = low; d.high = high;
    return d;
}

simdinit_dist simdinit_dist_normal(double mean, double std)
{
    simdinit_dist d = {0};
    d.kind = SIMDINIT_DIST_NORMAL; d.mean = mean; d.std = std;
    return d;
}

simdinit_dist simdinit_dist_trunc_normal(double mean, double std, double a, double b)
{
    simdinit_dist d = {0};
    d.kind = SIMDINIT_DIST_TRUNC_NORMAL; d.mean = mean; d.std = std; d.a = a; d.b = b;
    return d;
}

simdinit_dist simdinit_dist_constant(double value)
{
    simdinit_dist d = {0};
    d.kind = SIMDINIT_DIST_CONSTANT; d.value = value;
    return d;
}

simdinit_status simdinit_dist_check(const simdinit_dist *dist, simdinit_dtype dtype)
{
    si_params p;
    return si_params_prepare(&p, dist, dtype);
}

simdinit_status si_fill_check(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                              const simdinit_dist *dist, si_params *p)
{
    simdinit_status s = si_params_prepare(p, dist, dtype);
    if (s != SIMDINIT_OK)
        return s;
    if (n == 0)
        return SIMDINIT_OK;
    if (!out)
        return SIMDINIT_ERR_NULL;
    size_t size = simdinit_dtype_size(dtype);
    if (n > SIZE_MAX / size || (uint64_t)(n - 1) > UINT64_MAX - offset)
        return SIMDINIT_ERR_OVERFLOW;
    return SIMDINIT_OK;
}

static void fill_run(const si_kernels *k, const si_params *p, void *out, size_t n, uint64_t offset,
                     uint64_t seed, uint64_t stream)
{
    size_t size = simdinit_dtype_size(p->dtype);
    if (p->kind == SIMDINIT_DIST_CONSTANT) {
        k->constant(out, n, p->const_bits, size, p->nontemporal);
        return;
    }
    si_fill_fn fn = k->fill[p->kind][p->dtype];
    uint32_t block_elems = si_block_elems(p->kind, p->dtype);
    unsigned char *o = out;
    uint64_t i = offset;
    size_t left = n;
    while (left) {
        uint64_t block = i / block_elems;
        uint32_t start = (uint32_t)(i % block_elems);
        uint32_t cnt = block_elems - start;
        if (cnt > left)
            cnt = (uint32_t)left;
        si_lanes st;
        si_block_seed(&st, seed, stream, block);
        fn(o, &st, start, cnt, p);
        o += (size_t)cnt * size;
        i += cnt;
        left -= cnt;
    }
#if defined(__x86_64__) || defined(__i386__)
    /* Streamed lines become globally visible before the fill returns (the
     * kernels leave this to one fence here, not one per block). */
    if (p->nontemporal)
        _mm_sfence();
#endif
}

/* Under IEEE defaults whatever the caller's FP controls (fpenv.h). */
void si_fill_run(const si_kernels *k, const si_params *p, void *out, size_t n, uint64_t offset,
                 uint64_t seed, uint64_t stream)
{
    si_fpenv e;
    si_fpenv_enter(&e);
    fill_run(k, p, out, n, offset, seed, stream);
    si_fpenv_leave(&e);
}

simdinit_status simdinit_fill(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                              uint64_t seed, uint64_t stream, const simdinit_dist *dist)
{
    si_params p;
    simdinit_status s = si_fill_check(out, dtype, n, offset, dist, &p);
    if (s != SIMDINIT_OK || n == 0)
        return s;
    const si_kernels *k = si_active_kernels(&s);
    if (!k)
        return s;
    p.nontemporal = si_streaming(p.kind, n * simdinit_dtype_size(dtype));
    si_fill_run(k, &p, out, n, offset, seed, stream);
    return SIMDINIT_OK;
}

simdinit_status simdinit_uniform(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                 uint64_t seed, uint64_t stream, double low, double high)
{
    simdinit_dist d = simdinit_dist_uniform(low, high);
    return simdinit_fill(out, dtype, n, offset, seed, stream, &d);
}

simdinit_status simdinit_normal(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                uint64_t seed, uint64_t stream, double mean, double std)
{
    simdinit_dist d = simdinit_dist_normal(mean, std);
    return simdinit_fill(out, dtype, n, offset, seed, stream, &d);
}

simdinit_status simdinit_trunc_normal(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                      uint64_t seed, uint64_t stream, double mean, double std,
                                      double a, double b)
{
    simdinit_dist d = simdinit_dist_trunc_normal(mean, std, a, b);
    return simdinit_fill(out, dtype, n, offset, seed, stream, &d);
}

simdinit_status simdinit_constant(void *out, simdinit_dtype dtype, size_t n, double value)
{
    simdinit_dist d = simdinit_dist_constant(value);
    return simdinit_fill(out, dtype, n, 0, 0, 0, &d);
}

simdinit_status simdinit_zeros(void *out, simdinit_dtype dtype, size_t n)
{
    return simdinit_constant(out, dtype, n, 0.0);
}

simdinit_status simdinit_ones(void *out, simdinit_dtype dtype, size_t n)
{
    return simdinit_constant(out, dtype, n, 1.0);
}
