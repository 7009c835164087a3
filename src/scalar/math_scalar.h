/*
 * The shared value-path math (src/simd_math.h) instantiated on plain C
 * scalars: one lane per "vector". This is the reference every SIMD backend
 * must match bit for bit. Also the scalar float32 -> bfloat16/float16
 * conversions (round to nearest-even, IEEE semantics).
 */
#ifndef SIMDINIT_MATH_SCALAR_H
#define SIMDINIT_MATH_SCALAR_H

#include <stdint.h>
#include <string.h>

#if defined(__FMA__) && !defined(SIMDINIT_ALLOW_FMA_FLAGS) && defined(SIMDINIT_BUILDING_SCALAR)
/* The scalar reference must be compiled at the baseline (see meson.build). */
#error "the scalar backend must not be compiled with -mfma or -mavx2"
#endif

static inline uint32_t si_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float si_f32_from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t si_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline double si_f64_from_bits(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

#define SI_VF float
#define SI_VU uint32_t
#define SI_VD double
#define SI_VQ uint64_t
#define SI_MATH_NAME(x) x
#define SI_MATH_FN static inline

#define SI_F_SET(c) ((float)(c))
#define SI_F_ADD(a, b) ((a) + (b))
#define SI_F_SUB(a, b) ((a) - (b))
#define SI_F_MUL(a, b) ((a) * (b))
#define SI_F_DIV(a, b) ((a) / (b))
#define SI_F_SQRT(a) __builtin_sqrtf(a)
#define SI_F_FROM_BITS(u) si_f32_from_bits(u)
#define SI_F_BITS(f) si_f32_bits(f)
#define SI_F_CVT_I32(u) ((float)(int32_t)(u))
#define SI_F_CVT_U32(u) ((float)(uint32_t)(u))
#define SI_F_XOR_BITS(f, u) si_f32_from_bits(si_f32_bits(f) ^ (u))
#define SI_F_SELECT(m, a, b) ((m) ? (a) : (b))
#define SI_U_SET(c) ((uint32_t)(c))
#define SI_U_ADD(a, b) ((uint32_t)((a) + (b)))
#define SI_U_SUB(a, b) ((uint32_t)((a) - (b)))
#define SI_U_AND(a, b) ((a) & (b))
#define SI_U_OR(a, b) ((a) | (b))
#define SI_U_SRL(a, n) ((uint32_t)(a) >> (n))
#define SI_U_SLL(a, n) ((uint32_t)((a) << (n)))
#define SI_U_NONZERO(a) ((a) != 0 ? UINT32_MAX : 0u)

#define SI_D_SET(c) ((double)(c))
#define SI_D_ADD(a, b) ((a) + (b))
#define SI_D_SUB(a, b) ((a) - (b))
#define SI_D_MUL(a, b) ((a) * (b))
#define SI_D_DIV(a, b) ((a) / (b))
#define SI_D_SQRT(a) __builtin_sqrt(a)
#define SI_D_FROM_BITS(u) si_f64_from_bits(u)
#define SI_D_BITS(f) si_f64_bits(f)
#define SI_D_CVT_Q_SMALL(u) ((double)(int64_t)(u))
#define SI_D_CVT_U53(u) ((double)(uint64_t)(u))
#define SI_D_XOR_BITS(f, u) si_f64_from_bits(si_f64_bits(f) ^ (u))
#define SI_D_SELECT(m, a, b) ((m) ? (a) : (b))
#define SI_Q_SET(c) ((uint64_t)(c))
#define SI_Q_ADD(a, b) ((uint64_t)((a) + (b)))
#define SI_Q_SUB(a, b) ((uint64_t)((a) - (b)))
#define SI_Q_AND(a, b) ((a) & (b))
#define SI_Q_SRL(a, n) ((uint64_t)(a) >> (n))
#define SI_Q_SLL(a, n) ((uint64_t)((a) << (n)))
#define SI_Q_NONZERO(a) ((a) != 0 ? UINT64_MAX : 0u)
#define SI_F_LE(a, b) ((a) <= (b) ? UINT32_MAX : 0u)
#define SI_F_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SI_F_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SI_D_LE(a, b) ((a) <= (b) ? UINT64_MAX : (uint64_t)0)
#define SI_D_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SI_D_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SI_U_ANDNOT(a, b) (~(a) & (b))
#define SI_U_ANY(m) ((m) != 0)
#define SI_Q_OR(a, b) ((a) | (b))
#define SI_Q_ANDNOT(a, b) (~(a) & (b))
#define SI_Q_ANY(m) ((m) != 0)

#include "simd_math.h"

#undef SI_VF
#undef SI_VU
#undef SI_VD
#undef SI_VQ
#undef SI_MATH_NAME
#undef SI_MATH_FN

/* float32 -> bfloat16 bits, nearest-even; NaN stays a (quiet) NaN. */
static inline uint16_t si_f32_to_bf16(float f)
{
    uint32_t b = si_f32_bits(f);
    if ((b & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((b >> 16) | 0x0040u);
    return (uint16_t)si_to_bf16_bits(f);
}

static inline float si_bf16_to_f32(uint16_t h) { return si_f32_from_bits((uint32_t)h << 16); }

/* float32 -> IEEE binary16 bits, nearest-even, with subnormals, overflow to
 * infinity and quiet NaN: the same result as x86 F16C (vcvtps2ph, imm 0)
 * and aarch64 FCVT under the default FPCR. */
static inline uint16_t si_f32_to_f16(float f)
{
    uint32_t b = si_f32_bits(f);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000u);
    uint32_t a = b & 0x7fffffffu;
    if (a > 0x7f800000u)                      /* NaN: keep the top payload bits, set quiet */
        return (uint16_t)(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
    if (a >= 0x477ff000u)                     /* >= 65520 rounds to infinity (incl. inf) */
        return (uint16_t)(sign | 0x7c00u);
    if (a >= 0x38800000u) {                   /* >= 2^-14: normal binary16 */
        uint32_t r = a - 0x38000000u;         /* rebias exponent 127 -> 15 */
        r += 0xfffu + ((r >> 13) & 1u);       /* nearest-even on the 13 dropped bits */
        return (uint16_t)(sign | (r >> 13));
    }
    if (a < 0x33000000u)                      /* < 2^-25: rounds to zero (2^-25 is a tie to 0) */
        return sign;
    /* Subnormal result: value = a_mant * 2^(e-150); unit = 2^-24. */
    uint32_t e = a >> 23;                     /* 102 .. 112 */
    uint32_t mant = (a & 0x7fffffu) | 0x800000u;
    uint32_t shift = 126u - e;                /* drop (shift) bits: 14 .. 24 */
    uint32_t q = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1u);
    uint32_t half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u)))
        q++;
    return (uint16_t)(sign | q);
}

static inline float si_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f)
        return si_f32_from_bits(sign | 0x7f800000u | (m << 13));
    if (e == 0) {
        /* subnormal or zero: m * 2^-24, exact in float32 */
        float v = (float)m * 0x1p-24f;
        return si_f32_from_bits(sign | si_f32_bits(v));
    }
    return si_f32_from_bits(sign | ((e + 112u) << 23) | (m << 13));
}

#endif /* SIMDINIT_MATH_SCALAR_H */
