/*
 * The NEON vocabulary (AArch64 Advanced SIMD): the operations of
 * src/simd_math.h on float32x4_t / float64x2_t, the value path instantiated
 * on them (names *_neon), and the store vocabulary of src/fill_template.h
 * (16-byte units, plain stores: no non-temporal hint).
 *
 * The one thing a reader must not miss: one NEON instruction per vocabulary
 * operation, each the exact IEEE-754 operation of the scalar macro (round to
 * nearest-even under the default FPCR). Nothing is fused: no vfmaq/vmlaq, and
 * GCC implements vaddq/vmulq as plain vector + and *, so the build's
 * -ffp-contract=off is what keeps it from forming FMLA on its own
 * (tests/run_aarch64.sh disassembles the library and fails on any fused op).
 */
#ifndef SI_VOCAB_NEON_H
#define SI_VOCAB_NEON_H

#include <arm_neon.h>
#include <stdint.h>

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
 * shift, sign-bit selects (the sign broadcast by an arithmetic shift) */
#define SI_F_FMA(a, b, c) vfmaq_f32((c), (a), (b))
#define SI_D_FMA(a, b, c) vfmaq_f64((c), (a), (b))
#define SI_U_SRA(a, n) vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(a), (n)))
#define SI_F_SELECT_SIGN(m, a, b)                                                        \
    vbslq_f32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(m), 31)), (a), (b))
#define SI_D_SELECT_SIGN(m, a, b)                                                        \
    vbslq_f64(vreinterpretq_u64_s64(vshrq_n_s64(vreinterpretq_s64_u64(m), 63)), (a), (b))

#include "simd_math.h"
#include "simd_math_undef.h"

/* ---- the store vocabulary of src/fill_template.h: 16-byte units ------------- */

#define SI_V_UNIT uint8x16_t
#define SI_V_UNIT_BYTES 16
#define SI_V_LOAD(p) vld1q_u8((const uint8_t *)(const void *)(p))
#define SI_V_LOADU(p) vld1q_u8((const uint8_t *)(const void *)(p))
#define SI_V_STORE(p, v) vst1q_u8((uint8_t *)(void *)(p), v)
#define SI_V_STOREU(p, v) vst1q_u8((uint8_t *)(void *)(p), v)
#define SI_V_STREAM(p, v) vst1q_u8((uint8_t *)(void *)(p), v)
#define SI_V_FENCE() ((void)0)
#define SI_V_STREAMS 0

#endif /* SI_VOCAB_NEON_H */
