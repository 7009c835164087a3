/*
 * Runtime dispatch: one kernel table per backend, filled once (thread-safe,
 * lock-free), the scalar reference first and upgraded per backend; the active
 * one chosen by CPU detection, SIMDINIT_BACKEND, or simdinit_set_backend().
 *
 * This file is compiled at the baseline ISA: if it were built with AVX it
 * could execute AVX before the check below ran, on a CPU without it.
 */
#if defined(__AVX__) || defined(__AVX2__)
#error "src/dispatch.c must be compiled without AVX flags (see meson.build)"
#endif

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>   /* getpid */

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

/* ---- CPU features ---------------------------------------------------------- */

#if defined(__x86_64__) || defined(__i386__)
static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    /* xgetbv with ecx = 0, spelled as bytes so no -mxsave is needed. */
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static unsigned detect_cpu(void)
{
    unsigned f = 0, a, b, c, d;
    unsigned max = __get_cpuid_max(0, NULL);
    if (max == 0)              /* no standard leaves at all: baseline only */
        return 0;
    __cpuid(1, a, b, c, d);
    if (d & (1u << 26)) f |= SIMDINIT_CPU_SSE2;
    int osxsave = (c & (1u << 27)) != 0;
    int avx = (c & (1u << 28)) != 0, fma = (c & (1u << 12)) != 0, f16c = (c & (1u << 29)) != 0;
    uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    /* The OS must save XMM and YMM state (XCR0 bits 1 and 2) for AVX to be usable. */
    int ymm_ok = (xcr0 & 6) == 6;
    /* AVX-512 also needs opmask and ZMM state (bits 5, 6, 7). */
    int zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0;
    if (avx && ymm_ok) {
        f |= SIMDINIT_CPU_AVX;
        if (fma) f |= SIMDINIT_CPU_FMA;
        if (f16c) f |= SIMDINIT_CPU_F16C;
        if (max >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            if (b & (1u << 5)) f |= SIMDINIT_CPU_AVX2;
            if ((b & (1u << 16)) && zmm_ok) {
                f |= SIMDINIT_CPU_AVX512F;
                if (b & (1u << 31)) f |= SIMDINIT_CPU_AVX512VL;
                if (b & (1u << 17)) f |= SIMDINIT_CPU_AVX512DQ;
            }
        }
    }
    return f;
}
#elif defined(__aarch64__)
static unsigned detect_cpu(void)
{
    unsigned f = SIMDINIT_CPU_NEON;   /* Advanced SIMD is mandatory on AArch64 */
#if defined(__linux__) && defined(AT_HWCAP)
    unsigned long hw = getauxval(AT_HWCAP);
    if (hw & (1ul << 22)) f |= SIMDINIT_CPU_SVE;   /* HWCAP_SVE */
#endif
    return f;
}
#else
static unsigned detect_cpu(void) { return 0; }
#endif

/* ---- tables ------------------------------------------------------------------ */

static si_kernels g_tables[SIMDINIT_BACKEND_COUNT];
static int g_usable[SIMDINIT_BACKEND_COUNT];
static unsigned g_cpu;
static simdinit_backend g_best;
static simdinit_backend g_env_choice;  /* AUTO when unset or invalid */
static int g_env_bad;
/* 0: not yet; SI_INIT_READY: ready; > 0: in progress, by a thread of the
 * process with that pid (so that a child forked in the middle, which does not
 * have that thread, does the detection itself instead of waiting forever). */
#define SI_INIT_READY (-1)
static atomic_int g_init_state;
static atomic_int g_forced;            /* backend set by the API, 0 = none */
static simdinit_stores g_stores_env;   /* AUTO when unset or invalid */
static int g_stores_env_bad;
static atomic_int g_stores_forced;     /* policy + 1 set by the API, 0 = none */

static const char *const k_store_names[SIMDINIT_STORES_COUNT] = {"auto", "cached", "streaming"};

static void build_tables(void)
{
    g_cpu = detect_cpu();
    for (int b = 0; b < SIMDINIT_BACKEND_COUNT; b++)
        si_kernels_init_scalar(&g_tables[b]);
    g_usable[SIMDINIT_BACKEND_SCALAR] = 1;
    g_best = SIMDINIT_BACKEND_SCALAR;
#if defined(SIMDINIT_HAVE_AVX2)
    {
        const unsigned need = SIMDINIT_CPU_AVX | SIMDINIT_CPU_AVX2 | SIMDINIT_CPU_FMA | SIMDINIT_CPU_F16C;
        if ((g_cpu & need) == need) {
            si_kernels_init_avx2(&g_tables[SIMDINIT_BACKEND_AVX2]);
            g_usable[SIMDINIT_BACKEND_AVX2] = 1;
            g_best = SIMDINIT_BACKEND_AVX2;
        }
    }
#endif
#if defined(SIMDINIT_HAVE_AVX512)
    {
        const unsigned need = SIMDINIT_CPU_AVX | SIMDINIT_CPU_AVX2 | SIMDINIT_CPU_FMA |
                              SIMDINIT_CPU_F16C | SIMDINIT_CPU_AVX512F | SIMDINIT_CPU_AVX512VL |
                              SIMDINIT_CPU_AVX512DQ;
        if ((g_cpu & need) == need) {
            si_kernels_init_avx512(&g_tables[SIMDINIT_BACKEND_AVX512]);
            g_usable[SIMDINIT_BACKEND_AVX512] = 1;
            g_best = SIMDINIT_BACKEND_AVX512;
        }
    }
#endif
#if defined(SIMDINIT_HAVE_NEON)
    if (g_cpu & SIMDINIT_CPU_NEON) {
        si_kernels_init_neon(&g_tables[SIMDINIT_BACKEND_NEON]);
        g_usable[SIMDINIT_BACKEND_NEON] = 1;
        g_best = SIMDINIT_BACKEND_NEON;
    }
#endif
    const char *env = getenv("SIMDINIT_BACKEND");
    g_env_choice = SIMDINIT_BACKEND_AUTO;
    if (env && *env) {
        simdinit_backend b;
        /* g_usable directly: the public query would re-enter ensure_init(). */
        if (simdinit_backend_from_name(env, &b) != SIMDINIT_OK ||
            (b != SIMDINIT_BACKEND_AUTO && !g_usable[b]))
            g_env_bad = 1;
        else
            g_env_choice = b;
    }
    env = getenv("SIMDINIT_STORES");
    g_stores_env = SIMDINIT_STORES_AUTO;
    if (env && *env && simdinit_stores_from_name(env, &g_stores_env) != SIMDINIT_OK) {
        g_stores_env = SIMDINIT_STORES_AUTO;
        g_stores_env_bad = 1;
    }
}

static void ensure_init(void)
{
    if (atomic_load_explicit(&g_init_state, memory_order_acquire) == SI_INIT_READY)
        return;
    const int me = (int)getpid();
    for (;;) {
        int s = atomic_load_explicit(&g_init_state, memory_order_acquire);
        if (s == SI_INIT_READY)
            return;
        if (s == me)
            continue;   /* another thread of this process is detecting the CPU: microseconds */
        /* Not started, or started in the process this one was forked from (the
         * detecting thread does not exist here): detect. build_tables only
         * assigns, so redoing a half-done one gives the same tables. */
        if (atomic_compare_exchange_strong(&g_init_state, &s, me)) {
            build_tables();
            atomic_store_explicit(&g_init_state, SI_INIT_READY, memory_order_release);
            return;
        }
    }
}

/* Tests only (through the internal library): set the state above, e.g. to
 * the pid of the current process before a fork, to stand for a detection
 * that another thread was doing at the moment of fork(). */
SI_HIDDEN void si_dispatch_set_init_state(int state)
{
    atomic_store_explicit(&g_init_state, state, memory_order_release);
}

static simdinit_backend resolve(void)
{
    int forced = atomic_load_explicit(&g_forced, memory_order_acquire);
    if (forced)
        return (simdinit_backend)forced;
    if (g_env_choice != SIMDINIT_BACKEND_AUTO)
        return g_env_choice;
    return g_best;
}

/* BAD_ENV while an invalid variable has not been overridden through the API. */
static int env_bad(void)
{
    return (g_env_bad && !atomic_load_explicit(&g_forced, memory_order_acquire)) ||
           (g_stores_env_bad && !atomic_load_explicit(&g_stores_forced, memory_order_acquire));
}

const si_kernels *si_active_kernels(simdinit_status *status)
{
    ensure_init();
    if (env_bad()) {
        *status = SIMDINIT_ERR_BAD_ENV;
        return NULL;
    }
    return &g_tables[resolve()];
}

static simdinit_stores stores_resolve(void)
{
    int forced = atomic_load_explicit(&g_stores_forced, memory_order_acquire);
    return forced ? (simdinit_stores)(forced - 1) : g_stores_env;
}

int si_streaming(simdinit_dist_kind kind, size_t bytes)
{
    ensure_init();
    switch (stores_resolve()) {
    case SIMDINIT_STORES_CACHED: return 0;
    case SIMDINIT_STORES_STREAMING: return 1;
    default: return kind == SIMDINIT_DIST_CONSTANT && bytes >= SI_NT_MIN_BYTES;
    }
}

/* ---- public ------------------------------------------------------------------ */

static const char *const k_names[SIMDINIT_BACKEND_COUNT] = {"auto", "scalar", "avx2", "neon",
                                                             "avx512"};

const char *simdinit_backend_name(simdinit_backend b)
{
    return (unsigned)b < SIMDINIT_BACKEND_COUNT ? k_names[b] : NULL;
}

simdinit_status simdinit_backend_from_name(const char *name, simdinit_backend *b)
{
    if (!name || !b)
        return SIMDINIT_ERR_NULL;
    int i = si_name_index(k_names, SIMDINIT_BACKEND_COUNT, name);
    if (i < 0)
        return SIMDINIT_ERR_BAD_ENUM;
    *b = (simdinit_backend)i;
    return SIMDINIT_OK;
}

int simdinit_backend_compiled(simdinit_backend b)
{
    switch (b) {
    case SIMDINIT_BACKEND_AUTO: case SIMDINIT_BACKEND_SCALAR: return 1;
#if defined(SIMDINIT_HAVE_AVX2)
    case SIMDINIT_BACKEND_AVX2: return 1;
#endif
#if defined(SIMDINIT_HAVE_NEON)
    case SIMDINIT_BACKEND_NEON: return 1;
#endif
#if defined(SIMDINIT_HAVE_AVX512)
    case SIMDINIT_BACKEND_AVX512: return 1;
#endif
    default: return 0;
    }
}

int simdinit_backend_usable(simdinit_backend b)
{
    if ((unsigned)b >= SIMDINIT_BACKEND_COUNT)
        return 0;
    if (b == SIMDINIT_BACKEND_AUTO)
        return 1;
    ensure_init();
    return g_usable[b];
}

simdinit_status simdinit_set_backend(simdinit_backend b)
{
    if ((unsigned)b >= SIMDINIT_BACKEND_COUNT)
        return SIMDINIT_ERR_BAD_ENUM;
    ensure_init();
    if (b == SIMDINIT_BACKEND_AUTO)
        b = g_best;
    if (!g_usable[b])
        return SIMDINIT_ERR_BACKEND_UNAVAILABLE;
    atomic_store_explicit(&g_forced, (int)b, memory_order_release);
    return SIMDINIT_OK;
}

simdinit_backend simdinit_active_backend(void)
{
    ensure_init();
    return resolve();
}

simdinit_status simdinit_env_status(void)
{
    ensure_init();
    return env_bad() ? SIMDINIT_ERR_BAD_ENV : SIMDINIT_OK;
}

const char *simdinit_stores_name(simdinit_stores m)
{
    return (unsigned)m < SIMDINIT_STORES_COUNT ? k_store_names[m] : NULL;
}

simdinit_status simdinit_stores_from_name(const char *name, simdinit_stores *m)
{
    if (!name || !m)
        return SIMDINIT_ERR_NULL;
    int i = si_name_index(k_store_names, SIMDINIT_STORES_COUNT, name);
    if (i < 0)
        return SIMDINIT_ERR_BAD_ENUM;
    *m = (simdinit_stores)i;
    return SIMDINIT_OK;
}

simdinit_status simdinit_set_stores(simdinit_stores m)
{
    if ((unsigned)m >= SIMDINIT_STORES_COUNT)
        return SIMDINIT_ERR_BAD_ENUM;
    ensure_init();
    atomic_store_explicit(&g_stores_forced, (int)m + 1, memory_order_release);
    return SIMDINIT_OK;
}

simdinit_stores simdinit_active_stores(void)
{
    ensure_init();
    return stores_resolve();
}

unsigned simdinit_cpu_features(void)
{
    ensure_init();
    return g_cpu;
}

const char *simdinit_cpu_feature_name(unsigned bit)
{
    switch (bit) {
    case SIMDINIT_CPU_SSE2: return "sse2";
    case SIMDINIT_CPU_AVX: return "avx";
    case SIMDINIT_CPU_AVX2: return "avx2";
    case SIMDINIT_CPU_FMA: return "fma";
    case SIMDINIT_CPU_F16C: return "f16c";
    case SIMDINIT_CPU_AVX512F: return "avx512f";
    case SIMDINIT_CPU_NEON: return "neon";
    case SIMDINIT_CPU_SVE: return "sve";
    case SIMDINIT_CPU_AVX512VL: return "avx512vl";
    case SIMDINIT_CPU_AVX512DQ: return "avx512dq";
    }
    return NULL;
}
