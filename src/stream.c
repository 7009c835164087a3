/*
 * Block seeding: the only place lane states are made (docs/STREAM.md §2).
 * Every backend calls this scalar code, so seeding is identical everywhere.
 *
 * Tensor key:  A = mix64(seed ^ 0x243f6a8885a308d3)   (pi's fraction bits)
 *              B = mix64(A ^ stream)
 * Block key:   K = mix64(B ^ mix64(block ^ 0x13198a2e03707344))
 * Lane l, word w (w = 0..3) is output number 4l + w + 1 of a SplitMix64
 * started at K:  s[w][l] = mix64(K + (4l + w + 1) * 0x9e3779b97f4a7c15).
 * For a fixed seed, B is a bijection of stream, and for a fixed (seed,
 * stream), K is a bijection of block; distinct lanes and words read distinct
 * SplitMix64 counters. An all-zero lane (probability 2^-256) would be a fixed
 * point of xoshiro, so it is replaced by word 0 = 1.
 */
#include "internal.h"

#define SI_GOLDEN UINT64_C(0x9e3779b97f4a7c15)

void si_block_seed(si_lanes *st, uint64_t seed, uint64_t stream, uint64_t block)
{
    uint64_t a = si_mix64(seed ^ UINT64_C(0x243f6a8885a308d3));
    uint64_t b = si_mix64(a ^ stream);
    uint64_t k = si_mix64(b ^ si_mix64(block ^ UINT64_C(0x13198a2e03707344)));
    for (int l = 0; l < SI_LANES; l++) {
        uint64_t any = 0;
        for (int w = 0; w < 4; w++) {
            uint64_t v = si_mix64(k + (uint64_t)(4 * l + w + 1) * SI_GOLDEN);
            st->s[w][l] = v;
            any |= v;
        }
        if (any == 0)
            st->s[0][l] = 1;
    }
}

/* Elements per block. Truncated normals use quarter-size blocks: in reject
 * mode element k of a block is its k-th accepted candidate, so starting
 * inside a block (a row of a column shard, say) regenerates the candidates
 * before it; a smaller block bounds that, and seeding (32 SplitMix64 calls)
 * stays small next to ~1000 Box-Muller candidates. */
uint32_t si_block_elems(simdinit_dist_kind kind, simdinit_dtype dtype)
{
    uint32_t e = dtype == SIMDINIT_F64 ? 2048u : 4096u;
    return kind == SIMDINIT_DIST_TRUNC_NORMAL ? e / 4 : e;
}

/* docs/STREAM.md §1.1: the 64-bit FNV-1a hash of the name's bytes
 * (offset basis 0xcbf29ce484222325, prime 0x100000001b3). */
simdinit_status simdinit_stream_from_name(const char *name, uint64_t *stream)
{
    if (!name || !stream)
        return SIMDINIT_ERR_NULL;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    *stream = h;
    return SIMDINIT_OK;
}
