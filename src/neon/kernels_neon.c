/*
 * The NEON backend (AArch64 Advanced SIMD): the 12 fill kernels and the
 * constant fill, bit-identical to the scalar reference (src/scalar).
 *
 * The one thing a reader must not miss: the value path is src/simd_math.h,
 * instantiated here on float32x4_t / float64x2_t with one NEON instruction per
 * vocabulary operation, each the exact IEEE-754 operation of the scalar macro
 * (round to nearest-even under the default FPCR). The only fused operations
 * are the value path's explicit SI_F_FMA/SI_D_FMA (vfmaq: one rounding, the
 * scalar reference's fma); GCC implements vaddq/vmulq as plain vector + and
 * *, so the build's -ffp-contract=off is what keeps it from forming FMLA on
 * its own elsewhere (tests/run_aarch64.sh checks the flag and disassembles
 * the objects outside the value path).
 *
 * Layout: the 8 virtual xoshiro256+ lanes are 4 uint64x2_t per state word
 * (register j holds lanes 2j and 2j+1). A group of 16 elements is kept in
 * four float32x4_t (or eight float64x2_t) in element order, so register i
 * holds elements 4i..4i+3 (2i, 2i+1) and a group stores with plain vst1q.
 * All loads and stores go through uint8 pointers: `out` need not be aligned.
 */
#include <arm_neon.h>
#include <string.h>

#include "internal.h"

#if !defined(__aarch64__)
#error "src/neon is AArch64 only"
#endif
#if defined(__FAST_MATH__)
#error "-ffast-math changes the bits: build simdinit without it"
#endif

/* ---- the vocabulary of src/simd_math.h on NEON ------------------------------- */

#define SI_VF float32x4_t
#define SI_VU uint32x4_t
#define SI_VD float64x2_t
#define SI_VQ uint64x2_t
#define SI_MATH_NAME(x) x##_neon
#define SI_MATH_FN static inline __attribute__((always_inline))

#define SI_F_SET(c) vdupq_n_f32((float)(c))
#define SI_F_ADD(a, b) vaddq_f32((a), (b))
#define SI_F_SUB(a, b) vsubq_f32((a), (b))
#define SI_F_MUL(a, b) vmulq_f32((a), (b))
#define SI_F_DIV(a, b) vdivq_f32((a), (b))
#define SI_F_SQRT(a) vsqrtq_f32(a)
#define SI_F_FROM_BITS(u) vreinterpretq_f32_u32(u)
#define SI_F_BITS(f) vreinterpretq_u32_f32(f)
#define SI_F_CVT_I32(u) vcvtq_f32_s32(vreinterpretq_s32_u32(u))
#define SI_F_CVT_U32(u) vcvtq_f32_u32(u) /* UCVTF: rounds per FPCR (nearest-even) */
#define SI_F_XOR_BITS(f, u) vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(f), (u)))
#define SI_F_SELECT(m, a, b) vbslq_f32((m), (a), (b))
#define SI_U_SET(c) vdupq_n_u32((uint32_t)(c))
#define SI_U_ADD(a, b) vaddq_u32((a), (b))
#define SI_U_SUB(a, b) vsubq_u32((a), (b))
#define SI_U_AND(a, b) vandq_u32((a), (b))
#define SI_U_OR(a, b) vorrq_u32((a), (b))
#define SI_U_SRL(a, n) vshrq_n_u32((a), (n))
#define SI_U_SLL(a, n) vshlq_n_u32((a), (n))
#define SI_U_NONZERO(a) vtstq_u32((a), (a))

#define SI_D_SET(c) vdupq_n_f64((double)(c))
#define SI_D_ADD(a, b) vaddq_f64((a), (b))
#define SI_D_SUB(a, b) vsubq_f64((a), (b))
#define SI_D_MUL(a, b) vmulq_f64((a), (b))
#define SI_D_DIV(a, b) vdivq_f64((a), (b))
#define SI_D_SQRT(a) vsqrtq_f64(a)
#define SI_D_FROM_BITS(u) vreinterpretq_f64_u64(u)
#define SI_D_BITS(f) vreinterpretq_u64_f64(f)
#define SI_D_CVT_Q_SMALL(u) vcvtq_f64_s64(vreinterpretq_s64_u64(u))
#define SI_D_CVT_U53(u) vcvtq_f64_u64(u)
#define SI_D_XOR_BITS(f, u) vreinterpretq_f64_u64(veorq_u64(vreinterpretq_u64_f64(f), (u)))
#define SI_D_SELECT(m, a, b) vbslq_f64((m), (a), (b))
#define SI_Q_SET(c) vdupq_n_u64((uint64_t)(c))
#define SI_Q_ADD(a, b) vaddq_u64((a), (b))
#define SI_Q_SUB(a, b) vsubq_u64((a), (b))
#define SI_Q_AND(a, b) vandq_u64((a), (b))
#define SI_Q_SRL(a, n) vshrq_n_u64((a), (n))
#define SI_Q_SLL(a, n) vshlq_n_u64((a), (n))
#define SI_Q_NONZERO(a) vtstq_u64((a), (a))
/* min/max as the x86 instructions and the scalar reference (a < b ? a : b),
 * not FMIN/FMAX, whose signed-zero and NaN rules differ */
#define SI_F_LE(a, b) vcleq_f32((a), (b))
#define SI_F_MIN(a, b) vbslq_f32(vcltq_f32((a), (b)), (a), (b))
#define SI_F_MAX(a, b) vbslq_f32(vcgtq_f32((a), (b)), (a), (b))
#define SI_D_LE(a, b) vcleq_f64((a), (b))
#define SI_D_MIN(a, b) vbslq_f64(vcltq_f64((a), (b)), (a), (b))
#define SI_D_MAX(a, b) vbslq_f64(vcgtq_f64((a), (b)), (a), (b))
#define SI_U_ANDNOT(a, b) vbicq_u32((b), (a))
#define SI_U_ANY(m) (vmaxvq_u32(m) != 0)
#define SI_Q_OR(a, b) vorrq_u64((a), (b))
#define SI_Q_ANDNOT(a, b) vbicq_u64((b), (a))
#define SI_Q_ANY(m) (vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0)

/* issue 14 vocabulary: fma (FMLA: c + a * b, one rounding), arithmetic
 * shift, sign-bit selects (the sign broadcast by an arithmetic shift), u64 or */
#define SI_F_FMA(a, b, c) vfmaq_f32((c), (a), (b))
#define SI_D_FMA(a, b, c) vfmaq_f64((c), (a), (b))
#define SI_U_SRA(a, n) vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(a), (n)))
#define SI_F_SELECT_SIGN(m, a, b)                                                        \
    vbslq_f32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(m), 31)), (a), (b))
#define SI_D_SELECT_SIGN(m, a, b)                                                        \
    vbslq_f64(vreinterpretq_u64_s64(vshrq_n_s64(vreinterpretq_s64_u64(m), 63)), (a), (b))

#include "simd_math.h"

/* Small fixed loops are unrolled so the lane state and a group's registers
 * stay in registers instead of stack arrays. */
#define SI_UNROLL _Pragma("GCC unroll 16")

/* ---- lanes ------------------------------------------------------------------------ */

/* The 8 lanes of one block: s[w][j] holds word w of lanes 2j, 2j+1. */
typedef struct nlanes {
    uint64x2_t s[4][4];
} nlanes;

SI_INLINE void lanes_load(nlanes *S, const si_lanes *st)
{
    SI_UNROLL
    for (int w = 0; w < 4; w++)
        SI_UNROLL
        for (int j = 0; j < 4; j++)
            S->s[w][j] = vld1q_u64(&st->s[w][2 * j]);
}

/* One xoshiro256+ step of all 8 lanes; x[j] = outputs of lanes 2j, 2j+1. */
SI_INLINE void lanes_step(nlanes *S, uint64x2_t x[4])
{
    SI_UNROLL
    for (int j = 0; j < 4; j++) {
        uint64x2_t s0 = S->s[0][j], s1 = S->s[1][j], s2 = S->s[2][j], s3 = S->s[3][j];
        x[j] = vaddq_u64(s0, s3);
        uint64x2_t t = vshlq_n_u64(s1, 17);
        s2 = veorq_u64(s2, s0);
        s3 = veorq_u64(s3, s1);
        s1 = veorq_u64(s1, s2);
        s0 = veorq_u64(s0, s3);
        s2 = veorq_u64(s2, t);
        s3 = vsriq_n_u64(vshlq_n_u64(s3, 45), s3, 19); /* rotl(s3, 45) */
        S->s[0][j] = s0; S->s[1][j] = s1; S->s[2][j] = s2; S->s[3][j] = s3;
    }
}

SI_INLINE void lanes_skip(nlanes *S, uint32_t steps)
{
    uint64x2_t x[4];
    for (uint32_t k = 0; k < steps; k++)
        lanes_step(S, x);
}

/* ---- per-fill constants as vectors ------------------------------------------------- */

typedef struct kconst {
    float32x4_t f_lo, f_scale, f_hi, f_mean, f_std, f_tlo, f_thi, f_nlo, f_nhi;
    float64x2_t d_lo, d_scale, d_hi, d_mean, d_std, d_tlo, d_thi;
    /* the truncated normal's proposal constants (si_params f_tp ..., d_tp ...) */
    float32x4_t f_tp, f_tq, f_tb, f_th, f_to, f_tg;
    float64x2_t d_tp, d_tq, d_tb, d_th, d_to, d_tg;
    int clamp;
    int narrow;   /* bf16/f16 uniform: keep the rounding inside [low, high) */
} kconst;

SI_INLINE void kconst_init(kconst *c, const si_params *p)
{
    c->f_lo = vdupq_n_f32(p->f_lo);
    c->f_scale = vdupq_n_f32(p->f_scale);
    c->f_hi = vdupq_n_f32(p->f_hi);
    c->f_mean = vdupq_n_f32(p->f_mean);
    c->f_std = vdupq_n_f32(p->f_std);
    c->f_tlo = vdupq_n_f32(p->f_tlo);
    c->f_thi = vdupq_n_f32(p->f_thi);
    c->d_lo = vdupq_n_f64(p->d_lo);
    c->d_scale = vdupq_n_f64(p->d_scale);
    c->d_hi = vdupq_n_f64(p->d_hi);
    c->d_mean = vdupq_n_f64(p->d_mean);
    c->d_std = vdupq_n_f64(p->d_std);
    c->d_tlo = vdupq_n_f64(p->d_tlo);
    c->d_thi = vdupq_n_f64(p->d_thi);
    c->clamp = p->clamp;
    c->f_nlo = vdupq_n_f32(p->f_nlo);
    c->f_nhi = vdupq_n_f32(p->f_nhi);
    c->narrow = p->dtype == SIMDINIT_BF16 || p->dtype == SIMDINIT_F16;
#define SI_KC_TN(f)                           \
    c->f_t##f = vdupq_n_f32(p->f_t##f);       \
    c->d_t##f = vdupq_n_f64(p->d_t##f);
    SI_KC_TN(p) SI_KC_TN(q) SI_KC_TN(b) SI_KC_TN(h) SI_KC_TN(o) SI_KC_TN(g)
#undef SI_KC_TN
}

/* ---- group generators (docs/STREAM.md §3 element order) --------------------------- */

enum { GEN_UNIFORM = 0, GEN_NORMAL = 1 };

/* Uniform f32, 1 step: element 2l + h = upper 24 bits of 32-bit half h of lane
 * l. Little-endian, lanes 2j, 2j+1 as four u32 are exactly elements 4j..4j+3. */
SI_INLINE void gen_uniform_f32(nlanes *S, const kconst *c, float32x4_t v[4])
{
    uint64x2_t x[4];
    lanes_step(S, x);
    SI_UNROLL
    for (int j = 0; j < 4; j++) {
        uint32x4_t k = vshrq_n_u32(vreinterpretq_u32_u64(x[j]), 8);
        float32x4_t u = si_uniform_f32_neon(k, c->f_lo, c->f_scale);
        if (c->clamp)   /* p->clamp && u > hi ? hi : u */
            u = vbslq_f32(vcgtq_f32(u, c->f_hi), c->f_hi, u);
        if (c->narrow) {  /* u < nlo ? nlo : u > nhi ? nhi : u */
            u = vbslq_f32(vcltq_f32(u, c->f_nlo), c->f_nlo, u);
            u = vbslq_f32(vcgtq_f32(u, c->f_nhi), c->f_nhi, u);
        }
        v[j] = u;
    }
}

/* Uniform f64, 2 steps: element j = step j / 8, lane j % 8, upper 53 bits. */
SI_INLINE void gen_uniform_f64(nlanes *S, const kconst *c, float64x2_t v[8])
{
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x[4];
        lanes_step(S, x);
        SI_UNROLL
        for (int j = 0; j < 4; j++) {
            float64x2_t u = si_uniform_f64_neon(vshrq_n_u64(x[j], 11), c->d_lo, c->d_scale);
            if (c->clamp)
                u = vbslq_f64(vcgtq_f64(u, c->d_hi), c->d_hi, u);
            v[4 * h + j] = u;
        }
    }
}

/* Standard normals f32, 1 step: element l = z0 (cos) of lane l, 8 + l = z1 (sin);
 * hi/lo = upper/lower 32 bits of the lane's output. */
SI_INLINE void gen_std_normal_f32(nlanes *S, float32x4_t z[4])
{
    uint64x2_t x[4];
    lanes_step(S, x);
    SI_UNROLL
    for (int q = 0; q < 2; q++) {   /* lanes 4q .. 4q+3 */
        uint32x4_t a = vreinterpretq_u32_u64(x[2 * q]), b = vreinterpretq_u32_u64(x[2 * q + 1]);
        uint32x4_t lo = vuzp1q_u32(a, b), hi = vuzp2q_u32(a, b);
        si_box_muller_f32_neon(hi, lo, &z[q], &z[2 + q]);
    }
}

/* Standard normals f64, 2 steps: element l = z0 of lane l, 8 + l = z1. */
SI_INLINE void gen_std_normal_f64(nlanes *S, float64x2_t z[8])
{
    uint64x2_t x1[4], x2[4];
    lanes_step(S, x1);
    lanes_step(S, x2);
    SI_UNROLL
    for (int j = 0; j < 4; j++)
        si_box_muller_f64_neon(x1[j], x2[j], &z[j], &z[4 + j]);
}

SI_INLINE void gen_normal_f32(nlanes *S, const kconst *c, float32x4_t v[4])
{
    gen_std_normal_f32(S, v);
    SI_UNROLL
    for (int i = 0; i < 4; i++)
        v[i] = si_affine_f32_neon(v[i], c->f_mean, c->f_std);
}

SI_INLINE void gen_normal_f64(nlanes *S, const kconst *c, float64x2_t v[8])
{
    gen_std_normal_f64(S, v);
    SI_UNROLL
    for (int i = 0; i < 8; i++)
        v[i] = si_affine_f64_neon(v[i], c->d_mean, c->d_std);
}

/* ---- storing a group of 16 ---------------------------------------------------------- */

SI_INLINE size_t elem_size(simdinit_dtype dt)
{
    return dt == SIMDINIT_F64 ? 8 : dt == SIMDINIT_F32 ? 4 : 2;
}

/* 16 float32 values to dtype (F32, BF16 or F16), 64 or 32 bytes at o. */
SI_INLINE void store16_f32fam(unsigned char *o, const float32x4_t v[4], simdinit_dtype dt)
{
    if (dt == SIMDINIT_F32) {
        SI_UNROLL
        for (int i = 0; i < 4; i++)
            vst1q_u8(o + 16 * i, vreinterpretq_u8_f32(v[i]));
    } else if (dt == SIMDINIT_BF16) {
        /* The integer nearest-even rounding of simd_math.h (values are finite). */
        SI_UNROLL
        for (int i = 0; i < 2; i++) {
            uint16x8_t h = vmovn_high_u32(vmovn_u32(si_to_bf16_bits_neon(v[2 * i])),
                                          si_to_bf16_bits_neon(v[2 * i + 1]));
            vst1q_u8(o + 16 * i, vreinterpretq_u8_u16(h));
        }
    } else {
        /* FCVTN: nearest-even with subnormals under the default FPCR, the same
         * bits as the scalar si_f32_to_f16. */
        SI_UNROLL
        for (int i = 0; i < 2; i++) {
            float16x8_t h = vcvt_high_f16_f32(vcvt_f16_f32(v[2 * i]), v[2 * i + 1]);
            vst1q_u8(o + 16 * i, vreinterpretq_u8_f16(h));
        }
    }
}

SI_INLINE void store16_f64(unsigned char *o, const float64x2_t v[8])
{
    SI_UNROLL
    for (int i = 0; i < 8; i++)
        vst1q_u8(o + 16 * i, vreinterpretq_u8_f64(v[i]));
}

/* ---- group walk (UNIFORM, NORMAL) ----------------------------------------------------- */

/*
 * Block-local elements [start, start + count) to out[0 .. count-1]: skip the
 * groups before start, store whole groups straight to out, and go through a
 * small buffer only for the partial first and last groups. `gen` and `dt` are
 * constants after inlining, so each kernel below is one straight loop.
 */
SI_INLINE void walk_f32fam(void *out, si_lanes *st, uint32_t start, uint32_t count,
                           const si_params *p, int gen, simdinit_dtype dt)
{
    const uint32_t G = 1;   /* SI_G_UNIFORM_F32, SI_G_NORMAL_F32 */
    const size_t es = elem_size(dt);
    if (count == 0)
        return;
    nlanes S;
    kconst c;
    lanes_load(&S, st);
    kconst_init(&c, p);
    uint32_t end = start + count, e0 = start / SI_GROUP * SI_GROUP;
    lanes_skip(&S, e0 / SI_GROUP * G);
    unsigned char *o = out;
    float32x4_t v[4];
    unsigned char tmp[64];
#define GEN32()                                                     \
    do {                                                            \
        if (gen == GEN_UNIFORM) gen_uniform_f32(&S, &c, v);         \
        else gen_normal_f32(&S, &c, v);                             \
    } while (0)
    if (start > e0 || end - e0 < SI_GROUP) {
        uint32_t lo = start - e0, hi = end - e0 < SI_GROUP ? end - e0 : SI_GROUP;
        GEN32();
        store16_f32fam(tmp, v, dt);
        memcpy(o, tmp + lo * es, (hi - lo) * es);
        o += (hi - lo) * es;
        e0 += SI_GROUP;
    }
    while (end >= e0 + SI_GROUP) {
        GEN32();
        store16_f32fam(o, v, dt);
        o += SI_GROUP * es;
        e0 += SI_GROUP;
    }
    if (e0 < end) {
        GEN32();
        store16_f32fam(tmp, v, dt);
        memcpy(o, tmp, (end - e0) * es);
    }
#undef GEN32
}

SI_INLINE void walk_f64(void *out, si_lanes *st, uint32_t start, uint32_t count,
                        const si_params *p, int gen)
{
    const uint32_t G = 2;   /* SI_G_UNIFORM_F64, SI_G_NORMAL_F64 */
    if (count == 0)
        return;
    nlanes S;
    kconst c;
    lanes_load(&S, st);
    kconst_init(&c, p);
    uint32_t end = start + count, e0 = start / SI_GROUP * SI_GROUP;
    lanes_skip(&S, e0 / SI_GROUP * G);
    unsigned char *o = out;
    float64x2_t v[8];
    unsigned char tmp[128];
#define GEN64()                                                     \
    do {                                                            \
        if (gen == GEN_UNIFORM) gen_uniform_f64(&S, &c, v);         \
        else gen_normal_f64(&S, &c, v);                             \
    } while (0)
    if (start > e0 || end - e0 < SI_GROUP) {
        uint32_t lo = start - e0, hi = end - e0 < SI_GROUP ? end - e0 : SI_GROUP;
        GEN64();
        store16_f64(tmp, v);
        memcpy(o, tmp + lo * 8u, (hi - lo) * 8u);
        o += (hi - lo) * 8u;
        e0 += SI_GROUP;
    }
    while (end >= e0 + SI_GROUP) {
        GEN64();
        store16_f64(o, v);
        o += SI_GROUP * 8u;
        e0 += SI_GROUP;
    }
    if (e0 < end) {
        GEN64();
        store16_f64(tmp, v);
        memcpy(o, tmp, (end - e0) * 8u);
    }
#undef GEN64
}

/* ---- truncated normal, reject mode ---------------------------------------------------- */

/* Left-packing shuffles (TBL byte indices) for a 4-bit mask of 32-bit lanes
 * and a 2-bit mask of 64-bit lanes; 255 selects 0 (the slot is overwritten
 * by the next pack or ignored). */
static const uint8_t k_pack32[16][16] = {
    {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255},
    {8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255},
    {12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255},
    {8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
};
static const uint8_t k_pack64[4][16] = {
    {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255},
    {8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
};
static const uint8_t k_popcount4[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

/* Accepted iff tlo <= w <= thi (false for NaN), as the scalar reference. */
SI_INLINE unsigned accept_bits_f32(float32x4_t w, const kconst *c)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    uint32x4_t m = vandq_u32(vcgeq_f32(w, c->f_tlo), vcleq_f32(w, c->f_thi));
    return vaddvq_u32(vandq_u32(m, vld1q_u32(bit)));
}

SI_INLINE unsigned accept_bits_f64(float64x2_t w, const kconst *c)
{
    static const uint64_t bit[2] = {1, 2};
    uint64x2_t m = vandq_u64(vcgeq_f64(w, c->d_tlo), vcleq_f64(w, c->d_thi));
    return (unsigned)vaddvq_u64(vandq_u64(m, vld1q_u64(bit)));
}

/* Accepted iff the proposal's mask is set. */
SI_INLINE unsigned mask_bits_f32(uint32x4_t m)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(m, vld1q_u32(bit)));
}

SI_INLINE unsigned mask_bits_f64(uint64x2_t m)
{
    static const uint64_t bit[2] = {1, 2};
    return (unsigned)vaddvq_u64(vandq_u64(m, vld1q_u64(bit)));
}

/* 16 candidates of the block (docs/STREAM.md §3.5) and their accept bits.
 * SI_TN_NORMAL: one normal group. The proposals: two steps of 8 candidates,
 * lanes 0-3 then 4-7 of each. */
SI_INLINE void cand16_f32(const int mode, nlanes *S, const kconst *c, float32x4_t w[4],
                          unsigned bits[4])
{
    if (mode == SI_TN_NORMAL) {
        gen_std_normal_f32(S, w);
        SI_UNROLL
        for (int i = 0; i < 4; i++) {
            w[i] = si_affine_f32_neon(w[i], c->f_mean, c->f_std);
            bits[i] = accept_bits_f32(w[i], c);
        }
        return;
    }
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x[4];
        lanes_step(S, x);
        SI_UNROLL
        for (int q = 0; q < 2; q++) {   /* lanes 4q .. 4q+3 */
            uint32x4_t a = vreinterpretq_u32_u64(x[2 * q]), b = vreinterpretq_u32_u64(x[2 * q + 1]);
            uint32x4_t acc;
            w[2 * h + q] = si_tn_cand_f32_neon(mode == SI_TN_EXP, vuzp2q_u32(a, b), vuzp1q_u32(a, b),
                                               c->f_tp, c->f_tq, c->f_tb, c->f_th, c->f_to,
                                               c->f_tg, c->f_tlo, c->f_thi, &acc);
            bits[2 * h + q] = mask_bits_f32(acc);
        }
    }
}

/* SI_TN_NORMAL: one normal group; the proposals: two pairs of steps (x1, x2),
 * 8 candidates each, lanes 2j, 2j+1 in w[4 pair + j]. */
SI_INLINE void cand16_f64(const int mode, nlanes *S, const kconst *c, float64x2_t w[8],
                          unsigned bits[8])
{
    if (mode == SI_TN_NORMAL) {
        gen_std_normal_f64(S, w);
        SI_UNROLL
        for (int i = 0; i < 8; i++) {
            w[i] = si_affine_f64_neon(w[i], c->d_mean, c->d_std);
            bits[i] = accept_bits_f64(w[i], c);
        }
        return;
    }
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x1[4], x2[4];
        lanes_step(S, x1);
        lanes_step(S, x2);
        SI_UNROLL
        for (int j = 0; j < 4; j++) {
            uint64x2_t acc;
            w[4 * h + j] = si_tn_cand_f64_neon(mode == SI_TN_EXP, x1[j], x2[j], c->d_tp, c->d_tq,
                                               c->d_tb, c->d_th, c->d_to, c->d_tg, c->d_tlo,
                                               c->d_thi, &acc);
            bits[4 * h + j] = mask_bits_f64(acc);
        }
    }
}

/*
 * The block's candidates (cand16_*) in order; block element
 * k is the k-th accepted one. Groups whose accepted candidates all lie before
 * `start` are only counted. Otherwise the accepted candidates are packed in
 * order into kept[], converted, and stored at their place: a whole 16-element
 * store when it fits inside out (the slots past the accepted ones are
 * overwritten by the next groups, which continue in order up to `end`), else
 * through a buffer.
 */
SI_INLINE void reject_f32fam(void *out, si_lanes *st, uint32_t start, uint32_t count,
                             const si_params *p, simdinit_dtype dt, const int mode)
{
    const size_t es = elem_size(dt);
    if (count == 0)
        return;
    nlanes S;
    kconst c;
    lanes_load(&S, st);
    kconst_init(&c, p);
    uint32_t end = start + count, k = 0;
    unsigned char *o = out;   /* block element start */
    float kept[SI_GROUP] = {0};
    unsigned char tmp[64];
    while (k < end) {
        float32x4_t w[4];
        unsigned bits[4], n = 0;
        cand16_f32(mode, &S, &c, w, bits);
        SI_UNROLL
        for (int i = 0; i < 4; i++)
            n += k_popcount4[bits[i]];
        if (k + n <= start) {
            k += n;
            continue;
        }
        unsigned nk = 0;
        SI_UNROLL
        for (int i = 0; i < 4; i++) {
            uint8x16_t packed = vqtbl1q_u8(vreinterpretq_u8_f32(w[i]), vld1q_u8(k_pack32[bits[i]]));
            vst1q_u8((unsigned char *)&kept[nk], packed);
            nk += k_popcount4[bits[i]];
        }
        float32x4_t kv[4];
        SI_UNROLL
        for (int i = 0; i < 4; i++)
            kv[i] = vld1q_f32(&kept[4 * i]);
        uint32_t lo = start > k ? start - k : 0;              /* first kept index wanted */
        uint32_t hi = end - k < n ? end - k : n;              /* one past the last */
        if (lo == 0 && (k - start) + SI_GROUP <= count) {
            store16_f32fam(o + (size_t)(k - start) * es, kv, dt);
        } else {
            store16_f32fam(tmp, kv, dt);
            memcpy(o + (size_t)(k + lo - start) * es, tmp + lo * es, (hi - lo) * es);
        }
        k += n;
    }
}

SI_INLINE void reject_f64(void *out, si_lanes *st, uint32_t start, uint32_t count,
                          const si_params *p, const int mode)
{
    if (count == 0)
        return;
    nlanes S;
    kconst c;
    lanes_load(&S, st);
    kconst_init(&c, p);
    uint32_t end = start + count, k = 0;
    unsigned char *o = out;
    double kept[SI_GROUP] = {0};
    unsigned char tmp[128];
    while (k < end) {
        float64x2_t w[8];
        unsigned bits[8], n = 0;
        cand16_f64(mode, &S, &c, w, bits);
        SI_UNROLL
        for (int i = 0; i < 8; i++)
            n += k_popcount4[bits[i]];
        if (k + n <= start) {
            k += n;
            continue;
        }
        unsigned nk = 0;
        SI_UNROLL
        for (int i = 0; i < 8; i++) {
            uint8x16_t packed = vqtbl1q_u8(vreinterpretq_u8_f64(w[i]), vld1q_u8(k_pack64[bits[i]]));
            vst1q_u8((unsigned char *)&kept[nk], packed);
            nk += k_popcount4[bits[i]];
        }
        float64x2_t kv[8];
        SI_UNROLL
        for (int i = 0; i < 8; i++)
            kv[i] = vld1q_f64(&kept[2 * i]);
        uint32_t lo = start > k ? start - k : 0;
        uint32_t hi = end - k < n ? end - k : n;
        if (lo == 0 && (k - start) + SI_GROUP <= count) {
            store16_f64(o + (size_t)(k - start) * 8u, kv);
        } else {
            store16_f64(tmp, kv);
            memcpy(o + (size_t)(k + lo - start) * 8u, tmp + lo * 8u, (hi - lo) * 8u);
        }
        k += n;
    }
}

/* ---- the 12 kernels ---------------------------------------------------------------------- */

#define KERNEL(name, body)                                                                    \
    static void name(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p) \
    {                                                                                         \
        body;                                                                                 \
    }

KERNEL(uniform_f32_neon, walk_f32fam(out, st, start, count, p, GEN_UNIFORM, SIMDINIT_F32))
KERNEL(uniform_bf16_neon, walk_f32fam(out, st, start, count, p, GEN_UNIFORM, SIMDINIT_BF16))
KERNEL(uniform_f16_neon, walk_f32fam(out, st, start, count, p, GEN_UNIFORM, SIMDINIT_F16))
KERNEL(uniform_f64_neon, walk_f64(out, st, start, count, p, GEN_UNIFORM))

KERNEL(normal_f32_neon, walk_f32fam(out, st, start, count, p, GEN_NORMAL, SIMDINIT_F32))
KERNEL(normal_bf16_neon, walk_f32fam(out, st, start, count, p, GEN_NORMAL, SIMDINIT_BF16))
KERNEL(normal_f16_neon, walk_f32fam(out, st, start, count, p, GEN_NORMAL, SIMDINIT_F16))
KERNEL(normal_f64_neon, walk_f64(out, st, start, count, p, GEN_NORMAL))

/* The proposal is a compile-time constant of each reject driver. */
#define TN_MODES(RUN)                                                                         \
    do {                                                                                      \
        if (p->tn_mode == SI_TN_NORMAL) RUN(SI_TN_NORMAL);                                    \
        else if (p->tn_mode == SI_TN_UNIFORM) RUN(SI_TN_UNIFORM);                             \
        else RUN(SI_TN_EXP);                                                                  \
    } while (0)
#define RUN_F32(m) reject_f32fam(out, st, start, count, p, SIMDINIT_F32, m)
#define RUN_BF16(m) reject_f32fam(out, st, start, count, p, SIMDINIT_BF16, m)
#define RUN_F16(m) reject_f32fam(out, st, start, count, p, SIMDINIT_F16, m)
#define RUN_F64(m) reject_f64(out, st, start, count, p, m)
KERNEL(trunc_f32_neon, TN_MODES(RUN_F32))
KERNEL(trunc_bf16_neon, TN_MODES(RUN_BF16))
KERNEL(trunc_f16_neon, TN_MODES(RUN_F16))
KERNEL(trunc_f64_neon, TN_MODES(RUN_F64))

/* ---- constant ------------------------------------------------------------------------------- */

/* n copies of the low `size` bytes of bits: a 16-byte pattern (16 is a
 * multiple of every element size), 64 bytes per iteration, then the tail. */
static void constant_neon(void *out, size_t n, uint64_t bits, size_t size, int nontemporal)
{
    (void)nontemporal;   /* a hint only: plain stores */
    uint8x16_t pat;
    if (size == 8)
        pat = vreinterpretq_u8_u64(vdupq_n_u64(bits));
    else if (size == 4)
        pat = vreinterpretq_u8_u32(vdupq_n_u32((uint32_t)bits));
    else
        pat = vreinterpretq_u8_u16(vdupq_n_u16((uint16_t)bits));
    unsigned char *o = out;
    size_t bytes = n * size, i = 0;
    for (; i + 64 <= bytes; i += 64) {
        vst1q_u8(o + i, pat);
        vst1q_u8(o + i + 16, pat);
        vst1q_u8(o + i + 32, pat);
        vst1q_u8(o + i + 48, pat);
    }
    for (; i + 16 <= bytes; i += 16)
        vst1q_u8(o + i, pat);
    if (i < bytes) {
        unsigned char t[16];
        vst1q_u8(t, pat);
        memcpy(o + i, t, bytes - i);
    }
}

void si_kernels_init_neon(si_kernels *k)
{
    k->backend = SIMDINIT_BACKEND_NEON;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F32] = uniform_f32_neon;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F64] = uniform_f64_neon;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_BF16] = uniform_bf16_neon;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F16] = uniform_f16_neon;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F32] = normal_f32_neon;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F64] = normal_f64_neon;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_BF16] = normal_bf16_neon;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F16] = normal_f16_neon;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F32] = trunc_f32_neon;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F64] = trunc_f64_neon;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_BF16] = trunc_bf16_neon;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F16] = trunc_f16_neon;
    k->constant = constant_neon;
}
