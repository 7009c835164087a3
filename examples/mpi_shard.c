/*
 * Each rank initializes only its shard of a rows x cols weight, as a
 * tensor-parallel job would: first row shards (Megatron's row-parallel
 * layout), then column shards. The ranks gather the shards on rank 0, which
 * checks that the assembled tensor hashes to the same value as a fill of the
 * whole tensor in one process. Exit status 0 only if both layouts match.
 *
 *   mpirun -np 3 ./mpi_shard [--shape 1536x4096]
 */
#include <string.h>

#include "mpi_common.h"

static const uint64_t SEED = 2024, STREAM = 11;

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    uint64_t rows, cols;
    parse_shape(argc, argv, &rows, &cols);
    /* Keras-style truncated normal: the distribution whose reject mode makes
     * an element's position depend on its block, the hardest case. */
    simdinit_dist d = simdinit_dist_trunc_normal(0.0, 0.02, -0.04, 0.04);
    int failures = 0;

    for (int layout = 0; layout < 2; layout++) {
        uint64_t lo, hi;
        split_range(layout == 0 ? rows : cols, rank, size, &lo, &hi);
        uint64_t r0 = layout == 0 ? lo : 0, r1 = layout == 0 ? hi : rows;
        uint64_t c0 = layout == 0 ? 0 : lo, c1 = layout == 0 ? cols : hi;
        size_t w = (size_t)(c1 - c0), h = (size_t)(r1 - r0);
        float *shard = malloc((h && w ? h * w : 1) * sizeof *shard);
        if (!shard)
            MPI_Abort(MPI_COMM_WORLD, 3);
        check(simdinit_fill_shard(shard, w, SIMDINIT_F32, rows, cols, r0, r1, c0, c1, SEED, STREAM, &d),
              "simdinit_fill_shard");

        /* Gather every shard's bytes on rank 0. */
        int bytes = (int)(h * w * sizeof(float));
        int *counts = NULL, *displs = NULL;
        float *all = NULL;
        if (rank == 0) {
            counts = malloc((size_t)size * sizeof *counts);
            displs = malloc((size_t)size * sizeof *displs);
            all = malloc((size_t)(rows * cols) * sizeof *all);
        }
        MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            int off = 0;
            for (int i = 0; i < size; i++) {
                displs[i] = off;
                off += counts[i];
            }
        }
        float *gathered = rank == 0 ? malloc((size_t)(rows * cols) * sizeof *gathered) : NULL;
        MPI_Gatherv(shard, bytes, MPI_BYTE, gathered, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);

        if (rank == 0) {
            /* Reassemble into row-major order. */
            for (int i = 0; i < size; i++) {
                uint64_t l, u;
                split_range(layout == 0 ? rows : cols, i, size, &l, &u);
                const float *src = (const float *)((const char *)gathered + displs[i]);
                if (layout == 0) {
                    memcpy(all + l * cols, src, (size_t)((u - l) * cols) * sizeof *all);
                } else {
                    for (uint64_t r = 0; r < rows; r++)
                        memcpy(all + r * cols + l, src + r * (u - l), (size_t)(u - l) * sizeof *all);
                }
            }
            uint64_t h_shards = fnv1a(FNV_OFFSET, all, (size_t)(rows * cols) * sizeof *all);
            check(simdinit_fill(all, SIMDINIT_F32, (size_t)(rows * cols), 0, SEED, STREAM, &d), "simdinit_fill");
            uint64_t h_single = fnv1a(FNV_OFFSET, all, (size_t)(rows * cols) * sizeof *all);
            int ok = h_shards == h_single;
            printf("%s shards over %d ranks: hash %016llx, single process %016llx: %s\n",
                   layout == 0 ? "row" : "column", size, (unsigned long long)h_shards,
                   (unsigned long long)h_single, ok ? "match" : "MISMATCH");
            failures += !ok;
            free(counts);
            free(displs);
            free(all);
            free(gathered);
        }
        free(shard);
    }
    MPI_Bcast(&failures, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%d passed, %d failed\n", 2 - failures, failures);
    MPI_Finalize();
    return failures ? 1 : 0;
}
