/*
 * Golden vectors (tests/golden_data.h, made by tests/gen_golden.c with the
 * scalar backend): the active backend and every usable backend, forced in
 * turn, must reproduce the pinned bits and hashes exactly.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "golden.h"
#include "golden_data.h"
#include "test_util.h"

/* Check every golden case with the backend active now; returns mismatches. */
static int check_all(const char *label)
{
    unsigned char *scratch = malloc(GOLDEN_HASH_N * 8 + 8);
    cr_assert_not_null(scratch);
    int bad = 0;
    char what[160];
    for (int d = 0; d < GOLDEN_NDIST; d++)
        for (int t = 0; t < GOLDEN_NDTYPE; t++) {
            simdinit_dtype dt = golden_dtypes[t];
            golden_entry got = {0};
            simdinit_status s = golden_compute(&got, d, dt, scratch);
            cr_expect_eq(s, SIMDINIT_OK, "[%s] %s %s: fill failed: %s", label,
                         golden_dist_names[d], simdinit_dtype_name(dt), simdinit_strerror(s));
            if (s != SIMDINIT_OK) {
                bad++;
                continue;
            }
            snprintf(what, sizeof what, "[%s] %s %s", label, golden_dist_names[d],
                     simdinit_dtype_name(dt));
            int b = golden_compare(&got, &golden_table[d][t], what, stderr);
            cr_expect_eq(b, 0,
                         "%s: %d mismatches against tests/golden_data.h: the bits of stream "
                         "version %d changed, which they never may (docs/STREAM.md §0: a change "
                         "of bits is a new SIMDINIT_STREAM_VERSION)",
                         what, b, SIMDINIT_STREAM_VERSION);
            bad += b;
        }
    free(scratch);
    return bad;
}

Test(golden, data_present)
{
    cr_assert(GOLDEN_HAVE_DATA,
              "tests/golden_data.h is the placeholder: run `ninja -C build golden` and commit it");
}

/* The data belong to the library's stream version: bits may only change with
 * a new SIMDINIT_STREAM_VERSION (and then the data are regenerated). */
Test(golden, stream_version)
{
    cr_assert_eq(simdinit_stream_version(), SIMDINIT_STREAM_VERSION,
                 "library stream version %d, header %d", simdinit_stream_version(),
                 SIMDINIT_STREAM_VERSION);
    cr_assert_eq(GOLDEN_STREAM_VERSION, SIMDINIT_STREAM_VERSION,
                 "tests/golden_data.h holds stream version %d, the library writes %d: "
                 "regenerate it (`ninja -C build golden`) for the new version",
                 GOLDEN_STREAM_VERSION, SIMDINIT_STREAM_VERSION);
}

Test(golden, active_backend)
{
    cr_assert(GOLDEN_HAVE_DATA, "no golden data");
    check_all(simdinit_backend_name(simdinit_active_backend()));
}

Test(golden, every_usable_backend)
{
    cr_assert(GOLDEN_HAVE_DATA, "no golden data");
    simdinit_backend bs[SIMDINIT_BACKEND_COUNT];
    int nb = t_usable_backends(bs);
    cr_assert_geq(nb, 1, "the scalar backend must always be usable");
    cr_assert_eq(bs[0], SIMDINIT_BACKEND_SCALAR);
    for (int i = 0; i < nb; i++) {
        cr_assert_eq(simdinit_set_backend(bs[i]), SIMDINIT_OK);
        cr_assert_eq(simdinit_active_backend(), bs[i]);
        check_all(simdinit_backend_name(bs[i]));
    }
}

/* The golden first elements also appear inside longer fills that start
 * mid-block, in a different position of the output buffer. */
Test(golden, inside_longer_fills)
{
    cr_assert(GOLDEN_HAVE_DATA, "no golden data");
    for (int d = 0; d < GOLDEN_NDIST; d++)
        for (int t = 0; t < GOLDEN_NDTYPE; t++) {
            simdinit_dtype dt = golden_dtypes[t];
            simdinit_dist dist = golden_dist(d);
            uint64_t start = GOLDEN_MID_OFFSET - 9;
            unsigned char buf[64 * 8];
            cr_assert_eq(simdinit_fill(buf, dt, 40, start, GOLDEN_SEED, GOLDEN_STREAM, &dist),
                         SIMDINIT_OK);
            for (int i = 0; i < GOLDEN_MID; i++)
                cr_expect_eq(elem_bits(buf, dt, (size_t)i + 9), golden_table[d][t].mid[i],
                             "%s %s element %llu", golden_dist_names[d], simdinit_dtype_name(dt),
                             (unsigned long long)(GOLDEN_MID_OFFSET + (uint64_t)i));
        }
}
