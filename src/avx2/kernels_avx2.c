/*
 * The AVX2 backend (x86-64 with AVX2 + FMA + F16C): the value path of
 * src/simd_math.h instantiated on __m256 / __m256d, plus the kernels around it.
 * Every kernel writes exactly the bits of the scalar reference
 * (src/scalar/kernels_scalar.c): same IEEE operations in the same order, FMA
 * only where src/simd_math.h writes it (vfmadd, the scalar reference's
 * correctly rounded fma), the same element order within a group, the same
 * block-local [start, start + count) semantics.
 *
 * Layout of the 8 virtual xoshiro256+ lanes: two __m256i per state word
 * ("a" and "b" halves, 4 x 64-bit lanes each), kept in registers for a whole
 * block. Most kernels hold lanes 0-3 in "a" and 4-7 in "b"; the float32
 * Box-Muller kernels hold lanes {0,1,4,5} in "a" and {2,3,6,7} in "b", so one
 * _mm256_shuffle_ps of the two output registers yields the 32-bit halves of
 * lanes 0..7 in order. Lanes are independent, so the arrangement is free.
 *
 * Stores: full groups of 16 elements go straight to the output with unaligned
 * stores; a partial first/last group is computed into a small buffer and the
 * needed part copied. With the non-temporal hint (si_params.nontemporal) and
 * an element-aligned output, full groups are streamed: directly when the
 * groups fall on 32-byte boundaries, otherwise through a small staging buffer
 * that has the output's alignment phase, so aligned 32-byte chunks can be
 * streamed; the few bytes before the first and after the last aligned chunk
 * use ordinary stores. The driver (si_fill_run) fences once after the last
 * block; the constant kernel fences itself.
 */
#include <immintrin.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#if !defined(__AVX2__) || !defined(__F16C__)
#error "src/avx2/kernels_avx2.c must be compiled with -mavx2 -mfma -mf16c (see src/avx2/meson.build)"
#endif

/*
 * The same file is compiled a second time as the "avx512" backend
 * (src/avx512/kernels_avx512.c defines SI_AVX512VL_BUILD and is built with
 * -mavx512f -mavx512vl -mavx512dq as well). That build takes the lane state,
 * the group generators and the reject-mode left-pack from
 * src/avx512/groups_avx512.h, which work on 512-bit registers (the 8 lanes are
 * one __m512i per state word; the float32 Box-Muller runs 16 lanes, two
 * groups, in one chain), and keeps everything else here: staging, stores,
 * packing, the drivers. Its unsigned conversions below are single
 * instructions. Every replacement computes exactly the same bits (the same
 * IEEE operations in the same order, and conversions rounded to nearest under
 * the library's FP environment, src/fpenv.h).
 */
#if defined(SI_AVX512VL_BUILD)
#if !defined(__AVX512F__) || !defined(__AVX512VL__) || !defined(__AVX512DQ__)
#error "the avx512 build of this file needs -mavx512f -mavx512vl -mavx512dq (src/avx512/meson.build)"
#endif
#define SI_KERNELS_INIT si_kernels_init_avx512
#define SI_KERNELS_BACKEND SIMDINIT_BACKEND_AVX512
#else
#define SI_KERNELS_INIT si_kernels_init_avx2
#define SI_KERNELS_BACKEND SIMDINIT_BACKEND_AVX2
#endif

#define AI static inline __attribute__((always_inline))

/* ---- the vocabulary of src/simd_math.h on AVX2 ------------------------------ */

/* uint32 -> float32, correctly rounded: 2^39 + hi16 * 2^16 and 2^23 + lo16 are
 * built exactly from the bits, (2^39 + hi16 2^16) - (2^39 + 2^23) is exact, and
 * the final add is the one rounding. */
AI __m256 si_avx2_cvt_u32(__m256i x)
{
#if defined(SI_AVX512VL_BUILD)
    return _mm256_cvtepu32_ps(x);   /* vcvtudq2ps: one IEEE rounding, the same value */
#else
    __m256i lo = _mm256_blend_epi16(x, _mm256_set1_epi32(0x4b000000), 0xaa);
    __m256i hi = _mm256_or_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(0x53000000));
    __m256 fhi = _mm256_sub_ps(_mm256_castsi256_ps(hi), _mm256_set1_ps(0x1p39f + 0x1p23f));
    return _mm256_add_ps(fhi, _mm256_castsi256_ps(lo));
#endif
}

/* uint64 -> float64, correctly rounded (exact for x <= 2^53): the same trick
 * with 2^84 + hi32 * 2^32 and 2^52 + lo32. */
AI __m256d si_avx2_cvt_u64(__m256i x)
{
#if defined(SI_AVX512VL_BUILD)
    return _mm256_cvtepu64_pd(x);   /* vcvtuqq2pd (AVX512DQ+VL) */
#else
    __m256i lo = _mm256_blend_epi32(x, _mm256_set1_epi64x(0x4330000000000000), 0xaa);
    __m256i hi = _mm256_or_si256(_mm256_srli_epi64(x, 32), _mm256_set1_epi64x(0x4530000000000000));
    __m256d fhi = _mm256_sub_pd(_mm256_castsi256_pd(hi), _mm256_set1_pd(0x1p84 + 0x1p52));
    return _mm256_add_pd(fhi, _mm256_castsi256_pd(lo));
#endif
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
 * only the sign bit of each lane), u64 or */
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
 * those of the single-register version. Measured on Zen 5: +3% (float32) to
 * +9% (float64) over one chain at a time; the kernels are bound by the
 * number of vector operations, not by latency (see the end of this file).
 */
typedef struct f2 { __m256 a, b; } f2;
typedef struct u2 { __m256i a, b; } u2;
typedef struct d2 { __m256d a, b; } d2;

#define X2_F(name, expr1)                                                       \
    AI f2 name(f2 x, f2 y) { f2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
#define X2_D(name, expr1)                                                       \
    AI d2 name(d2 x, d2 y) { d2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
#define X2_U(name, expr1)                                                       \
    AI u2 name(u2 x, u2 y) { u2 r; r.a = expr1(x.a, y.a); r.b = expr1(x.b, y.b); return r; }
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

AI f2 f2_set(float c) { f2 r; r.a = r.b = _mm256_set1_ps(c); return r; }
AI d2 d2_set(double c) { d2 r; r.a = r.b = _mm256_set1_pd(c); return r; }
AI u2 u2_set32(uint32_t c) { u2 r; r.a = r.b = _mm256_set1_epi32((int)c); return r; }
AI u2 u2_set64(uint64_t c) { u2 r; r.a = r.b = _mm256_set1_epi64x((long long)c); return r; }
AI f2 f2_sqrt(f2 x) { f2 r; r.a = _mm256_sqrt_ps(x.a); r.b = _mm256_sqrt_ps(x.b); return r; }
AI d2 d2_sqrt(d2 x) { d2 r; r.a = _mm256_sqrt_pd(x.a); r.b = _mm256_sqrt_pd(x.b); return r; }
AI f2 f2_from_bits(u2 x) { f2 r; r.a = _mm256_castsi256_ps(x.a); r.b = _mm256_castsi256_ps(x.b); return r; }
AI u2 f2_bits(f2 x) { u2 r; r.a = _mm256_castps_si256(x.a); r.b = _mm256_castps_si256(x.b); return r; }
AI d2 d2_from_bits(u2 x) { d2 r; r.a = _mm256_castsi256_pd(x.a); r.b = _mm256_castsi256_pd(x.b); return r; }
AI u2 d2_bits(d2 x) { u2 r; r.a = _mm256_castpd_si256(x.a); r.b = _mm256_castpd_si256(x.b); return r; }
AI f2 f2_cvt_i32(u2 x) { f2 r; r.a = _mm256_cvtepi32_ps(x.a); r.b = _mm256_cvtepi32_ps(x.b); return r; }
AI f2 f2_cvt_u32(u2 x) { f2 r; r.a = si_avx2_cvt_u32(x.a); r.b = si_avx2_cvt_u32(x.b); return r; }
AI d2 d2_cvt_q_small(u2 x) { d2 r; r.a = si_avx2_cvt_q_small(x.a); r.b = si_avx2_cvt_q_small(x.b); return r; }
AI d2 d2_cvt_u53(u2 x) { d2 r; r.a = si_avx2_cvt_u64(x.a); r.b = si_avx2_cvt_u64(x.b); return r; }
AI f2 f2_xor_bits(f2 x, u2 m)
{
    f2 r;
    r.a = _mm256_xor_ps(x.a, _mm256_castsi256_ps(m.a));
    r.b = _mm256_xor_ps(x.b, _mm256_castsi256_ps(m.b));
    return r;
}
AI d2 d2_xor_bits(d2 x, u2 m)
{
    d2 r;
    r.a = _mm256_xor_pd(x.a, _mm256_castsi256_pd(m.a));
    r.b = _mm256_xor_pd(x.b, _mm256_castsi256_pd(m.b));
    return r;
}
AI f2 f2_select(u2 m, f2 x, f2 y)
{
    f2 r;
    r.a = _mm256_blendv_ps(y.a, x.a, _mm256_castsi256_ps(m.a));
    r.b = _mm256_blendv_ps(y.b, x.b, _mm256_castsi256_ps(m.b));
    return r;
}
AI d2 d2_select(u2 m, d2 x, d2 y)
{
    d2 r;
    r.a = _mm256_blendv_pd(y.a, x.a, _mm256_castsi256_pd(m.a));
    r.b = _mm256_blendv_pd(y.b, x.b, _mm256_castsi256_pd(m.b));
    return r;
}
AI u2 u2_nonzero32(u2 x) { u2 r; r.a = si_avx2_nonzero32(x.a); r.b = si_avx2_nonzero32(x.b); return r; }
AI u2 u2_nonzero64(u2 x) { u2 r; r.a = si_avx2_nonzero64(x.a); r.b = si_avx2_nonzero64(x.b); return r; }
/* shift counts are compile-time constants after inlining */
AI u2 u2_srl32(u2 x, int n) { u2 r; r.a = _mm256_srli_epi32(x.a, n); r.b = _mm256_srli_epi32(x.b, n); return r; }
AI u2 u2_sll32(u2 x, int n) { u2 r; r.a = _mm256_slli_epi32(x.a, n); r.b = _mm256_slli_epi32(x.b, n); return r; }
AI u2 u2_srl64(u2 x, int n) { u2 r; r.a = _mm256_srli_epi64(x.a, n); r.b = _mm256_srli_epi64(x.b, n); return r; }
AI u2 u2_sll64(u2 x, int n) { u2 r; r.a = _mm256_slli_epi64(x.a, n); r.b = _mm256_slli_epi64(x.b, n); return r; }
/* issue 14 vocabulary: fma and arithmetic shift on pairs (the selects are
 * f2_select/d2_select: blendv reads only the sign bit) */
AI f2 f2_fma(f2 x, f2 y, f2 z)
{
    f2 r;
    r.a = _mm256_fmadd_ps(x.a, y.a, z.a);
    r.b = _mm256_fmadd_ps(x.b, y.b, z.b);
    return r;
}
AI d2 d2_fma(d2 x, d2 y, d2 z)
{
    d2 r;
    r.a = _mm256_fmadd_pd(x.a, y.a, z.a);
    r.b = _mm256_fmadd_pd(x.b, y.b, z.b);
    return r;
}
AI u2 u2_sra32(u2 x, int n) { u2 r; r.a = _mm256_srai_epi32(x.a, n); r.b = _mm256_srai_epi32(x.b, n); return r; }

AI u2 f2_le(f2 x, f2 y)
{
    u2 r;
    r.a = _mm256_castps_si256(_mm256_cmp_ps(x.a, y.a, _CMP_LE_OQ));
    r.b = _mm256_castps_si256(_mm256_cmp_ps(x.b, y.b, _CMP_LE_OQ));
    return r;
}
AI u2 d2_le(d2 x, d2 y)
{
    u2 r;
    r.a = _mm256_castpd_si256(_mm256_cmp_pd(x.a, y.a, _CMP_LE_OQ));
    r.b = _mm256_castpd_si256(_mm256_cmp_pd(x.b, y.b, _CMP_LE_OQ));
    return r;
}
X2_F(f2_min, _mm256_min_ps)
X2_F(f2_max, _mm256_max_ps)
X2_D(d2_min, _mm256_min_pd)
X2_D(d2_max, _mm256_max_pd)
X2_U(u2_andnot, _mm256_andnot_si256)
AI int u2_any(u2 m) { return !_mm256_testz_si256(_mm256_or_si256(m.a, m.b), _mm256_or_si256(m.a, m.b)); }

#include "simd_math_undef.h"

#define SI_VF f2
#define SI_VU u2
#define SI_VD d2
#define SI_VQ u2
#define SI_MATH_NAME(x) x##_avx2x2

#define SI_F_SET(c) f2_set((float)(c))
#define SI_F_ADD(a, b) f2_add(a, b)
#define SI_F_SUB(a, b) f2_sub(a, b)
#define SI_F_MUL(a, b) f2_mul(a, b)
#define SI_F_DIV(a, b) f2_div(a, b)
#define SI_F_SQRT(a) f2_sqrt(a)
#define SI_F_FROM_BITS(u) f2_from_bits(u)
#define SI_F_BITS(f) f2_bits(f)
#define SI_F_CVT_I32(u) f2_cvt_i32(u)
#define SI_F_CVT_U32(u) f2_cvt_u32(u)
#define SI_F_XOR_BITS(f, u) f2_xor_bits(f, u)
#define SI_F_SELECT(m, a, b) f2_select(m, a, b)
#define SI_U_SET(c) u2_set32((uint32_t)(c))
#define SI_U_ADD(a, b) u2_add32(a, b)
#define SI_U_SUB(a, b) u2_sub32(a, b)
#define SI_U_AND(a, b) u2_and(a, b)
#define SI_U_OR(a, b) u2_or(a, b)
#define SI_U_SRL(a, n) u2_srl32(a, n)
#define SI_U_SLL(a, n) u2_sll32(a, n)
#define SI_U_NONZERO(a) u2_nonzero32(a)

#define SI_D_SET(c) d2_set((double)(c))
#define SI_D_ADD(a, b) d2_add(a, b)
#define SI_D_SUB(a, b) d2_sub(a, b)
#define SI_D_MUL(a, b) d2_mul(a, b)
#define SI_D_DIV(a, b) d2_div(a, b)
#define SI_D_SQRT(a) d2_sqrt(a)
#define SI_D_FROM_BITS(u) d2_from_bits(u)
#define SI_D_BITS(f) d2_bits(f)
#define SI_D_CVT_Q_SMALL(u) d2_cvt_q_small(u)
#define SI_D_CVT_U53(u) d2_cvt_u53(u)
#define SI_D_XOR_BITS(f, u) d2_xor_bits(f, u)
#define SI_D_SELECT(m, a, b) d2_select(m, a, b)
#define SI_Q_SET(c) u2_set64((uint64_t)(c))
#define SI_Q_ADD(a, b) u2_add64(a, b)
#define SI_Q_SUB(a, b) u2_sub64(a, b)
#define SI_Q_AND(a, b) u2_and(a, b)
#define SI_Q_SRL(a, n) u2_srl64(a, n)
#define SI_Q_SLL(a, n) u2_sll64(a, n)
#define SI_Q_NONZERO(a) u2_nonzero64(a)
#define SI_F_LE(a, b) f2_le(a, b)
#define SI_F_MIN(a, b) f2_min(a, b)
#define SI_F_MAX(a, b) f2_max(a, b)
#define SI_D_LE(a, b) d2_le(a, b)
#define SI_D_MIN(a, b) d2_min(a, b)
#define SI_D_MAX(a, b) d2_max(a, b)
#define SI_U_ANDNOT(a, b) u2_andnot(a, b)
#define SI_U_ANY(m) u2_any(m)
#define SI_Q_OR(a, b) u2_or(a, b)
#define SI_Q_ANDNOT(a, b) u2_andnot(a, b)
#define SI_Q_ANY(m) u2_any(m)

/* issue 14 vocabulary */
#define SI_F_FMA(a, b, c) f2_fma(a, b, c)
#define SI_D_FMA(a, b, c) d2_fma(a, b, c)
#define SI_U_SRA(a, n) u2_sra32(a, n)
#define SI_F_SELECT_SIGN(m, a, b) f2_select(m, a, b)
#define SI_D_SELECT_SIGN(m, a, b) d2_select(m, a, b)

#include "simd_math.h"

/* ---- output conversions --------------------------------------------------- */

/* 16 floats (a = elements 0-7, b = 8-15) -> 16 bfloat16, nearest-even. */
AI __m256i pack_bf16(__m256 a, __m256 b)
{
    /* packus interleaves per 128-bit half: a0-3 b0-3 | a4-7 b4-7. */
    __m256i x = _mm256_packus_epi32(si_to_bf16_bits_avx2(a), si_to_bf16_bits_avx2(b));
    return _mm256_permute4x64_epi64(x, 0xd8);
}

/* 16 floats -> 16 binary16 (F16C, nearest-even: equals si_f32_to_f16). */
AI __m256i pack_f16(__m256 a, __m256 b)
{
    return _mm256_set_m128i(_mm256_cvtps_ph(b, _MM_FROUND_TO_NEAREST_INT),
                            _mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT));
}

/* ---- xoshiro256+ on 2 x 4 lanes -------------------------------------------- */

#if !defined(SI_AVX512VL_BUILD)  /* the avx512 build: src/avx512/groups_avx512.h */

typedef struct xs8 {
    __m256i a0, a1, a2, a3;  /* word w of the "a" lanes */
    __m256i b0, b1, b2, b3;
} xs8;

AI __m256i xo4(__m256i *s0, __m256i *s1, __m256i *s2, __m256i *s3)
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
AI void xo8(xs8 *s, __m256i *ra, __m256i *rb)
{
    *ra = xo4(&s->a0, &s->a1, &s->a2, &s->a3);
    *rb = xo4(&s->b0, &s->b1, &s->b2, &s->b3);
}

/* Load the block's lanes; split = 0: a = lanes 0-3, b = 4-7;
 * split = 1: a = lanes {0,1,4,5}, b = {2,3,6,7}. */
AI void xs_load(xs8 *s, const si_lanes *st, int split)
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

AI void xs_skip(xs8 *s, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++) {
        __m256i ra, rb;
        xo8(s, &ra, &rb);
        (void)ra; (void)rb;
    }
}
#endif /* !SI_AVX512VL_BUILD */

/* ---- left-pack tables (truncated normal, reject mode) ----------------------- */

#if !defined(SI_AVX512VL_BUILD)  /* the avx512 build packs with vcompressps/pd */
/* Entry m lists, in its bytes from the lowest, the indices of the set bits of
 * m in increasing order (then zeros): _mm256_cvtepu8_epi32 of it is the
 * _mm256_permutevar8x32_ps index that moves the lanes selected by movemask m
 * to the front, in lane order. */
static const uint64_t k_pack8[256] = {
    0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x0000000000000100,
    0x0000000000000002, 0x0000000000000200, 0x0000000000000201, 0x0000000000020100,
    0x0000000000000003, 0x0000000000000300, 0x0000000000000301, 0x0000000000030100,
    0x0000000000000302, 0x0000000000030200, 0x0000000000030201, 0x0000000003020100,
    0x0000000000000004, 0x0000000000000400, 0x0000000000000401, 0x0000000000040100,
    0x0000000000000402, 0x0000000000040200, 0x0000000000040201, 0x0000000004020100,
    0x0000000000000403, 0x0000000000040300, 0x0000000000040301, 0x0000000004030100,
    0x0000000000040302, 0x0000000004030200, 0x0000000004030201, 0x0000000403020100,
    0x0000000000000005, 0x0000000000000500, 0x0000000000000501, 0x0000000000050100,
    0x0000000000000502, 0x0000000000050200, 0x0000000000050201, 0x0000000005020100,
    0x0000000000000503, 0x0000000000050300, 0x0000000000050301, 0x0000000005030100,
    0x0000000000050302, 0x0000000005030200, 0x0000000005030201, 0x0000000503020100,
    0x0000000000000504, 0x0000000000050400, 0x0000000000050401, 0x0000000005040100,
    0x0000000000050402, 0x0000000005040200, 0x0000000005040201, 0x0000000504020100,
    0x0000000000050403, 0x0000000005040300, 0x0000000005040301, 0x0000000504030100,
    0x0000000005040302, 0x0000000504030200, 0x0000000504030201, 0x0000050403020100,
    0x0000000000000006, 0x0000000000000600, 0x0000000000000601, 0x0000000000060100,
    0x0000000000000602, 0x0000000000060200, 0x0000000000060201, 0x0000000006020100,
    0x0000000000000603, 0x0000000000060300, 0x0000000000060301, 0x0000000006030100,
    0x0000000000060302, 0x0000000006030200, 0x0000000006030201, 0x0000000603020100,
    0x0000000000000604, 0x0000000000060400, 0x0000000000060401, 0x0000000006040100,
    0x0000000000060402, 0x0000000006040200, 0x0000000006040201, 0x0000000604020100,
    0x0000000000060403, 0x0000000006040300, 0x0000000006040301, 0x0000000604030100,
    0x0000000006040302, 0x0000000604030200, 0x0000000604030201, 0x0000060403020100,
    0x0000000000000605, 0x0000000000060500, 0x0000000000060501, 0x0000000006050100,
    0x0000000000060502, 0x0000000006050200, 0x0000000006050201, 0x0000000605020100,
    0x0000000000060503, 0x0000000006050300, 0x0000000006050301, 0x0000000605030100,
    0x0000000006050302, 0x0000000605030200, 0x0000000605030201, 0x0000060503020100,
    0x0000000000060504, 0x0000000006050400, 0x0000000006050401, 0x0000000605040100,
    0x0000000006050402, 0x0000000605040200, 0x0000000605040201, 0x0000060504020100,
    0x0000000006050403, 0x0000000605040300, 0x0000000605040301, 0x0000060504030100,
    0x0000000605040302, 0x0000060504030200, 0x0000060504030201, 0x0006050403020100,
    0x0000000000000007, 0x0000000000000700, 0x0000000000000701, 0x0000000000070100,
    0x0000000000000702, 0x0000000000070200, 0x0000000000070201, 0x0000000007020100,
    0x0000000000000703, 0x0000000000070300, 0x0000000000070301, 0x0000000007030100,
    0x0000000000070302, 0x0000000007030200, 0x0000000007030201, 0x0000000703020100,
    0x0000000000000704, 0x0000000000070400, 0x0000000000070401, 0x0000000007040100,
    0x0000000000070402, 0x0000000007040200, 0x0000000007040201, 0x0000000704020100,
    0x0000000000070403, 0x0000000007040300, 0x0000000007040301, 0x0000000704030100,
    0x0000000007040302, 0x0000000704030200, 0x0000000704030201, 0x0000070403020100,
    0x0000000000000705, 0x0000000000070500, 0x0000000000070501, 0x0000000007050100,
    0x0000000000070502, 0x0000000007050200, 0x0000000007050201, 0x0000000705020100,
    0x0000000000070503, 0x0000000007050300, 0x0000000007050301, 0x0000000705030100,
    0x0000000007050302, 0x0000000705030200, 0x0000000705030201, 0x0000070503020100,
    0x0000000000070504, 0x0000000007050400, 0x0000000007050401, 0x0000000705040100,
    0x0000000007050402, 0x0000000705040200, 0x0000000705040201, 0x0000070504020100,
    0x0000000007050403, 0x0000000705040300, 0x0000000705040301, 0x0000070504030100,
    0x0000000705040302, 0x0000070504030200, 0x0000070504030201, 0x0007050403020100,
    0x0000000000000706, 0x0000000000070600, 0x0000000000070601, 0x0000000007060100,
    0x0000000000070602, 0x0000000007060200, 0x0000000007060201, 0x0000000706020100,
    0x0000000000070603, 0x0000000007060300, 0x0000000007060301, 0x0000000706030100,
    0x0000000007060302, 0x0000000706030200, 0x0000000706030201, 0x0000070603020100,
    0x0000000000070604, 0x0000000007060400, 0x0000000007060401, 0x0000000706040100,
    0x0000000007060402, 0x0000000706040200, 0x0000000706040201, 0x0000070604020100,
    0x0000000007060403, 0x0000000706040300, 0x0000000706040301, 0x0000070604030100,
    0x0000000706040302, 0x0000070604030200, 0x0000070604030201, 0x0007060403020100,
    0x0000000000070605, 0x0000000007060500, 0x0000000007060501, 0x0000000706050100,
    0x0000000007060502, 0x0000000706050200, 0x0000000706050201, 0x0000070605020100,
    0x0000000007060503, 0x0000000706050300, 0x0000000706050301, 0x0000070605030100,
    0x0000000706050302, 0x0000070605030200, 0x0000070605030201, 0x0007060503020100,
    0x0000000007060504, 0x0000000706050400, 0x0000000706050401, 0x0000070605040100,
    0x0000000706050402, 0x0000070605040200, 0x0000070605040201, 0x0007060504020100,
    0x0000000706050403, 0x0000070605040300, 0x0000070605040301, 0x0007060504030100,
    0x0000070605040302, 0x0007060504030200, 0x0007060504030201, 0x0706050403020100,
};

/* The same for a 4 x 64-bit movemask, as pairs of 32-bit indices (2e, 2e+1). */
static const uint64_t k_pack4[16] = {
    0x0000000000000000, 0x0000000000000100, 0x0000000000000302, 0x0000000003020100,
    0x0000000000000504, 0x0000000005040100, 0x0000000005040302, 0x0000050403020100,
    0x0000000000000706, 0x0000000007060100, 0x0000000007060302, 0x0000070603020100,
    0x0000000007060504, 0x0000070605040100, 0x0000070605040302, 0x0706050403020100,
};

/* Bits set in m (no POPCNT: it is not among the features the dispatcher checks). */
static const uint8_t k_popcnt8[256] = {
    0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    4, 5, 5, 6, 5, 6, 6, 7, 5, 6, 6, 7, 6, 7, 7, 8,
};
#endif /* !SI_AVX512VL_BUILD */

/* ---- group generators ------------------------------------------------------ */

enum { K_UNI = 0, K_NORM = 1 };  /* uniform, normal */

/* Per-fill constants, broadcast once per kernel call. */
typedef struct kc {
    __m256 f_lo, f_scale, f_hi, f_mean, f_std, f_tlo, f_thi, f_nlo, f_nhi;
    __m256d d_lo, d_scale, d_hi, d_mean, d_std, d_tlo, d_thi;
    /* the truncated normal's proposal constants (si_params f_tp ..., d_tp ...) */
    __m256 f_tp, f_tq, f_tb, f_th, f_to, f_tg;
    __m256d d_tp, d_tq, d_tb, d_th, d_to, d_tg;
#if defined(SI_AVX512VL_BUILD)
    __m512 z_lo, z_scale, z_hi, z_mean, z_std, z_tlo, z_thi;
    __m512d zd_lo, zd_scale, zd_hi, zd_mean, zd_std, zd_tlo, zd_thi;
    __m512 z_tp, z_tq, z_tb, z_th, z_to, z_tg;
    __m512d zd_tp, zd_tq, zd_tb, zd_th, zd_to, zd_tg;
#endif
} kc;

AI void kc_load(kc *c, const si_params *p)
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
#if defined(SI_AVX512VL_BUILD)
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
#endif
#define SI_KC_TN(f) \
    c->f_t##f = _mm256_set1_ps(p->f_t##f); \
    c->d_t##f = _mm256_set1_pd(p->d_t##f);
#if defined(SI_AVX512VL_BUILD)
#define SI_KC_TN_Z(f) \
    c->z_t##f = _mm512_set1_ps(p->f_t##f); \
    c->zd_t##f = _mm512_set1_pd(p->d_t##f);
#else
#define SI_KC_TN_Z(f)
#endif
    SI_KC_TN(p) SI_KC_TN(q) SI_KC_TN(b) SI_KC_TN(h) SI_KC_TN(o) SI_KC_TN(g)
    SI_KC_TN_Z(p) SI_KC_TN_Z(q) SI_KC_TN_Z(b) SI_KC_TN_Z(h) SI_KC_TN_Z(o) SI_KC_TN_Z(g)
#undef SI_KC_TN
#undef SI_KC_TN_Z
}

/* A bf16/f16 uniform keeps its rounding inside [low, high): as the scalar
 * u < nlo ? nlo : u > nhi ? nhi : u (max_ps(a, b) is a > b ? a : b). */
AI __m256 narrow_clamp(const kc *c, __m256 v)
{
    return _mm256_min_ps(c->f_nhi, _mm256_max_ps(c->f_nlo, v));
}

/* Steps per group of a (kind, f64?) as the reference kernels consume them. */
#define STEPS(kind, f64) ((f64) ? 2 : 1)

#if defined(SI_AVX512VL_BUILD)
#include "../avx512/groups_avx512.h"
#else
/* The upper and lower 32-bit halves of lanes 0..7, in lane order, from the
 * outputs of a step in the split arrangement (ra = lanes {0,1,4,5}, rb =
 * {2,3,6,7}): the odd (even) 32-bit words of shuffle(ra, rb). */
AI void halves8(__m256i ra, __m256i rb, __m256i *hi, __m256i *lo)
{
    *hi = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(ra), _mm256_castsi256_ps(rb), 0xdd));
    *lo = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(ra), _mm256_castsi256_ps(rb), 0x88));
}

/* One group computed in float32: v0 = elements 0-7, v1 = elements 8-15. */
AI void gen_f32(const int kind, const int clamp, xs8 *s, const kc *c, __m256 *v0, __m256 *v1)
{
    __m256i ra, rb;
    if (kind == K_UNI) {
        /* element 2l + h = upper 24 bits of half h of lane l: in lane order the
         * 32-bit halves of ra (lanes 0-3) are elements 0-7. */
        xo8(s, &ra, &rb);
        *v0 = si_uniform_f32_avx2(_mm256_srli_epi32(ra, 8), c->f_lo, c->f_scale);
        *v1 = si_uniform_f32_avx2(_mm256_srli_epi32(rb, 8), c->f_lo, c->f_scale);
        if (clamp) {
            /* u > hi ? hi : u  ==  min_ps(hi, u) (hi < u ? hi : u) */
            *v0 = _mm256_min_ps(c->f_hi, *v0);
            *v1 = _mm256_min_ps(c->f_hi, *v1);
        }
    } else {
        /* lanes split {0,1,4,5} / {2,3,6,7} */
        xo8(s, &ra, &rb);
        __m256i hi, lo;
        halves8(ra, rb, &hi, &lo);
        __m256 z0, z1;
        si_box_muller_f32_avx2(hi, lo, &z0, &z1);
        *v0 = si_affine_f32_avx2(z0, c->f_mean, c->f_std);
        *v1 = si_affine_f32_avx2(z1, c->f_mean, c->f_std);
    }
}

/* Two consecutive groups computed in float32: (v0, v1) then (w0, w1). */
AI void gen2_f32(const int kind, const int clamp, xs8 *s, const kc *c, __m256 *v0, __m256 *v1,
                 __m256 *w0, __m256 *w1)
{
    if (kind != K_NORM) {
        gen_f32(kind, clamp, s, c, v0, v1);
        gen_f32(kind, clamp, s, c, w0, w1);
        return;
    }
    __m256i ra, rb, qa, qb;
    xo8(s, &ra, &rb);
    xo8(s, &qa, &qb);
    u2 hi, lo;
    halves8(ra, rb, &hi.a, &lo.a);
    halves8(qa, qb, &hi.b, &lo.b);
    f2 z0, z1;
    si_box_muller_f32_avx2x2(hi, lo, &z0, &z1);
    *v0 = si_affine_f32_avx2(z0.a, c->f_mean, c->f_std);
    *v1 = si_affine_f32_avx2(z1.a, c->f_mean, c->f_std);
    *w0 = si_affine_f32_avx2(z0.b, c->f_mean, c->f_std);
    *w1 = si_affine_f32_avx2(z1.b, c->f_mean, c->f_std);
}

/* One group computed in float64: v[0..3] = elements 0-3, 4-7, 8-11, 12-15. */
AI void gen_f64(const int kind, const int clamp, xs8 *s, const kc *c, __m256d v[4])
{
    __m256i ra, rb;
    if (kind == K_UNI) {
        for (int h = 0; h < 2; h++) {
            xo8(s, &ra, &rb);
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
        xo8(s, &ra, &rb);
        xo8(s, &qa, &qb);
        u2 x1, x2;
        x1.a = ra; x1.b = rb;
        x2.a = qa; x2.b = qb;
        d2 z0, z1;
        si_box_muller_f64_avx2x2(x1, x2, &z0, &z1);
        v[0] = si_affine_f64_avx2(z0.a, c->d_mean, c->d_std);
        v[1] = si_affine_f64_avx2(z0.b, c->d_mean, c->d_std);
        v[2] = si_affine_f64_avx2(z1.a, c->d_mean, c->d_std);
        v[3] = si_affine_f64_avx2(z1.b, c->d_mean, c->d_std);
    }
}
#endif /* SI_AVX512VL_BUILD */

/* Vectors (of 32 bytes) per group of 16 elements: 4 (f64), 2 (f32), 1 (16-bit). */
#define NVEC(dt) ((dt) == SIMDINIT_F64 ? 4 : (dt) == SIMDINIT_F32 ? 2 : 1)

/* One group in its output encoding: g[0 .. NVEC-1], in memory order. */
AI void gen_group(const int kind, const int dt, const int clamp, xs8 *s, const kc *c, __m256i g[4])
{
    if (dt == SIMDINIT_F64) {
        __m256d v[4];
        gen_f64(kind, clamp, s, c, v);
        for (int i = 0; i < 4; i++)
            g[i] = _mm256_castpd_si256(v[i]);
        return;
    }
    __m256 v0, v1;
    gen_f32(kind, clamp, s, c, &v0, &v1);
    if (kind == K_UNI && dt != SIMDINIT_F32) {
        v0 = narrow_clamp(c, v0);
        v1 = narrow_clamp(c, v1);
    }
    if (dt == SIMDINIT_F32) {
        g[0] = _mm256_castps_si256(v0);
        g[1] = _mm256_castps_si256(v1);
    } else if (dt == SIMDINIT_BF16) {
        g[0] = pack_bf16(v0, v1);
    } else {
        g[0] = pack_f16(v0, v1);
    }
}

#if !defined(SI_AVX512VL_BUILD)  /* the avx512 build batches with norm_groups4/norm_groups2_f64 */
/* Two consecutive groups. */
AI void gen_group2(const int kind, const int dt, const int clamp, xs8 *s, const kc *c, __m256i g[4],
                   __m256i h[4])
{
    if (dt == SIMDINIT_F64) {
        gen_group(kind, dt, clamp, s, c, g);
        gen_group(kind, dt, clamp, s, c, h);
        return;
    }
    __m256 v0, v1, w0, w1;
    gen2_f32(kind, clamp, s, c, &v0, &v1, &w0, &w1);
    if (kind == K_UNI && dt != SIMDINIT_F32) {
        v0 = narrow_clamp(c, v0);
        v1 = narrow_clamp(c, v1);
        w0 = narrow_clamp(c, w0);
        w1 = narrow_clamp(c, w1);
    }
    if (dt == SIMDINIT_F32) {
        g[0] = _mm256_castps_si256(v0);
        g[1] = _mm256_castps_si256(v1);
        h[0] = _mm256_castps_si256(w0);
        h[1] = _mm256_castps_si256(w1);
    } else if (dt == SIMDINIT_BF16) {
        g[0] = pack_bf16(v0, v1);
        h[0] = pack_bf16(w0, w1);
    } else {
        g[0] = pack_f16(v0, v1);
        h[0] = pack_f16(w0, w1);
    }
}
#endif /* !SI_AVX512VL_BUILD */

/* Groups per iteration of the full-group loops: the float32-family
 * Box-Muller runs two groups at a time (the x2 math), or four in the avx512
 * build (two 16-lane chains); the float64 one two in the avx512 build (two
 * 8-lane chains); the cheap kernels one (more would spill the lane state). */
#if defined(SI_AVX512VL_BUILD)
#define NORM_BATCH 4
#define NORM_BATCH_D 2
#else
#define NORM_BATCH 2
#define NORM_BATCH_D 1
#endif
#define BATCH(kind, dt) ((kind) != K_NORM ? 1 : (dt) == SIMDINIT_F64 ? NORM_BATCH_D : NORM_BATCH)

/* nb = BATCH(kind, dt) consecutive groups: g[0 .. nb-1]. */
AI void gen_groups(const int kind, const int dt, const int clamp, const int nb, xs8 *s, const kc *c,
                   __m256i g[][4])
{
#if defined(SI_AVX512VL_BUILD)
    if (nb == 4)
        norm_groups4(dt, s, c, g);
    else if (nb == 2)
        norm_groups2_f64(s, c, g);
#else
    if (nb == 2)
        gen_group2(kind, dt, clamp, s, c, g[0], g[1]);
#endif
    else
        gen_group(kind, dt, clamp, s, c, g[0]);
}

AI void put_group(const int dt, unsigned char *o, const __m256i g[4], const int stream)
{
    for (int i = 0; i < NVEC(dt); i++) {
        if (stream)
            _mm256_stream_si256((__m256i *)(o + 32 * i), g[i]);
        else
            _mm256_storeu_si256((__m256i *)(o + 32 * i), g[i]);
    }
}

/* Groups per chunk of the phase-shifting staging path. */
#define STAGE_GROUPS 8

/*
 * The kernel for group-structured fills (uniform, normal, inverse-mode
 * truncated normal): block-local elements [start, start + count).
 */
AI void run_groups(const int kind, const int dt, const int clamp, void *out, si_lanes *st,
                   uint32_t start, uint32_t count, const si_params *p)
{
    const int nv = NVEC(dt);
    const size_t es = 2 * (size_t)nv, gb = 32 * (size_t)nv;  /* element, group bytes */
    const int nb = BATCH(kind, dt);
    if (count == 0)
        return;
    kc c;
    kc_load(&c, p);
    xs8 s;
    xs_load(&s, st, kind == K_NORM && dt != SIMDINIT_F64);
    uint32_t end = start + count, e0 = start & ~(uint32_t)(SI_GROUP - 1);
    xs_skip(&s, (start / SI_GROUP) * STEPS(kind, dt == SIMDINIT_F64));
    unsigned char *o = out;
    __m256i g[4], gg[NORM_BATCH][4];
    if (e0 != start || end - e0 < SI_GROUP) {
        /* partial first group */
        alignas(32) unsigned char buf[128];
        gen_group(kind, dt, clamp, &s, &c, g);
        put_group(dt, buf, g, 0);
        uint32_t lo = start - e0, hi = end - e0 < SI_GROUP ? end - e0 : SI_GROUP;
        memcpy(o, buf + lo * es, (hi - lo) * es);
        o += (hi - lo) * es;
        e0 += SI_GROUP;
        if (e0 >= end)
            return;
    }
    size_t full = (end - e0) / SI_GROUP;
    if (full && p->nontemporal && (uintptr_t)o % es == 0) {
        size_t d = (uintptr_t)o & 31;
        if (d == 0) {
            for (; full >= (size_t)nb; full -= (size_t)nb) {
                gen_groups(kind, dt, clamp, nb, &s, &c, gg);
                for (int i = 0; i < nb; i++)
                    put_group(dt, o + i * gb, gg[i], 1);
                o += nb * gb;
            }
            for (; full; full--) {
                gen_group(kind, dt, clamp, &s, &c, g);
                put_group(dt, o, g, 1);
                o += gb;
            }
        } else {
            /* stage + d has o's alignment phase: stage byte 32 b + j maps to
             * output byte (o - d) + 32 b + j, so aligned chunks stream. */
            alignas(32) unsigned char stage[STAGE_GROUPS * 128 + 64];
            unsigned char *sp = stage + d;
            int first = 1;
            while (full) {
                size_t kg = full < STAGE_GROUPS ? full : STAGE_GROUPS;
                size_t j = 0;
                for (; j + nb <= kg; j += (size_t)nb) {
                    gen_groups(kind, dt, clamp, nb, &s, &c, gg);
                    for (int i = 0; i < nb; i++)
                        put_group(dt, sp + (j + i) * gb, gg[i], 0);
                }
                for (; j < kg; j++) {
                    gen_group(kind, dt, clamp, &s, &c, g);
                    put_group(dt, sp + j * gb, g, 0);
                }
                size_t bytes = kg * gb, b = 0;
                unsigned char *oa = o - d;
                if (first) {
                    memcpy(o, sp, 32 - d);  /* the output bytes before the first aligned chunk */
                    b = 1;
                    first = 0;
                }
                for (; b < bytes / 32; b++)
                    _mm256_stream_si256((__m256i *)(oa + 32 * b),
                                        _mm256_load_si256((const __m256i *)(stage + 32 * b)));
                /* carry the last d bytes (stage[bytes, bytes + d)) to the front */
                _mm256_store_si256((__m256i *)stage, _mm256_load_si256((const __m256i *)(stage + bytes)));
                o += bytes;
                full -= kg;
            }
            memcpy(o - d, stage, d);
        }
    } else {
#if defined(SI_AVX512VL_BUILD)
        /* float32/float64 uniform: each group's 64 or 128 bytes as whole
         * 64-byte stores of the 512-bit results (no 256-bit extracts) */
        for (; kind == K_UNI && nv >= 2 && full; full--) {
            uniform_group_z(dt, clamp, &s, &c, o);
            o += gb;
        }
#endif
        for (; full >= (size_t)nb; full -= (size_t)nb) {
            gen_groups(kind, dt, clamp, nb, &s, &c, gg);
            for (int i = 0; i < nb; i++)
                put_group(dt, o + i * gb, gg[i], 0);
            o += nb * gb;
        }
        for (; full; full--) {
            gen_group(kind, dt, clamp, &s, &c, g);
            put_group(dt, o, g, 0);
            o += gb;
        }
    }
    size_t done = (size_t)(o - (unsigned char *)out) / es;
    if (done < count) {
        /* partial last group */
        alignas(32) unsigned char buf[128];
        gen_group(kind, dt, clamp, &s, &c, g);
        put_group(dt, buf, g, 0);
        memcpy(o, buf, (count - done) * es);
    }
}

/* ---- truncated normal, reject mode ----------------------------------------- */

/*
 * The candidates are the block's normal stream (element order of NORMAL);
 * the accepted ones (tlo <= w <= thi) are left-packed into a staging buffer in
 * candidate order, the first `start` accepted are dropped, the next `count`
 * written. Staged values are flushed REJ_FLUSH at a time (vector stores, or
 * streams when the output is aligned; a first short flush aligns it). The
 * flush is large so that most of the staged vectors it reloads were stored
 * long before (the unaligned left-packed stores cannot forward to the aligned
 * reloads; a reload of a store still in flight stalls).
 */
#define REJ_FLUSH 256
#define REJ_FLUSH_D 128
/* Candidates per rej_batch_f32 call: two groups (the x2 math), four in the
 * avx512 build (two 16-lane chains, src/avx512/groups_avx512.h); per
 * rej_batch_f64 call: one group, two in the avx512 build (two 8-lane chains). */
#if defined(SI_AVX512VL_BUILD)
#define REJ_BATCH 64
#define REJ_BATCH_D 32
#else
#define REJ_BATCH 32
#define REJ_BATCH_D 16
#endif

#if !defined(SI_AVX512VL_BUILD)  /* the avx512 build: src/avx512/groups_avx512.h */
/* Left-pack the lanes of v selected by the 8-bit mask m to dst. */
AI void lpack8(float *dst, __m256 v, unsigned m)
{
    __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)&k_pack8[m]));
    _mm256_storeu_ps(dst, _mm256_permutevar8x32_ps(v, idx));
}

AI void lpack4(double *dst, __m256d v, unsigned m)
{
    __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)&k_pack4[m]));
    _mm256_storeu_pd(dst, _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(v), idx)));
}

AI unsigned accept_ps(__m256 v, const kc *c)
{
    __m256 m = _mm256_and_ps(_mm256_cmp_ps(v, c->f_tlo, _CMP_GE_OQ), _mm256_cmp_ps(v, c->f_thi, _CMP_LE_OQ));
    return (unsigned)_mm256_movemask_ps(m);
}

AI unsigned accept_pd(__m256d v, const kc *c)
{
    __m256d m = _mm256_and_pd(_mm256_cmp_pd(v, c->d_tlo, _CMP_GE_OQ), _mm256_cmp_pd(v, c->d_thi, _CMP_LE_OQ));
    return (unsigned)_mm256_movemask_pd(m);
}

/* REJ_BATCH candidates, left-packed to dst in candidate order; returns how
 * many were kept. SI_TN_NORMAL: two groups (the x2 math); the proposals: four
 * steps of 8 candidates. */
AI unsigned rej_batch_f32(const int mode, xs8 *s, const kc *c, float *dst)
{
    if (mode != SI_TN_NORMAL) {
        unsigned n = 0;
        for (int i = 0; i < 4; i++) {
            __m256i ra, rb, hi, lo, acc;
            xo8(s, &ra, &rb);
            halves8(ra, rb, &hi, &lo);
            __m256 v = si_tn_cand_f32_avx2(mode == SI_TN_EXP, hi, lo, c->f_tp, c->f_tq, c->f_tb,
                                           c->f_th, c->f_to, c->f_tg, c->f_tlo, c->f_thi, &acc);
            unsigned m = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(acc));
            lpack8(dst + n, v, m);
            n += k_popcnt8[m];
        }
        return n;
    }
    __m256 v[4];
    gen2_f32(K_NORM, 0, s, c, &v[0], &v[1], &v[2], &v[3]);
    unsigned n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned m = accept_ps(v[i], c);
        lpack8(dst + n, v[i], m);
        n += k_popcnt8[m];
    }
    return n;
}

AI unsigned rej_batch_f64(const int mode, xs8 *s, const kc *c, double *dst)
{
    if (mode != SI_TN_NORMAL) {
        /* two pairs of steps, 8 candidates each: lanes 0-3 (.a), 4-7 (.b) */
        unsigned n = 0;
        d2 P = {c->d_tp, c->d_tp}, Q = {c->d_tq, c->d_tq}, B = {c->d_tb, c->d_tb};
        d2 H = {c->d_th, c->d_th}, O = {c->d_to, c->d_to}, G = {c->d_tg, c->d_tg};
        d2 L = {c->d_tlo, c->d_tlo}, U = {c->d_thi, c->d_thi};
        for (int i = 0; i < 2; i++) {
            u2 x1, x2, acc;
            xo8(s, &x1.a, &x1.b);
            xo8(s, &x2.a, &x2.b);
            d2 v = si_tn_cand_f64_avx2x2(mode == SI_TN_EXP, x1, x2, P, Q, B, H, O, G, L, U, &acc);
            unsigned ma = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(acc.a));
            unsigned mb = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(acc.b));
            lpack4(dst + n, v.a, ma);
            n += k_popcnt8[ma];
            lpack4(dst + n, v.b, mb);
            n += k_popcnt8[mb];
        }
        return n;
    }
    __m256d v[4];
    gen_f64(K_NORM, 0, s, c, v);
    unsigned n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned m = accept_pd(v[i], c);
        lpack4(dst + n, v[i], m);
        n += k_popcnt8[m];
    }
    return n;
}
#endif /* !SI_AVX512VL_BUILD */

/* Write n staged float32 values as dt with ordinary stores (n <= REJ_FLUSH + REJ_BATCH). */
AI void rej_put_plain_f32(const int dt, unsigned char *o, const float *v, unsigned n)
{
    if (dt == SIMDINIT_F32) {
        memcpy(o, v, (size_t)n * 4);
        return;
    }
    alignas(32) uint16_t h[REJ_FLUSH + REJ_BATCH];
    for (unsigned i = 0; i < n; i += 16) {
        __m256 a = _mm256_load_ps(v + i), b = _mm256_load_ps(v + i + 8);
        __m256i x = dt == SIMDINIT_BF16 ? pack_bf16(a, b) : pack_f16(a, b);
        _mm256_store_si256((__m256i *)(h + i), x);
    }
    memcpy(o, h, (size_t)n * 2);
}

/* Write REJ_FLUSH staged values with vector stores (streams if `stream`). */
AI void rej_put_flush_f32(const int dt, unsigned char *o, const float *v, const int stream)
{
    for (unsigned i = 0; i < REJ_FLUSH; i += 16) {
        __m256 a = _mm256_load_ps(v + i), b = _mm256_load_ps(v + i + 8);
        __m256i g[4];
        if (dt == SIMDINIT_F32) {
            g[0] = _mm256_castps_si256(a);
            g[1] = _mm256_castps_si256(b);
        } else {
            g[0] = dt == SIMDINIT_BF16 ? pack_bf16(a, b) : pack_f16(a, b);
        }
        put_group(dt, o + (size_t)i * (dt == SIMDINIT_F32 ? 4 : 2), g, stream);
    }
}

AI void run_reject_f32(const int dt, const int mode, void *out, si_lanes *st, uint32_t start, uint32_t count,
                       const si_params *p)
{
    const size_t es = dt == SIMDINIT_F32 ? 4 : 2;
    if (count == 0)
        return;
    kc c;
    kc_load(&c, p);
    xs8 s;
    xs_load(&s, st, 1);
    alignas(32) float stg[REJ_FLUSH + REJ_BATCH];
    memset(stg, 0, sizeof stg);
    unsigned n = 0;
    /* drop the first `start` accepted candidates */
    uint32_t skip = start;
    while (skip) {
        unsigned na = rej_batch_f32(mode, &s, &c, stg);
        if (na <= skip) {
            skip -= na;
            continue;
        }
        n = na - skip;
        memmove(stg, stg + skip, n * sizeof(float));
        skip = 0;
    }
    unsigned char *o = out;
    uint32_t need = count;
    int stream = p->nontemporal && (uintptr_t)o % es == 0;
    unsigned fl = REJ_FLUSH;
    if (stream && ((uintptr_t)o & 31))
        fl = (unsigned)((32 - ((uintptr_t)o & 31)) / es);  /* a first short flush aligns o */
    if (dt == SIMDINIT_F32 && !stream && (uintptr_t)o % 4 == 0 && n < need) {
        /* Ordinary stores to float32: left-pack straight into the output
         * while a whole batch fits before its end (a batch writes
         * REJ_BATCH floats, of which the kept ones are a prefix; the next
         * batch overwrites the rest). Skipping the staging round trip
         * measured +4-12% (avx512) and +3-7% (AVX2), and the rate depends
         * less on where the output lies (docs/PERFORMANCE.md). */
        memcpy(o, stg, (size_t)n * 4);
        o += (size_t)n * 4;
        need -= n;
        n = 0;
        while (need >= REJ_BATCH) {
            unsigned k = rej_batch_f32(mode, &s, &c, (float *)(void *)o);
            o += (size_t)k * 4;
            need -= k;
        }
    }
    for (;;) {
        if (n >= need) {
            rej_put_plain_f32(dt, o, stg, need);
            break;
        }
        if (n >= fl) {
            if (fl == REJ_FLUSH)
                rej_put_flush_f32(dt, o, stg, stream);
            else
                rej_put_plain_f32(dt, o, stg, fl);
            o += fl * es;
            need -= fl;
            n -= fl;  /* < REJ_BATCH remain: move them to the front (all loads first, they may overlap) */
            __m256 r[REJ_BATCH / 8];
            for (int i = 0; i < REJ_BATCH / 8; i++)
                r[i] = _mm256_loadu_ps(stg + fl + 8 * i);
            for (int i = 0; i < REJ_BATCH / 8; i++)
                _mm256_store_ps(stg + 8 * i, r[i]);
            fl = REJ_FLUSH;
            continue;
        }
        n += rej_batch_f32(mode, &s, &c, stg + n);
    }
}

AI void run_reject_f64(const int mode, void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    if (count == 0)
        return;
    kc c;
    kc_load(&c, p);
    xs8 s;
    xs_load(&s, st, 0);
    alignas(32) double stg[REJ_FLUSH_D + REJ_BATCH_D];
    memset(stg, 0, sizeof stg);
    unsigned n = 0;
    uint32_t skip = start;
    while (skip) {
        unsigned na = rej_batch_f64(mode, &s, &c, stg);
        if (na <= skip) {
            skip -= na;
            continue;
        }
        n = na - skip;
        memmove(stg, stg + skip, n * sizeof(double));
        skip = 0;
    }
    unsigned char *o = out;
    uint32_t need = count;
    int stream = p->nontemporal && (uintptr_t)o % 8 == 0;
    unsigned fl = REJ_FLUSH_D;
    if (stream && ((uintptr_t)o & 31))
        fl = (unsigned)((32 - ((uintptr_t)o & 31)) / 8);
    if (!stream && (uintptr_t)o % 8 == 0 && n < need) {
        /* left-pack straight into the output while a batch fits (as
         * run_reject_f32) */
        memcpy(o, stg, (size_t)n * 8);
        o += (size_t)n * 8;
        need -= n;
        n = 0;
        while (need >= REJ_BATCH_D) {
            unsigned k = rej_batch_f64(mode, &s, &c, (double *)(void *)o);
            o += (size_t)k * 8;
            need -= k;
        }
    }
    for (;;) {
        if (n >= need) {
            memcpy(o, stg, (size_t)need * 8);
            break;
        }
        if (n >= fl) {
            if (fl == REJ_FLUSH_D) {
                for (unsigned i = 0; i < REJ_FLUSH_D; i += 4) {
                    __m256d x = _mm256_load_pd(stg + i);
                    if (stream)
                        _mm256_stream_pd((double *)(o + 8 * i), x);
                    else
                        _mm256_storeu_pd((double *)(o + 8 * i), x);
                }
            } else {
                memcpy(o, stg, (size_t)fl * 8);
            }
            o += fl * 8;
            need -= fl;
            n -= fl;  /* < REJ_BATCH_D remain: move them to the front (loads first) */
            __m256d r[REJ_BATCH_D / 4];
            for (int i = 0; i < REJ_BATCH_D / 4; i++)
                r[i] = _mm256_loadu_pd(stg + fl + 4 * i);
            for (int i = 0; i < REJ_BATCH_D / 4; i++)
                _mm256_store_pd(stg + 4 * i, r[i]);
            fl = REJ_FLUSH_D;
            continue;
        }
        n += rej_batch_f64(mode, &s, &c, stg + n);
    }
}

/* ---- the kernels ------------------------------------------------------------ */

#define KARGS void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p
#define KPASS out, st, start, count, p

#define UNIFORM_KERNEL(name, dt)                                                \
    static void name(KARGS)                                                     \
    {                                                                           \
        if (p->clamp)                                                           \
            run_groups(K_UNI, dt, 1, KPASS);                                    \
        else                                                                    \
            run_groups(K_UNI, dt, 0, KPASS);                                    \
    }
UNIFORM_KERNEL(uniform_f32, SIMDINIT_F32)
UNIFORM_KERNEL(uniform_f64, SIMDINIT_F64)
UNIFORM_KERNEL(uniform_bf16, SIMDINIT_BF16)
UNIFORM_KERNEL(uniform_f16, SIMDINIT_F16)

#define NORMAL_KERNEL(name, dt)                                                 \
    static void name(KARGS) { run_groups(K_NORM, dt, 0, KPASS); }
NORMAL_KERNEL(normal_f32, SIMDINIT_F32)
NORMAL_KERNEL(normal_f64, SIMDINIT_F64)
NORMAL_KERNEL(normal_bf16, SIMDINIT_BF16)
NORMAL_KERNEL(normal_f16, SIMDINIT_F16)

/* The proposal is a compile-time constant of each reject driver. */
#define TRUNC_KERNEL(name, RUN)                                                 \
    static void name(KARGS)                                                     \
    {                                                                           \
        if (p->tn_mode == SI_TN_NORMAL)                                         \
            RUN(SI_TN_NORMAL);                                                  \
        else if (p->tn_mode == SI_TN_UNIFORM)                                   \
            RUN(SI_TN_UNIFORM);                                                 \
        else                                                                    \
            RUN(SI_TN_EXP);                                                     \
    }
#define RUN_F32(m) run_reject_f32(SIMDINIT_F32, m, KPASS)
#define RUN_F64(m) run_reject_f64(m, KPASS)
#define RUN_BF16(m) run_reject_f32(SIMDINIT_BF16, m, KPASS)
#define RUN_F16(m) run_reject_f32(SIMDINIT_F16, m, KPASS)
TRUNC_KERNEL(trunc_f32, RUN_F32)
TRUNC_KERNEL(trunc_f64, RUN_F64)
TRUNC_KERNEL(trunc_bf16, RUN_BF16)
TRUNC_KERNEL(trunc_f16, RUN_F16)

/* ---- constant ---------------------------------------------------------------- */

static void constant_avx2(void *out, size_t n, uint64_t bits, size_t size, int nontemporal)
{
    unsigned char *o = out;
    size_t bytes = n * size;
    if (bytes < 64) {
        for (size_t i = 0; i < n; i++)
            memcpy(o + i * size, &bits, size);  /* little-endian: low bytes first */
        return;
    }
    /* pat[i] = byte i % size of the element: a vector loaded at pat + ((x - o) % size)
     * holds the bytes of output positions x .. x + 31. */
    alignas(32) unsigned char pat[64];
    for (size_t i = 0; i < 64; i++)
        pat[i] = (unsigned char)(bits >> (8 * (i % size)));
    unsigned char *end = o + bytes;
    unsigned char *a = (unsigned char *)(((uintptr_t)o + 32) & ~(uintptr_t)31);
    unsigned char *ea = (unsigned char *)((uintptr_t)end & ~(uintptr_t)31);
    __m256i v = _mm256_loadu_si256((const __m256i *)(pat + (size_t)(a - o) % size));
    _mm256_storeu_si256((__m256i *)o, _mm256_load_si256((const __m256i *)pat));
    if (nontemporal) {
        for (; a + 128 <= ea; a += 128) {
            _mm256_stream_si256((__m256i *)a, v);
            _mm256_stream_si256((__m256i *)(a + 32), v);
            _mm256_stream_si256((__m256i *)(a + 64), v);
            _mm256_stream_si256((__m256i *)(a + 96), v);
        }
        for (; a < ea; a += 32)
            _mm256_stream_si256((__m256i *)a, v);
    } else {
        for (; a + 128 <= ea; a += 128) {
            _mm256_store_si256((__m256i *)a, v);
            _mm256_store_si256((__m256i *)(a + 32), v);
            _mm256_store_si256((__m256i *)(a + 64), v);
            _mm256_store_si256((__m256i *)(a + 96), v);
        }
        for (; a < ea; a += 32)
            _mm256_store_si256((__m256i *)a, v);
    }
    _mm256_storeu_si256((__m256i *)(end - 32),
                        _mm256_loadu_si256((const __m256i *)(pat + (bytes - 32) % size)));
    if (nontemporal)
        _mm_sfence();
}

void SI_KERNELS_INIT(si_kernels *k)
{
    k->backend = SI_KERNELS_BACKEND;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F32] = uniform_f32;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F64] = uniform_f64;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_BF16] = uniform_bf16;
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F16] = uniform_f16;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F32] = normal_f32;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F64] = normal_f64;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_BF16] = normal_bf16;
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F16] = normal_f16;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F32] = trunc_f32;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F64] = trunc_f64;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_BF16] = trunc_bf16;
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F16] = trunc_f16;
    k->constant = constant_avx2;
}

/*
 * Performance notes (Zen 5 at ~3.5 GHz, one thread, 16 KB blocks in L1, GCC 12):
 * the kernels are bound by the number of vector operations. This core issues
 * at most 4 vector ops per cycle (2 for multiplies and shifts, which share
 * pipes), ~2.5-3.3 in this mixed code. Per group of 16 elements:
 *   uniform f32:      ~30 ops (xoshiro 2 x 10, convert 2 x 4)   ~9.5 cycles  ~5.8 Gelem/s
 *   normal f32:      ~110 ops (Box-Muller 8 lanes, one div, one sqrt)
 *                                                                ~43 cycles  ~1.25 Gelem/s
 *   normal f64:      ~300 ops (two 4-lane Box-Mullers)          ~120 cycles  ~0.45 Gelem/s
 * (these rows predate issue 14's fma value path; counted from the source it
 * takes ~65 ops per f32 group (xoshiro 20, -2 ln u1 16, sin/cos with the
 * angle bits 16, u1, sign, sqrt, products and affine 10, stores 3) and ~160
 * per f64 group (two 4-lane Box-Mullers of ~54))
 *   trunc f32 (-2,2): normal / 0.954 + left-packing (~1.2 ops per candidate)
 *                                                                             ~0.95 Gelem/s
 * Interleaving two Box-Muller chains (the x2 math) gains 3-9%, splitting the
 * log and sin/cos halves into separate passes nothing: the out-of-order window
 * already overlaps groups. Going faster needs fewer operations (a different
 * value path, or 512-bit registers), not scheduling.
 *
 * The avx512 build (src/avx512/groups_avx512.h) takes the 512-bit route: this
 * core executes a 512-bit operation at the throughput of a 256-bit one, so
 * the same math on 16 float32 (8 float64) lanes per instruction runs at
 * 1.5-2.2x (normal f32 ~2.4, normal f64 ~0.8, uniform f32 ~7.4 Gelem/s in L1).
 * Two independent 16-lane chains per iteration add 7-8%; four were slower,
 * and op-by-op interleaving of two chains (as the x2 math does for 256 bits)
 * only 2-3% more, so it is not done. Re-joining the two 256-bit halves of a
 * 512-bit result into one 64-byte store in put_group gained nothing (gcc
 * keeps the extract and the insert); storing the uniform result before it is
 * split (uniform_group_z) gained 6-10% for float64 and no clear change for
 * float32.
 */
