/*
 * Golden vectors: the fixed cases, the hash, and the checker shared by
 * tests/gen_golden.c (which writes tests/golden_data.h), tests/test_golden.c
 * (Criterion) and tests/conformance.c (plain C, runs under qemu).
 *
 * What is pinned, per (distribution, dtype), for seed GOLDEN_SEED and stream
 * GOLDEN_STREAM: the bit patterns of elements [0, 32) and
 * [GOLDEN_MID_OFFSET, GOLDEN_MID_OFFSET + 16), and the FNV-1a 64 hash of the
 * little-endian bytes of elements [0, 2^20) filled in one call. The data were
 * produced with the scalar backend forced; every backend must reproduce them.
 * They also record the stream version (SIMDINIT_STREAM_VERSION) they belong
 * to: bits of a stream version never change (docs/STREAM.md), so a mismatch
 * under the same version is a bug, and a new version needs new data.
 *
 * Needs only the public header and libc.
 */
#ifndef SIMDINIT_GOLDEN_H
#define SIMDINIT_GOLDEN_H

#include <math.h>   /* INFINITY */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elem.h"
#include "simdinit.h"

#define GOLDEN_SEED UINT64_C(42)
#define GOLDEN_STREAM UINT64_C(7)
#define GOLDEN_FIRST 32
#define GOLDEN_MID 16
#define GOLDEN_MID_OFFSET UINT64_C(1000003)
#define GOLDEN_HASH_N ((size_t)1 << 20)
#define GOLDEN_NDIST 8
#define GOLDEN_NDTYPE 4

/* One pinned case: a (distribution, dtype) pair. */
typedef struct golden_entry {
    uint64_t first[GOLDEN_FIRST]; /* bits of elements 0..31 */
    uint64_t mid[GOLDEN_MID];     /* bits of elements GOLDEN_MID_OFFSET.. */
    uint64_t hash;                /* FNV-1a 64 of elements [0, 2^20) */
} golden_entry;

static const char *const golden_dist_names[GOLDEN_NDIST] = {
    "uniform(-0.5, 2)", "normal(0.25, 1.5)", "trunc_normal(0, 1, -2, 2)",
    "trunc_normal(0, 1, 3, 5)", "constant(0.1)", "trunc_normal(0, 1, -0.1, 0.1)",
    "trunc_normal(0, 1, -0.6, -0.5)", "trunc_normal(1, 2, -inf, -6)",
};

static inline simdinit_dist golden_dist(int i)
{
    switch (i) {
    case 0: return simdinit_dist_uniform(-0.5, 2.0);
    case 1: return simdinit_dist_normal(0.25, 1.5);
    case 2: return simdinit_dist_trunc_normal(0.0, 1.0, -2.0, 2.0);
    /* the truncated normal's proposals (docs/STREAM.md §3.5): normal,
     * exponential, uniform two-sided and mirrored, exponential mirrored with
     * an infinite end */
    case 3: return simdinit_dist_trunc_normal(0.0, 1.0, 3.0, 5.0);
    case 4: return simdinit_dist_constant(0.1);
    case 5: return simdinit_dist_trunc_normal(0.0, 1.0, -0.1, 0.1);
    case 6: return simdinit_dist_trunc_normal(0.0, 1.0, -0.6, -0.5);
    default: return simdinit_dist_trunc_normal(1.0, 2.0, -(double)INFINITY, -6.0);
    }
}

static const simdinit_dtype golden_dtypes[GOLDEN_NDTYPE] = {SIMDINIT_F32, SIMDINIT_F64,
                                                             SIMDINIT_BF16, SIMDINIT_F16};

#define GOLDEN_FNV_BASIS UINT64_C(0xcbf29ce484222325)
#define GOLDEN_FNV_PRIME UINT64_C(0x100000001b3)

/* FNV-1a 64 over the little-endian bytes of n elements, on any host byte order. */
static inline uint64_t golden_hash(const void *buf, simdinit_dtype dt, size_t n)
{
    uint64_t h = GOLDEN_FNV_BASIS;
    size_t sz = elem_size(dt);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = elem_bits(buf, dt, i);
        for (size_t k = 0; k < sz; k++) {
            h ^= (v >> (8 * k)) & 0xff;
            h *= GOLDEN_FNV_PRIME;
        }
    }
    return h;
}

/*
 * Compute one entry with the backend currently active. scratch must hold
 * GOLDEN_HASH_N * 8 + 8 bytes; fills go to scratch + 1 so that the library is
 * also exercised on a buffer that is not element-aligned. Returns the fill
 * status (the first one that is not SIMDINIT_OK).
 */
static inline simdinit_status golden_compute(golden_entry *e, int dist_i, simdinit_dtype dt,
                                             unsigned char *scratch)
{
    simdinit_dist d = golden_dist(dist_i);
    unsigned char *buf = scratch + 1;
    simdinit_status s;
    s = simdinit_fill(buf, dt, GOLDEN_FIRST, 0, GOLDEN_SEED, GOLDEN_STREAM, &d);
    if (s != SIMDINIT_OK)
        return s;
    for (int i = 0; i < GOLDEN_FIRST; i++)
        e->first[i] = elem_bits(buf, dt, (size_t)i);
    s = simdinit_fill(buf, dt, GOLDEN_MID, GOLDEN_MID_OFFSET, GOLDEN_SEED, GOLDEN_STREAM, &d);
    if (s != SIMDINIT_OK)
        return s;
    for (int i = 0; i < GOLDEN_MID; i++)
        e->mid[i] = elem_bits(buf, dt, (size_t)i);
    s = simdinit_fill(buf, dt, GOLDEN_HASH_N, 0, GOLDEN_SEED, GOLDEN_STREAM, &d);
    if (s != SIMDINIT_OK)
        return s;
    e->hash = golden_hash(buf, dt, GOLDEN_HASH_N);
    return SIMDINIT_OK;
}

/*
 * Compare a freshly computed entry with the pinned one. Prints one line per
 * kind of mismatch to `log` (when not NULL), prefixed with `what`, and returns
 * the number of mismatching items (elements and hash).
 */
static inline int golden_compare(const golden_entry *got, const golden_entry *want,
                                 const char *what, FILE *log)
{
    int bad = 0;
    for (int i = 0; i < GOLDEN_FIRST; i++)
        if (got->first[i] != want->first[i]) {
            if (log && bad < 4)
                fprintf(log, "%s: element %d is 0x%llx, golden 0x%llx\n", what, i,
                        (unsigned long long)got->first[i], (unsigned long long)want->first[i]);
            bad++;
        }
    for (int i = 0; i < GOLDEN_MID; i++)
        if (got->mid[i] != want->mid[i]) {
            if (log && bad < 4)
                fprintf(log, "%s: element %llu is 0x%llx, golden 0x%llx\n", what,
                        (unsigned long long)(GOLDEN_MID_OFFSET + (uint64_t)i),
                        (unsigned long long)got->mid[i], (unsigned long long)want->mid[i]);
            bad++;
        }
    if (got->hash != want->hash) {
        if (log)
            fprintf(log, "%s: hash of 2^20 elements is 0x%016llx, golden 0x%016llx\n", what,
                    (unsigned long long)got->hash, (unsigned long long)want->hash);
        bad++;
    }
    return bad;
}

#endif /* SIMDINIT_GOLDEN_H */
