/*
 * The "avx512" backend: the AVX2 kernels (src/avx2/kernels_avx2.c) compiled a
 * second time with AVX-512F/VL/DQ enabled, with the lane state, the group
 * generators and the reject-mode left-pack replaced by the 512-bit versions in
 * src/avx512/groups_avx512.h (xoshiro with vprolq and vpternlogq on one
 * register per state word, Box-Muller on 16 float32 or 8 float64 lanes,
 * vcompressps/pd). The bits written are those of the scalar reference, as for
 * every backend (checked by tests/checkasm). Only this folder is compiled with
 * AVX-512 flags, and src/dispatch.c selects it only after CPUID and XGETBV say
 * the CPU and the OS support AVX-512F, VL and DQ.
 */
#define SI_AVX512VL_BUILD 1
#include "../avx2/kernels_avx2.c"
