/*
 * The NEON backend (AArch64 Advanced SIMD): the lane state, the group
 * generators and the reject-mode left-pack on float32x4_t / float64x2_t; the
 * drivers around them are src/fill_template.h, instantiated at the end of
 * this file, and the value path is src/simd_math.h (src/neon/vocab_neon.h).
 * Every kernel writes the bits of the scalar reference (src/scalar);
 * tests/checkasm checks it under qemu-aarch64 (tests/run_aarch64.sh).
 *
 * Layout: the 8 virtual xoshiro256+ lanes are 4 uint64x2_t per state word
 * (register j holds lanes 2j and 2j+1). A group of 16 elements is kept in
 * four float32x4_t (or eight float64x2_t) in element order, so register i
 * holds elements 4i..4i+3 (2i, 2i+1) and a group is stored as 16-byte units
 * in order. All loads and stores go through uint8 pointers: `out` need not
 * be aligned.
 */
#include <arm_neon.h>
#include <stdint.h>

#include "internal.h"
#include "vocab_neon.h"

/* Small fixed loops are unrolled so the lane state and a group's registers
 * stay in registers instead of stack arrays. */
#define SI_UNROLL _Pragma("GCC unroll 16")

/* ---- lanes ------------------------------------------------------------------------ */

/* The 8 lanes of one block: s[w][j] holds word w of lanes 2j, 2j+1. */
typedef struct lanes_neon {
    uint64x2_t s[4][4];
} lanes_neon;

SI_INLINE void lanes_load_neon(lanes_neon *S, const si_lanes *st, int split)
{
    (void)split;   /* one arrangement for every kernel */
    SI_UNROLL
    for (int w = 0; w < 4; w++)
        SI_UNROLL
        for (int j = 0; j < 4; j++)
            S->s[w][j] = vld1q_u64(&st->s[w][2 * j]);
}

/* One xoshiro256+ step of all 8 lanes; x[j] = outputs of lanes 2j, 2j+1. */
SI_INLINE void lanes_step_neon(lanes_neon *S, uint64x2_t x[4])
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

SI_INLINE void lanes_skip_neon(lanes_neon *S, uint32_t steps)
{
    uint64x2_t x[4];
    for (uint32_t k = 0; k < steps; k++)
        lanes_step_neon(S, x);
}

/* ---- per-fill constants as vectors ------------------------------------------------- */

typedef struct kc_neon {
    float32x4_t f_lo, f_scale, f_hi, f_mean, f_std, f_tlo, f_thi, f_nlo, f_nhi;
    float64x2_t d_lo, d_scale, d_hi, d_mean, d_std, d_tlo, d_thi;
    /* the truncated normal's proposal constants (si_params f_tp ..., d_tp ...) */
    float32x4_t f_tp, f_tq, f_tb, f_th, f_to, f_tg;
    float64x2_t d_tp, d_tq, d_tb, d_th, d_to, d_tg;
} kc_neon;

SI_INLINE void kc_load_neon(kc_neon *c, const si_params *p)
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
    c->f_nlo = vdupq_n_f32(p->f_nlo);
    c->f_nhi = vdupq_n_f32(p->f_nhi);
#define SI_KC_TN(f)                           \
    c->f_t##f = vdupq_n_f32(p->f_t##f);       \
    c->d_t##f = vdupq_n_f64(p->d_t##f);
    SI_KC_TN(p) SI_KC_TN(q) SI_KC_TN(b) SI_KC_TN(h) SI_KC_TN(o) SI_KC_TN(g)
#undef SI_KC_TN
}

/* ---- group generators (docs/STREAM.md §3 element order) --------------------------- */

/* Uniform f32, 1 step: element 2l + h = upper 24 bits of 32-bit half h of lane
 * l. Little-endian, lanes 2j, 2j+1 as four u32 are exactly elements 4j..4j+3.
 * clamp: p->clamp; narrow: a bf16/f16 output (keep the rounding inside [low, high)). */
SI_INLINE void gen_uniform_f32_neon(lanes_neon *S, const kc_neon *c, const int clamp, const int narrow,
                                    float32x4_t v[4])
{
    uint64x2_t x[4];
    lanes_step_neon(S, x);
    SI_UNROLL
    for (int j = 0; j < 4; j++) {
        uint32x4_t k = vshrq_n_u32(vreinterpretq_u32_u64(x[j]), 8);
        float32x4_t u = si_uniform_f32_neon(k, c->f_lo, c->f_scale);
        if (clamp)   /* p->clamp && u > hi ? hi : u */
            u = vbslq_f32(vcgtq_f32(u, c->f_hi), c->f_hi, u);
        if (narrow) {  /* u < nlo ? nlo : u > nhi ? nhi : u */
            u = vbslq_f32(vcltq_f32(u, c->f_nlo), c->f_nlo, u);
            u = vbslq_f32(vcgtq_f32(u, c->f_nhi), c->f_nhi, u);
        }
        v[j] = u;
    }
}

/* Uniform f64, 2 steps: element j = step j / 8, lane j % 8, upper 53 bits. */
SI_INLINE void gen_uniform_f64_neon(lanes_neon *S, const kc_neon *c, const int clamp, float64x2_t v[8])
{
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x[4];
        lanes_step_neon(S, x);
        SI_UNROLL
        for (int j = 0; j < 4; j++) {
            float64x2_t u = si_uniform_f64_neon(vshrq_n_u64(x[j], 11), c->d_lo, c->d_scale);
            if (clamp)
                u = vbslq_f64(vcgtq_f64(u, c->d_hi), c->d_hi, u);
            v[4 * h + j] = u;
        }
    }
}

/* Standard normals f32, 1 step: element l = z0 (cos) of lane l, 8 + l = z1 (sin);
 * hi/lo = upper/lower 32 bits of the lane's output. */
SI_INLINE void gen_std_normal_f32_neon(lanes_neon *S, float32x4_t z[4])
{
    uint64x2_t x[4];
    lanes_step_neon(S, x);
    SI_UNROLL
    for (int q = 0; q < 2; q++) {   /* lanes 4q .. 4q+3 */
        uint32x4_t a = vreinterpretq_u32_u64(x[2 * q]), b = vreinterpretq_u32_u64(x[2 * q + 1]);
        uint32x4_t lo = vuzp1q_u32(a, b), hi = vuzp2q_u32(a, b);
        si_box_muller_f32_neon(hi, lo, &z[q], &z[2 + q]);
    }
}

/* Standard normals f64, 2 steps: element l = z0 of lane l, 8 + l = z1. */
SI_INLINE void gen_std_normal_f64_neon(lanes_neon *S, float64x2_t z[8])
{
    uint64x2_t x1[4], x2[4];
    lanes_step_neon(S, x1);
    lanes_step_neon(S, x2);
    SI_UNROLL
    for (int j = 0; j < 4; j++)
        si_box_muller_f64_neon(x1[j], x2[j], &z[j], &z[4 + j]);
}

SI_INLINE void gen_normal_f32_neon(lanes_neon *S, const kc_neon *c, float32x4_t v[4])
{
    gen_std_normal_f32_neon(S, v);
    SI_UNROLL
    for (int i = 0; i < 4; i++)
        v[i] = si_affine_f32_neon(v[i], c->f_mean, c->f_std);
}

SI_INLINE void gen_normal_f64_neon(lanes_neon *S, const kc_neon *c, float64x2_t v[8])
{
    gen_std_normal_f64_neon(S, v);
    SI_UNROLL
    for (int i = 0; i < 8; i++)
        v[i] = si_affine_f64_neon(v[i], c->d_mean, c->d_std);
}


/* ---- groups in their output encoding ----------------------------------------------------- */

/* 16 float32 values (v[i] = elements 4i..4i+3) in dt's encoding as 16-byte
 * units: float32 4, bfloat16 and binary16 2. */
SI_INLINE void put_f32_neon(const int dt, const float32x4_t v[4], uint8x16_t g[])
{
    if (dt == SIMDINIT_F32) {
        SI_UNROLL
        for (int i = 0; i < 4; i++)
            g[i] = vreinterpretq_u8_f32(v[i]);
    } else if (dt == SIMDINIT_BF16) {
        /* The integer nearest-even rounding of simd_math.h (values are finite). */
        SI_UNROLL
        for (int i = 0; i < 2; i++)
            g[i] = vreinterpretq_u8_u16(vmovn_high_u32(vmovn_u32(si_to_bf16_bits_neon(v[2 * i])),
                                                       si_to_bf16_bits_neon(v[2 * i + 1])));
    } else {
        /* FCVTN: nearest-even with subnormals under the default FPCR, the same
         * bits as the scalar si_f32_to_f16. */
        SI_UNROLL
        for (int i = 0; i < 2; i++)
            g[i] = vreinterpretq_u8_f16(vcvt_high_f16_f32(vcvt_f16_f32(v[2 * i]), v[2 * i + 1]));
    }
}

/* One group: g[0 .. nvec), in memory order. */
SI_INLINE void gen_group_neon(const int kind, const int dt, const int clamp, lanes_neon *S, const kc_neon *c,
                              uint8x16_t g[8])
{
    if (dt == SIMDINIT_F64) {
        float64x2_t v[8];
        if (kind == SI_K_UNIFORM)
            gen_uniform_f64_neon(S, c, clamp, v);
        else
            gen_normal_f64_neon(S, c, v);
        SI_UNROLL
        for (int i = 0; i < 8; i++)
            g[i] = vreinterpretq_u8_f64(v[i]);
        return;
    }
    float32x4_t v[4];
    if (kind == SI_K_UNIFORM)
        gen_uniform_f32_neon(S, c, clamp, dt != SIMDINIT_F32, v);
    else
        gen_normal_f32_neon(S, c, v);
    put_f32_neon(dt, v, g);
}

/* One group at a time (SI_FT_NORM_BATCH 1). */
SI_INLINE void gen_groups_neon(const int kind, const int dt, const int clamp, const int nb, lanes_neon *S,
                               const kc_neon *c, uint8x16_t g[][8])
{
    (void)nb;
    gen_group_neon(kind, dt, clamp, S, c, g[0]);
}

/* Not called (SI_FT_UNI_DIRECT is 0). */
SI_INLINE void uniform_group_store_neon(const int dt, const int clamp, lanes_neon *S, const kc_neon *c,
                                        unsigned char *o)
{
    uint8x16_t g[8];
    gen_group_neon(SI_K_UNIFORM, dt, clamp, S, c, g);
    for (int i = 0; i < (dt == SIMDINIT_F64 ? 8 : 4); i++)
        vst1q_u8(o + 16 * i, g[i]);
}

/* 16 staged values (double for SIMDINIT_F64, else float) in dt's encoding. */
SI_INLINE void encode16_neon(const int dt, const void *v, uint8x16_t g[8])
{
    const uint8_t *b = (const uint8_t *)v;
    if (dt == SIMDINIT_F64) {
        SI_UNROLL
        for (int i = 0; i < 8; i++)
            g[i] = vld1q_u8(b + 16 * i);
        return;
    }
    float32x4_t f[4];
    SI_UNROLL
    for (int i = 0; i < 4; i++)
        f[i] = vreinterpretq_f32_u8(vld1q_u8(b + 16 * i));
    put_f32_neon(dt, f, g);
}

/* ---- truncated normal, reject mode ---------------------------------------------------- */

/* Left-packing shuffles (TBL byte indices) for a 4-bit mask of 32-bit lanes
 * (k_pack32_neon) and a 2-bit mask of 64-bit lanes (k_pack64_neon): the bytes
 * of the selected lanes in lane order, then 255, which selects 0 (the slot is
 * overwritten by the next pack or ignored); k_popcount4_neon[m] = bits set in
 * m. Computed once by init_pack_tables_neon (from si_kernels_init_neon, under
 * src/dispatch.c's one-time initialization). */
static uint8_t k_pack32_neon[16][16];
static uint8_t k_pack64_neon[4][16];
static uint8_t k_popcount4_neon[16];

/* tab[m] for every mask m of n lanes of lb bytes in a 16-byte vector. */
static void pack_table_neon(uint8_t (*tab)[16], unsigned n, unsigned lb)
{
    for (unsigned m = 0; m < (1u << n); m++) {
        unsigned k = 0;
        memset(tab[m], 255, 16);
        for (unsigned i = 0; i < n; i++)
            if (m >> i & 1) {
                for (unsigned b = 0; b < lb; b++)
                    tab[m][lb * k + b] = (uint8_t)(lb * i + b);
                k++;
            }
    }
}

static void init_pack_tables_neon(void)
{
    pack_table_neon(k_pack32_neon, 4, 4);
    pack_table_neon(k_pack64_neon, 2, 8);
    for (unsigned m = 0; m < 16; m++)
        k_popcount4_neon[m] = (uint8_t)((m & 1) + (m >> 1 & 1) + (m >> 2 & 1) + (m >> 3 & 1));
}

/* Accepted iff tlo <= w <= thi (false for NaN), as the scalar reference. */
SI_INLINE unsigned accept_bits_f32_neon(float32x4_t w, const kc_neon *c)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    uint32x4_t m = vandq_u32(vcgeq_f32(w, c->f_tlo), vcleq_f32(w, c->f_thi));
    return vaddvq_u32(vandq_u32(m, vld1q_u32(bit)));
}

SI_INLINE unsigned accept_bits_f64_neon(float64x2_t w, const kc_neon *c)
{
    static const uint64_t bit[2] = {1, 2};
    uint64x2_t m = vandq_u64(vcgeq_f64(w, c->d_tlo), vcleq_f64(w, c->d_thi));
    return (unsigned)vaddvq_u64(vandq_u64(m, vld1q_u64(bit)));
}

/* Accepted iff the proposal's mask is set. */
SI_INLINE unsigned mask_bits_f32_neon(uint32x4_t m)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(m, vld1q_u32(bit)));
}

SI_INLINE unsigned mask_bits_f64_neon(uint64x2_t m)
{
    static const uint64_t bit[2] = {1, 2};
    return (unsigned)vaddvq_u64(vandq_u64(m, vld1q_u64(bit)));
}

/* 16 candidates of the block (docs/STREAM.md §3.5) and their accept bits.
 * SI_TN_NORMAL: one normal group. The proposals: two steps of 8 candidates,
 * lanes 0-3 then 4-7 of each. */
SI_INLINE void cand16_f32_neon(const int mode, lanes_neon *S, const kc_neon *c, float32x4_t w[4],
                          unsigned bits[4])
{
    if (mode == SI_TN_NORMAL) {
        gen_std_normal_f32_neon(S, w);
        SI_UNROLL
        for (int i = 0; i < 4; i++) {
            w[i] = si_affine_f32_neon(w[i], c->f_mean, c->f_std);
            bits[i] = accept_bits_f32_neon(w[i], c);
        }
        return;
    }
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x[4];
        lanes_step_neon(S, x);
        SI_UNROLL
        for (int q = 0; q < 2; q++) {   /* lanes 4q .. 4q+3 */
            uint32x4_t a = vreinterpretq_u32_u64(x[2 * q]), b = vreinterpretq_u32_u64(x[2 * q + 1]);
            uint32x4_t acc;
            w[2 * h + q] = si_tn_cand_f32_neon(mode == SI_TN_EXP, vuzp2q_u32(a, b), vuzp1q_u32(a, b),
                                               c->f_tp, c->f_tq, c->f_tb, c->f_th, c->f_to,
                                               c->f_tg, c->f_tlo, c->f_thi, &acc);
            bits[2 * h + q] = mask_bits_f32_neon(acc);
        }
    }
}

/* SI_TN_NORMAL: one normal group; the proposals: two pairs of steps (x1, x2),
 * 8 candidates each, lanes 2j, 2j+1 in w[4 pair + j]. */
SI_INLINE void cand16_f64_neon(const int mode, lanes_neon *S, const kc_neon *c, float64x2_t w[8],
                          unsigned bits[8])
{
    if (mode == SI_TN_NORMAL) {
        gen_std_normal_f64_neon(S, w);
        SI_UNROLL
        for (int i = 0; i < 8; i++) {
            w[i] = si_affine_f64_neon(w[i], c->d_mean, c->d_std);
            bits[i] = accept_bits_f64_neon(w[i], c);
        }
        return;
    }
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        uint64x2_t x1[4], x2[4];
        lanes_step_neon(S, x1);
        lanes_step_neon(S, x2);
        SI_UNROLL
        for (int j = 0; j < 4; j++) {
            uint64x2_t acc;
            w[4 * h + j] = si_tn_cand_f64_neon(mode == SI_TN_EXP, x1[j], x2[j], c->d_tp, c->d_tq,
                                               c->d_tb, c->d_th, c->d_to, c->d_tg, c->d_tlo,
                                               c->d_thi, &acc);
            bits[4 * h + j] = mask_bits_f64_neon(acc);
        }
    }
}

/* Left-pack 16 candidates (w: 4 vectors of float32 or 8 of float64, with
 * their accept bits) to dst in candidate order; returns how many were kept.
 * Writes bytes dst[0 .. 64) or dst[0 .. 128). */
SI_INLINE unsigned rej_pack_neon(const int f64, const uint8x16_t *w, const unsigned *bits, unsigned char *dst)
{
    const size_t es = f64 ? 8 : 4;
    const int nw = f64 ? 8 : 4;
    unsigned nk = 0;
    SI_UNROLL
    for (int i = 0; i < nw; i++) {
        const uint8_t *idx = f64 ? k_pack64_neon[bits[i]] : k_pack32_neon[bits[i]];
        vst1q_u8(dst + nk * es, vqtbl1q_u8(w[i], vld1q_u8(idx)));
        nk += k_popcount4_neon[bits[i]];
    }
    return nk;
}

/* 32 candidates (two cand16_f32_neon), the accepted ones left-packed to dst
 * in candidate order; returns how many. Writes dst[0 .. 32). */
SI_INLINE unsigned rej_batch_f32_neon(const int mode, lanes_neon *S, const kc_neon *c, float *dst)
{
    unsigned n = 0;
    SI_UNROLL
    for (int h = 0; h < 2; h++) {
        float32x4_t w[4];
        uint8x16_t u[4];
        unsigned bits[4];
        cand16_f32_neon(mode, S, c, w, bits);
        SI_UNROLL
        for (int i = 0; i < 4; i++)
            u[i] = vreinterpretq_u8_f32(w[i]);
        n += rej_pack_neon(0, u, bits, (unsigned char *)(dst + n));
    }
    return n;
}

/* 16 candidates (one cand16_f64_neon) in float64; writes dst[0 .. 16). */
SI_INLINE unsigned rej_batch_f64_neon(const int mode, lanes_neon *S, const kc_neon *c, double *dst)
{
    float64x2_t w[8];
    uint8x16_t u[8];
    unsigned bits[8];
    cand16_f64_neon(mode, S, c, w, bits);
    SI_UNROLL
    for (int i = 0; i < 8; i++)
        u[i] = vreinterpretq_u8_f64(w[i]);
    return rej_pack_neon(1, u, bits, (unsigned char *)dst);
}

/* ---- the template (src/fill_template.h) ------------------------------------------------ */

#define SI_FT(x) x##_neon
#define SI_FT_NORM_BATCH 1
#define SI_FT_NORM_BATCH_D 1
/* a batch: 32 float32 candidates, 16 float64 */
#define SI_FT_REJ_BATCH_BYTES 128
#define SI_FT_UNI_DIRECT 0

#include "fill_template.h"

void si_kernels_init_neon(si_kernels *k)
{
    init_pack_tables_neon();
    k->backend = SIMDINIT_BACKEND_NEON;
    fill_table_neon(k);
}
