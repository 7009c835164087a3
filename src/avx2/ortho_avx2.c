/*
 * The orthogonal initializer's block-reflector kernel (src/ortho_kernel.h)
 * built with the AVX2 flags: the same operations in the same order as the
 * baseline build, four columns per instruction, so the same bits
 * (-ffp-contract=off: no multiply is fused with an add).
 */
#include "../orthogonal.h"

#define SI_ORTHO_KT 4
#define SI_ORTHO_IT 6
#define SI_ORTHO_FN ortho_apply_avx2
#include "../ortho_kernel.h"

void si_ortho_apply_avx2(double *P, const double *V, const double *T, size_t M)
{
    ortho_apply_avx2(P, V, T, M);
}
