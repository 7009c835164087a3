/*
 * A thin C layer between the C++ Google Benchmark suite and simdinit: the
 * benchmark never includes the library's header or picks parameters itself,
 * so every figure it reports is a plain C call with fixed, documented
 * parameters. Also the reference loops the fills are compared with: memset,
 * and a non-temporal store loop (the machine's write-bandwidth limit).
 */
#ifndef SIMDINIT_BENCH_SHIM_H
#define SIMDINIT_BENCH_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Indices used by shim_fill, in the library's enum order. */
enum { SHIM_DIST_UNIFORM = 0, SHIM_DIST_NORMAL, SHIM_DIST_TRUNC_NORMAL, SHIM_DIST_CONSTANT,
       SHIM_DIST_COUNT };
enum { SHIM_F32 = 0, SHIM_F64, SHIM_BF16, SHIM_F16, SHIM_DTYPE_COUNT };
enum { SHIM_BACKEND_AUTO = 0, SHIM_BACKEND_SCALAR, SHIM_BACKEND_AVX2, SHIM_BACKEND_NEON,
       SHIM_BACKEND_AVX512, SHIM_BACKEND_COUNT };

/* Names ("uniform", "f32", "avx2", ...); NULL when out of range. */
const char *shim_dist_name(int dist);
const char *shim_dtype_name(int dtype);
const char *shim_backend_name(int backend);
/* Bytes per element of dtype (0 when out of range). */
size_t shim_dtype_size(int dtype);
/* 1 when the backend is compiled in and usable on this CPU. */
int shim_backend_usable(int backend);

/*
 * Selects `backend` and fills n elements of dtype at buf (elements [0, n) of
 * tensor seed 1, stream 0) with the benchmark's parameters for `dist`:
 * uniform(-0.02, 0.02), normal(0, 0.02), trunc_normal(0, 0.02, -0.04, 0.04)
 * (cut at +-2 std, as in timm/ViT), constant 0.1. Returns the simdinit status
 * (0 = success).
 */
int shim_fill(int backend, int dist, int dtype, void *buf, size_t n);

/* memset(buf, 0, bytes) through an opaque call (not optimized away). */
void shim_memset(void *buf, size_t bytes);
/* Zeroes `bytes` (a multiple of 4) with 32-byte non-temporal stores
 * (_mm256_stream_ps) and an sfence; memset where AVX2 is not compiled in.
 * Returns 1 when the non-temporal loop ran, 0 when it fell back to memset. */
int shim_nt_store(void *buf, size_t bytes);
/* 1 when shim_nt_store uses non-temporal AVX2 stores on this machine. */
int shim_nt_store_available(void);

#ifdef __cplusplus
}
#endif

#endif /* SIMDINIT_BENCH_SHIM_H */
