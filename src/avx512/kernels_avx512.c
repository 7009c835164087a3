/*
 * The "avx512" backend: the AVX2 kernels (src/avx2/kernels_avx2.c) compiled a
 * second time with AVX-512F/VL/DQ enabled, so their xoshiro step and unsigned
 * conversions use vprolq, vpternlogq, vcvtudq2ps and vcvtuqq2pd. Vectors stay
 * 256 bits wide; the bits written are those of the scalar reference, as for
 * every backend (checked by tests/checkasm). Only this folder is compiled with
 * AVX-512 flags, and src/dispatch.c selects it only after CPUID and XGETBV say
 * the CPU and the OS support AVX-512F, VL and DQ.
 */
#define SI_AVX512VL_BUILD 1
#include "../avx2/kernels_avx2.c"
