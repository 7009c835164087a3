/*
 * The AVX2 vocabulary (x86-64 with AVX2 + FMA + F16C): the operations of
 * src/simd_math.h on __m256 / __m256d, the value path instantiated on them
 * (names *_avx2) and on register pairs (names *_avx2x2), and the 256-bit
 * output conversions. Included by src/avx2/kernels_avx2.c and by the avx512
 * backend (src/avx512/kernels_avx512.c), whose partial groups and output
 * encodings work on 256-bit halves; nothing here depends on which.
 *
 * The one thing a reader must not miss: every operation is the single IEEE
 * operation of the scalar reference, rounded to nearest-even; nothing is fused
 * (-mfma is on only because the ISA level requires it, -ffp-contract=off is a
 * project argument). A merge that adds a vocabulary operation adds it to the
 * single-register block and, lifted to two registers, to the pair block below it.
 */
#ifndef SI_VOCAB_AVX2_H
#define SI_VOCAB_AVX2_H

#include <immintrin.h>
#include <stdint.h>

#include "internal.h"

#if !defined(__AVX2__) || !defined(__F16C__)
#error "src/avx2/vocab_avx2.h needs -mavx2 -mfma -mf16c (see src/avx2/meson.build)"
#endif

#define AI static inline __attribute__((always_inline))

/* ---- the vocabulary of src/simd_math.h on AVX2 ------------------------------ */

/* uint32 -> float32, correctly rounded: 2^39 + hi16 * 2^16 and 2^23 + lo16 are
 * built exactly from the bits, (2^39 + hi16 2^16) - (2^39 + 2^23) is exact, and
 * the final add is the one rounding. */
AI __m256 si_avx2_cvt_u32(__m256i x)
{
    __m256i lo = _mm256_blend_epi16(x, _mm256_set1_epi32(0x4b000000), 0xaa);
    __m256i hi = _mm256_or_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(0x53000000));
    __m256 fhi = _mm256_sub_ps(_mm256_castsi256_ps(hi), _mm256_set1_ps(0x1p39f + 0x1p23f));
    return _mm256_add_ps(fhi, _mm256_castsi256_ps(lo));
}

/* uint64 -> float64, correctly rounded (exact for x <= 2^53): the same trick
 * with 2^84 + hi32 * 2^32 and 2^52 + lo32. */
AI __m256d si_avx2_cvt_u64(__m256i x)
{
    __m256i lo = _mm256_blend_epi32(x, _mm256_set1_epi64x(0x4330000000000000), 0xaa);
    __m256i hi = _mm256_or_si256(_mm256_srli_epi64(x, 32), _mm256_set1_epi64x(0x4530000000000000));
    __m256d fhi = _mm256_sub_pd(_mm256_castsi256_pd(hi), _mm256_set1_pd(0x1p84 + 0x1p52));
    return _mm256_add_pd(fhi, _mm256_castsi256_pd(lo));
}

/* int64 -> float64 for |x| < 2^51, exact: bits(1.5 * 2^52) + x is the double
 * 1.5 * 2^52 + x. */
AI __m256d si_avx2_cvt_q_small(__m256i x)
{
    __m256i b = _mm256_add_epi64(x, _mm256_set1_epi64x(0x4338000000000000));
    return _mm256_sub_pd(_mm256_castsi256_pd(b), _mm256_set1_pd(0x1.8p52));
}

AI __m256i si_avx2_nonzero32(__m256i x)
{
    return _mm256_xor_si256(_mm256_cmpeq_epi32(x, _mm256_setzero_si256()), _mm256_set1_epi32(-1));
}

AI __m256i si_avx2_nonzero64(__m256i x)
{
    return _mm256_xor_si256(_mm256_cmpeq_epi64(x, _mm256_setzero_si256()), _mm256_set1_epi32(-1));
}

#define SI_VF __m256
#define SI_VU __m256i
#define SI_VD __m256d
#define SI_VQ __m256i
#define SI_MATH_NAME(x) x##_avx2
#define SI_MATH_FN AI

#define SI_F_SET(c) _mm256_set1_ps((float)(c))
#define SI_F_ADD(a, b) _mm256_add_ps(a, b)
#define SI_F_SUB(a, b) _mm256_sub_ps(a, b)
#define SI_F_MUL(a, b) _mm256_mul_ps(a, b)
#define SI_F_DIV(a, b) _mm256_div_ps(a, b)
#define SI_F_SQRT(a) _mm256_sqrt_ps(a)
#define SI_F_FROM_BITS(u) _mm256_castsi256_ps(u)
#define SI_F_BITS(f) _mm256_castps_si256(f)
#define SI_F_CVT_I32(u) _mm256_cvtepi32_ps(u)
#define SI_F_CVT_U32(u) si_avx2_cvt_u32(u)
#define SI_F_XOR_BITS(f, u) _mm256_xor_ps(f, _mm256_castsi256_ps(u))
#define SI_F_SELECT(m, a, b) _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m))
#define SI_U_SET(c) _mm256_set1_epi32((int)(uint32_t)(c))
#define SI_U_ADD(a, b) _mm256_add_epi32(a, b)
#define SI_U_SUB(a, b) _mm256_sub_epi32(a, b)
#define SI_U_AND(a, b) _mm256_and_si256(a, b)
#define SI_U_OR(a, b) _mm256_or_si256(a, b)
#define SI_U_SRL(a, n) _mm256_srli_epi32(a, n)
#define SI_U_SLL(a, n) _mm256_slli_epi32(a, n)
#define SI_U_NONZERO(a) si_avx2_nonzero32(a)

#define SI_D_SET(c) _mm256_set1_pd((double)(c))
#define SI_D_ADD(a, b) _mm256_add_pd(a, b)
#define SI_D_SUB(a, b) _mm256_sub_pd(a, b)
#define SI_D_MUL(a, b) _mm256_mul_pd(a, b)
#define SI_D_DIV(a, b) _mm256_div_pd(a, b)
#define SI_D_SQRT(a) _mm256_sqrt_pd(a)
#define SI_D_FROM_BITS(u) _mm256_castsi256_pd(u)
#define SI_D_BITS(f) _mm256_castpd_si256(f)
#define SI_D_CVT_Q_SMALL(u) si_avx2_cvt_q_small(u)
#define SI_D_CVT_U53(u) si_avx2_cvt_u64(u)
#define SI_D_XOR_BITS(f, u) _mm256_xor_pd(f, _mm256_castsi256_pd(u))
#define SI_D_SELECT(m, a, b) _mm256_blendv_pd(b, a, _mm256_castsi256_pd(m))
#define SI_Q_SET(c) _mm256_set1_epi64x((long long)(uint64_t)(c))
#define SI_Q_ADD(a, b) _mm256_add_epi64(a, b)
#define SI_Q_SUB(a, b) _mm256_sub_epi64(a, b)
#define SI_Q_AND(a, b) _mm256_and_si256(a, b)
#define SI_Q_SRL(a, n) _mm256_srli_epi64(a, n)
#define SI_Q_SLL(a, n) _mm256_slli_epi64(a, n)
#define SI_Q_NONZERO(a) si_avx2_nonzero64(a)
#define SI_F_LE(a, b) _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_LE_OQ))
#define SI_F_MIN(a, b) _mm256_min_ps(a, b)   /* a < b ? a : b */
#define SI_F_MAX(a, b) _mm256_max_ps(a, b)   /* a > b ? a : b */
#define SI_D_LE(a, b) _mm256_castpd_si256(_mm256_cmp_pd(a, b, _CMP_LE_OQ))
#define SI_D_MIN(a, b) _mm256_min_pd(a, b)
#define SI_D_MAX(a, b) _mm256_max_pd(a, b)
#define SI_U_ANDNOT(a, b) _mm256_andnot_si256(a, b)
#define SI_U_ANY(m) (!_mm256_testz_si256(m, m))
#define SI_Q_OR(a, b) _mm256_or_si256(a, b)
#define SI_Q_ANDNOT(a, b) _mm256_andnot_si256(a, b)
#define SI_Q_ANY(m) (!_mm256_testz_si256(m, m))
/* issue 14 vocabulary: fma, arithmetic shift, sign-bit selects (blendv reads
 * only the sign bit of each lane) */
#define SI_F_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SI_D_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define SI_U_SRA(a, n) _mm256_srai_epi32(a, n)
#define SI_F_SELECT_SIGN(m, a, b) _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m))
#define SI_D_SELECT_SIGN(m, a, b) _mm256_blendv_pd(b, a, _mm256_castsi256_pd(m))

#include "simd_math.h"

/* ---- the same math on register pairs ----------------------------------------
 *
 * A second instantiation in which every vocabulary operation acts on two
 * registers, so each step of the Box-Muller chain issues two independent
 * instructions next to each other (two groups at once for float32, the two
 * 4-lane halves of a group for float64). The operations, and so the bits, are
 * those of the single-register version; it is faster than one chain at a
 * time (docs/PERFORMANCE.md has the figures).
 */
typedef struct f2_avx2 { __m256 a, b; } f2_avx2;
typedef struct u2_avx2 { __m256i a, b; } u2_avx2;
typedef struct d2_avx2 { __m256d a, b; } d2_avx2;

#define X2_F(name, expr1)                                                       \
    AI f2_avx2 name##_avx2(f2_avx2 x, f2_avx2 y) { f2_avx2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
#define X2_D(name, expr1)                                                       \
    AI d2_avx2 name##_avx2(d2_avx2 x, d2_avx2 y) { d2_avx2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
#define X2_U(name, expr1)                                                       \
    AI u2_avx2 name##_avx2(u2_avx2 x, u2_avx2 y) { u2_avx2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
X2_F(f2_add, _mm256_add_ps)
X2_F(f2_sub, _mm256_sub_ps)
X2_F(f2_mul, _mm256_mul_ps)
X2_F(f2_div, _mm256_div_ps)
X2_D(d2_add, _mm256_add_pd)
X2_D(d2_sub, _mm256_sub_pd)
X2_D(d2_mul, _mm256_mul_pd)
X2_D(d2_div, _mm256_div_pd)
X2_U(u2_add32, _mm256_add_epi32)
X2_U(u2_sub32, _mm256_sub_epi32)
X2_U(u2_add64, _mm256_add_epi64)
X2_U(u2_sub64, _mm256_sub_epi64)
X2_U(u2_and, _mm256_and_si256)
X2_U(u2_or, _mm256_or_si256)

AI f2_avx2 f2_set_avx2(float c) { f2_avx2 r; r.a = r.b = _mm256_set1_ps(c); return r; }
AI d2_avx2 d2_set_avx2(double c) { d2_avx2 r; r.a = r.b = _mm256_set1_pd(c); return r; }
AI u2_avx2 u2_set32_avx2(uint32_t c) { u2_avx2 r; r.a = r.b = _mm256_set1_epi32((int)c); return r; }
AI u2_avx2 u2_set64_avx2(uint64_t c) { u2_avx2 r; r.a = r.b = _mm256_set1_epi64x((long long)c); return r; }
AI f2_avx2 f2_sqrt_avx2(f2_avx2 x) { f2_avx2 r; r.a = _mm256_sqrt_ps(x.a); r.b = _mm256_sqrt_ps(x.b); return r; }
AI d2_avx2 d2_sqrt_avx2(d2_avx2 x) { d2_avx2 r; r.a = _mm256_sqrt_pd(x.a); r.b = _mm256_sqrt_pd(x.b); return r; }
AI f2_avx2 f2_from_bits_avx2(u2_avx2 x) { f2_avx2 r; r.a = _mm256_castsi256_ps(x.a); r.b = _mm256_castsi256_ps(x.b); return r; }
AI u2_avx2 f2_bits_avx2(f2_avx2 x) { u2_avx2 r; r.a = _mm256_castps_si256(x.a); r.b = _mm256_castps_si256(x.b); return r; }
AI d2_avx2 d2_from_bits_avx2(u2_avx2 x) { d2_avx2 r; r.a = _mm256_castsi256_pd(x.a); r.b = _mm256_castsi256_pd(x.b); return r; }
AI u2_avx2 d2_bits_avx2(d2_avx2 x) { u2_avx2 r; r.a = _mm256_castpd_si256(x.a); r.b = _mm256_castpd_si256(x.b); return r; }
AI f2_avx2 f2_cvt_i32_avx2(u2_avx2 x) { f2_avx2 r; r.a = _mm256_cvtepi32_ps(x.a); r.b = _mm256_cvtepi32_ps(x.b); return r; }
AI f2_avx2 f2_cvt_u32_avx2(u2_avx2 x) { f2_avx2 r; r.a = si_avx2_cvt_u32(x.a); r.b = si_avx2_cvt_u32(x.b); return r; }
AI d2_avx2 d2_cvt_q_small_avx2(u2_avx2 x) { d2_avx2 r; r.a = si_avx2_cvt_q_small(x.a); r.b = si_avx2_cvt_q_small(x.b); return r; }
AI d2_avx2 d2_cvt_u53_avx2(u2_avx2 x) { d2_avx2 r; r.a = si_avx2_cvt_u64(x.a); r.b = si_avx2_cvt_u64(x.b); return r; }
AI f2_avx2 f2_xor_bits_avx2(f2_avx2 x, u2_avx2 m)
{
    f2_avx2 r;
    r.a = _mm256_xor_ps(x.a, _mm256_castsi256_ps(m.a));
    r.b = _mm256_xor_ps(x.b, _mm256_castsi256_ps(m.b));
    return r;
}
AI d2_avx2 d2_xor_bits_avx2(d2_avx2 x, u2_avx2 m)
{
    d2_avx2 r;
    r.a = _mm256_xor_pd(x.a, _mm256_castsi256_pd(m.a));
    r.b = _mm256_xor_pd(x.b, _mm256_castsi256_pd(m.b));
    return r;
}
AI f2_avx2 f2_select_avx2(u2_avx2 m, f2_avx2 x, f2_avx2 y)
{
    f2_avx2 r;
    r.a = _mm256_blendv_ps(y.a, x.a, _mm256_castsi256_ps(m.a));
    r.b = _mm256_blendv_ps(y.b, x.b, _mm256_castsi256_ps(m.b));
    return r;
}
AI d2_avx2 d2_select_avx2(u2_avx2 m, d2_avx2 x, d2_avx2 y)
{
    d2_avx2 r;
    r.a = _mm256_blendv_pd(y.a, x.a, _mm256_castsi256_pd(m.a));
    r.b = _mm256_blendv_pd(y.b, x.b, _mm256_castsi256_pd(m.b));
    return r;
}
AI u2_avx2 u2_nonzero32_avx2(u2_avx2 x) { u2_avx2 r; r.a = si_avx2_nonzero32(x.a); r.b = si_avx2_nonzero32(x.b); return r; }
AI u2_avx2 u2_nonzero64_avx2(u2_avx2 x) { u2_avx2 r; r.a = si_avx2_nonzero64(x.a); r.b = si_avx2_nonzero64(x.b); return r; }
/* shift counts are compile-time constants after inlining */
AI u2_avx2 u2_srl32_avx2(u2_avx2 x, int n) { u2_avx2 r; r.a = _mm256_srli_epi32(x.a, n); r.b = _mm256_srli_epi32(x.b, n); return r; }
AI u2_avx2 u2_sll32_avx2(u2_avx2 x, int n) { u2_avx2 r; r.a = _mm256_slli_epi32(x.a, n); r.b = _mm256_slli_epi32(x.b, n); return r; }
AI u2_avx2 u2_srl64_avx2(u2_avx2 x, int n) { u2_avx2 r; r.a = _mm256_srli_epi64(x.a, n); r.b = _mm256_srli_epi64(x.b, n); return r; }
AI u2_avx2 u2_sll64_avx2(u2_avx2 x, int n) { u2_avx2 r; r.a = _mm256_slli_epi64(x.a, n); r.b = _mm256_slli_epi64(x.b, n); return r; }
/* issue 14 vocabulary: fma and arithmetic shift on pairs (the sign-bit
 * selects are f2_select_avx2 / d2_select_avx2: blendv reads only the sign bit) */
AI f2_avx2 f2_fma_avx2(f2_avx2 x, f2_avx2 y, f2_avx2 z)
{
    f2_avx2 r;
    r.a = _mm256_fmadd_ps(x.a, y.a, z.a);
    r.b = _mm256_fmadd_ps(x.b, y.b, z.b);
    return r;
}
AI d2_avx2 d2_fma_avx2(d2_avx2 x, d2_avx2 y, d2_avx2 z)
{
    d2_avx2 r;
    r.a = _mm256_fmadd_pd(x.a, y.a, z.a);
    r.b = _mm256_fmadd_pd(x.b, y.b, z.b);
    return r;
}
AI u2_avx2 u2_sra32_avx2(u2_avx2 x, int n) { u2_avx2 r; r.a = _mm256_srai_epi32(x.a, n); r.b = _mm256_srai_epi32(x.b, n); return r; }

AI u2_avx2 f2_le_avx2(f2_avx2 x, f2_avx2 y)
{
    u2_avx2 r;
    r.a = _mm256_castps_si256(_mm256_cmp_ps(x.a, y.a, _CMP_LE_OQ));
    r.b = _mm256_castps_si256(_mm256_cmp_ps(x.b, y.b, _CMP_LE_OQ));
    return r;
}
AI u2_avx2 d2_le_avx2(d2_avx2 x, d2_avx2 y)
{
    u2_avx2 r;
    r.a = _mm256_castpd_si256(_mm256_cmp_pd(x.a, y.a, _CMP_LE_OQ));
    r.b = _mm256_castpd_si256(_mm256_cmp_pd(x.b, y.b, _CMP_LE_OQ));
    return r;
}
X2_F(f2_min, _mm256_min_ps)
X2_F(f2_max, _mm256_max_ps)
X2_D(d2_min, _mm256_min_pd)
X2_D(d2_max, _mm256_max_pd)
X2_U(u2_andnot, _mm256_andnot_si256)
AI int u2_any_avx2(u2_avx2 m) { return !_mm256_testz_si256(_mm256_or_si256(m.a, m.b), _mm256_or_si256(m.a, m.b)); }

#include "simd_math_undef.h"

#define SI_VF f2_avx2
#define SI_VU u2_avx2
#define SI_VD d2_avx2
#define SI_VQ u2_avx2
#define SI_MATH_NAME(x) x##_avx2x2

#define SI_F_SET(c) f2_set_avx2((float)(c))
#define SI_F_ADD(a, b) f2_add_avx2(a, b)
#define SI_F_SUB(a, b) f2_sub_avx2(a, b)
#define SI_F_MUL(a, b) f2_mul_avx2(a, b)
#define SI_F_DIV(a, b) f2_div_avx2(a, b)
#define SI_F_SQRT(a) f2_sqrt_avx2(a)
#define SI_F_FROM_BITS(u) f2_from_bits_avx2(u)
#define SI_F_BITS(f) f2_bits_avx2(f)
#define SI_F_CVT_I32(u) f2_cvt_i32_avx2(u)
#define SI_F_CVT_U32(u) f2_cvt_u32_avx2(u)
#define SI_F_XOR_BITS(f, u) f2_xor_bits_avx2(f, u)
#define SI_F_SELECT(m, a, b) f2_select_avx2(m, a, b)
#define SI_U_SET(c) u2_set32_avx2((uint32_t)(c))
#define SI_U_ADD(a, b) u2_add32_avx2(a, b)
#define SI_U_SUB(a, b) u2_sub32_avx2(a, b)
#define SI_U_AND(a, b) u2_and_avx2(a, b)
#define SI_U_OR(a, b) u2_or_avx2(a, b)
#define SI_U_SRL(a, n) u2_srl32_avx2(a, n)
#define SI_U_SLL(a, n) u2_sll32_avx2(a, n)
#define SI_U_NONZERO(a) u2_nonzero32_avx2(a)

#define SI_D_SET(c) d2_set_avx2((double)(c))
#define SI_D_ADD(a, b) d2_add_avx2(a, b)
#define SI_D_SUB(a, b) d2_sub_avx2(a, b)
#define SI_D_MUL(a, b) d2_mul_avx2(a, b)
#define SI_D_DIV(a, b) d2_div_avx2(a, b)
#define SI_D_SQRT(a) d2_sqrt_avx2(a)
#define SI_D_FROM_BITS(u) d2_from_bits_avx2(u)
#define SI_D_BITS(f) d2_bits_avx2(f)
#define SI_D_CVT_Q_SMALL(u) d2_cvt_q_small_avx2(u)
#define SI_D_CVT_U53(u) d2_cvt_u53_avx2(u)
#define SI_D_XOR_BITS(f, u) d2_xor_bits_avx2(f, u)
#define SI_D_SELECT(m, a, b) d2_select_avx2(m, a, b)
#define SI_Q_SET(c) u2_set64_avx2((uint64_t)(c))
#define SI_Q_ADD(a, b) u2_add64_avx2(a, b)
#define SI_Q_SUB(a, b) u2_sub64_avx2(a, b)
#define SI_Q_AND(a, b) u2_and_avx2(a, b)
#define SI_Q_SRL(a, n) u2_srl64_avx2(a, n)
#define SI_Q_SLL(a, n) u2_sll64_avx2(a, n)
#define SI_F_FMA(a, b, c) f2_fma_avx2(a, b, c)
#define SI_D_FMA(a, b, c) d2_fma_avx2(a, b, c)
#define SI_U_SRA(a, n) u2_sra32_avx2(a, n)
#define SI_F_SELECT_SIGN(m, a, b) f2_select_avx2(m, a, b)
#define SI_D_SELECT_SIGN(m, a, b) d2_select_avx2(m, a, b)
#define SI_Q_NONZERO(a) u2_nonzero64_avx2(a)
#define SI_F_LE(a, b) f2_le_avx2(a, b)
#define SI_F_MIN(a, b) f2_min_avx2(a, b)
#define SI_F_MAX(a, b) f2_max_avx2(a, b)
#define SI_D_LE(a, b) d2_le_avx2(a, b)
#define SI_D_MIN(a, b) d2_min_avx2(a, b)
#define SI_D_MAX(a, b) d2_max_avx2(a, b)
#define SI_U_ANDNOT(a, b) u2_andnot_avx2(a, b)
#define SI_U_ANY(m) u2_any_avx2(m)
#define SI_Q_OR(a, b) u2_or_avx2(a, b)
#define SI_Q_ANDNOT(a, b) u2_andnot_avx2(a, b)
#define SI_Q_ANY(m) u2_any_avx2(m)

#include "simd_math.h"

/* ---- output conversions --------------------------------------------------- */

/* 16 floats (a = elements 0-7, b = 8-15) -> 16 bfloat16, nearest-even. */
AI __m256i pack_bf16_avx2(__m256 a, __m256 b)
{
    /* packus interleaves per 128-bit half: a0-3 b0-3 | a4-7 b4-7. */
    __m256i x = _mm256_packus_epi32(si_to_bf16_bits_avx2(a), si_to_bf16_bits_avx2(b));
    return _mm256_permute4x64_epi64(x, 0xd8);
}

/* 16 floats -> 16 binary16 (F16C, nearest-even: equals si_f32_to_f16). */
AI __m256i pack_f16_avx2(__m256 a, __m256 b)
{
    return _mm256_set_m128i(_mm256_cvtps_ph(b, _MM_FROUND_TO_NEAREST_INT),
                            _mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT));
}
/* 16 float32 values (a = elements 0-7, b = 8-15) in dt's encoding (float32,
 * bfloat16 or binary16) as 32-byte units g[0 .. 2) or g[0]. */
AI void si_avx2_put_f32(const int dt, __m256 a, __m256 b, __m256i g[])
{
    if (dt == SIMDINIT_F32) {
        g[0] = _mm256_castps_si256(a);
        g[1] = _mm256_castps_si256(b);
    } else if (dt == SIMDINIT_BF16) {
        g[0] = pack_bf16_avx2(a, b);
    } else {
        g[0] = pack_f16_avx2(a, b);
    }
}

/* 16 staged values at 32-byte aligned v (double for SIMDINIT_F64, else
 * float) in dt's encoding: src/fill_template.h's encode16. */
AI void si_avx2_encode16(const int dt, const void *v, __m256i g[4])
{
    if (dt == SIMDINIT_F64) {
        for (int i = 0; i < 4; i++)
            g[i] = _mm256_load_si256((const __m256i *)v + i);
        return;
    }
    const float *f = (const float *)v;
    si_avx2_put_f32(dt, _mm256_load_ps(f), _mm256_load_ps(f + 8), g);
}

/* ---- the store vocabulary of src/fill_template.h: 32-byte units ------------ */

#define SI_V_UNIT __m256i
#define SI_V_UNIT_BYTES 32
#define SI_V_LOAD(p) _mm256_load_si256((const __m256i *)(const void *)(p))
#define SI_V_LOADU(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define SI_V_STORE(p, v) _mm256_store_si256((__m256i *)(void *)(p), v)
#define SI_V_STOREU(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define SI_V_STREAM(p, v) _mm256_stream_si256((__m256i *)(void *)(p), v)
#define SI_V_FENCE() _mm_sfence()
#define SI_V_STREAMS 1

#include "simd_math_undef.h"
#undef X2_F
#undef X2_D
#undef X2_U

#endif /* SI_VOCAB_AVX2_H */
