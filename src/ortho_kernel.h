/*
 * The one hot loop of the orthogonal initializer: applying a block of
 * SI_ORTHO_NB Householder reflectors, in compact WY form, to one panel of
 * SI_ORTHO_PW columns of the f64 work matrix (docs/STREAM.md §4.3).
 *
 * Included by src/orthogonal.c (baseline build) and src/avx2/ortho_avx2.c
 * (the same text built with the AVX2 flags), with SI_ORTHO_FN naming the
 * function. Every value this code computes is defined by the order of its
 * operations alone: each output element is a fixed sequence of IEEE double
 * multiplications and additions (no FMA: -ffp-contract=off), and the vectors
 * (GCC vector extensions, 4 doubles) run across the panel's independent
 * columns only. The register tile sizes below change the speed, never a bit,
 * so the two builds agree bit for bit (tests/test_structured.c holds them to
 * it).
 *
 * For every column j of the panel, with rows i = 0 .. M-1 of the block:
 *   y[k] = sum over i ascending of V[i][k] * q[i]          (k = 0 .. NB-1, from +0.0)
 *   z[k] = sum over l = k .. NB-1 ascending of T[k][l] * y[l]   (from +0.0)
 *   q[i] = (((q[i] - V[i][0] z[0]) - V[i][1] z[1]) ... - V[i][NB-1] z[NB-1])
 * P is the panel: M x PW row-major (contiguous); V is M x NB row-major; T is
 * NB x NB row-major upper triangular.
 */
#ifndef SI_ORTHO_FN
#error "define SI_ORTHO_FN before including ortho_kernel.h"
#endif

/* Speed only: reflectors per pass of the y loop, rows per pass of the update,
 * rows per chunk of the y loop. */
#ifndef SI_ORTHO_KT
#define SI_ORTHO_KT 2
#endif
#ifndef SI_ORTHO_IT
#define SI_ORTHO_IT 2
#endif
#ifndef SI_ORTHO_RC
#define SI_ORTHO_RC 64
#endif

#if SI_ORTHO_PW != 8
#error "the kernel is written for panels of 8 columns"
#endif

typedef double si_v4d __attribute__((vector_size(32)));

/* Macros, not functions: a function returning a 32-byte vector has an ABI
 * that differs with and without AVX (GCC's -Wpsabi). */
#define SI_V4D_LOAD(v, p) memcpy(&(v), (p), sizeof(si_v4d))
#define SI_V4D_STORE(p, v) memcpy((p), &(v), sizeof(si_v4d))
#define SI_V4D_SET1(x) ((si_v4d){(x), (x), (x), (x)})

static void SI_ORTHO_FN(double *restrict P, const double *restrict V, const double *restrict T,
                        size_t M)
{
    enum { NB = SI_ORTHO_NB, KT = SI_ORTHO_KT, IT = SI_ORTHO_IT, RC = SI_ORTHO_RC };
    si_v4d Z[NB][2];
    /* y = V^T q, into Z: rows in chunks of RC (their panel and V rows stay in
     * L1 while all NB reflectors pass over them), KT reflectors at a time.
     * Each sum still runs over i ascending from +0.0. */
    for (int k = 0; k < NB; k++)
        Z[k][0] = Z[k][1] = SI_V4D_SET1(0.0);
    for (size_t c0 = 0; c0 < M; c0 += RC) {
      size_t c1 = M - c0 < RC ? M : c0 + RC;
      for (int k0 = 0; k0 < NB; k0 += KT) {
        si_v4d acc[KT][2];
        for (int kk = 0; kk < KT; kk++) {
            acc[kk][0] = Z[k0 + kk][0];
            acc[kk][1] = Z[k0 + kk][1];
        }
        for (size_t i = c0; i < c1; i++) {
            si_v4d q0, q1;
            SI_V4D_LOAD(q0, P + i * 8);
            SI_V4D_LOAD(q1, P + i * 8 + 4);
            for (int kk = 0; kk < KT; kk++) {
                si_v4d v = SI_V4D_SET1(V[i * NB + k0 + kk]);
                acc[kk][0] = acc[kk][0] + v * q0;
                acc[kk][1] = acc[kk][1] + v * q1;
            }
        }
        for (int kk = 0; kk < KT; kk++) {
            Z[k0 + kk][0] = acc[kk][0];
            Z[k0 + kk][1] = acc[kk][1];
        }
      }
    }
    /* z = T y, in place: row k of T reads y[l] for l >= k only. */
    for (int k = 0; k < NB; k++) {
        si_v4d a0 = SI_V4D_SET1(0.0), a1 = a0;
        for (int l = k; l < NB; l++) {
            si_v4d t = SI_V4D_SET1(T[k * NB + l]);
            a0 = a0 + t * Z[l][0];
            a1 = a1 + t * Z[l][1];
        }
        Z[k][0] = a0;
        Z[k][1] = a1;
    }
    /* q -= V z, IT rows at a time. */
    size_t i = 0;
    for (; i + IT <= M; i += IT) {
        si_v4d acc[IT][2];
        for (int ii = 0; ii < IT; ii++) {
            SI_V4D_LOAD(acc[ii][0], P + (i + ii) * 8);
            SI_V4D_LOAD(acc[ii][1], P + (i + ii) * 8 + 4);
        }
        for (int k = 0; k < NB; k++)
            for (int ii = 0; ii < IT; ii++) {
                si_v4d v = SI_V4D_SET1(V[(i + ii) * NB + k]);
                acc[ii][0] = acc[ii][0] - v * Z[k][0];
                acc[ii][1] = acc[ii][1] - v * Z[k][1];
            }
        for (int ii = 0; ii < IT; ii++) {
            SI_V4D_STORE(P + (i + ii) * 8, acc[ii][0]);
            SI_V4D_STORE(P + (i + ii) * 8 + 4, acc[ii][1]);
        }
    }
    for (; i < M; i++) {
        si_v4d a0, a1;
        SI_V4D_LOAD(a0, P + i * 8);
        SI_V4D_LOAD(a1, P + i * 8 + 4);
        for (int k = 0; k < NB; k++) {
            si_v4d v = SI_V4D_SET1(V[i * NB + k]);
            a0 = a0 - v * Z[k][0];
            a1 = a1 - v * Z[k][1];
        }
        SI_V4D_STORE(P + i * 8, a0);
        SI_V4D_STORE(P + i * 8 + 4, a1);
    }
}
