/*
 * An outside program using an installed simdinit: prints the library's
 * version, then writes elements [12345, 13345) of the f32 N(0, 1) tensor
 * (seed 7, stream 3) to the file named by argv[1] (raw little-endian floats).
 * tests/consumers/run.sh builds it three ways (pkg-config, CMake, a meson
 * subproject) and compares the file with `simdinit fill`'s output.
 */
#include <stdio.h>
#include <stdlib.h>

#include <simdinit.h>

int main(int argc, char **argv)
{
    enum { N = 1000 };
    static float v[N];
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT\n", argv[0]);
        return 2;
    }
    simdinit_status st = simdinit_normal(v, SIMDINIT_F32, N, 12345, 7, 3, 0.0, 1.0);
    if (st != SIMDINIT_OK) {
        fprintf(stderr, "simdinit_normal: %s\n", simdinit_strerror(st));
        return 1;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(v, sizeof v[0], N, f) != N || fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    printf("%s\n", simdinit_version());
    return 0;
}
