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

/* ---- fused multiply-add (issue 14: the value path's FMA vocabulary) ------
 *
 * RN(a * b + c) with one rounding. Where the target has a fused multiply-add
 * instruction (AArch64's baseline, or a translation unit built with -mfma:
 * GCC defines __FP_FAST_FMA[F]) it is that instruction. Elsewhere (the
 * x86-64 baseline of the scalar backend) it is computed here, correctly
 * rounded, without libm:
 *  - float32: a * b is exact in double; ab + c rounded to odd in double
 *    (RN, then made odd towards the exact sum when inexact: 2Sum gives the
 *    error), then rounded to float32: exact double rounding, since 53 >= 24 + 2
 *    (Boldo and Melquiond, Theorem 3).
 *  - float64: Boldo and Melquiond, "Emulation of FMA and correctly rounded
 *    sums: proved algorithms using rounding to odd" (IEEE TC 57(4), 2008),
 *    Algorithm 5.4: (uh, ul) = a * b exactly (Dekker), (th, tl) = c + uh
 *    exactly (2Sum), v = RO(tl + ul), result = RN(th + v). Valid without
 *    underflow of the partial products and without overflow, which the value
 *    path's operands (magnitudes in [2^-120, 2^10]) guarantee.
 * A zero product takes the plain a * b + c: it is then exact, with the
 * signed-zero rules of fma. Both are branch-free. */
static inline double si_two_sum_err(double a, double b, double s)
{
    double bb = s - a;
    return (a - (s - bb)) + (b - bb);
}

/* RN(x + y) rounded to odd instead: when the sum was inexact and its last
 * bit is even, moved one ulp towards the exact sum. Branch-free (masks), so
 * that the compiler can vectorize the scalar backend's lane loops. */
static inline double si_add_round_odd(double x, double y)
{
    double s = x + y;
    double err = si_two_sum_err(x, y, s);
    uint64_t b = si_f64_bits(s), e = si_f64_bits(err);
    uint64_t mag = e << 1;                                   /* |err|'s bits */
    uint64_t fix = ((mag | (0 - mag)) >> 63) & ~b & 1u;      /* 1 where inexact and even */
    uint64_t down = (uint64_t)((int64_t)(e ^ b) >> 63);      /* all-ones: signs differ, towards 0 */
    return si_f64_from_bits(b + ((fix ^ down) - down));
}

static inline float si_fmaf(float a, float b, float c)
{
#if defined(__FP_FAST_FMAF)
    return __builtin_fmaf(a, b, c);
#else
    /* a * b is exact in double; only the sum needs rounding to odd */
    return (float)si_add_round_odd((double)a * (double)b, (double)c);
#endif
}

static inline double si_fma(double a, double b, double c)
{
#if defined(__FP_FAST_FMA)
    return __builtin_fma(a, b, c);
#else
    /* Dekker: a = ah + al, b = bh + bl with 26-bit halves; uh + ul = a * b. */
    double ca = 0x1.0000002p27 * a, cb = 0x1.0000002p27 * b;
    double ah = ca - (ca - a), al = a - ah;
    double bh = cb - (cb - b), bl = b - bh;
    double uh = a * b;
    double ul = (((ah * bh - uh) + ah * bl) + al * bh) + al * bl;
    double th = c + uh;
    double tl = si_two_sum_err(c, uh, th);
    double r = th + si_add_round_odd(tl, ul);
    return uh == 0 ? uh + c : r;   /* a zero product: exact, signed-zero rules of fma */
#endif
}

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

/* issue 14 vocabulary: fma, arithmetic shift, sign-bit selects, u64 or */
#define SI_F_FMA(a, b, c) si_fmaf(a, b, c)
#define SI_D_FMA(a, b, c) si_fma(a, b, c)
#define SI_U_SRA(a, n) ((uint32_t)((int32_t)(a) >> (n)))
#define SI_F_SELECT_SIGN(m, a, b) ((int32_t)(m) < 0 ? (a) : (b))
#define SI_D_SELECT_SIGN(m, a, b) ((int64_t)(m) < 0 ? (a) : (b))

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
