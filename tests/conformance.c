/*
 * conformance — a plain C program (libc and simdinit only, no test framework)
 * that proves this build on this CPU produces the pinned bits: the golden
 * vectors of tests/golden_data.h with automatic dispatch and with every usable
 * backend forced, and split invariance on a few cases. It is what CI runs under
 * qemu-x86_64 -cpu Nehalem (no AVX: dispatch must fall back to scalar) and
 * under qemu-aarch64.
 *
 * Prints one line per failure and ends with "N passed, N failed"; exits 1 when
 * anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "golden_data.h"

static int passed, failed;

/* Count one check; print "FAIL: <message>" when it failed. */
static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* All golden cases with the backend active now; `label` names it in messages. */
static void check_golden(const char *label, unsigned char *scratch)
{
    char what[160];
    for (int d = 0; d < GOLDEN_NDIST; d++)
        for (int t = 0; t < GOLDEN_NDTYPE; t++) {
            simdinit_dtype dt = golden_dtypes[t];
            snprintf(what, sizeof what, "golden %s %s [%s]", golden_dist_names[d],
                     simdinit_dtype_name(dt), label);
            golden_entry got;
            simdinit_status s = golden_compute(&got, d, dt, scratch);
            if (s != SIMDINIT_OK) {
                check(0, "%s: fill failed: %s", what, simdinit_strerror(s));
                continue;
            }
            int bad = GOLDEN_HAVE_DATA ? golden_compare(&got, &golden_table[d][t], what, stdout)
                                       : 1;
            check(bad == 0, "%s: %s", what,
                  GOLDEN_HAVE_DATA ? "bits differ from tests/golden_data.h"
                                   : "tests/golden_data.h holds no data (run `ninja golden`)");
        }
}

/* Filling [base, base + n) in uneven pieces gives the bytes of one call. */
static void check_split(const char *label, unsigned char *whole, unsigned char *pieces)
{
    static const size_t lens[] = {1, 7, 16, 17, 2, 33, 1000, 4095, 1, 4097, 15, 8191, 3};
    static const uint64_t bases[] = {0, (UINT64_C(1) << 40) + 3};
    const size_t n = 30011;
    char what[160];
    for (int d = 0; d < GOLDEN_NDIST - 1; d++)
        for (int t = 0; t < GOLDEN_NDTYPE; t++)
            for (size_t bi = 0; bi < sizeof bases / sizeof bases[0]; bi++) {
                simdinit_dtype dt = golden_dtypes[t];
                simdinit_dist dist = golden_dist(d);
                size_t sz = elem_size(dt);
                int ok = simdinit_fill(whole, dt, n, bases[bi], 99, 5, &dist) == SIMDINIT_OK;
                size_t pos = 0, k = 0;
                while (ok && pos < n) {
                    size_t len = lens[k++ % (sizeof lens / sizeof lens[0])];
                    if (len > n - pos)
                        len = n - pos;
                    ok = simdinit_fill(pieces + pos * sz, dt, len, bases[bi] + pos, 99, 5,
                                       &dist) == SIMDINIT_OK;
                    pos += len;
                }
                ok = ok && memcmp(whole, pieces, n * sz) == 0;
                snprintf(what, sizeof what, "split %s %s base %s", golden_dist_names[d],
                         simdinit_dtype_name(dt), bi ? "2^40+3" : "0");
                check(ok, "%s [%s]: pieces differ from one call", what, label);
            }
}

int main(void)
{
    unsigned char *scratch = malloc(GOLDEN_HASH_N * 8 + 8);
    unsigned char *whole = malloc(30011 * 8), *pieces = malloc(30011 * 8);
    if (!scratch || !whole || !pieces) {
        printf("out of memory\n0 passed, 1 failed\n");
        return 1;
    }
    unsigned feats = simdinit_cpu_features();
    printf("simdinit %s; cpu features:", simdinit_version());
    for (unsigned bit = 1; bit; bit <<= 1)
        if ((feats & bit) && simdinit_cpu_feature_name(bit))
            printf(" %s", simdinit_cpu_feature_name(bit));
    printf("\n");

    /* Automatic dispatch first (honours SIMDINIT_BACKEND), before any override. */
    char label[64];
    snprintf(label, sizeof label, "auto=%s", simdinit_backend_name(simdinit_active_backend()));
    printf("automatic dispatch picks %s\n", label + 5);
    check(simdinit_env_status() == SIMDINIT_OK, "SIMDINIT_BACKEND is invalid here");
    check_golden(label, scratch);
    check_split(label, whole, pieces);

    simdinit_backend automatic = simdinit_active_backend();
    for (int b = SIMDINIT_BACKEND_SCALAR; b < SIMDINIT_BACKEND_COUNT; b++) {
        simdinit_backend be = (simdinit_backend)b;
        if (be == automatic && simdinit_env_status() == SIMDINIT_OK && !getenv("SIMDINIT_BACKEND")) {
            printf("backend %s: checked above (automatic dispatch)\n", simdinit_backend_name(be));
            continue;
        }
        if (!simdinit_backend_usable(be)) {
            printf("backend %s: %s\n", simdinit_backend_name(be),
                   simdinit_backend_compiled(be) ? "compiled, not usable on this CPU"
                                                 : "not compiled");
            continue;
        }
        simdinit_status s = simdinit_set_backend(be);
        check(s == SIMDINIT_OK && simdinit_active_backend() == be, "forcing backend %s failed",
              simdinit_backend_name(be));
        if (s != SIMDINIT_OK)
            continue;
        printf("backend %s: checking\n", simdinit_backend_name(be));
        check_golden(simdinit_backend_name(be), scratch);
        check_split(simdinit_backend_name(be), whole, pieces);
    }
    free(scratch);
    free(whole);
    free(pieces);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
