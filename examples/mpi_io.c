/*
 * Parallel write of one weight file: every rank fills its row range of a
 * rows x cols float32 tensor and writes it with MPI-IO at its own offset of a
 * single .npy file (rank 0 also writes the header). Rank 0 then reads the
 * file back and checks that its data hash equals a single-process fill.
 *
 *   mpirun -np 2 ./mpi_io OUT.npy [--shape 1536x4096]
 */
#include <string.h>

#include "mpi_common.h"

static const uint64_t SEED = 99, STREAM = 3;

/* A .npy v1.0 header for a C-order float32 matrix, padded to 64 bytes. */
static size_t npy_header(char *buf, size_t cap, uint64_t rows, uint64_t cols)
{
    char dict[128];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%llu, %llu), }",
                     (unsigned long long)rows, (unsigned long long)cols);
    size_t total = 10 + (size_t)n + 1;
    size_t padded = (total + 63) / 64 * 64;
    if (padded > cap)
        return 0;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)((padded - 10) & 0xff);
    buf[9] = (char)((padded - 10) >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', padded - total);
    buf[padded - 1] = '\n';
    return padded;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) {
        if (rank == 0)
            fprintf(stderr, "usage: mpi_io OUT.npy [--shape ROWSxCOLS]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    uint64_t rows, cols;
    parse_shape(argc, argv, &rows, &cols);
    simdinit_dist d = simdinit_dist_normal(0.0, 0.02);

    char header[256];
    size_t hlen = npy_header(header, sizeof header, rows, cols);
    uint64_t r0, r1;
    split_range(rows, rank, size, &r0, &r1);
    size_t count = (size_t)((r1 - r0) * cols);
    float *mine = malloc((count ? count : 1) * sizeof *mine);
    if (!mine || !hlen)
        MPI_Abort(MPI_COMM_WORLD, 3);
    check(simdinit_fill_mt(mine, SIMDINIT_F32, count, r0 * cols, SEED, STREAM, &d, 1), "simdinit_fill_mt");

    MPI_File fh;
    if (MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh) != MPI_SUCCESS) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_File_set_size(fh, 0);
    if (rank == 0)
        MPI_File_write_at(fh, 0, header, (int)hlen, MPI_BYTE, MPI_STATUS_IGNORE);
    MPI_Offset at = (MPI_Offset)hlen + (MPI_Offset)(r0 * cols * sizeof(float));
    MPI_File_write_at_all(fh, at, mine, (int)(count * sizeof(float)), MPI_BYTE, MPI_STATUS_IGNORE);
    MPI_File_close(&fh);
    free(mine);

    int failures = 0;
    if (rank == 0) {
        size_t total = (size_t)(rows * cols);
        float *file = malloc(total * sizeof *file), *ref = malloc(total * sizeof *ref);
        FILE *f = fopen(argv[1], "rb");
        char h2[256];
        int ok = file && ref && f && fread(h2, 1, hlen, f) == hlen && memcmp(h2, header, hlen) == 0 &&
                 fread(file, sizeof *file, total, f) == total;
        if (f)
            fclose(f);
        if (ok) {
            check(simdinit_fill(ref, SIMDINIT_F32, total, 0, SEED, STREAM, &d), "simdinit_fill");
            uint64_t hf = fnv1a(FNV_OFFSET, file, total * sizeof *file);
            uint64_t hr = fnv1a(FNV_OFFSET, ref, total * sizeof *ref);
            ok = hf == hr;
            printf("MPI-IO file from %d ranks: data hash %016llx, single process %016llx: %s\n", size,
                   (unsigned long long)hf, (unsigned long long)hr, ok ? "match" : "MISMATCH");
        } else {
            printf("MPI-IO file from %d ranks: could not read back %s\n", size, argv[1]);
        }
        failures = !ok;
        printf("%d passed, %d failed\n", 1 - failures, failures);
        free(file);
        free(ref);
    }
    MPI_Bcast(&failures, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return failures ? 1 : 0;
}
