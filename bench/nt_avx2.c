/*
 * The non-temporal store loop the fills are measured against: zeroes a
 * buffer with 32-byte _mm256_stream_ps stores (no read-for-ownership), the
 * write bandwidth a fill of a large buffer can at best reach. Built with
 * -mavx2 only, and only called after shim.c has checked the CPU.
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

void shim_nt_store_avx2(void *buf, size_t bytes);

void shim_nt_store_avx2(void *buf, size_t bytes)
{
    unsigned char *p = buf;
    /* head up to 32-byte alignment (stream stores need an aligned address) */
    size_t head = (size_t)(-(uintptr_t)p & 31);
    if (head > bytes)
        head = bytes;
    memset(p, 0, head);
    p += head;
    bytes -= head;
    const __m256 z = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 128 <= bytes; i += 128) {
        _mm256_stream_ps((float *)(p + i), z);
        _mm256_stream_ps((float *)(p + i + 32), z);
        _mm256_stream_ps((float *)(p + i + 64), z);
        _mm256_stream_ps((float *)(p + i + 96), z);
    }
    for (; i + 32 <= bytes; i += 32)
        _mm256_stream_ps((float *)(p + i), z);
    _mm_sfence();
    memset(p + i, 0, bytes - i);
}
