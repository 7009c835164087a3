/*
 * Shared bits of the MPI examples: the tensor they initialize, how a rank
 * finds its shard, and the FNV-1a hash used to compare results.
 */
#ifndef SIMDINIT_MPI_COMMON_H
#define SIMDINIT_MPI_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "simdinit.h"

/* FNV-1a, 64-bit, over raw bytes. */
static inline uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}
#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)

/* Rank r of n owns [lo, hi) of `total` (contiguous, sizes differ by <= 1). */
static inline void split_range(uint64_t total, int r, int n, uint64_t *lo, uint64_t *hi)
{
    *lo = total * (uint64_t)r / (uint64_t)n;
    *hi = total * (uint64_t)(r + 1) / (uint64_t)n;
}

static inline void check(simdinit_status s, const char *what)
{
    if (s != SIMDINIT_OK) {
        fprintf(stderr, "%s: %s\n", what, simdinit_strerror(s));
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
}

/* Parse "ROWSxCOLS" or use the default. */
static inline void parse_shape(int argc, char **argv, uint64_t *rows, uint64_t *cols)
{
    *rows = 1536;   /* a 1536 x 4096 float32 weight: 24 MiB */
    *cols = 4096;
    for (int i = 1; i + 1 < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] == 's')
            if (sscanf(argv[i + 1], "%llux%llu", (unsigned long long *)rows, (unsigned long long *)cols) != 2) {
                fprintf(stderr, "bad --shape %s (want ROWSxCOLS)\n", argv[i + 1]);
                MPI_Abort(MPI_COMM_WORLD, 2);
            }
}

#endif
