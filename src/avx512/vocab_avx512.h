/*
 * The AVX-512 vocabulary (AVX-512F/VL/DQ on top of AVX2 + FMA + F16C): the
 * operations of src/simd_math.h on __m512 / __m512d and the value path
 * instantiated on them (names *_avx512). The 256-bit halves the avx512 backend
 * stores and its partial groups use the AVX2 vocabulary (src/avx2/vocab_avx2.h,
 * included here: AVX-512VL is a superset), including its 32-byte store units.
 *
 * The one thing a reader must not miss: each operation is the IEEE operation
 * of the scalar reference rounded to nearest-even (the conversions are single
 * instructions here: vcvtudq2ps, vcvtqq2pd, vcvtuqq2pd, each exact or
 * correctly rounded); nothing is fused.
 */
#ifndef SI_VOCAB_AVX512_H
#define SI_VOCAB_AVX512_H

#include <immintrin.h>

#include "../avx2/vocab_avx2.h"

#if !defined(__AVX512F__) || !defined(__AVX512VL__) || !defined(__AVX512DQ__)
#error "src/avx512/vocab_avx512.h needs -mavx512f -mavx512vl -mavx512dq (src/avx512/meson.build)"
#endif

/* ---- the vocabulary of src/simd_math.h on __m512 / __m512d ----------------- */

#define SI_VF __m512
#define SI_VU __m512i
#define SI_VD __m512d
#define SI_VQ __m512i
#define SI_MATH_NAME(x) x##_avx512

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
 * bits moved into an opmask) */
#define SI_F_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SI_D_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define SI_U_SRA(a, n) _mm512_srai_epi32(a, n)
#define SI_F_SELECT_SIGN(m, a, b) _mm512_mask_blend_ps(_mm512_movepi32_mask(m), b, a)
#define SI_D_SELECT_SIGN(m, a, b) _mm512_mask_blend_pd(_mm512_movepi64_mask(m), b, a)

#include "simd_math.h"

#include "simd_math_undef.h"

#endif /* SI_VOCAB_AVX512_H */
