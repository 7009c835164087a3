/*
 * conformance — a plain C program (libc and simdinit only, no test framework)
 * that proves this build on this CPU produces the pinned bits: the golden
 * vectors of tests/golden_data.h with automatic dispatch and with every usable
 * backend forced, split invariance on a few cases, and the same golden bits
 * under a hostile floating-point environment (directed rounding,
 * flush-to-zero / denormals-are-zero, exception traps), which the library
 * must neutralize inside its calls and hand back unchanged. It is what CI runs under
 * qemu-x86_64 -cpu Nehalem (no AVX: dispatch must fall back to scalar) and
 * under qemu-aarch64.
 *
 * Prints one line per failure and ends with "N passed, N failed"; exits 1 when
 * anything failed.
 */
#define _GNU_SOURCE 1   /* feenableexcept */
#include <fenv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "golden_data.h"
#include "plain_check.h"

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
    for (int d = 0; d < GOLDEN_NDIST; d++)
        for (int t = 0; t < GOLDEN_NDTYPE; t++)
            for (size_t bi = 0; bi < sizeof bases / sizeof bases[0]; bi++) {
                simdinit_dtype dt = golden_dtypes[t];
                simdinit_dist dist = golden_dist(d);
                if (dist.kind == SIMDINIT_DIST_CONSTANT)
                    continue;   /* no generator */
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

/* ---- the caller's floating-point environment --------------------------------- */

/* Flush-to-zero (and denormals-are-zero where the ISA has it): 1 = on. */
static unsigned long long get_ftz_bits(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    return csr & 0x8040u;               /* FZ (bit 15) | DAZ (bit 6) */
#elif defined(__aarch64__)
    unsigned long long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr & (1ull << 24);         /* FZ */
#else
    return 0;
#endif
}

static int set_ftz(int on)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    csr = on ? (csr | 0x8040u) : (csr & ~0x8040u);
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    return 1;
#elif defined(__aarch64__)
    unsigned long long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = on ? (fpcr | (1ull << 24)) : (fpcr & ~(1ull << 24));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
    return 1;
#else
    (void)on;
    return 0;
#endif
}

/* Fills whose float intermediates are subnormal (tiny ranges and scales):
 * the first place flush-to-zero would show. */
static const struct {
    const char *name;
    simdinit_dtype dt;
    simdinit_dist d;
} k_tiny[] = {
    {"uniform(0, 1e-37) f32", SIMDINIT_F32, {.kind = SIMDINIT_DIST_UNIFORM, .low = 0, .high = 1e-37}},
    {"uniform(-1e-300, 1e-300) f64", SIMDINIT_F64, {.kind = SIMDINIT_DIST_UNIFORM, .low = -1e-300, .high = 1e-300}},
    {"normal(0, 1e-39) f32", SIMDINIT_F32, {.kind = SIMDINIT_DIST_NORMAL, .mean = 0, .std = 1e-39}},
    {"normal(1e-38, 1e-38) bf16", SIMDINIT_BF16, {.kind = SIMDINIT_DIST_NORMAL, .mean = 1e-38, .std = 1e-38}},
    {"normal(0, 1e-6) f16", SIMDINIT_F16, {.kind = SIMDINIT_DIST_NORMAL, .mean = 0, .std = 1e-6}},
    {"trunc_normal(0, 1e-38, -2e-38, 2e-38) f32", SIMDINIT_F32,
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0, .std = 1e-38, .a = -2e-38, .b = 2e-38}},
    {"trunc_normal(0, 1e-307, 3e-307, 4e-307) f64", SIMDINIT_F64,
     {.kind = SIMDINIT_DIST_TRUNC_NORMAL, .mean = 0, .std = 1e-307, .a = 3e-307, .b = 4e-307}},
};
#define TINY_N 5003

/* Default-environment results of k_tiny, computed before any hostile mode. */
static unsigned char *g_tiny_ref[sizeof k_tiny / sizeof k_tiny[0]];

static void tiny_reference(void)
{
    for (size_t i = 0; i < sizeof k_tiny / sizeof k_tiny[0]; i++) {
        g_tiny_ref[i] = calloc(TINY_N, 8);
        simdinit_status s = g_tiny_ref[i]
                                ? simdinit_fill(g_tiny_ref[i], k_tiny[i].dt, TINY_N, 11, 3, 4, &k_tiny[i].d)
                                : SIMDINIT_ERR_NULL;
        check(s == SIMDINIT_OK, "fp-env reference %s: %s", k_tiny[i].name, simdinit_strerror(s));
    }
}

/*
 * Golden bits, tiny-parameter fills and a 3-thread fill under each hostile
 * environment; afterwards the caller's environment must be what it set.
 */
static void check_fp_env(unsigned char *scratch)
{
    static const struct {
        const char *name;
        int round, ftz, traps;
    } modes[] = {
        {"round upward + flush-to-zero", FE_UPWARD, 1, 0},
        {"round toward zero + traps on invalid/div-by-zero/overflow", FE_TOWARDZERO, 0, 1},
        {"round downward + flush-to-zero + traps", FE_DOWNWARD, 1, 1},
    };
    unsigned char *buf = malloc(TINY_N * 8);
    if (!buf) {
        check(0, "fp-env: out of memory");
        return;
    }
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        fenv_t saved;
        fegetenv(&saved);
        int round_ok = fesetround(modes[m].round) == 0;
        int ftz_ok = !modes[m].ftz || set_ftz(1);
        /* AArch64 cores rarely implement FP traps (feenableexcept fails): the
         * mode then runs without them */
        int traps = modes[m].traps &&
                    feenableexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW) != -1;
        unsigned long long ftz_before = get_ftz_bits();
        if (!round_ok || !ftz_ok) {
            fesetenv(&saved);
            printf("fp-env %s: not settable on this platform, skipped\n", modes[m].name);
            continue;
        }
        printf("fp-env: %s%s\n", modes[m].name,
               modes[m].traps && !traps ? " (traps not supported here: without them)" : "");
        char label[96];
        snprintf(label, sizeof label, "fp-env %s", modes[m].name);
        check_golden(label, scratch);
        for (size_t i = 0; i < sizeof k_tiny / sizeof k_tiny[0]; i++) {
            memset(buf, 0xA5, TINY_N * 8);
            simdinit_status s = simdinit_fill(buf, k_tiny[i].dt, TINY_N, 11, 3, 4, &k_tiny[i].d);
            check(s == SIMDINIT_OK && g_tiny_ref[i] &&
                      memcmp(buf, g_tiny_ref[i], TINY_N * elem_size(k_tiny[i].dt)) == 0,
                  "%s [%s]: bits differ from the default environment (%s)", k_tiny[i].name, label,
                  simdinit_strerror(s));
        }
        /* worker threads: the pool's threads run under the library's defaults too */
        simdinit_dist nd = golden_dist(1);
        simdinit_status s = simdinit_fill_mt(scratch, SIMDINIT_F32, GOLDEN_HASH_N, 0, GOLDEN_SEED,
                                             GOLDEN_STREAM, &nd, 3);
        check(s == SIMDINIT_OK && (!GOLDEN_HAVE_DATA ||
                                   golden_hash(scratch, SIMDINIT_F32, GOLDEN_HASH_N) ==
                                       golden_table[1][0].hash),
              "%s f32, 3 threads [%s]: hash differs from the golden one", golden_dist_names[1], label);
        /* the caller's environment is handed back */
        check(fegetround() == modes[m].round, "[%s]: the rounding mode was not restored", label);
        check(get_ftz_bits() == ftz_before, "[%s]: flush-to-zero was not restored", label);
        if (traps)
            check((fegetexcept() & (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW)) ==
                      (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW),
                  "[%s]: the trap enables were not restored", label);
        fesetenv(&saved);
    }
    free(buf);
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
    tiny_reference();
    check_fp_env(scratch);

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
    for (size_t i = 0; i < sizeof k_tiny / sizeof k_tiny[0]; i++)
        free(g_tiny_ref[i]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
