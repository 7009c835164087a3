/*
 * The avx512 build's lane state, group generators and reject-mode left-pack:
 * 512-bit registers.
 *
 * Included by src/avx2/kernels_avx2.c only when it is compiled as the avx512
 * backend (SI_AVX512VL_BUILD, src/avx512/kernels_avx512.c), in place of the
 * AVX2 versions of: xs8/xs_load/xs_skip (the 8 lanes), gen_f32, gen_f64,
 * rej_batch_f32 and rej_batch_f64. It adds the batch generators
 * norm_groups4 (float32 family) and norm_groups2_f64, which gen_groups calls
 * in this build instead of gen_group2, and uniform_group_z, which run_groups
 * uses for float32/float64 uniform with ordinary stores. The drivers,
 * staging, store policy and partial groups stay shared and take the 256-bit
 * halves these functions return.
 *
 * Why: the 8 xoshiro lanes of a block are exactly one __m512i per state word,
 * and the value path instantiated on __m512 does the float32 Box-Muller of two
 * groups (16 lanes) or the float64 one of a whole group (8 lanes) in one
 * chain. The 256-bit kernels are bound by the number of operations, not by
 * the arithmetic units; a core that executes 512-bit operations at full width
 * (Zen 5, the development machine) runs the same math on twice the lanes per
 * operation at up to twice the rate (docs/PERFORMANCE.md). One that splits
 * them into two 256-bit halves (Zen 4) still saves front-end and scheduler
 * entries.
 *
 * The bits are those of the scalar reference: the same IEEE operations in the
 * same order (src/simd_math.h), the same element order within a group
 * (docs/STREAM.md §3); checked by tests/checkasm.
 */
#if !defined(SI_AVX512VL_BUILD)
#error "src/avx512/groups_avx512.h belongs to the avx512 build of src/avx2/kernels_avx2.c"
#endif

/* ---- the vocabulary of src/simd_math.h on __m512 / __m512d ----------------- */

#include "simd_math_undef.h"

#define SI_VF __m512
#define SI_VU __m512i
#define SI_VD __m512d
#define SI_VQ __m512i
#define SI_MATH_NAME(x) x##_zmm

#define SI_F_SET(c) _mm512_set1_ps((float)(c))
#define SI_F_ADD(a, b) _mm512_add_ps(a, b)
#define SI_F_SUB(a, b) _mm512_sub_ps(a, b)
#define SI_F_MUL(a, b) _mm512_mul_ps(a, b)
#define SI_F_DIV(a, b) _mm512_div_ps(a, b)
#define SI_F_SQRT(a) _mm512_sqrt_ps(a)
#define SI_F_FROM_BITS(u) _mm512_castsi512_ps(u)
#define SI_F_BITS(f) _mm512_castps_si512(f)
#define SI_F_CVT_I32(u) _mm512_cvtepi32_ps(u)
#define SI_F_CVT_U32(u) _mm512_cvtepu32_ps(u)  /* vcvtudq2ps: one IEEE rounding */
#define SI_F_XOR_BITS(f, u) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(f), u))
/* A "mask" here is any vector whose nonzero lanes are selected: SI_U_NONZERO
 * is the identity and SI_F_SELECT tests the lanes into an opmask. */
#define SI_F_SELECT(m, a, b) _mm512_mask_blend_ps(_mm512_test_epi32_mask(m, m), b, a)
#define SI_U_SET(c) _mm512_set1_epi32((int)(uint32_t)(c))
#define SI_U_ADD(a, b) _mm512_add_epi32(a, b)
#define SI_U_SUB(a, b) _mm512_sub_epi32(a, b)
#define SI_U_AND(a, b) _mm512_and_si512(a, b)
#define SI_U_OR(a, b) _mm512_or_si512(a, b)
#define SI_U_SRL(a, n) _mm512_srli_epi32(a, n)
#define SI_U_SLL(a, n) _mm512_slli_epi32(a, n)
#define SI_U_NONZERO(a) (a)

#define SI_D_SET(c) _mm512_set1_pd((double)(c))
#define SI_D_ADD(a, b) _mm512_add_pd(a, b)
#define SI_D_SUB(a, b) _mm512_sub_pd(a, b)
#define SI_D_MUL(a, b) _mm512_mul_pd(a, b)
#define SI_D_DIV(a, b) _mm512_div_pd(a, b)
#define SI_D_SQRT(a) _mm512_sqrt_pd(a)
#define SI_D_FROM_BITS(u) _mm512_castsi512_pd(u)
#define SI_D_BITS(f) _mm512_castpd_si512(f)
#define SI_D_CVT_Q_SMALL(u) _mm512_cvtepi64_pd(u)  /* vcvtqq2pd: exact for |x| < 2^51 */
#define SI_D_CVT_U53(u) _mm512_cvtepu64_pd(u)      /* vcvtuqq2pd: exact for x <= 2^53 */
#define SI_D_XOR_BITS(f, u) _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(f), u))
#define SI_D_SELECT(m, a, b) _mm512_mask_blend_pd(_mm512_test_epi64_mask(m, m), b, a)
#define SI_Q_SET(c) _mm512_set1_epi64((long long)(uint64_t)(c))
#define SI_Q_ADD(a, b) _mm512_add_epi64(a, b)
#define SI_Q_SUB(a, b) _mm512_sub_epi64(a, b)
#define SI_Q_AND(a, b) _mm512_and_si512(a, b)
#define SI_Q_SRL(a, n) _mm512_srli_epi64(a, n)
#define SI_Q_SLL(a, n) _mm512_slli_epi64(a, n)
#define SI_Q_NONZERO(a) (a)
/* comparison masks as vectors (vpmovm2d/q), which SI_U_AND combines */
#define SI_F_LE(a, b) _mm512_movm_epi32(_mm512_cmp_ps_mask(a, b, _CMP_LE_OQ))
#define SI_F_MIN(a, b) _mm512_min_ps(a, b)   /* a < b ? a : b */
#define SI_F_MAX(a, b) _mm512_max_ps(a, b)   /* a > b ? a : b */
#define SI_D_LE(a, b) _mm512_movm_epi64(_mm512_cmp_pd_mask(a, b, _CMP_LE_OQ))
#define SI_D_MIN(a, b) _mm512_min_pd(a, b)
#define SI_D_MAX(a, b) _mm512_max_pd(a, b)
#define SI_U_ANDNOT(a, b) _mm512_andnot_si512(a, b)
#define SI_U_ANY(m) (_mm512_test_epi32_mask(m, m) != 0)
#define SI_Q_OR(a, b) _mm512_or_si512(a, b)
#define SI_Q_ANDNOT(a, b) _mm512_andnot_si512(a, b)
#define SI_Q_ANY(m) (_mm512_test_epi64_mask(m, m) != 0)

/* issue 14 vocabulary: fma, arithmetic shift, sign-bit selects (the sign
 * bits moved into an opmask), u64 or */
#define SI_F_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SI_D_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define SI_U_SRA(a, n) _mm512_srai_epi32(a, n)
#define SI_F_SELECT_SIGN(m, a, b) _mm512_mask_blend_ps(_mm512_movepi32_mask(m), b, a)
#define SI_D_SELECT_SIGN(m, a, b) _mm512_mask_blend_pd(_mm512_movepi64_mask(m), b, a)

#include "simd_math.h"

/* ---- xoshiro256+ on 8 lanes: one register per state word ----------------------- */

typedef struct xs8 {
    __m512i s0, s1, s2, s3;  /* word w of lanes 0..7, lane l in 64-bit element l */
} xs8;

/* One step of all 8 lanes; returns the outputs x[0..7]. Three-way xors
 * (vpternlogq, truth table 0x96 = a ^ b ^ c) and a real rotate:
 *   s2' = s2 ^ s0 ^ (s1 << 17)   s1' = s1 ^ s2 ^ s0
 *   s0' = s0 ^ s3 ^ s1           s3' = rotl(s3 ^ s1, 45)
 * which is the reference step (docs/STREAM.md §2) with its xors regrouped. */
AI __m512i xo8z(xs8 *s)
{
    __m512i r = _mm512_add_epi64(s->s0, s->s3);
    __m512i t = _mm512_slli_epi64(s->s1, 17);
    __m512i n2 = _mm512_ternarylogic_epi64(s->s2, s->s0, t, 0x96);
    __m512i n1 = _mm512_ternarylogic_epi64(s->s1, s->s2, s->s0, 0x96);
    __m512i n0 = _mm512_ternarylogic_epi64(s->s0, s->s3, s->s1, 0x96);
    s->s3 = _mm512_rol_epi64(_mm512_xor_si512(s->s3, s->s1), 45);
    s->s0 = n0;
    s->s1 = n1;
    s->s2 = n2;
    return r;
}

/* The lane arrangement is the same for every kernel here (split is the AVX2
 * build's choice of arrangement; it does not apply). */
AI void xs_load(xs8 *s, const si_lanes *st, int split)
{
    (void)split;
    s->s0 = _mm512_loadu_si512((const void *)&st->s[0][0]);
    s->s1 = _mm512_loadu_si512((const void *)&st->s[1][0]);
    s->s2 = _mm512_loadu_si512((const void *)&st->s[2][0]);
    s->s3 = _mm512_loadu_si512((const void *)&st->s[3][0]);
}

AI void xs_skip(xs8 *s, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++)
        (void)xo8z(s);
}

/* ---- group generators ---------------------------------------------------------- */

AI __m256 lo256(__m512 v) { return _mm512_castps512_ps256(v); }
AI __m256 hi256(__m512 v) { return _mm512_extractf32x8_ps(v, 1); }
AI __m256d lo256d(__m512d v) { return _mm512_castpd512_pd256(v); }
AI __m256d hi256d(__m512d v) { return _mm512_extractf64x4_pd(v, 1); }

/* The upper (hi) and lower (lo) 32-bit halves of the 8 outputs of step xa
 * (lanes 0-7), then of step xb, in that order. */
AI void halves16(__m512i xa, __m512i xb, __m512i *hi, __m512i *lo)
{
    const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    *hi = _mm512_permutex2var_epi32(xa, odd, xb);
    *lo = _mm512_permutex2var_epi32(xa, even, xb);
}

/* Box-Muller float32 for 16 lanes: hi/lo = the upper/lower 32-bit halves of
 * the 8 outputs of step xa (lanes 0-7) then of step xb; returns the affine
 * z0 (elements 0-7 of xa's group, then of xb's) and z1 (elements 8-15). */
AI void norm16_f32(__m512i xa, __m512i xb, const kc *c, __m512 *z0, __m512 *z1)
{
    __m512i hi, lo;
    halves16(xa, xb, &hi, &lo);
    __m512 a, b;
    si_box_muller_f32_zmm(hi, lo, &a, &b);
    *z0 = si_affine_f32_zmm(a, c->z_mean, c->z_std);
    *z1 = si_affine_f32_zmm(b, c->z_mean, c->z_std);
}

/* One group computed in float32: v0 = elements 0-7, v1 = elements 8-15. */
AI void gen_f32(const int kind, const int clamp, xs8 *s, const kc *c, __m256 *v0, __m256 *v1)
{
    if (kind == K_UNI) {
        /* element 2l + h = upper 24 bits of half h of lane l: the 32-bit
         * words of x in order */
        __m512 v = si_uniform_f32_zmm(_mm512_srli_epi32(xo8z(s), 8), c->z_lo, c->z_scale);
        if (clamp)
            v = _mm512_min_ps(c->z_hi, v);  /* u > hi ? hi : u */
        *v0 = lo256(v);
        *v1 = hi256(v);
    } else {
        /* one group: the 8-lane (256-bit) chain of the AVX2 build */
        __m512i x = xo8z(s);
        __m256i hi = _mm512_cvtepi64_epi32(_mm512_srli_epi64(x, 32));
        __m256i lo = _mm512_cvtepi64_epi32(x);
        __m256 z0, z1;
        si_box_muller_f32_avx2(hi, lo, &z0, &z1);
        *v0 = si_affine_f32_avx2(z0, c->f_mean, c->f_std);
        *v1 = si_affine_f32_avx2(z1, c->f_mean, c->f_std);
    }
}

/* One uniform group of float32 (one 64-byte store) or float64 (two), with
 * ordinary stores to o: the same values as gen_f32/gen_f64, without
 * splitting them into 256-bit halves. */
AI void uniform_group_z(const int dt, const int clamp, xs8 *s, const kc *c, unsigned char *o)
{
    if (dt == SIMDINIT_F32) {
        __m512 v = si_uniform_f32_zmm(_mm512_srli_epi32(xo8z(s), 8), c->z_lo, c->z_scale);
        if (clamp)
            v = _mm512_min_ps(c->z_hi, v);
        _mm512_storeu_ps((void *)o, v);
        return;
    }
    for (int h = 0; h < 2; h++) {
        __m512d v = si_uniform_f64_zmm(_mm512_srli_epi64(xo8z(s), 11), c->zd_lo, c->zd_scale);
        if (clamp)
            v = _mm512_min_pd(c->zd_hi, v);
        _mm512_storeu_pd((void *)(o + 64 * h), v);
    }
}

/* Two consecutive normal groups from a 16-lane result (z0 = elements 0-7 of
 * group 0 then of group 1, z1 = elements 8-15) in the output encoding of dt
 * (float32 family): g[] and h[] as gen_group writes them. Packing whole
 * 16-lane groups to bf16/f16 takes fewer operations than the AVX2 build's
 * pack_bf16/pack_f16 of 8-lane halves. */
AI void norm2_out(const int dt, __m512 z0, __m512 z1, __m256i *g, __m256i *h)
{
    if (dt == SIMDINIT_F32) {
        g[0] = _mm256_castps_si256(lo256(z0));
        g[1] = _mm256_castps_si256(lo256(z1));
        h[0] = _mm256_castps_si256(hi256(z0));
        h[1] = _mm256_castps_si256(hi256(z1));
        return;
    }
    __m512 a = _mm512_shuffle_f32x4(z0, z1, 0x44);  /* group 0, elements 0-15 */
    __m512 b = _mm512_shuffle_f32x4(z0, z1, 0xee);  /* group 1 */
    if (dt == SIMDINIT_BF16) {
        /* vpmovdw keeps the low 16 bits of each lane, where the bits are */
        g[0] = _mm512_cvtepi32_epi16(si_to_bf16_bits_zmm(a));
        h[0] = _mm512_cvtepi32_epi16(si_to_bf16_bits_zmm(b));
    } else {
        g[0] = _mm512_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT);
        h[0] = _mm512_cvtps_ph(b, _MM_FROUND_TO_NEAREST_INT);
    }
}

/* Four groups as two independent 16-lane chains: the out-of-order core
 * overlaps them better than consecutive iterations of one (measured +7-10%
 * over one 16-lane chain in a loop; four chains were slower). z[0], z[1] are
 * groups 0 and 1 as norm16_f32 returns them, z[2], z[3] groups 2 and 3. */
AI void norm32_f32(xs8 *s, const kc *c, __m512 z[4])
{
    __m512i xa = xo8z(s);
    __m512i xb = xo8z(s);
    __m512i xc = xo8z(s);
    __m512i xd = xo8z(s);
    norm16_f32(xa, xb, c, &z[0], &z[1]);
    norm16_f32(xc, xd, c, &z[2], &z[3]);
}

AI void norm_groups4(const int dt, xs8 *s, const kc *c, __m256i g[][4])
{
    __m512 z[4];
    norm32_f32(s, c, z);
    norm2_out(dt, z[0], z[1], g[0], g[1]);
    norm2_out(dt, z[2], z[3], g[2], g[3]);
}

/* Normal float64: two groups as two independent 8-lane chains (measured +6%
 * over one group at a time in a loop): z[0], z[1] = elements 0-7 and 8-15 of
 * the first group (affine applied), z[2], z[3] those of the second. */
AI void norm16_f64(xs8 *s, const kc *c, __m512d z[4])
{
    __m512i x1 = xo8z(s);
    __m512i x2 = xo8z(s);
    __m512i y1 = xo8z(s);
    __m512i y2 = xo8z(s);
    si_box_muller_f64_zmm(x1, x2, &z[0], &z[1]);
    si_box_muller_f64_zmm(y1, y2, &z[2], &z[3]);
    for (int k = 0; k < 4; k++)
        z[k] = si_affine_f64_zmm(z[k], c->zd_mean, c->zd_std);
}

/* The same two groups in output order: g[k][0..3] = elements 0-3, 4-7, 8-11,
 * 12-15 of group k. */
AI void norm_groups2_f64(xs8 *s, const kc *c, __m256i g[][4])
{
    __m512d z[4];
    norm16_f64(s, c, z);
    for (int k = 0; k < 4; k++) {
        g[k / 2][2 * (k % 2)] = _mm256_castpd_si256(lo256d(z[k]));
        g[k / 2][2 * (k % 2) + 1] = _mm256_castpd_si256(hi256d(z[k]));
    }
}

/* One group computed in float64: v[0..3] = elements 0-3, 4-7, 8-11, 12-15. */
AI void gen_f64(const int kind, const int clamp, xs8 *s, const kc *c, __m256d v[4])
{
    __m512d a, b;
    if (kind == K_UNI) {
        /* element 8h + l = lane l of step h */
        a = si_uniform_f64_zmm(_mm512_srli_epi64(xo8z(s), 11), c->zd_lo, c->zd_scale);
        b = si_uniform_f64_zmm(_mm512_srli_epi64(xo8z(s), 11), c->zd_lo, c->zd_scale);
        if (clamp) {
            a = _mm512_min_pd(c->zd_hi, a);
            b = _mm512_min_pd(c->zd_hi, b);
        }
    } else {
        /* element l = z0 of lane l, 8 + l = z1 of lane l */
        __m512i x1 = xo8z(s);
        __m512i x2 = xo8z(s);
        si_box_muller_f64_zmm(x1, x2, &a, &b);
        a = si_affine_f64_zmm(a, c->zd_mean, c->zd_std);
        b = si_affine_f64_zmm(b, c->zd_mean, c->zd_std);
    }
    v[0] = lo256d(a);
    v[1] = hi256d(a);
    v[2] = lo256d(b);
    v[3] = hi256d(b);
}

/* ---- truncated normal, reject mode: left-packing with vcompressps/pd --------------- */

/* The lanes of v with tlo <= v <= thi (as the AVX2 build's accept_ps/pd). */
AI __mmask16 accept16(__m512 v, const kc *c)
{
    return _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(v, c->z_tlo, _CMP_GE_OQ), v, c->z_thi, _CMP_LE_OQ);
}

AI __mmask8 accept8d(__m512d v, const kc *c)
{
    return _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(v, c->zd_tlo, _CMP_GE_OQ), v, c->zd_thi, _CMP_LE_OQ);
}

/* Bits set in a 16-bit mask, in registers (SWAR): a table lookup here is a
 * load per group, and the dispatcher does not require POPCNT. */
AI unsigned popcnt16(unsigned m)
{
    m = m - ((m >> 1) & 0x5555u);
    m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
    m = (m + (m >> 4)) & 0x0f0fu;
    return (m + (m >> 8)) & 0x1fu;
}

/* Left-pack the accepted lanes of one group (16 candidates) to dst; returns
 * how many were kept. Writes dst[0 .. 16). */
AI unsigned rej_pack16(__m512 g, const kc *c, float *dst)
{
    unsigned m = accept16(g, c);
    _mm512_storeu_ps(dst, _mm512_maskz_compress_ps((__mmask16)m, g));
    return popcnt16(m);
}

/* Four groups (64 candidates, two 16-lane chains), left-packed to dst in
 * candidate order; returns how many were kept. Writes dst[0 .. 64). */
AI unsigned rej_batch_f32(const int mode, xs8 *s, const kc *c, float *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* the proposals: four pairs of steps, 16 candidates each */
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m512i xa = xo8z(s);
            __m512i xb = xo8z(s);
            __m512i hi, lo, acc;
            halves16(xa, xb, &hi, &lo);
            __m512 v = si_tn_cand_f32_zmm(mode == SI_TN_EXP, hi, lo, c->z_tp, c->z_tq, c->z_tb,
                                          c->z_th, c->z_to, c->z_tg, c->z_tlo, c->z_thi, &acc);
            __mmask16 m = _mm512_test_epi32_mask(acc, acc);
            _mm512_storeu_ps(dst + n, _mm512_maskz_compress_ps(m, v));
            n += popcnt16(m);
        }
        return n;
    }
    __m512 z[4];
    norm32_f32(s, c, z);
    /* candidate order: group 0 elements 0-15, then group 1's, ... */
    unsigned n = rej_pack16(_mm512_shuffle_f32x4(z[0], z[1], 0x44), c, dst);
    n += rej_pack16(_mm512_shuffle_f32x4(z[0], z[1], 0xee), c, dst + n);
    n += rej_pack16(_mm512_shuffle_f32x4(z[2], z[3], 0x44), c, dst + n);
    return n + rej_pack16(_mm512_shuffle_f32x4(z[2], z[3], 0xee), c, dst + n);
}

/* Left-pack the accepted lanes of 8 float64 candidates to dst; returns how
 * many were kept. Writes dst[0 .. 8). */
AI unsigned rej_pack8d(__m512d v, const kc *c, double *dst)
{
    unsigned m = accept8d(v, c);
    _mm512_storeu_pd(dst, _mm512_maskz_compress_pd((__mmask8)m, v));
    return popcnt16(m);
}

/* Two groups (32 candidates, two 8-lane chains) in float64, left-packed to
 * dst in candidate order; writes dst[0 .. 32). */
AI unsigned rej_batch_f64(const int mode, xs8 *s, const kc *c, double *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* the proposals: four pairs of steps (x1, x2), 8 candidates each */
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m512i x1 = xo8z(s);
            __m512i x2 = xo8z(s);
            __m512i acc;
            __m512d v = si_tn_cand_f64_zmm(mode == SI_TN_EXP, x1, x2, c->zd_tp, c->zd_tq, c->zd_tb,
                                           c->zd_th, c->zd_to, c->zd_tg, c->zd_tlo, c->zd_thi, &acc);
            __mmask8 m = _mm512_test_epi64_mask(acc, acc);
            _mm512_storeu_pd(dst + n, _mm512_maskz_compress_pd(m, v));
            n += popcnt16(m);
        }
        return n;
    }
    __m512d z[4];
    norm16_f64(s, c, z);
    unsigned n = 0;
    for (int k = 0; k < 4; k++)
        n += rej_pack8d(z[k], c, dst + n);
    return n;
}
