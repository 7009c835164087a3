/*
 * The C side of the benchmark shim (see shim.h): fixed parameters per
 * distribution, backend selection, and the memset reference.
 */
#include "shim.h"

#include <string.h>

#include "simdinit.h"

#if defined(SHIM_HAVE_NT_AVX2)
/* bench/nt_avx2.c, built with -mavx2; only called after the CPU check. */
void shim_nt_store_avx2(void *buf, size_t bytes);
#endif

static const char *const k_dist[SHIM_DIST_COUNT] = {"uniform", "normal", "trunc_normal",
                                                     "constant"};

const char *shim_dist_name(int dist)
{
    return dist >= 0 && dist < SHIM_DIST_COUNT ? k_dist[dist] : NULL;
}

const char *shim_dtype_name(int dtype) { return simdinit_dtype_name((simdinit_dtype)dtype); }

const char *shim_backend_name(int backend)
{
    return simdinit_backend_name((simdinit_backend)backend);
}

size_t shim_dtype_size(int dtype) { return simdinit_dtype_size((simdinit_dtype)dtype); }

int shim_backend_usable(int backend) { return simdinit_backend_usable((simdinit_backend)backend); }

static simdinit_dist bench_dist(int dist)
{
    switch (dist) {
    case SHIM_DIST_UNIFORM: return simdinit_dist_uniform(-0.02, 0.02);
    case SHIM_DIST_NORMAL: return simdinit_dist_normal(0.0, 0.02);
    case SHIM_DIST_TRUNC_NORMAL: return simdinit_dist_trunc_normal(0.0, 0.02, -0.04, 0.04);
    default: return simdinit_dist_constant(0.1);
    }
}

int shim_fill(int backend, int dist, int dtype, void *buf, size_t n)
{
    simdinit_status s = simdinit_set_backend((simdinit_backend)backend);
    if (s != SIMDINIT_OK)
        return (int)s;
    if (dist < 0 || dist >= SHIM_DIST_COUNT)
        return (int)SIMDINIT_ERR_BAD_ENUM;
    simdinit_dist d = bench_dist(dist);
    return (int)simdinit_fill(buf, (simdinit_dtype)dtype, n, 0, 1, 0, &d);
}

void shim_memset(void *buf, size_t bytes)
{
    memset(buf, 0, bytes);
    /* keep the stores: the buffer escapes through this barrier */
    __asm__ volatile("" : : "r"(buf) : "memory");
}

int shim_nt_store_available(void)
{
#if defined(SHIM_HAVE_NT_AVX2)
    return (simdinit_cpu_features() & SIMDINIT_CPU_AVX2) != 0;
#else
    return 0;
#endif
}

int shim_nt_store(void *buf, size_t bytes)
{
#if defined(SHIM_HAVE_NT_AVX2)
    if (shim_nt_store_available()) {
        shim_nt_store_avx2(buf, bytes);
        return 1;
    }
#endif
    shim_memset(buf, bytes);
    return 0;
}
