/*
 * The avx512 backend (AVX-512F/VL/DQ): the lane state, the group generators
 * and the reject-mode left-pack on 512-bit registers; the drivers around them
 * are src/fill_template.h, instantiated at the end of this file, which stores
 * 32-byte units (the AVX2 store vocabulary) of the 512-bit results. The value
 * path is src/simd_math.h on __m512 / __m512d (src/avx512/vocab_avx512.h) and,
 * for partial groups, on __m256 (src/avx2/vocab_avx2.h).
 *
 * Why: the 8 xoshiro lanes of a block are exactly one __m512i per state word,
 * and the value path on __m512 does the float32 Box-Muller of two groups (16
 * lanes) or the float64 one of a whole group (8 lanes) in one chain. The
 * 256-bit kernels are bound by the number of operations, not by the
 * arithmetic units; a core that executes 512-bit operations at full width
 * runs the same math on twice the lanes per operation (docs/PERFORMANCE.md).
 *
 * The bits are those of the scalar reference: the same IEEE operations in the
 * same order, the same element order within a group (docs/STREAM.md §3);
 * checked by tests/checkasm. Only this folder is compiled with AVX-512 flags,
 * and src/dispatch.c selects it only after CPUID and XGETBV say the CPU and
 * the OS support AVX-512F, VL and DQ.
 */
#include <immintrin.h>
#include <stdint.h>

#include "internal.h"
#include "vocab_avx512.h"

/* ---- per-fill constants ----------------------------------------------------------- */

/* Broadcast once per kernel call: 512-bit, and the 256-bit ones the partial
 * groups and the bf16/f16 uniform clamp use. */
typedef struct kc_avx512 {
    __m256 f_mean, f_std, f_nlo, f_nhi;
    __m512 z_lo, z_scale, z_hi, z_mean, z_std, z_tlo, z_thi;
    __m512d zd_lo, zd_scale, zd_hi, zd_mean, zd_std, zd_tlo, zd_thi;
    /* the truncated normal's proposal constants (si_params f_tp ..., d_tp ...) */
    __m512 z_tp, z_tq, z_tb, z_th, z_to, z_tg;
    __m512d zd_tp, zd_tq, zd_tb, zd_th, zd_to, zd_tg;
} kc_avx512;

AI void kc_load_avx512(kc_avx512 *c, const si_params *p)
{
    c->f_mean = _mm256_set1_ps(p->f_mean);
    c->f_std = _mm256_set1_ps(p->f_std);
    c->f_nlo = _mm256_set1_ps(p->f_nlo);
    c->f_nhi = _mm256_set1_ps(p->f_nhi);
    c->z_lo = _mm512_set1_ps(p->f_lo);
    c->z_scale = _mm512_set1_ps(p->f_scale);
    c->z_hi = _mm512_set1_ps(p->f_hi);
    c->z_mean = _mm512_set1_ps(p->f_mean);
    c->z_std = _mm512_set1_ps(p->f_std);
    c->z_tlo = _mm512_set1_ps(p->f_tlo);
    c->z_thi = _mm512_set1_ps(p->f_thi);
    c->zd_lo = _mm512_set1_pd(p->d_lo);
    c->zd_scale = _mm512_set1_pd(p->d_scale);
    c->zd_hi = _mm512_set1_pd(p->d_hi);
    c->zd_mean = _mm512_set1_pd(p->d_mean);
    c->zd_std = _mm512_set1_pd(p->d_std);
    c->zd_tlo = _mm512_set1_pd(p->d_tlo);
    c->zd_thi = _mm512_set1_pd(p->d_thi);
#define SI_KC_TN_Z(f) \
    c->z_t##f = _mm512_set1_ps(p->f_t##f); \
    c->zd_t##f = _mm512_set1_pd(p->d_t##f);
    SI_KC_TN_Z(p) SI_KC_TN_Z(q) SI_KC_TN_Z(b) SI_KC_TN_Z(h) SI_KC_TN_Z(o) SI_KC_TN_Z(g)
#undef SI_KC_TN_Z
}

/* ---- xoshiro256+ on 8 lanes: one register per state word ----------------------- */

typedef struct lanes_avx512 {
    __m512i s0, s1, s2, s3;  /* word w of lanes 0..7, lane l in 64-bit element l */
} lanes_avx512;

/* One step of all 8 lanes; returns the outputs x[0..7]. Three-way xors
 * (vpternlogq, truth table 0x96 = a ^ b ^ c) and a real rotate:
 *   s2' = s2 ^ s0 ^ (s1 << 17)   s1' = s1 ^ s2 ^ s0
 *   s0' = s0 ^ s3 ^ s1           s3' = rotl(s3 ^ s1, 45)
 * which is the reference step (docs/STREAM.md §2) with its xors regrouped. */
AI __m512i xo8_avx512(lanes_avx512 *s)
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
 * backend's choice of arrangement; it does not apply). */
AI void lanes_load_avx512(lanes_avx512 *s, const si_lanes *st, int split)
{
    (void)split;
    s->s0 = _mm512_loadu_si512((const void *)&st->s[0][0]);
    s->s1 = _mm512_loadu_si512((const void *)&st->s[1][0]);
    s->s2 = _mm512_loadu_si512((const void *)&st->s[2][0]);
    s->s3 = _mm512_loadu_si512((const void *)&st->s[3][0]);
}

AI void lanes_skip_avx512(lanes_avx512 *s, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++)
        (void)xo8_avx512(s);
}

/* ---- group generators ---------------------------------------------------------- */

AI __m256 lo256_avx512(__m512 v) { return _mm512_castps512_ps256(v); }
AI __m256 hi256_avx512(__m512 v) { return _mm512_extractf32x8_ps(v, 1); }
AI __m256d lo256d_avx512(__m512d v) { return _mm512_castpd512_pd256(v); }
AI __m256d hi256d_avx512(__m512d v) { return _mm512_extractf64x4_pd(v, 1); }

/* The upper (hi) and lower (lo) 32-bit halves of the 8 outputs of step xa
 * (lanes 0-7), then of step xb, in that order. */
AI void halves16_avx512(__m512i xa, __m512i xb, __m512i *hi, __m512i *lo)
{
    const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    *hi = _mm512_permutex2var_epi32(xa, odd, xb);
    *lo = _mm512_permutex2var_epi32(xa, even, xb);
}

/* Box-Muller float32 for 16 lanes: hi/lo = the upper/lower 32-bit halves of
 * the 8 outputs of step xa (lanes 0-7) then of step xb; returns the affine
 * z0 (elements 0-7 of xa's group, then of xb's) and z1 (elements 8-15). */
AI void norm16_f32_avx512(__m512i xa, __m512i xb, const kc_avx512 *c, __m512 *z0, __m512 *z1)
{
    __m512i hi, lo;
    halves16_avx512(xa, xb, &hi, &lo);
    __m512 a, b;
    si_box_muller_f32_avx512(hi, lo, &a, &b);
    *z0 = si_affine_f32_avx512(a, c->z_mean, c->z_std);
    *z1 = si_affine_f32_avx512(b, c->z_mean, c->z_std);
}

/* One group computed in float32: v0 = elements 0-7, v1 = elements 8-15. */
AI void gen_f32_avx512(const int kind, const int clamp, lanes_avx512 *s, const kc_avx512 *c, __m256 *v0, __m256 *v1)
{
    if (kind == SI_K_UNIFORM) {
        /* element 2l + h = upper 24 bits of half h of lane l: the 32-bit
         * words of x in order */
        __m512 v = si_uniform_f32_avx512(_mm512_srli_epi32(xo8_avx512(s), 8), c->z_lo, c->z_scale);
        if (clamp)
            v = _mm512_min_ps(c->z_hi, v);  /* u > hi ? hi : u */
        *v0 = lo256_avx512(v);
        *v1 = hi256_avx512(v);
    } else {
        /* one group: the 8-lane (256-bit) chain of the AVX2 backend */
        __m512i x = xo8_avx512(s);
        __m256i hi = _mm512_cvtepi64_epi32(_mm512_srli_epi64(x, 32));
        __m256i lo = _mm512_cvtepi64_epi32(x);
        __m256 z0, z1;
        si_box_muller_f32_avx2(hi, lo, &z0, &z1);
        *v0 = si_affine_f32_avx2(z0, c->f_mean, c->f_std);
        *v1 = si_affine_f32_avx2(z1, c->f_mean, c->f_std);
    }
}

/* One uniform group of float32 (one 64-byte store) or float64 (two), with
 * ordinary stores to o: the same values as gen_f32_avx512/gen_f64_avx512, without
 * splitting them into 256-bit halves. */
AI void uniform_group_store_avx512(const int dt, const int clamp, lanes_avx512 *s, const kc_avx512 *c, unsigned char *o)
{
    if (dt == SIMDINIT_F32) {
        __m512 v = si_uniform_f32_avx512(_mm512_srli_epi32(xo8_avx512(s), 8), c->z_lo, c->z_scale);
        if (clamp)
            v = _mm512_min_ps(c->z_hi, v);
        _mm512_storeu_ps((void *)o, v);
        return;
    }
    for (int h = 0; h < 2; h++) {
        __m512d v = si_uniform_f64_avx512(_mm512_srli_epi64(xo8_avx512(s), 11), c->zd_lo, c->zd_scale);
        if (clamp)
            v = _mm512_min_pd(c->zd_hi, v);
        _mm512_storeu_pd((void *)(o + 64 * h), v);
    }
}

/* Two consecutive normal groups from a 16-lane result (z0 = elements 0-7 of
 * group 0 then of group 1, z1 = elements 8-15) in the output encoding of dt
 * (float32 family): g[] and h[] as gen_group writes them. Packing whole
 * 16-lane groups to bf16/f16 takes fewer operations than the AVX2 backend's
 * pack_bf16/pack_f16 of 8-lane halves. */
AI void norm2_out_avx512(const int dt, __m512 z0, __m512 z1, __m256i *g, __m256i *h)
{
    if (dt == SIMDINIT_F32) {
        g[0] = _mm256_castps_si256(lo256_avx512(z0));
        g[1] = _mm256_castps_si256(lo256_avx512(z1));
        h[0] = _mm256_castps_si256(hi256_avx512(z0));
        h[1] = _mm256_castps_si256(hi256_avx512(z1));
        return;
    }
    __m512 a = _mm512_shuffle_f32x4(z0, z1, 0x44);  /* group 0, elements 0-15 */
    __m512 b = _mm512_shuffle_f32x4(z0, z1, 0xee);  /* group 1 */
    if (dt == SIMDINIT_BF16) {
        /* vpmovdw keeps the low 16 bits of each lane, where the bits are */
        g[0] = _mm512_cvtepi32_epi16(si_to_bf16_bits_avx512(a));
        h[0] = _mm512_cvtepi32_epi16(si_to_bf16_bits_avx512(b));
    } else {
        g[0] = _mm512_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT);
        h[0] = _mm512_cvtps_ph(b, _MM_FROUND_TO_NEAREST_INT);
    }
}

/* Four groups as two independent 16-lane chains: the out-of-order core
 * overlaps them better than consecutive iterations of one (four chains were
 * slower; docs/PERFORMANCE.md). z[0], z[1] are
 * groups 0 and 1 as norm16_f32_avx512 returns them, z[2], z[3] groups 2 and 3. */
AI void norm32_f32_avx512(lanes_avx512 *s, const kc_avx512 *c, __m512 z[4])
{
    __m512i xa = xo8_avx512(s);
    __m512i xb = xo8_avx512(s);
    __m512i xc = xo8_avx512(s);
    __m512i xd = xo8_avx512(s);
    norm16_f32_avx512(xa, xb, c, &z[0], &z[1]);
    norm16_f32_avx512(xc, xd, c, &z[2], &z[3]);
}

AI void norm_groups4_avx512(const int dt, lanes_avx512 *s, const kc_avx512 *c, __m256i g[][4])
{
    __m512 z[4];
    norm32_f32_avx512(s, c, z);
    norm2_out_avx512(dt, z[0], z[1], g[0], g[1]);
    norm2_out_avx512(dt, z[2], z[3], g[2], g[3]);
}

/* Normal float64: two groups as two independent 8-lane chains (faster than
 * one group at a time; docs/PERFORMANCE.md): z[0], z[1] = elements 0-7 and 8-15 of
 * the first group (affine applied), z[2], z[3] those of the second. */
AI void norm16_f64_avx512(lanes_avx512 *s, const kc_avx512 *c, __m512d z[4])
{
    __m512i x1 = xo8_avx512(s);
    __m512i x2 = xo8_avx512(s);
    __m512i y1 = xo8_avx512(s);
    __m512i y2 = xo8_avx512(s);
    si_box_muller_f64_avx512(x1, x2, &z[0], &z[1]);
    si_box_muller_f64_avx512(y1, y2, &z[2], &z[3]);
    for (int k = 0; k < 4; k++)
        z[k] = si_affine_f64_avx512(z[k], c->zd_mean, c->zd_std);
}

/* The same two groups in output order: g[k][0..3] = elements 0-3, 4-7, 8-11,
 * 12-15 of group k. */
AI void norm_groups2_f64_avx512(lanes_avx512 *s, const kc_avx512 *c, __m256i g[][4])
{
    __m512d z[4];
    norm16_f64_avx512(s, c, z);
    for (int k = 0; k < 4; k++) {
        g[k / 2][2 * (k % 2)] = _mm256_castpd_si256(lo256d_avx512(z[k]));
        g[k / 2][2 * (k % 2) + 1] = _mm256_castpd_si256(hi256d_avx512(z[k]));
    }
}

/* One group computed in float64: v[0..3] = elements 0-3, 4-7, 8-11, 12-15. */
AI void gen_f64_avx512(const int kind, const int clamp, lanes_avx512 *s, const kc_avx512 *c, __m256d v[4])
{
    __m512d a, b;
    if (kind == SI_K_UNIFORM) {
        /* element 8h + l = lane l of step h */
        a = si_uniform_f64_avx512(_mm512_srli_epi64(xo8_avx512(s), 11), c->zd_lo, c->zd_scale);
        b = si_uniform_f64_avx512(_mm512_srli_epi64(xo8_avx512(s), 11), c->zd_lo, c->zd_scale);
        if (clamp) {
            a = _mm512_min_pd(c->zd_hi, a);
            b = _mm512_min_pd(c->zd_hi, b);
        }
    } else {
        /* element l = z0 of lane l, 8 + l = z1 of lane l */
        __m512i x1 = xo8_avx512(s);
        __m512i x2 = xo8_avx512(s);
        si_box_muller_f64_avx512(x1, x2, &a, &b);
        a = si_affine_f64_avx512(a, c->zd_mean, c->zd_std);
        b = si_affine_f64_avx512(b, c->zd_mean, c->zd_std);
    }
    v[0] = lo256d_avx512(a);
    v[1] = hi256d_avx512(a);
    v[2] = lo256d_avx512(b);
    v[3] = hi256d_avx512(b);
}

/* ---- truncated normal, reject mode: left-packing with vcompressps/pd --------------- */

/* The lanes of v with tlo <= v <= thi (as the AVX2 backend's accept_ps_avx2/pd_avx2). */
AI __mmask16 accept16_avx512(__m512 v, const kc_avx512 *c)
{
    return _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(v, c->z_tlo, _CMP_GE_OQ), v, c->z_thi, _CMP_LE_OQ);
}

AI __mmask8 accept8d_avx512(__m512d v, const kc_avx512 *c)
{
    return _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(v, c->zd_tlo, _CMP_GE_OQ), v, c->zd_thi, _CMP_LE_OQ);
}

/* Bits set in a 16-bit mask, in registers (SWAR): a table lookup here is a
 * load per group, and the dispatcher does not require POPCNT. */
AI unsigned popcnt16_avx512(unsigned m)
{
    m = m - ((m >> 1) & 0x5555u);
    m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
    m = (m + (m >> 4)) & 0x0f0fu;
    return (m + (m >> 8)) & 0x1fu;
}

/* Left-pack the accepted lanes of one group (16 candidates) to dst; returns
 * how many were kept. Writes dst[0 .. 16). */
AI unsigned rej_pack16_avx512(__m512 g, const kc_avx512 *c, float *dst)
{
    unsigned m = accept16_avx512(g, c);
    _mm512_storeu_ps(dst, _mm512_maskz_compress_ps((__mmask16)m, g));
    return popcnt16_avx512(m);
}

/* Four groups (64 candidates, two 16-lane chains), left-packed to dst in
 * candidate order; returns how many were kept. Writes dst[0 .. 64). */
AI unsigned rej_batch_f32_avx512(const int mode, lanes_avx512 *s, const kc_avx512 *c, float *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* the proposals: four pairs of steps, 16 candidates each */
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m512i xa = xo8_avx512(s);
            __m512i xb = xo8_avx512(s);
            __m512i hi, lo, acc;
            halves16_avx512(xa, xb, &hi, &lo);
            __m512 v = si_tn_cand_f32_avx512(mode == SI_TN_EXP, hi, lo, c->z_tp, c->z_tq, c->z_tb,
                                          c->z_th, c->z_to, c->z_tg, c->z_tlo, c->z_thi, &acc);
            __mmask16 m = _mm512_test_epi32_mask(acc, acc);
            _mm512_storeu_ps(dst + n, _mm512_maskz_compress_ps(m, v));
            n += popcnt16_avx512(m);
        }
        return n;
    }
    __m512 z[4];
    norm32_f32_avx512(s, c, z);
    /* candidate order: group 0 elements 0-15, then group 1's, ... */
    unsigned n = rej_pack16_avx512(_mm512_shuffle_f32x4(z[0], z[1], 0x44), c, dst);
    n += rej_pack16_avx512(_mm512_shuffle_f32x4(z[0], z[1], 0xee), c, dst + n);
    n += rej_pack16_avx512(_mm512_shuffle_f32x4(z[2], z[3], 0x44), c, dst + n);
    return n + rej_pack16_avx512(_mm512_shuffle_f32x4(z[2], z[3], 0xee), c, dst + n);
}

/* Left-pack the accepted lanes of 8 float64 candidates to dst; returns how
 * many were kept. Writes dst[0 .. 8). */
AI unsigned rej_pack8d_avx512(__m512d v, const kc_avx512 *c, double *dst)
{
    unsigned m = accept8d_avx512(v, c);
    _mm512_storeu_pd(dst, _mm512_maskz_compress_pd((__mmask8)m, v));
    return popcnt16_avx512(m);
}

/* Two groups (32 candidates, two 8-lane chains) in float64, left-packed to
 * dst in candidate order; writes dst[0 .. 32). */
AI unsigned rej_batch_f64_avx512(const int mode, lanes_avx512 *s, const kc_avx512 *c, double *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* the proposals: four pairs of steps (x1, x2), 8 candidates each */
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m512i x1 = xo8_avx512(s);
            __m512i x2 = xo8_avx512(s);
            __m512i acc;
            __m512d v = si_tn_cand_f64_avx512(mode == SI_TN_EXP, x1, x2, c->zd_tp, c->zd_tq, c->zd_tb,
                                           c->zd_th, c->zd_to, c->zd_tg, c->zd_tlo, c->zd_thi, &acc);
            __mmask8 m = _mm512_test_epi64_mask(acc, acc);
            _mm512_storeu_pd(dst + n, _mm512_maskz_compress_pd(m, v));
            n += popcnt16_avx512(m);
        }
        return n;
    }
    __m512d z[4];
    norm16_f64_avx512(s, c, z);
    unsigned n = 0;
    for (int k = 0; k < 4; k++)
        n += rej_pack8d_avx512(z[k], c, dst + n);
    return n;
}

/* ---- groups in their output encoding ----------------------------------------------------- */

/* One group: g[0 .. nvec), in memory order. A bf16/f16 uniform keeps its
 * rounding inside [low, high): as the scalar u < nlo ? nlo : u > nhi ? nhi : u
 * (max_ps(a, b) is a > b ? a : b). */
AI void gen_group_avx512(const int kind, const int dt, const int clamp, lanes_avx512 *s, const kc_avx512 *c,
                         __m256i g[4])
{
    if (dt == SIMDINIT_F64) {
        __m256d v[4];
        gen_f64_avx512(kind, clamp, s, c, v);
        for (int i = 0; i < 4; i++)
            g[i] = _mm256_castpd_si256(v[i]);
        return;
    }
    __m256 v0, v1;
    gen_f32_avx512(kind, clamp, s, c, &v0, &v1);
    if (kind == SI_K_UNIFORM && dt != SIMDINIT_F32) {
        v0 = _mm256_min_ps(c->f_nhi, _mm256_max_ps(c->f_nlo, v0));
        v1 = _mm256_min_ps(c->f_nhi, _mm256_max_ps(c->f_nlo, v1));
    }
    si_avx2_put_f32(dt, v0, v1, g);
}

/* nb = SI_FT_BATCH(kind, dt) consecutive groups: four float32-family normal
 * groups (two 16-lane chains), two float64 normal groups (two 8-lane chains),
 * else one. */
AI void gen_groups_avx512(const int kind, const int dt, const int clamp, const int nb, lanes_avx512 *s,
                          const kc_avx512 *c, __m256i g[][4])
{
    if (nb == 4)
        norm_groups4_avx512(dt, s, c, g);
    else if (nb == 2)
        norm_groups2_f64_avx512(s, c, g);
    else
        gen_group_avx512(kind, dt, clamp, s, c, g[0]);
}

AI void encode16_avx512(const int dt, const void *v, __m256i g[4]) { si_avx2_encode16(dt, v, g); }

/* ---- the template (src/fill_template.h) ------------------------------------------------ */

#define SI_FT(x) x##_avx512
#define SI_FT_NORM_BATCH 4
#define SI_FT_NORM_BATCH_D 2
/* a batch: four groups of float32 candidates, two groups of float64 */
#define SI_FT_REJ_BATCH_BYTES 256
/* float32/float64 uniform: each group's 64 or 128 bytes as whole 64-byte
 * stores of the 512-bit results (no 256-bit extracts) */
#define SI_FT_UNI_DIRECT 1

#include "fill_template.h"

void si_kernels_init_avx512(si_kernels *k)
{
    k->backend = SIMDINIT_BACKEND_AVX512;
    fill_table_avx512(k);
}
