/*
 * Forget the vocabulary of src/simd_math.h, so that a backend can instantiate
 * the value path again on another register type (src/avx2/vocab_avx2.h does
 * it for one __m256 and a pair of them, src/avx512/vocab_avx512.h then for one
 * __m512), or leave no vocabulary macro behind for the code that follows.
 * Include it after an instantiation; SI_MATH_FN is left alone.
 */
#undef SI_VF
#undef SI_VU
#undef SI_VD
#undef SI_VQ
#undef SI_MATH_NAME
#undef SI_F_SET
#undef SI_F_ADD
#undef SI_F_SUB
#undef SI_F_MUL
#undef SI_F_DIV
#undef SI_F_SQRT
#undef SI_F_FROM_BITS
#undef SI_F_BITS
#undef SI_F_CVT_I32
#undef SI_F_CVT_U32
#undef SI_F_XOR_BITS
#undef SI_F_SELECT
#undef SI_U_SET
#undef SI_U_ADD
#undef SI_U_SUB
#undef SI_U_AND
#undef SI_U_OR
#undef SI_U_SRL
#undef SI_U_SLL
#undef SI_U_NONZERO
#undef SI_D_SET
#undef SI_D_ADD
#undef SI_D_SUB
#undef SI_D_MUL
#undef SI_D_DIV
#undef SI_D_SQRT
#undef SI_D_FROM_BITS
#undef SI_D_BITS
#undef SI_D_CVT_Q_SMALL
#undef SI_D_CVT_U53
#undef SI_D_XOR_BITS
#undef SI_D_SELECT
#undef SI_Q_SET
#undef SI_Q_ADD
#undef SI_Q_SUB
#undef SI_Q_AND
#undef SI_Q_SRL
#undef SI_Q_SLL
#undef SI_Q_NONZERO
/* issue 14 vocabulary */
#undef SI_F_FMA
#undef SI_D_FMA
#undef SI_U_SRA
#undef SI_F_SELECT_SIGN
#undef SI_D_SELECT_SIGN
#undef SI_Q_OR
/* the truncated normal's comparisons */
#undef SI_F_LE
#undef SI_F_MIN
#undef SI_F_MAX
#undef SI_D_LE
#undef SI_D_MIN
#undef SI_D_MAX
#undef SI_U_ANDNOT
#undef SI_U_ANY
#undef SI_Q_ANDNOT
#undef SI_Q_ANY
