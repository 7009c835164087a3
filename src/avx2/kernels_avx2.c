/*
 * The AVX2 backend (x86-64 with AVX2 + FMA + F16C): the lane state, the group
 * generators and the reject-mode left-pack on __m256 / __m256d; the drivers
 * around them are src/fill_template.h, instantiated at the end of this file,
 * and the value path is src/simd_math.h (src/avx2/vocab_avx2.h). Every kernel
 * writes exactly the bits of the scalar reference (src/scalar/kernels_scalar.c):
 * same IEEE operations in the same order, no FMA, the same element order
 * within a group; tests/checkasm checks it.
 *
 * Layout of the 8 virtual xoshiro256+ lanes: two __m256i per state word
 * ("a" and "b" halves, 4 x 64-bit lanes each), kept in registers for a whole
 * block. Most kernels hold lanes 0-3 in "a" and 4-7 in "b"; the float32
 * Box-Muller kernels hold lanes {0,1,4,5} in "a" and {2,3,6,7} in "b", so one
 * _mm256_shuffle_ps of the two output registers yields the 32-bit halves of
 * lanes 0..7 in order. Lanes are independent, so the arrangement is free.
 */
#include <immintrin.h>
#include <stdint.h>

#include "internal.h"
#include "vocab_avx2.h"

/* ---- xoshiro256+ on 2 x 4 lanes -------------------------------------------- */

typedef struct lanes_avx2 {
    __m256i a0, a1, a2, a3;  /* word w of the "a" lanes */
    __m256i b0, b1, b2, b3;
} lanes_avx2;

AI __m256i xo4_avx2(__m256i *s0, __m256i *s1, __m256i *s2, __m256i *s3)
{
    __m256i r = _mm256_add_epi64(*s0, *s3);
    __m256i t = _mm256_slli_epi64(*s1, 17);
    *s2 = _mm256_xor_si256(*s2, *s0);
    *s3 = _mm256_xor_si256(*s3, *s1);
    *s1 = _mm256_xor_si256(*s1, *s2);
    *s0 = _mm256_xor_si256(*s0, *s3);
    *s2 = _mm256_xor_si256(*s2, t);
    *s3 = _mm256_or_si256(_mm256_slli_epi64(*s3, 45), _mm256_srli_epi64(*s3, 19));
    return r;
}

/* One step of all 8 lanes: ra = outputs of the "a" lanes, rb of the "b" lanes. */
AI void xo8_avx2(lanes_avx2 *s, __m256i *ra, __m256i *rb)
{
    *ra = xo4_avx2(&s->a0, &s->a1, &s->a2, &s->a3);
    *rb = xo4_avx2(&s->b0, &s->b1, &s->b2, &s->b3);
}

/* Load the block's lanes; split = 0: a = lanes 0-3, b = 4-7;
 * split = 1: a = lanes {0,1,4,5}, b = {2,3,6,7}. */
AI void lanes_load_avx2(lanes_avx2 *s, const si_lanes *st, int split)
{
    __m256i x[4], y[4];
    for (int w = 0; w < 4; w++) {
        x[w] = _mm256_loadu_si256((const __m256i *)&st->s[w][0]);
        y[w] = _mm256_loadu_si256((const __m256i *)&st->s[w][4]);
        if (split) {
            __m256i u = _mm256_permute2x128_si256(x[w], y[w], 0x20);
            __m256i v = _mm256_permute2x128_si256(x[w], y[w], 0x31);
            x[w] = u;
            y[w] = v;
        }
    }
    s->a0 = x[0]; s->a1 = x[1]; s->a2 = x[2]; s->a3 = x[3];
    s->b0 = y[0]; s->b1 = y[1]; s->b2 = y[2]; s->b3 = y[3];
}

AI void lanes_skip_avx2(lanes_avx2 *s, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++) {
        __m256i ra, rb;
        xo8_avx2(s, &ra, &rb);
        (void)ra; (void)rb;
    }
}

/* ---- left-pack tables (truncated normal, reject mode) ----------------------- */

/* Computed once by init_pack_tables_avx2 (from si_kernels_init_avx2, under
 * src/dispatch.c's one-time initialization). Entry m of k_pack8_avx2 lists,
 * in its bytes from the lowest, the indices of the set bits of m in
 * increasing order (then zeros): _mm256_cvtepu8_epi32 of it is the
 * _mm256_permutevar8x32_ps index that moves the lanes selected by movemask m
 * to the front, in lane order. k_pack4_avx2 is the same for a 4 x 64-bit
 * movemask, as pairs of 32-bit indices (2e, 2e + 1); k_popcnt8_avx2[m] is the
 * number of bits set in m (no POPCNT: it is not among the features the
 * dispatcher checks). */
static uint64_t k_pack8_avx2[256];
static uint64_t k_pack4_avx2[16];
static uint8_t k_popcnt8_avx2[256];

static void init_pack_tables_avx2(void)
{
    for (unsigned m = 0; m < 256; m++) {
        uint64_t e = 0;
        unsigned n = 0;
        for (unsigned i = 0; i < 8; i++)
            if (m >> i & 1)
                e |= (uint64_t)i << (8 * n++);
        k_pack8_avx2[m] = e;
        k_popcnt8_avx2[m] = (uint8_t)n;
    }
    for (unsigned m = 0; m < 16; m++) {
        uint64_t e = 0;
        unsigned n = 0;
        for (unsigned i = 0; i < 4; i++)
            if (m >> i & 1) {
                e |= (uint64_t)(2 * i) << (8 * n++);
                e |= (uint64_t)(2 * i + 1) << (8 * n++);
            }
        k_pack4_avx2[m] = e;
    }
}

/* ---- group generators ------------------------------------------------------ */

/* Per-fill constants, broadcast once per kernel call. */
typedef struct kc_avx2 {
    __m256 f_lo, f_scale, f_hi, f_mean, f_std, f_tlo, f_thi, f_nlo, f_nhi;
    __m256d d_lo, d_scale, d_hi, d_mean, d_std, d_tlo, d_thi;
    /* the truncated normal's proposal constants (si_params f_tp ..., d_tp ...) */
    __m256 f_tp, f_tq, f_tb, f_th, f_to, f_tg;
    __m256d d_tp, d_tq, d_tb, d_th, d_to, d_tg;
} kc_avx2;


AI void kc_load_avx2(kc_avx2 *c, const si_params *p)
{
    c->f_lo = _mm256_set1_ps(p->f_lo);
    c->f_scale = _mm256_set1_ps(p->f_scale);
    c->f_hi = _mm256_set1_ps(p->f_hi);
    c->f_mean = _mm256_set1_ps(p->f_mean);
    c->f_std = _mm256_set1_ps(p->f_std);
    c->f_tlo = _mm256_set1_ps(p->f_tlo);
    c->f_thi = _mm256_set1_ps(p->f_thi);
    c->f_nlo = _mm256_set1_ps(p->f_nlo);
    c->f_nhi = _mm256_set1_ps(p->f_nhi);
    c->d_lo = _mm256_set1_pd(p->d_lo);
    c->d_scale = _mm256_set1_pd(p->d_scale);
    c->d_hi = _mm256_set1_pd(p->d_hi);
    c->d_mean = _mm256_set1_pd(p->d_mean);
    c->d_std = _mm256_set1_pd(p->d_std);
    c->d_tlo = _mm256_set1_pd(p->d_tlo);
    c->d_thi = _mm256_set1_pd(p->d_thi);
#define SI_KC_TN(f) \
    c->f_t##f = _mm256_set1_ps(p->f_t##f); \
    c->d_t##f = _mm256_set1_pd(p->d_t##f);
    SI_KC_TN(p) SI_KC_TN(q) SI_KC_TN(b) SI_KC_TN(h) SI_KC_TN(o) SI_KC_TN(g)
#undef SI_KC_TN
}


/* A bf16/f16 uniform keeps its rounding inside [low, high): as the scalar
 * u < nlo ? nlo : u > nhi ? nhi : u (max_ps(a, b) is a > b ? a : b). */
AI __m256 narrow_clamp_avx2(const kc_avx2 *c, __m256 v)
{
    return _mm256_min_ps(c->f_nhi, _mm256_max_ps(c->f_nlo, v));
}

/* The upper and lower 32-bit halves of lanes 0..7, in lane order, from the
 * outputs of a step in the split arrangement (ra = lanes {0,1,4,5}, rb =
 * {2,3,6,7}): the odd (even) 32-bit words of shuffle(ra, rb). */
AI void halves8_avx2(__m256i ra, __m256i rb, __m256i *hi, __m256i *lo)
{
    *hi = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(ra), _mm256_castsi256_ps(rb), 0xdd));
    *lo = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(ra), _mm256_castsi256_ps(rb), 0x88));
}

/* One group computed in float32: v0 = elements 0-7, v1 = elements 8-15. */
AI void gen_f32_avx2(const int kind, const int clamp, lanes_avx2 *s, const kc_avx2 *c, __m256 *v0, __m256 *v1)
{
    __m256i ra, rb;
    if (kind == SI_K_UNIFORM) {
        /* element 2l + h = upper 24 bits of half h of lane l: in lane order the
         * 32-bit halves of ra (lanes 0-3) are elements 0-7. */
        xo8_avx2(s, &ra, &rb);
        *v0 = si_uniform_f32_avx2(_mm256_srli_epi32(ra, 8), c->f_lo, c->f_scale);
        *v1 = si_uniform_f32_avx2(_mm256_srli_epi32(rb, 8), c->f_lo, c->f_scale);
        if (clamp) {
            /* u > hi ? hi : u  ==  min_ps(hi, u) (hi < u ? hi : u) */
            *v0 = _mm256_min_ps(c->f_hi, *v0);
            *v1 = _mm256_min_ps(c->f_hi, *v1);
        }
    } else {
        /* lanes split {0,1,4,5} / {2,3,6,7} */
        xo8_avx2(s, &ra, &rb);
        __m256i hi, lo;
        halves8_avx2(ra, rb, &hi, &lo);
        __m256 z0, z1;
        si_box_muller_f32_avx2(hi, lo, &z0, &z1);
        *v0 = si_affine_f32_avx2(z0, c->f_mean, c->f_std);
        *v1 = si_affine_f32_avx2(z1, c->f_mean, c->f_std);
    }
}

/* Two consecutive groups computed in float32: (v0, v1) then (w0, w1). */
AI void gen2_f32_avx2(const int kind, const int clamp, lanes_avx2 *s, const kc_avx2 *c, __m256 *v0, __m256 *v1,
                 __m256 *w0, __m256 *w1)
{
    if (kind != SI_K_NORMAL) {
        gen_f32_avx2(kind, clamp, s, c, v0, v1);
        gen_f32_avx2(kind, clamp, s, c, w0, w1);
        return;
    }
    __m256i ra, rb, qa, qb;
    xo8_avx2(s, &ra, &rb);
    xo8_avx2(s, &qa, &qb);
    u2_avx2 hi, lo;
    halves8_avx2(ra, rb, &hi.a, &lo.a);
    halves8_avx2(qa, qb, &hi.b, &lo.b);
    f2_avx2 z0, z1;
    si_box_muller_f32_avx2x2(hi, lo, &z0, &z1);
    *v0 = si_affine_f32_avx2(z0.a, c->f_mean, c->f_std);
    *v1 = si_affine_f32_avx2(z1.a, c->f_mean, c->f_std);
    *w0 = si_affine_f32_avx2(z0.b, c->f_mean, c->f_std);
    *w1 = si_affine_f32_avx2(z1.b, c->f_mean, c->f_std);
}

/* One group computed in float64: v[0..3] = elements 0-3, 4-7, 8-11, 12-15. */
AI void gen_f64_avx2(const int kind, const int clamp, lanes_avx2 *s, const kc_avx2 *c, __m256d v[4])
{
    __m256i ra, rb;
    if (kind == SI_K_UNIFORM) {
        for (int h = 0; h < 2; h++) {
            xo8_avx2(s, &ra, &rb);
            v[2 * h] = si_uniform_f64_avx2(_mm256_srli_epi64(ra, 11), c->d_lo, c->d_scale);
            v[2 * h + 1] = si_uniform_f64_avx2(_mm256_srli_epi64(rb, 11), c->d_lo, c->d_scale);
            if (clamp) {
                v[2 * h] = _mm256_min_pd(c->d_hi, v[2 * h]);
                v[2 * h + 1] = _mm256_min_pd(c->d_hi, v[2 * h + 1]);
            }
        }
    } else {
        /* element l = z0 of lane l, 8 + l = z1 of lane l */
        __m256i qa, qb;
        xo8_avx2(s, &ra, &rb);
        xo8_avx2(s, &qa, &qb);
        u2_avx2 x1, x2;
        x1.a = ra; x1.b = rb;
        x2.a = qa; x2.b = qb;
        d2_avx2 z0, z1;
        si_box_muller_f64_avx2x2(x1, x2, &z0, &z1);
        v[0] = si_affine_f64_avx2(z0.a, c->d_mean, c->d_std);
        v[1] = si_affine_f64_avx2(z0.b, c->d_mean, c->d_std);
        v[2] = si_affine_f64_avx2(z1.a, c->d_mean, c->d_std);
        v[3] = si_affine_f64_avx2(z1.b, c->d_mean, c->d_std);
    }
}

/* One group in its output encoding: g[0 .. nvec), in memory order. */
AI void gen_group_avx2(const int kind, const int dt, const int clamp, lanes_avx2 *s, const kc_avx2 *c, __m256i g[4])
{
    if (dt == SIMDINIT_F64) {
        __m256d v[4];
        gen_f64_avx2(kind, clamp, s, c, v);
        for (int i = 0; i < 4; i++)
            g[i] = _mm256_castpd_si256(v[i]);
        return;
    }
    __m256 v0, v1;
    gen_f32_avx2(kind, clamp, s, c, &v0, &v1);
    if (kind == SI_K_UNIFORM && dt != SIMDINIT_F32) {
        v0 = narrow_clamp_avx2(c, v0);
        v1 = narrow_clamp_avx2(c, v1);
    }
    si_avx2_put_f32(dt, v0, v1, g);
}

/* Two consecutive groups. */
AI void gen_group2_avx2(const int kind, const int dt, const int clamp, lanes_avx2 *s, const kc_avx2 *c, __m256i g[4],
                   __m256i h[4])
{
    if (dt == SIMDINIT_F64) {
        gen_group_avx2(kind, dt, clamp, s, c, g);
        gen_group_avx2(kind, dt, clamp, s, c, h);
        return;
    }
    __m256 v0, v1, w0, w1;
    gen2_f32_avx2(kind, clamp, s, c, &v0, &v1, &w0, &w1);
    if (kind == SI_K_UNIFORM && dt != SIMDINIT_F32) {
        v0 = narrow_clamp_avx2(c, v0);
        v1 = narrow_clamp_avx2(c, v1);
        w0 = narrow_clamp_avx2(c, w0);
        w1 = narrow_clamp_avx2(c, w1);
    }
    si_avx2_put_f32(dt, v0, v1, g);
    si_avx2_put_f32(dt, w0, w1, h);
}

/* nb = SI_FT_BATCH(kind, dt) consecutive groups: g[0 .. nb). */
AI void gen_groups_avx2(const int kind, const int dt, const int clamp, const int nb, lanes_avx2 *s, const kc_avx2 *c,
                   __m256i g[][4])
{
    if (nb == 2)
        gen_group2_avx2(kind, dt, clamp, s, c, g[0], g[1]);
    else
        gen_group_avx2(kind, dt, clamp, s, c, g[0]);
}

/* ---- truncated normal, reject mode ----------------------------------------- */

/* Left-pack the lanes of v selected by the 8-bit mask m to dst. */
AI void lpack8_avx2(float *dst, __m256 v, unsigned m)
{
    __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)&k_pack8_avx2[m]));
    _mm256_storeu_ps(dst, _mm256_permutevar8x32_ps(v, idx));
}

AI void lpack4_avx2(double *dst, __m256d v, unsigned m)
{
    __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)&k_pack4_avx2[m]));
    _mm256_storeu_pd(dst, _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(v), idx)));
}

AI unsigned accept_ps_avx2(__m256 v, const kc_avx2 *c)
{
    __m256 m = _mm256_and_ps(_mm256_cmp_ps(v, c->f_tlo, _CMP_GE_OQ), _mm256_cmp_ps(v, c->f_thi, _CMP_LE_OQ));
    return (unsigned)_mm256_movemask_ps(m);
}

AI unsigned accept_pd_avx2(__m256d v, const kc_avx2 *c)
{
    __m256d m = _mm256_and_pd(_mm256_cmp_pd(v, c->d_tlo, _CMP_GE_OQ), _mm256_cmp_pd(v, c->d_thi, _CMP_LE_OQ));
    return (unsigned)_mm256_movemask_pd(m);
}

/* REJ_BATCH candidates, left-packed to dst in candidate order; returns how
 * many were kept. SI_TN_NORMAL: two groups (the x2 math); the proposals: four
 * steps of 8 candidates. */
AI unsigned rej_batch_f32_avx2(const int mode, lanes_avx2 *s, const kc_avx2 *c, float *dst)
{
    if (mode != SI_TN_NORMAL) {
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m256i ra, rb, hi, lo, acc;
            xo8_avx2(s, &ra, &rb);
            halves8_avx2(ra, rb, &hi, &lo);
            __m256 v = si_tn_cand_f32_avx2(mode == SI_TN_EXP, hi, lo, c->f_tp, c->f_tq, c->f_tb,
                                           c->f_th, c->f_to, c->f_tg, c->f_tlo, c->f_thi, &acc);
            unsigned m = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(acc));
            lpack8_avx2(dst + n, v, m);
            n += k_popcnt8_avx2[m];
        }
        return n;
    }
    __m256 v[4];
    gen2_f32_avx2(SI_K_NORMAL, 0, s, c, &v[0], &v[1], &v[2], &v[3]);
    unsigned n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned m = accept_ps_avx2(v[i], c);
        lpack8_avx2(dst + n, v[i], m);
        n += k_popcnt8_avx2[m];
    }
    return n;
}

AI unsigned rej_batch_f64_avx2(const int mode, lanes_avx2 *s, const kc_avx2 *c, double *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* two pairs of steps, 8 candidates each: lanes 0-3 (.a), 4-7 (.b) */
        unsigned n = 0;
        d2_avx2 P = {c->d_tp, c->d_tp}, Q = {c->d_tq, c->d_tq}, B = {c->d_tb, c->d_tb};
        d2_avx2 H = {c->d_th, c->d_th}, O = {c->d_to, c->d_to}, G = {c->d_tg, c->d_tg};
        d2_avx2 L = {c->d_tlo, c->d_tlo}, U = {c->d_thi, c->d_thi};
        for (int i = 0; i < 2; i++) {
            u2_avx2 x1, x2, acc;
            xo8_avx2(s, &x1.a, &x1.b);
            xo8_avx2(s, &x2.a, &x2.b);
            d2_avx2 v = si_tn_cand_f64_avx2x2(mode == SI_TN_EXP, x1, x2, P, Q, B, H, O, G, L, U, &acc);
            unsigned ma = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(acc.a));
            unsigned mb = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(acc.b));
            lpack4_avx2(dst + n, v.a, ma);
            n += k_popcnt8_avx2[ma];
            lpack4_avx2(dst + n, v.b, mb);
            n += k_popcnt8_avx2[mb];
        }
        return n;
    }
    __m256d v[4];
    gen_f64_avx2(SI_K_NORMAL, 0, s, c, v);
    unsigned n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned m = accept_pd_avx2(v[i], c);
        lpack4_avx2(dst + n, v[i], m);
        n += k_popcnt8_avx2[m];
    }
    return n;
}

/* ---- the template (src/fill_template.h) --------------------------------------- */

/* The float32-family normal runs two groups at a time (the x2 math); the
 * cheap kernels and the float64 normal one (more would spill the lane state). */
#define SI_FT(x) x##_avx2
#define SI_FT_NORM_BATCH 2
#define SI_FT_NORM_BATCH_D 1
/* a batch: two groups of float32 candidates, one group of float64 */
#define SI_FT_REJ_BATCH_BYTES 128
#define SI_FT_UNI_DIRECT 0

/* Not called (SI_FT_UNI_DIRECT is 0): the template's full-group loop does it. */
AI void uniform_group_store_avx2(const int dt, const int clamp, lanes_avx2 *s, const kc_avx2 *c, unsigned char *o)
{
    __m256i g[4];
    gen_group_avx2(SI_K_UNIFORM, dt, clamp, s, c, g);
    for (int i = 0; i < (dt == SIMDINIT_F64 ? 4 : 2); i++)
        _mm256_storeu_si256((__m256i *)(void *)(o + 32 * i), g[i]);
}

AI void encode16_avx2(const int dt, const void *v, __m256i g[4]) { si_avx2_encode16(dt, v, g); }

#include "fill_template.h"

void si_kernels_init_avx2(si_kernels *k)
{
    init_pack_tables_avx2();
    k->backend = SIMDINIT_BACKEND_AVX2;
    fill_table_avx2(k);
}
