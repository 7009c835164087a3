/*
 * The value path, written once: log, sin/cos of a turn, Box-Muller and the
 * uniform map, for float32 and float64, against a small vector vocabulary.
 *
 * Every backend includes this file after defining the vocabulary below for
 * its register type (src/scalar: plain C scalars; src/avx2: __m256/__m256d;
 * src/neon: float32x4_t/float64x2_t). Because each operation is a single
 * IEEE-754 operation rounded to nearest-even (add, sub, mul, div, sqrt, fused
 * multiply-add, int<->float conversions, bit operations), every backend
 * computes the same bits. A fused multiply-add appears only where written
 * (SI_F_FMA / SI_D_FMA: RN(a * b + c), one rounding): the hardware
 * instruction on AVX2, AVX-512 and AArch64, a correctly rounded software
 * version in the scalar backend on a target without one (src/scalar/
 * math_scalar.h). The build's -ffp-contract=off keeps the compiler from
 * fusing on its own; a backend must NOT map SI_F_ADD(SI_F_MUL()) to an FMA.
 *
 * Vocabulary a backend defines before including (VF: float32 lanes, VU:
 * 32-bit integer lanes of the same count; VD: float64 lanes, VQ: 64-bit
 * integer lanes of the same count):
 *   SI_MATH_NAME(x)        name decoration, e.g. x##_scalar
 *   SI_MATH_FN             function qualifiers (static inline ...)
 *   f32: SI_F_SET(c) SI_F_ADD SI_F_SUB SI_F_MUL SI_F_DIV SI_F_SQRT SI_F_FMA(a, b, c)
 *        SI_F_FROM_BITS(vu) SI_F_BITS(vf) SI_F_CVT_I32(vu: signed, one rounding RN)
 *        SI_F_CVT_U32(vu: unsigned, correctly rounded) SI_F_XOR_BITS(vf, vu)
 *        SI_F_SELECT(vu mask all-ones/zero, a, b) (mask ? a : b)
 *        SI_F_SELECT_SIGN(vu m, a, b) (sign bit of m set ? a : b; other bits ignored)
 *   u32: SI_U_SET SI_U_ADD SI_U_SUB SI_U_AND SI_U_OR SI_U_SRL(x, n) SI_U_SLL(x, n)
 *        SI_U_SRA(x, n) (arithmetic) SI_U_NONZERO(vu) -> all-ones mask where x != 0
 *   f64: SI_D_SET SI_D_ADD SI_D_SUB SI_D_MUL SI_D_DIV SI_D_SQRT SI_D_FMA SI_D_FROM_BITS SI_D_BITS
 *        SI_D_CVT_Q_SMALL(vq: signed, |x| < 2^51: exact) SI_D_CVT_U53(vq: 0 <= x <= 2^53: exact)
 *        SI_D_XOR_BITS(vd, vq) SI_D_SELECT(vq mask, a, b) SI_D_SELECT_SIGN(vq m, a, b)
 *   u64: SI_Q_SET SI_Q_ADD SI_Q_SUB SI_Q_AND SI_Q_OR SI_Q_SRL SI_Q_SLL SI_Q_NONZERO
 *   comparisons (the truncated normal): SI_F_LE(a, b) -> VU mask where a <= b,
 *        SI_F_MIN(a, b) = a < b ? a : b, SI_F_MAX(a, b) = a > b ? a : b (as the
 *        x86 instructions: never an IEEE minimum/maximum), SI_D_LE -> VQ mask,
 *        SI_D_MIN, SI_D_MAX; masks combine with SI_U_AND, SI_U_OR, SI_U_ANDNOT(a, b) =
 *        ~a & b (and SI_Q_*), and SI_U_ANY(m) / SI_Q_ANY(m) is nonzero iff a lane is set.
 *
 * The log and sin/cos constants are minimax coefficients (computed by a
 * Remez iteration, rounded to the type): docs/STREAM.md §3.1 lists them,
 * docs/QUALITY.md the measured accuracy.
 */

/* ------------------------------------------------------------------------ */
/* float32                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * -2 ln x for x in [2^-32, 1] (normal, positive; the Box-Muller radius
 * uniform): the radius is its square root. x = 2^e * m with m in
 * [sqrt(1/2), sqrt(2)), f = m - 1 exact, s = f / (2 + f),
 * log(1+f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R), R = z (c1 + z (c2 + z c3)),
 * z = s^2: a minimax fit of sum_{k>=1} 2 z^k / (2k+1) on [0, 0.0295]
 * (absolute error 2^-29.2). Every term is scaled by -2 and s negated (exact:
 * the result is exactly -2 times the log so evaluated), so that each step is
 * one fma. ln 2 rounded to float32 is within 2^-28 relative of ln 2; e ln 2
 * enters inside the last fma.
 */
SI_MATH_FN SI_VF SI_MATH_NAME(si_log_m2_f32)(SI_VF x)
{
    /* Subtracting sqrt(1/2)'s bits leaves e in the (signed) top 9 bits and
     * m's mantissa, relative to sqrt(1/2), in the low 23. */
    SI_VU ix = SI_U_SUB(SI_F_BITS(x), SI_U_SET(0x3f3504f3u));
    SI_VF e = SI_F_CVT_I32(SI_U_SRA(ix, 23));
    SI_VF m = SI_F_FROM_BITS(SI_U_ADD(SI_U_AND(ix, SI_U_SET(0x007fffffu)), SI_U_SET(0x3f3504f3u)));
    SI_VF f = SI_F_SUB(m, SI_F_SET(1.0f));
    SI_VF fsq = SI_F_MUL(f, f);                                         /* -2 (-f^2/2) */
    SI_VF sn = SI_F_DIV(f, SI_F_SUB(SI_F_SET(-2.0f), f));                /* -s */
    SI_VF z = SI_F_MUL(sn, sn);
    SI_VF R = SI_F_FMA(z, SI_F_SET(0x1.31e678p-1f), SI_F_SET(0x1.995e9cp-1f));
    R = SI_F_FMA(z, R, SI_F_SET(0x1.55557ap+0f));                      /* 2 R / z */
    SI_VF w = SI_F_FMA(z, R, fsq);                                       /* 2 (f^2/2 + R) */
    SI_VF v = SI_F_FMA(sn, w, fsq);                                      /* -2 (s (f^2/2 + R) - f^2/2) */
    return SI_F_FMA(e, SI_F_SET(-0x1.62e430p+0f), SI_F_FMA(f, SI_F_SET(-2.0f), v));
}

/* ln x for x in [2^-32, 1]: -1/2 of si_log_m2_f32, exactly (0 - 0.5 y: +0 at 1). */
SI_MATH_FN SI_VF SI_MATH_NAME(si_log_f32)(SI_VF x)
{
    return SI_F_SUB(SI_F_SET(0.0f), SI_F_MUL(SI_MATH_NAME(si_log_m2_f32)(x), SI_F_SET(0.5f)));
}

/*
 * cos and sin of an angle taken from bits 9..31 of w, on a grid of 2^24
 * points per turn: t = (v + 1/2) 2^-24 turns, v the signed 22-bit integer
 * of bits 10..31 (|t| < 1/8), and bit 9 picks (cos, sin)(2 pi t) or the
 * swapped pair (cos, sin)(1/4 - t turns). The half-point offset makes the
 * set of t symmetric, so the two cases tile (-1/8, 3/8) turns exactly; the
 * Box-Muller sign bit (si_box_muller_f32) covers the other half turn.
 * t is exact: from_bits(0x4b000000 | (w >> 9) | 1) = 2^23 + 2(v + 2^21) + 1,
 * and one fma removes 2^23 + 2^22 and scales by 2^-25. The polynomials are
 * minimax fits on |t| <= 1/8: sin(2 pi t) = t (S1hi + (S1lo + t2 P(t2)))
 * (relative error 2^-28.2), cos(2 pi t) = 1 + t2 Q(t2) (2^-33.9).
 */
SI_MATH_FN void SI_MATH_NAME(si_sincos_turn_f32)(SI_VU w, SI_VF *cos_out, SI_VF *sin_out)
{
    SI_VF big = SI_F_FROM_BITS(SI_U_OR(SI_U_SRL(w, 9), SI_U_SET(0x4b000001u)));
    SI_VF t = SI_F_FMA(big, SI_F_SET(0x1p-25f), SI_F_SET(-0.375f));
    SI_VF t2 = SI_F_MUL(t, t);
    SI_VF ps = SI_F_FMA(t2, SI_F_SET(-0x1.2d92e0p+6f), SI_F_SET(0x1.465e92p+6f));
    ps = SI_F_FMA(t2, ps, SI_F_SET(-0x1.4abbb8p+5f));
    ps = SI_F_FMA(t2, ps, SI_F_SET(-0x1.a33056p-23f));
    SI_VF sn = SI_F_FMA(t, SI_F_SET(0x1.921fb6p+2f), SI_F_MUL(t, ps));
    SI_VF pc = SI_F_FMA(t2, SI_F_SET(0x1.d9d548p+5f), SI_F_SET(-0x1.55c5e0p+6f));
    pc = SI_F_FMA(t2, pc, SI_F_SET(0x1.03c1dep+6f));
    pc = SI_F_FMA(t2, pc, SI_F_SET(-0x1.3bd3ccp+4f));
    SI_VF cs = SI_F_FMA(t2, pc, SI_F_SET(1.0f));
    SI_VU swap = SI_U_SLL(w, 22);                                        /* bit 9 -> sign bit */
    *cos_out = SI_F_SELECT_SIGN(swap, sn, cs);
    *sin_out = SI_F_SELECT_SIGN(swap, cs, sn);
}

/*
 * Box-Muller for float32 from one 64-bit output per pair:
 * u1 = RN32(RN32(k) * 2^-31 + 2^-32) with k = bits 0..30 of hi, in [2^-32, 1]
 * (never 0; reach sqrt(64 ln 2) = 6.66 sigma); the angle from bits 9..31 of
 * lo (si_sincos_turn_f32), bit 31 of hi negating the radius (the half turn).
 * z0 = r cos, z1 = r sin with r = +-sqrt(-2 ln u1).
 */
SI_MATH_FN void SI_MATH_NAME(si_box_muller_f32)(SI_VU hi, SI_VU lo, SI_VF *z0, SI_VF *z1)
{
    SI_VF u1 = SI_F_FMA(SI_F_CVT_I32(SI_U_AND(hi, SI_U_SET(0x7fffffffu))), SI_F_SET(0x1p-31f),
                        SI_F_SET(0x1p-32f));
    SI_VF r = SI_F_SQRT(SI_MATH_NAME(si_log_m2_f32)(u1));
    r = SI_F_XOR_BITS(r, SI_U_AND(hi, SI_U_SET(0x80000000u)));
    SI_VF c, s;
    SI_MATH_NAME(si_sincos_turn_f32)(lo, &c, &s);
    *z0 = SI_F_MUL(r, c);
    *z1 = SI_F_MUL(r, s);
}

/* v = mean + std * z, one rounding */
SI_MATH_FN SI_VF SI_MATH_NAME(si_affine_f32)(SI_VF z, SI_VF mean, SI_VF std)
{
    return SI_F_FMA(std, z, mean);
}

/* Uniform: v = lo + scale * k for a 24-bit integer k (scale = width * 2^-24). */
SI_MATH_FN SI_VF SI_MATH_NAME(si_uniform_f32)(SI_VU k24, SI_VF lo, SI_VF scale)
{
    return SI_F_ADD(lo, SI_F_MUL(scale, SI_F_CVT_I32(k24)));
}

/* float32 -> bfloat16 bits, round to nearest-even (finite inputs; the value
 * path never produces NaN). Result in the low 16 bits of each lane. */
SI_MATH_FN SI_VU SI_MATH_NAME(si_to_bf16_bits)(SI_VF v)
{
    SI_VU b = SI_F_BITS(v);
    SI_VU odd = SI_U_AND(SI_U_SRL(b, 16), SI_U_SET(1));
    return SI_U_SRL(SI_U_ADD(b, SI_U_ADD(SI_U_SET(0x7fffu), odd)), 16);
}

/* ------------------------------------------------------------------------ */
/* float64                                                                   */
/* ------------------------------------------------------------------------ */

/* -2 ln x for x in [2^-53, 1]; the method of si_log_m2_f32 with a
 * 7-coefficient minimax R (absolute error 2^-58.5) and ln 2 split in two
 * (e * ln2_hi is exact). */
SI_MATH_FN SI_VD SI_MATH_NAME(si_log_m2_f64)(SI_VD x)
{
    SI_VQ ix = SI_Q_ADD(SI_D_BITS(x), SI_Q_SET(UINT64_C(0x3ff0000000000000) - UINT64_C(0x3fe6a09e667f3bcd)));
    /* e + 1023 + 2^52 from its bits, exactly */
    SI_VD e = SI_D_SUB(SI_D_FROM_BITS(SI_Q_OR(SI_Q_SRL(ix, 52), SI_Q_SET(UINT64_C(0x4330000000000000)))),
                       SI_D_SET(0x1p52 + 1023.0));
    SI_VD m = SI_D_FROM_BITS(SI_Q_ADD(SI_Q_AND(ix, SI_Q_SET(UINT64_C(0x000fffffffffffff))),
                                      SI_Q_SET(UINT64_C(0x3fe6a09e667f3bcd))));
    SI_VD f = SI_D_SUB(m, SI_D_SET(1.0));
    SI_VD fsq = SI_D_MUL(f, f);
    SI_VD sn = SI_D_DIV(f, SI_D_SUB(SI_D_SET(-2.0), f));
    SI_VD z = SI_D_MUL(sn, sn);
    SI_VD R = SI_D_FMA(z, SI_D_SET(0x1.2f0d8eb5713a1p-2), SI_D_SET(0x1.39a0f4ff3ad6dp-2));
    R = SI_D_FMA(z, R, SI_D_SET(0x1.7466462caf278p-2));
    R = SI_D_FMA(z, R, SI_D_SET(0x1.c71c51e7f6973p-2));
    R = SI_D_FMA(z, R, SI_D_SET(0x1.2492494217a2bp-1));
    R = SI_D_FMA(z, R, SI_D_SET(0x1.999999997fb31p-1));
    R = SI_D_FMA(z, R, SI_D_SET(0x1.5555555555593p+0));
    SI_VD w = SI_D_FMA(z, R, fsq);
    SI_VD v = SI_D_FMA(sn, w, fsq);
    v = SI_D_FMA(e, SI_D_SET(-0x1.a39ef35793c76p-32), v);
    return SI_D_FMA(e, SI_D_SET(-0x1.62e42feep+0), SI_D_FMA(f, SI_D_SET(-2.0), v));
}

SI_MATH_FN SI_VD SI_MATH_NAME(si_log_f64)(SI_VD x)
{
    return SI_D_SUB(SI_D_SET(0.0), SI_D_MUL(SI_MATH_NAME(si_log_m2_f64)(x), SI_D_SET(0.5)));
}

/* cos and sin of an angle from bits 12..63 of w, 2^53 points per turn: as
 * si_sincos_turn_f32 with t = (v + 1/2) 2^-53 turns, v the signed 51-bit
 * integer of bits 13..63, bit 12 the swap; t from
 * from_bits(0x4330000000000000 | (w >> 12) | 1) by one fma. Minimax
 * polynomials: sin to t^13 (relative error 2^-58.1), cos to t^14 (2^-64.5). */
SI_MATH_FN void SI_MATH_NAME(si_sincos_turn_f64)(SI_VQ w, SI_VD *cos_out, SI_VD *sin_out)
{
    SI_VD big = SI_D_FROM_BITS(SI_Q_OR(SI_Q_SRL(w, 12), SI_Q_SET(UINT64_C(0x4330000000000001))));
    SI_VD t = SI_D_FMA(big, SI_D_SET(0x1p-54), SI_D_SET(-0.375));
    SI_VD t2 = SI_D_MUL(t, t);
    SI_VD ps = SI_D_FMA(t2, SI_D_SET(0x1.e3eeb4efe8926p+1), SI_D_SET(-0x1.e300634557c77p+3));
    ps = SI_D_FMA(t2, ps, SI_D_SET(0x1.50782fc9db4efp+5));
    ps = SI_D_FMA(t2, ps, SI_D_SET(-0x1.32d2cce2d4de4p+6));
    ps = SI_D_FMA(t2, ps, SI_D_SET(0x1.466bc677586fbp+6));
    ps = SI_D_FMA(t2, ps, SI_D_SET(-0x1.4abbce625be41p+5));
    ps = SI_D_FMA(t2, ps, SI_D_SET(0x1.025ffac009442p-52));
    SI_VD sn = SI_D_FMA(t, SI_D_SET(0x1.921fb54442d18p+2), SI_D_MUL(t, ps));
    SI_VD pc = SI_D_FMA(t2, SI_D_SET(-0x1.b263a59d26535p+0), SI_D_SET(0x1.f9cc404c2d1c5p+2));
    pc = SI_D_FMA(t2, pc, SI_D_SET(-0x1.a6d1ec7d91528p+4));
    pc = SI_D_FMA(t2, pc, SI_D_SET(0x1.e1f50683671a5p+5));
    pc = SI_D_FMA(t2, pc, SI_D_SET(-0x1.55d3c7e3c927ap+6));
    pc = SI_D_FMA(t2, pc, SI_D_SET(0x1.03c1f081b5aaep+6));
    pc = SI_D_FMA(t2, pc, SI_D_SET(-0x1.3bd3cc9be45dep+4));
    SI_VD cs = SI_D_FMA(t2, pc, SI_D_SET(1.0));
    SI_VQ swap = SI_Q_SLL(w, 51);                                        /* bit 12 -> sign bit */
    *cos_out = SI_D_SELECT_SIGN(swap, sn, cs);
    *sin_out = SI_D_SELECT_SIGN(swap, cs, sn);
}

/*
 * Box-Muller for float64 from two 64-bit outputs: u1 = (x1 >> 12) 2^-52 + 2^-53
 * in [2^-53, 1 - 2^-53] (exact, one fma on 2^52 + (x1 >> 12); reach
 * sqrt(106 ln 2) = 8.57 sigma), bit 11 of x1 negating the radius, the angle
 * from bits 12..63 of x2.
 */
SI_MATH_FN void SI_MATH_NAME(si_box_muller_f64)(SI_VQ x1, SI_VQ x2, SI_VD *z0, SI_VD *z1)
{
    SI_VD big = SI_D_FROM_BITS(SI_Q_OR(SI_Q_SRL(x1, 12), SI_Q_SET(UINT64_C(0x4330000000000000))));
    SI_VD u1 = SI_D_FMA(big, SI_D_SET(0x1p-52), SI_D_SET(0x1p-53 - 1.0));
    SI_VD r = SI_D_SQRT(SI_MATH_NAME(si_log_m2_f64)(u1));
    r = SI_D_XOR_BITS(r, SI_Q_AND(SI_Q_SLL(x1, 52), SI_Q_SET(UINT64_C(0x8000000000000000))));
    SI_VD c, s;
    SI_MATH_NAME(si_sincos_turn_f64)(x2, &c, &s);
    *z0 = SI_D_MUL(r, c);
    *z1 = SI_D_MUL(r, s);
}

/* v = mean + std * z, two roundings: unlike the value path's own fmas, whose
 * operands are bounded, mean and std are the caller's (any double with
 * |mean| + 9 std finite, subnormals included), where the scalar backend's
 * software fma (src/scalar/math_scalar.h) would need exponent scaling. */
SI_MATH_FN SI_VD SI_MATH_NAME(si_affine_f64)(SI_VD z, SI_VD mean, SI_VD std)
{
    return SI_D_ADD(mean, SI_D_MUL(std, z));
}

/* Uniform: v = lo + scale * k for a 53-bit integer k (scale = width * 2^-53). */
SI_MATH_FN SI_VD SI_MATH_NAME(si_uniform_f64)(SI_VQ k53, SI_VD lo, SI_VD scale)
{
    return SI_D_ADD(lo, SI_D_MUL(scale, SI_D_CVT_U53(k53)));
}

/* ------------------------------------------------------------------------ */
/* The truncated normal's uniform and exponential proposals                  */
/* ------------------------------------------------------------------------ */

/*
 * The acceptance test of a candidate with t = r (r p + q) + b (twice the
 * exponent of its acceptance probability exp(-t/2)) and test uniform ut:
 * accept iff ut <= exp(-t/2), decided by two bounds where they can and by
 * the log otherwise, every lane on its own, so the result does not depend on
 * the other lanes (the log is only skipped when no lane needs it):
 *   h = t * 0.5
 *   accepted if ut <= 1 - h                            (exp(-h) >= 1 - h)
 *   else rejected if ut * (1 + h (1 + h * 0.5)) > 1    (exp(h) >= 1 + h + h^2/2)
 *   else accepted iff t <= -2 log(ut)               (si_log_m2: no multiply)
 * Returns the all-ones mask of accepted lanes.
 */
SI_MATH_FN SI_VU SI_MATH_NAME(si_tn_accept_f32)(SI_VF t, SI_VF ut)
{
    SI_VF h = SI_F_MUL(t, SI_F_SET(0.5f));
    SI_VU lower = SI_F_LE(ut, SI_F_SUB(SI_F_SET(1.0f), h));
    SI_VF s = SI_F_ADD(SI_F_SET(1.0f), SI_F_MUL(h, SI_F_ADD(SI_F_SET(1.0f), SI_F_MUL(h, SI_F_SET(0.5f)))));
    SI_VU upper = SI_F_LE(SI_F_MUL(ut, s), SI_F_SET(1.0f));
    if (!SI_U_ANY(SI_U_ANDNOT(lower, upper)))
        return lower;
    SI_VF y = SI_MATH_NAME(si_log_m2_f32)(ut);
    return SI_U_OR(lower, SI_U_AND(upper, SI_F_LE(t, y)));
}

SI_MATH_FN SI_VQ SI_MATH_NAME(si_tn_accept_f64)(SI_VD t, SI_VD ut)
{
    SI_VD h = SI_D_MUL(t, SI_D_SET(0.5));
    SI_VQ lower = SI_D_LE(ut, SI_D_SUB(SI_D_SET(1.0), h));
    SI_VD s = SI_D_ADD(SI_D_SET(1.0), SI_D_MUL(h, SI_D_ADD(SI_D_SET(1.0), SI_D_MUL(h, SI_D_SET(0.5)))));
    SI_VQ upper = SI_D_LE(SI_D_MUL(ut, s), SI_D_SET(1.0));
    if (!SI_Q_ANY(SI_Q_ANDNOT(lower, upper)))
        return lower;
    SI_VD y = SI_MATH_NAME(si_log_m2_f64)(ut);
    return SI_Q_OR(lower, SI_Q_AND(upper, SI_D_LE(t, y)));
}

/*
 * One candidate per lane (docs/STREAM.md §3.5), float32 family, from the
 * halves of one 64-bit output: the variate r >= 0 from `hi`, r = u =
 * (hi >> 8) 2^-24 in [0, 1) (expo = 0, uniform proposal) or r = -log(u1) =
 * si_log_m2(u1) * 0.5, u1 = RN((hi >> 1) | 1) 2^-31 in [2^-31, 1] (expo = 1,
 * exponential proposal, r <= 21.5);
 * the test uniform ut = ((lo >> 8) + 1) 2^-24 in [2^-24, 1] from `lo`. The
 * candidate is v = min(thi, max(tlo, o + g r)), accepted (all-ones in *acc)
 * iff si_tn_accept_f32(r (r p + q) + b, ut) and r <= h. p, q, b, h, o, g:
 * the fill's constants (src/params.c, tn_prop_consts).
 */
SI_MATH_FN SI_VF SI_MATH_NAME(si_tn_cand_f32)(const int expo, SI_VU hi, SI_VU lo, SI_VF p, SI_VF q,
                                             SI_VF b, SI_VF h, SI_VF o, SI_VF g, SI_VF tlo,
                                             SI_VF thi, SI_VU *acc)
{
    SI_VF r;
    if (expo) {
        SI_VF u1 = SI_F_MUL(SI_F_CVT_I32(SI_U_OR(SI_U_SRL(hi, 1), SI_U_SET(1))), SI_F_SET(0x1p-31f));
        r = SI_F_MUL(SI_MATH_NAME(si_log_m2_f32)(u1), SI_F_SET(0.5f));
    } else {
        r = SI_F_MUL(SI_F_CVT_I32(SI_U_SRL(hi, 8)), SI_F_SET(0x1p-24f));
    }
    SI_VF ut = SI_F_MUL(SI_F_CVT_I32(SI_U_ADD(SI_U_SRL(lo, 8), SI_U_SET(1))), SI_F_SET(0x1p-24f));
    SI_VF t = SI_F_ADD(SI_F_MUL(r, SI_F_ADD(SI_F_MUL(r, p), q)), b);
    *acc = SI_U_AND(SI_MATH_NAME(si_tn_accept_f32)(t, ut), SI_F_LE(r, h));
    return SI_F_MIN(thi, SI_F_MAX(tlo, SI_F_ADD(o, SI_F_MUL(g, r))));
}

/* The same in float64 from two 64-bit outputs: r = (x1 >> 11) 2^-53 in
 * [0, 1) (uniform) or -log(((x1 >> 11) + 1) 2^-53) (exponential, r <= 36.8);
 * ut = ((x2 >> 11) + 1) 2^-53 in [2^-53, 1]. */
SI_MATH_FN SI_VD SI_MATH_NAME(si_tn_cand_f64)(const int expo, SI_VQ x1, SI_VQ x2, SI_VD p, SI_VD q,
                                             SI_VD b, SI_VD h, SI_VD o, SI_VD g, SI_VD tlo,
                                             SI_VD thi, SI_VQ *acc)
{
    SI_VD r;
    if (expo) {
        SI_VD u1 = SI_D_MUL(SI_D_CVT_U53(SI_Q_ADD(SI_Q_SRL(x1, 11), SI_Q_SET(1))), SI_D_SET(0x1p-53));
        r = SI_D_MUL(SI_MATH_NAME(si_log_m2_f64)(u1), SI_D_SET(0.5));
    } else {
        r = SI_D_MUL(SI_D_CVT_U53(SI_Q_SRL(x1, 11)), SI_D_SET(0x1p-53));
    }
    SI_VD ut = SI_D_MUL(SI_D_CVT_U53(SI_Q_ADD(SI_Q_SRL(x2, 11), SI_Q_SET(1))), SI_D_SET(0x1p-53));
    SI_VD t = SI_D_ADD(SI_D_MUL(r, SI_D_ADD(SI_D_MUL(r, p), q)), b);
    *acc = SI_Q_AND(SI_MATH_NAME(si_tn_accept_f64)(t, ut), SI_D_LE(r, h));
    return SI_D_MIN(thi, SI_D_MAX(tlo, SI_D_ADD(o, SI_D_MUL(g, r))));
}
