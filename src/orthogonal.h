/*
 * Internal interface of the structured initializers (src/orthogonal.c,
 * src/structured.c, src/avx2/ortho_avx2.c). docs/STREAM.md §4 has the bits.
 */
#ifndef SIMDINIT_ORTHOGONAL_H
#define SIMDINIT_ORTHOGONAL_H

#include "internal.h"

/* Reflectors per compact-WY block: part of the bits (STREAM.md §4.3). */
#define SI_ORTHO_NB 32
/* The work matrix is stored in panels of this many columns, each panel
 * rows x PW contiguous (storage only: no bit depends on it). */
#define SI_ORTHO_PW 8
/* The fewest panels per unit of work of the accumulation (speed only): a
 * group goes through all its blocks, each block's V staying in cache while
 * it passes over the group's panels. */
#define SI_ORTHO_GROUP 8

/* One block of reflectors applied to one M-row panel (ortho_kernel.h). */
typedef void (*si_ortho_apply_fn)(double *P, const double *V, const double *T, size_t M);
#if defined(SIMDINIT_HAVE_AVX2)
SI_HIDDEN void si_ortho_apply_avx2(double *P, const double *V, const double *T, size_t M);
#endif

/*
 * Where element (r, c) of the nr x nc orthogonal matrix goes in the output:
 * base + (r / post) * (nc * post) + c * post + r % post elements (post = 1:
 * row-major at base; otherwise the column axis sits before `post` trailing
 * elements, as JAX's moveaxis puts it).
 */
typedef struct si_ortho_map {
    uint64_t base, post;
} si_ortho_map;

/*
 * Write gain * Q, Q the Haar-orthogonal nr x nc matrix of (seed, stream), to
 * out through map. Validates nothing but the workspace: returns
 * SIMDINIT_ERR_NOMEM (nothing written) when it cannot be allocated, else OK.
 * nthreads >= 1. nr, nc >= 1.
 */
SI_HIDDEN simdinit_status si_orthogonal_run(void *out, simdinit_dtype dtype, uint64_t nr,
                                            uint64_t nc, si_ortho_map map, double gain,
                                            uint64_t seed, uint64_t stream, int nthreads);

/* Round a double to dtype (nearest-even, directly: bf16 and f16 through a
 * round-to-odd float, so there is no double rounding) and store out[idx]. */
SI_HIDDEN void si_store_f64(void *out, simdinit_dtype dtype, uint64_t idx, double v);

/* Largest finite value of dtype (0 for an unknown dtype). */
SI_HIDDEN double si_dtype_max(simdinit_dtype dtype);

/* A gain / scale for dtype: BAD_ENUM (dtype), NONFINITE, RANGE (|gain| above
 * the largest finite value of dtype), else OK. */
SI_HIDDEN simdinit_status si_check_gain(simdinit_dtype dtype, double gain);

/* The checks of a rows x cols output, made after the parameters' (so NULL
 * comes last): SI_STATUS_EMPTY_TENSOR when rows or cols is 0 (a no-op),
 * OVERFLOW when rows * cols elements do not fit in memory, NULL, else OK. */
SI_HIDDEN simdinit_status si_matrix_check(const void *out, simdinit_dtype dtype, uint64_t rows,
                                          uint64_t cols);

/* Thread count from the public nthreads argument: BAD_PARAM for < 0, BAD_ENV
 * for 0 with an invalid SIMDINIT_NUM_THREADS; capped at 256. */
SI_HIDDEN simdinit_status si_resolve_nthreads(int nthreads, int *out);

/* Run fn(ctx, t, nt) on nt threads (t = 0 is the caller); fewer when threads
 * cannot be created (each fn must then cover its share: nt is what it gets).
 * si_team_barrier synchronizes all members of the running team. */
typedef struct si_team si_team;
SI_HIDDEN void si_team_run(int nt, void (*fn)(void *ctx, si_team *team, int t, int nt), void *ctx);
SI_HIDDEN void si_team_barrier(si_team *team);

#endif /* SIMDINIT_ORTHOGONAL_H */
