/*
 * Internal interfaces shared by the dispatcher, the parameter code and every
 * backend. Backends hold kernels only: validation, parameter math and block
 * seeding live in src/ once (see docs/STREAM.md for the bits).
 *
 * The stream layout, in one paragraph (the full spec is docs/STREAM.md):
 * a tensor (seed, stream) is cut into blocks of SI_STEPS_PER_BLOCK steps of
 * SI_LANES virtual xoshiro256+ lanes. Block b's lane states come from
 * SplitMix64 mixing of (seed, stream, b). Each step yields one 64-bit output
 * per lane, lane order 0..7. A distribution consumes `G` steps per "group" and
 * turns them into SI_GROUP (16) output elements. A block holds a fixed number
 * of elements (si_block_elems: 4096 / 2048 for f32-family / f64, a quarter of
 * that for truncated normals, whose reject mode consumes a variable number of
 * steps).
 */
#ifndef SIMDINIT_INTERNAL_H
#define SIMDINIT_INTERNAL_H

/* Every library source includes this header. -ffast-math (or any option set
 * that defines __FAST_MATH__) lets the compiler reassociate, contract and
 * flush, which changes the bits the value path is specified to produce. */
#if defined(__FAST_MATH__)
#error "simdinit must not be built with -ffast-math: it changes the values (docs/STREAM.md)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "simdinit.h"

#if defined(__GNUC__)
#define SI_INLINE static inline __attribute__((always_inline))
#define SI_HIDDEN __attribute__((visibility("hidden")))
#else
#define SI_INLINE static inline
#define SI_HIDDEN
#endif

/* Index of name among names[0 .. count), or -1: the lookup behind the
 * simdinit_*_from_name functions. */
SI_INLINE int si_name_index(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* 1 when x is finite, from its bits: unlike x - x == 0 or isfinite() on some
 * compilers, it raises no floating-point exception for NaN or infinity, so
 * validating a bad parameter leaves the caller's FE_INVALID flag alone. */
SI_INLINE int si_finite(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return ((b >> 52) & 0x7ff) != 0x7ff;
}

/* Virtual lanes per block: 8 = two AVX2 registers, one AVX-512 register,
 * four NEON registers of 64-bit lanes. Fixed forever: it is part of the bits. */
#define SI_LANES 8
/* Steps of all lanes per block. 256 keeps the 32 SplitMix64 seedings per
 * block below ~2% of the work while an offset skip stays O(256 steps). */
#define SI_STEPS_PER_BLOCK 256
/* Output elements per group. */
#define SI_GROUP 16

/* Lane state, structure-of-arrays so a backend loads a word of 4 or 8 lanes
 * with one vector load: s[w][l] is word w of lane l. */
typedef struct si_lanes {
    uint64_t s[4][SI_LANES];
} si_lanes;

/* Seed block `block` of tensor (seed, stream) (docs/STREAM.md §2). */
SI_HIDDEN void si_block_seed(si_lanes *st, uint64_t seed, uint64_t stream, uint64_t block);

/* The SplitMix64 output function (a bijection of 64-bit words). */
SI_INLINE uint64_t si_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* One xoshiro256+ step of one lane; returns the output s0 + s3 of the state
 * BEFORE the step, as the reference generator does. */
SI_INLINE uint64_t si_xoshiro_next(si_lanes *st, int l)
{
    uint64_t s0 = st->s[0][l], s1 = st->s[1][l], s2 = st->s[2][l], s3 = st->s[3][l];
    uint64_t r = s0 + s3;
    uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 45) | (s3 >> 19);
    st->s[0][l] = s0; st->s[1][l] = s1; st->s[2][l] = s2; st->s[3][l] = s3;
    return r;
}

/* Steps per group for each (distribution, computation precision). */
#define SI_G_UNIFORM_F32 1
#define SI_G_UNIFORM_F64 2
#define SI_G_NORMAL_F32 1
#define SI_G_NORMAL_F64 2

/* The group kinds of the SIMD fill template (src/fill_template.h), and the
 * steps per group of each as the SIMD backends look them up: the table above. */
enum { SI_K_UNIFORM = 0, SI_K_NORMAL = 1 };
SI_INLINE uint32_t si_group_steps(int normal, int f64)
{
    return normal ? (f64 ? SI_G_NORMAL_F64 : SI_G_NORMAL_F32) : (f64 ? SI_G_UNIFORM_F64 : SI_G_UNIFORM_F32);
}

/* Truncated normal: the proposal a fill's candidates come from (chosen once
 * per fill from the bounds by si_tn_setup; docs/STREAM.md §3.5). */
enum { SI_TN_NORMAL = 0, SI_TN_UNIFORM = 1, SI_TN_EXP = 2 };

/* The truncated normal's setup for N(0,1) on [alpha, beta] (src/tnorm.c). */
typedef struct si_tn {
    double alpha, beta;  /* standardized bounds, alpha < beta (may be +-inf) */
    int side;            /* +1: alpha >= 0; -1: beta <= 0 (mirrored); 0: alpha < 0 < beta */
    int method;          /* SI_TN_NORMAL, SI_TN_UNIFORM or SI_TN_EXP */
    double c;            /* side +-1: the near end's distance from the mean, >= 0;
                            side 0: alpha */
    double w;            /* beta - alpha (may be +inf) */
    double lam, D;       /* side +-1: Robert's rate lam = c + D */
    double mass;         /* Phi(beta) - Phi(alpha) */
    double eff;          /* the chosen proposal's acceptance rate */
} si_tn;

/* Everything a kernel needs, computed once per fill by src/params.c. */
typedef struct si_params {
    simdinit_dist_kind kind;
    simdinit_dtype dtype;
    /* F32, BF16 and F16 outputs are computed in float32 ("f" fields); F64 in double. */
    /* UNIFORM: v = lo + scale * (float)k, k the 24-bit (53-bit) integer;
     * then v = min(v, hi) when clamp is set (clamp == 0 proves min is a no-op). */
    float f_lo, f_scale, f_hi;
    double d_lo, d_scale, d_hi;
    int clamp;
    /* BF16 and F16 UNIFORM: after the float32 value above (the F32 fill's
     * value, bit for bit), v = min(max(v, n_lo), n_hi), the smallest value of
     * the type >= low and the largest < high, then rounding: the clamp only
     * moves values whose rounding would leave [low, high). */
    float f_nlo, f_nhi;
    /* NORMAL and TRUNC_NORMAL: v = mean + std * z. */
    float f_mean, f_std;
    double d_mean, d_std;
    /* TRUNC_NORMAL: every value lies in [tlo, thi] (output-representable
     * bounds, in the computation precision). SI_TN_NORMAL: the candidates are
     * the normal stream (mean, std above), kept iff tlo <= v <= thi. UNIFORM
     * and EXP: from a variate r >= 0 (r = u, resp. r = -log u), a candidate
     * v = min(thi, max(tlo, o + g r)) is kept iff r (r p + q) + b <= -2 log u2
     * and r <= h (docs/STREAM.md §3.5). */
    float f_tlo, f_thi;
    double d_tlo, d_thi;
    float f_tp, f_tq, f_tb, f_th, f_to, f_tg;
    double d_tp, d_tq, d_tb, d_th, d_to, d_tg;
    si_tn tn;            /* tn.method: SI_TN_NORMAL, SI_TN_UNIFORM or SI_TN_EXP */
    /* CONSTANT: the element's bits (low dtype-size bytes). */
    uint64_t const_bits;
    /* Set by the driver from the store policy (si_streaming): a backend may
     * then use non-temporal stores. Random-fill kernels do not fence: the
     * driver (si_fill_run) issues one store fence after the last block. The
     * constant kernel fences itself. A performance hint only: it never
     * changes the values. */
    int nontemporal;
} si_params;

/* Under SIMDINIT_STORES_AUTO, constant fills at least this large use
 * non-temporal stores (docs/PERFORMANCE.md has the measurements behind the
 * number: above the 32 MiB L3 of the development machine). */
#ifndef SI_NT_MIN_BYTES
#define SI_NT_MIN_BYTES ((size_t)32 << 20)
#endif

/* Whether a fill of `kind` writing `bytes` in all should stream, under the
 * active store policy (dispatch.c). */
SI_HIDDEN int si_streaming(simdinit_dist_kind kind, size_t bytes);

/* Elements per block for a (kind, dtype). */
SI_HIDDEN uint32_t si_block_elems(simdinit_dist_kind kind, simdinit_dtype dtype);

/*
 * A random-fill kernel writes block-local elements [start, start + count) of
 * one block to out[0 .. count-1]. `st` holds the block's freshly seeded lanes
 * (the kernel advances it as it likes). 0 <= start, start + count <= block elems.
 */
typedef void (*si_fill_fn)(void *out, si_lanes *st, uint32_t start, uint32_t count,
                           const si_params *p);
/* Writes n copies of the low `size` bytes of `bits` (nontemporal: see si_params). */
typedef void (*si_const_fn)(void *out, size_t n, uint64_t bits, size_t size, int nontemporal);

/* One backend: kernels indexed [kind][dtype] (kind < CONSTANT). */
typedef struct si_kernels {
    simdinit_backend backend;
    si_fill_fn fill[3][4];
    si_const_fn constant;
} si_kernels;

/* Tests only: overwrite the dispatcher's initialization state (src/dispatch.c). */
SI_HIDDEN void si_dispatch_set_init_state(int state);

/* calloc behind simdinit_init_tensors' work arrays (src/parallel.c); tests
 * replace it to exercise SIMDINIT_ERR_NOMEM. */
SI_HIDDEN extern void *(*si_calloc_fn)(size_t, size_t);

SI_HIDDEN void si_kernels_init_scalar(si_kernels *k);
#if defined(SIMDINIT_HAVE_AVX512)
SI_HIDDEN void si_kernels_init_avx512(si_kernels *k);
#endif
#if defined(SIMDINIT_HAVE_AVX2)
SI_HIDDEN void si_kernels_init_avx2(si_kernels *k);
#endif
#if defined(SIMDINIT_HAVE_NEON)
SI_HIDDEN void si_kernels_init_neon(si_kernels *k);
#endif

/* Dispatcher: the kernel table fills use now, or NULL with *status set
 * (SIMDINIT_ERR_BAD_ENV). */
SI_HIDDEN const si_kernels *si_active_kernels(simdinit_status *status);

/* Validate a fill's arguments and prepare *p (src/fill.c); nothing is written. */
SI_HIDDEN simdinit_status si_fill_check(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                        const simdinit_dist *dist, si_params *p);
/* Fill [offset, offset + n) of (seed, stream) with prepared, valid params. */
SI_HIDDEN void si_fill_run(const si_kernels *k, const si_params *p, void *out, size_t n,
                           uint64_t offset, uint64_t seed, uint64_t stream);

/* Parameter preparation (src/params.c): validates and fills *p. */
SI_HIDDEN simdinit_status si_params_prepare(si_params *p, const simdinit_dist *dist,
                                            simdinit_dtype dtype);

/* Resolve a scheme fill to its distribution and check the range against the
 * tensor: SI_STATUS_EMPTY_TENSOR (not a public status) for a zero-element
 * tensor, where filling is a no-op. */
#define SI_STATUS_EMPTY_TENSOR ((simdinit_status)1000)
SI_HIDDEN simdinit_status si_scheme_resolve(simdinit_dist *d, simdinit_dtype dtype,
                                            const uint64_t *shape, int ndim,
                                            simdinit_layout layout,
                                            const simdinit_scheme *scheme, size_t n,
                                            uint64_t offset);

/* ---- truncated normal setup, double precision, shared by all backends ---- */

/* Prepare N(0,1) truncated to [alpha, beta], alpha < beta (either may be
 * +-inf): the mass Phi(beta) - Phi(alpha) in tn->mass (relative accuracy ~1e-14,
 * no underflow to 0 for alpha < 38) and the proposal of least expected cost
 * (tn->method). Deterministic IEEE double arithmetic only, no libm. */
SI_HIDDEN void si_tn_setup(si_tn *tn, double alpha, double beta);

#endif /* SIMDINIT_INTERNAL_H */
