/*
 * The value path, written once: log, sin/cos of a turn, Box-Muller and the
 * uniform map, for float32 and float64, against a small vector vocabulary.
 *
 * Every backend includes this file after defining the vocabulary below for
 * its register type (src/scalar: plain C scalars; src/avx2: __m256/__m256d;
 * src/neon: float32x4_t/float64x2_t). Because each operation is a single
 * IEEE-754 operation rounded to nearest-even (add, sub, mul, div, sqrt, exact
 * int<->float conversions, bit operations), every backend computes the same
 * bits. No operation is fused: the algorithms below use no FMA at all, so the
 * baseline x86-64 reference (which has no FMA instruction) gets the same bits
 * at full speed; the build's -ffp-contract=off keeps the compiler from fusing
 * on its own. A backend must NOT map SI_F_ADD(SI_F_MUL()) to an FMA.
 *
 * Vocabulary a backend defines before including (VF: float32 lanes, VU:
 * 32-bit integer lanes of the same count; VD: float64 lanes, VQ: 64-bit
 * integer lanes of the same count):
 *   SI_MATH_NAME(x)        name decoration, e.g. x##_scalar
 *   SI_MATH_FN             function qualifiers (static inline ...)
 *   f32: SI_F_SET(c) SI_F_ADD SI_F_SUB SI_F_MUL SI_F_DIV SI_F_SQRT
 *        SI_F_FROM_BITS(vu) SI_F_BITS(vf) SI_F_CVT_I32(vu: signed, |x| < 2^24: exact)
 *        SI_F_CVT_U32(vu: unsigned, correctly rounded) SI_F_XOR_BITS(vf, vu)
 *        SI_F_SELECT(vu mask all-ones/zero, a, b) (mask ? a : b)
 *   u32: SI_U_SET SI_U_ADD SI_U_SUB SI_U_AND SI_U_OR SI_U_SRL(x, n) SI_U_SLL(x, n)
 *        SI_U_NONZERO(vu) -> all-ones mask where x != 0
 *   f64: SI_D_SET SI_D_ADD SI_D_SUB SI_D_MUL SI_D_DIV SI_D_SQRT SI_D_FROM_BITS SI_D_BITS
 *        SI_D_CVT_Q_SMALL(vq: signed, |x| < 2^51: exact) SI_D_CVT_U53(vq: 0 <= x <= 2^53: exact)
 *        SI_D_XOR_BITS(vd, vq) SI_D_SELECT(vq mask, a, b)
 *   u64: SI_Q_SET SI_Q_ADD SI_Q_SUB SI_Q_AND SI_Q_SRL SI_Q_SLL SI_Q_NONZERO
 *   comparisons (the truncated normal): SI_F_LE(a, b) -> VU mask where a <= b,
 *        SI_F_MIN(a, b) = a < b ? a : b, SI_F_MAX(a, b) = a > b ? a : b (as the
 *        x86 instructions: never an IEEE minimum/maximum), SI_D_LE -> VQ mask,
 *        SI_D_MIN, SI_D_MAX; masks combine with SI_U_AND, SI_U_OR, SI_U_ANDNOT(a, b) =
 *        ~a & b (and SI_Q_*), and SI_U_ANY(m) / SI_Q_ANY(m) is nonzero iff a lane is set.
 *
 * The constants are the Taylor coefficients of the functions named, rounded
 * to the type: docs/STREAM.md §4 lists them with the error analysis.
 */

/* ------------------------------------------------------------------------ */
/* float32                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Natural log of x in [2^-32, 1] (normal, positive; the Box-Muller radius
 * uniform). x = 2^e * m with m in [sqrt(1/2), sqrt(2)), f = m - 1 exact,
 * s = f / (2 + f), log(1+f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R),
 * R = sum_{k=1..4} 2 s^(2k) / (2k+1). ln 2 is split so e * ln2_hi is exact.
 */
SI_MATH_FN SI_VF SI_MATH_NAME(si_log_f32)(SI_VF x)
{
    /* Adding 1.0's bits minus sqrt(1/2)'s bits carries into the exponent
     * exactly when the mantissa is >= sqrt(2)/2 * 2: it picks m's binade. */
    SI_VU ix = SI_U_ADD(SI_F_BITS(x), SI_U_SET(0x3f800000u - 0x3f3504f3u));
    SI_VU e_biased = SI_U_SRL(ix, 23);
    SI_VF e = SI_F_CVT_I32(SI_U_SUB(e_biased, SI_U_SET(127)));
    SI_VF m = SI_F_FROM_BITS(SI_U_ADD(SI_U_AND(ix, SI_U_SET(0x007fffffu)), SI_U_SET(0x3f3504f3u)));
    SI_VF f = SI_F_SUB(m, SI_F_SET(1.0f));
    SI_VF s = SI_F_DIV(f, SI_F_ADD(SI_F_SET(2.0f), f));
    SI_VF z = SI_F_MUL(s, s);
    /* R = z (2/3 + z (2/5 + z (2/7 + z 2/9))) */
    SI_VF R = SI_F_ADD(SI_F_SET(0x1.24924ap-2f), SI_F_MUL(z, SI_F_SET(0x1.c71c72p-3f)));
    R = SI_F_ADD(SI_F_SET(0x1.99999ap-2f), SI_F_MUL(z, R));
    R = SI_F_ADD(SI_F_SET(0x1.555556p-1f), SI_F_MUL(z, R));
    R = SI_F_MUL(z, R);
    SI_VF hfsq = SI_F_MUL(SI_F_MUL(SI_F_SET(0.5f), f), f);
    /* e*ln2_hi - ((hfsq - (s*(hfsq+R) + e*ln2_lo)) - f) */
    SI_VF t = SI_F_ADD(SI_F_MUL(s, SI_F_ADD(hfsq, R)), SI_F_MUL(e, SI_F_SET(0x1.2fefa2p-17f)));
    t = SI_F_SUB(SI_F_SUB(hfsq, t), f);
    return SI_F_SUB(SI_F_MUL(e, SI_F_SET(0x1.62e3p-1f)), t);
}

/*
 * cos and sin of 2*pi*m/2^24 for a 24-bit integer m (the angle in turns on
 * the exact 2^-24 grid). q = round(m / 2^22) picks the nearest quarter turn,
 * t = (m - q 2^22) 2^-24 in [-1/8, 1/8] turns is exact, the polynomials in t
 * are the Taylor series of sin(2 pi t) (to t^9, the 2 pi term split hi + lo)
 * and cos(2 pi t) (to t^10), then (c, s) is rotated by q quarter turns.
 */
SI_MATH_FN void SI_MATH_NAME(si_sincos_turn_f32)(SI_VU m, SI_VF *cos_out, SI_VF *sin_out)
{
    SI_VU q = SI_U_SRL(SI_U_ADD(m, SI_U_SET(1u << 21)), 22);          /* 0..4 */
    SI_VU r = SI_U_SUB(m, SI_U_SLL(q, 22));                            /* int32 in [-2^21, 2^21] */
    SI_VF t = SI_F_MUL(SI_F_CVT_I32(r), SI_F_SET(0x1p-24f));
    SI_VF t2 = SI_F_MUL(t, t);
    SI_VF ps = SI_F_ADD(SI_F_SET(0x1.466bc6p+6f), SI_F_MUL(t2, SI_F_ADD(SI_F_SET(-0x1.32d2ccp+6f),
                                                  SI_F_MUL(t2, SI_F_SET(0x1.507834p+5f)))));
    ps = SI_F_ADD(SI_F_SET(-0x1.4abbcep+5f), SI_F_MUL(t2, ps));
    /* sin = t*S1hi + (t*S1lo + t^3 * ps) */
    SI_VF sn = SI_F_ADD(SI_F_MUL(t, SI_F_SET(-0x1.777a5cp-23f)), SI_F_MUL(SI_F_MUL(t, t2), ps));
    sn = SI_F_ADD(SI_F_MUL(t, SI_F_SET(0x1.921fb6p+2f)), sn);
    SI_VF pc = SI_F_ADD(SI_F_SET(0x1.e1f506p+5f), SI_F_MUL(t2, SI_F_SET(-0x1.a6d1f2p+4f)));
    pc = SI_F_ADD(SI_F_SET(-0x1.55d3c8p+6f), SI_F_MUL(t2, pc));
    pc = SI_F_ADD(SI_F_SET(0x1.03c1f0p+6f), SI_F_MUL(t2, pc));
    pc = SI_F_ADD(SI_F_SET(-0x1.3bd3ccp+4f), SI_F_MUL(t2, pc));
    SI_VF cs = SI_F_ADD(SI_F_SET(1.0f), SI_F_MUL(t2, pc));
    /* Rotate by q quarter turns: odd q swaps, q in {1,2} negates cos, q in {2,3} negates sin. */
    SI_VU swap = SI_U_NONZERO(SI_U_AND(q, SI_U_SET(1)));
    SI_VU neg_c = SI_U_SLL(SI_U_AND(SI_U_ADD(q, SI_U_SET(1)), SI_U_SET(2)), 30);
    SI_VU neg_s = SI_U_SLL(SI_U_AND(q, SI_U_SET(2)), 30);
    *cos_out = SI_F_XOR_BITS(SI_F_SELECT(swap, sn, cs), neg_c);
    *sin_out = SI_F_XOR_BITS(SI_F_SELECT(swap, cs, sn), neg_s);
}

/*
 * Box-Muller for float32 from one 64-bit output per pair:
 * u1 = RN32(hi | 1) * 2^-32 in [2^-32, 1] from the upper 32 bits (never 0;
 * reach sqrt(64 ln 2) = 6.66 sigma), angle = 2 pi (lo >> 8) / 2^24 from bits
 * 8..31. z0 = r cos, z1 = r sin with r = sqrt(-2 ln u1).
 */
SI_MATH_FN void SI_MATH_NAME(si_box_muller_f32)(SI_VU hi, SI_VU lo, SI_VF *z0, SI_VF *z1)
{
    SI_VF u1 = SI_F_MUL(SI_F_CVT_U32(SI_U_OR(hi, SI_U_SET(1))), SI_F_SET(0x1p-32f));
    SI_VF r = SI_F_SQRT(SI_F_MUL(SI_MATH_NAME(si_log_f32)(u1), SI_F_SET(-2.0f)));
    SI_VF c, s;
    SI_MATH_NAME(si_sincos_turn_f32)(SI_U_SRL(lo, 8), &c, &s);
    *z0 = SI_F_MUL(r, c);
    *z1 = SI_F_MUL(r, s);
}

/* v = mean + std * z */
SI_MATH_FN SI_VF SI_MATH_NAME(si_affine_f32)(SI_VF z, SI_VF mean, SI_VF std)
{
    return SI_F_ADD(mean, SI_F_MUL(std, z));
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

/* Natural log of x in [2^-53, 1]; same method as si_log_f32 with
 * R = sum_{k=1..9} 2 s^(2k) / (2k+1). */
SI_MATH_FN SI_VD SI_MATH_NAME(si_log_f64)(SI_VD x)
{
    SI_VQ ix = SI_Q_ADD(SI_D_BITS(x), SI_Q_SET(UINT64_C(0x3ff0000000000000) - UINT64_C(0x3fe6a09e667f3bcd)));
    SI_VQ e_biased = SI_Q_SRL(ix, 52);
    SI_VD e = SI_D_CVT_Q_SMALL(SI_Q_SUB(e_biased, SI_Q_SET(1023)));
    SI_VD m = SI_D_FROM_BITS(SI_Q_ADD(SI_Q_AND(ix, SI_Q_SET(UINT64_C(0x000fffffffffffff))),
                                      SI_Q_SET(UINT64_C(0x3fe6a09e667f3bcd))));
    SI_VD f = SI_D_SUB(m, SI_D_SET(1.0));
    SI_VD s = SI_D_DIV(f, SI_D_ADD(SI_D_SET(2.0), f));
    SI_VD z = SI_D_MUL(s, s);
    SI_VD R = SI_D_ADD(SI_D_SET(0x1.e1e1e1e1e1e1ep-4), SI_D_MUL(z, SI_D_SET(0x1.af286bca1af28p-4)));
    R = SI_D_ADD(SI_D_SET(0x1.1111111111111p-3), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.3b13b13b13b14p-3), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.745d1745d1746p-3), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.c71c71c71c71cp-3), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.2492492492492p-2), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.999999999999ap-2), SI_D_MUL(z, R));
    R = SI_D_ADD(SI_D_SET(0x1.5555555555555p-1), SI_D_MUL(z, R));
    R = SI_D_MUL(z, R);
    SI_VD hfsq = SI_D_MUL(SI_D_MUL(SI_D_SET(0.5), f), f);
    SI_VD t = SI_D_ADD(SI_D_MUL(s, SI_D_ADD(hfsq, R)), SI_D_MUL(e, SI_D_SET(0x1.a39ef35793c76p-33)));
    t = SI_D_SUB(SI_D_SUB(hfsq, t), f);
    return SI_D_SUB(SI_D_MUL(e, SI_D_SET(0x1.62e42feep-1)), t);
}

/* cos and sin of 2*pi*m/2^53 for a 53-bit integer m; as the float32 version
 * with sin to t^17 (2 pi split hi + lo) and cos to t^16. */
SI_MATH_FN void SI_MATH_NAME(si_sincos_turn_f64)(SI_VQ m, SI_VD *cos_out, SI_VD *sin_out)
{
    SI_VQ q = SI_Q_SRL(SI_Q_ADD(m, SI_Q_SET(UINT64_C(1) << 50)), 51);  /* 0..4 */
    SI_VQ r = SI_Q_SUB(m, SI_Q_SLL(q, 51));                            /* int64 in [-2^50, 2^50] */
    SI_VD t = SI_D_MUL(SI_D_CVT_Q_SMALL(r), SI_D_SET(0x1p-53));
    SI_VD t2 = SI_D_MUL(t, t);
    SI_VD ps = SI_D_ADD(SI_D_SET(-0x1.6fadb9f155744p-1), SI_D_MUL(t2, SI_D_SET(0x1.aaec32af93359p-4)));
    ps = SI_D_ADD(SI_D_SET(0x1.e8f434d018d63p+1), SI_D_MUL(t2, ps));
    ps = SI_D_ADD(SI_D_SET(-0x1.e3074fde8871fp+3), SI_D_MUL(t2, ps));
    ps = SI_D_ADD(SI_D_SET(0x1.50783487ee782p+5), SI_D_MUL(t2, ps));
    ps = SI_D_ADD(SI_D_SET(-0x1.32d2cce62bd86p+6), SI_D_MUL(t2, ps));
    ps = SI_D_ADD(SI_D_SET(0x1.466bc6775aae2p+6), SI_D_MUL(t2, ps));
    ps = SI_D_ADD(SI_D_SET(-0x1.4abbce625be53p+5), SI_D_MUL(t2, ps));
    SI_VD sn = SI_D_ADD(SI_D_MUL(t, SI_D_SET(0x1.1a62633145c07p-52)), SI_D_MUL(SI_D_MUL(t, t2), ps));
    sn = SI_D_ADD(SI_D_MUL(t, SI_D_SET(0x1.921fb54442d18p+2)), sn);
    SI_VD pc = SI_D_ADD(SI_D_SET(-0x1.b6e24f44b128fp+0), SI_D_MUL(t2, SI_D_SET(0x1.20c62c2f2d7f5p-2)));
    pc = SI_D_ADD(SI_D_SET(0x1.f9d38a3763cc3p+2), SI_D_MUL(t2, pc));
    pc = SI_D_ADD(SI_D_SET(-0x1.a6d1f2a204a8cp+4), SI_D_MUL(t2, pc));
    pc = SI_D_ADD(SI_D_SET(0x1.e1f506891babbp+5), SI_D_MUL(t2, pc));
    pc = SI_D_ADD(SI_D_SET(-0x1.55d3c7e3cbffap+6), SI_D_MUL(t2, pc));
    pc = SI_D_ADD(SI_D_SET(0x1.03c1f081b5ac4p+6), SI_D_MUL(t2, pc));
    pc = SI_D_ADD(SI_D_SET(-0x1.3bd3cc9be45dep+4), SI_D_MUL(t2, pc));
    SI_VD cs = SI_D_ADD(SI_D_SET(1.0), SI_D_MUL(t2, pc));
    SI_VQ swap = SI_Q_NONZERO(SI_Q_AND(q, SI_Q_SET(1)));
    SI_VQ neg_c = SI_Q_SLL(SI_Q_AND(SI_Q_ADD(q, SI_Q_SET(1)), SI_Q_SET(2)), 62);
    SI_VQ neg_s = SI_Q_SLL(SI_Q_AND(q, SI_Q_SET(2)), 62);
    *cos_out = SI_D_XOR_BITS(SI_D_SELECT(swap, sn, cs), neg_c);
    *sin_out = SI_D_XOR_BITS(SI_D_SELECT(swap, cs, sn), neg_s);
}

/*
 * Box-Muller for float64 from two 64-bit outputs: u1 = ((x1 >> 11) + 1) 2^-53
 * in [2^-53, 1] (reach sqrt(106 ln 2) = 8.57 sigma), angle = 2 pi (x2 >> 11) / 2^53.
 */
SI_MATH_FN void SI_MATH_NAME(si_box_muller_f64)(SI_VQ x1, SI_VQ x2, SI_VD *z0, SI_VD *z1)
{
    SI_VD u1 = SI_D_MUL(SI_D_CVT_U53(SI_Q_ADD(SI_Q_SRL(x1, 11), SI_Q_SET(1))), SI_D_SET(0x1p-53));
    SI_VD r = SI_D_SQRT(SI_D_MUL(SI_MATH_NAME(si_log_f64)(u1), SI_D_SET(-2.0)));
    SI_VD c, s;
    SI_MATH_NAME(si_sincos_turn_f64)(SI_Q_SRL(x2, 11), &c, &s);
    *z0 = SI_D_MUL(r, c);
    *z1 = SI_D_MUL(r, s);
}

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
 *   else accepted iff t <= log(ut) * -2
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
    SI_VF y = SI_F_MUL(SI_MATH_NAME(si_log_f32)(ut), SI_F_SET(-2.0f));
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
    SI_VD y = SI_D_MUL(SI_MATH_NAME(si_log_f64)(ut), SI_D_SET(-2.0));
    return SI_Q_OR(lower, SI_Q_AND(upper, SI_D_LE(t, y)));
}

/*
 * One candidate per lane (docs/STREAM.md §3.5), float32 family, from the
 * halves of one 64-bit output: the variate r >= 0 from `hi`, r = u =
 * (hi >> 8) 2^-24 in [0, 1) (expo = 0, uniform proposal) or r = -log(u1),
 * u1 = (hi | 1) 2^-32 in [2^-32, 1] (expo = 1, exponential proposal, r <= 22.2);
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
        SI_VF u1 = SI_F_MUL(SI_F_CVT_U32(SI_U_OR(hi, SI_U_SET(1))), SI_F_SET(0x1p-32f));
        r = SI_F_SUB(SI_F_SET(0.0f), SI_MATH_NAME(si_log_f32)(u1));
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
        r = SI_D_SUB(SI_D_SET(0.0), SI_MATH_NAME(si_log_f64)(u1));
    } else {
        r = SI_D_MUL(SI_D_CVT_U53(SI_Q_SRL(x1, 11)), SI_D_SET(0x1p-53));
    }
    SI_VD ut = SI_D_MUL(SI_D_CVT_U53(SI_Q_ADD(SI_Q_SRL(x2, 11), SI_Q_SET(1))), SI_D_SET(0x1p-53));
    SI_VD t = SI_D_ADD(SI_D_MUL(r, SI_D_ADD(SI_D_MUL(r, p), q)), b);
    *acc = SI_Q_AND(SI_MATH_NAME(si_tn_accept_f64)(t, ut), SI_D_LE(r, h));
    return SI_D_MIN(thi, SI_D_MAX(tlo, SI_D_ADD(o, SI_D_MUL(g, r))));
}
