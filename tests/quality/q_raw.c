/*
 * q_raw — the raw generator output, exactly as fills consume it, as an
 * endless binary stream on stdout (for dieharder -g 200, stdin_input_raw).
 *
 * The stream walks one tensor (seed, stream) block after block from block
 * `first` on: each block is seeded by the library's own si_block_seed and
 * stepped SI_STEPS_PER_BLOCK (256) times with si_xoshiro_next, lanes 0..7 in
 * order at each step (docs/STREAM.md §2). Each 64-bit output x is written as:
 *   raw64  x, 8 bytes little-endian: dieharder reads 32-bit words, so it sees
 *          the low half then the high half of every output -- exactly the
 *          order in which the f32 uniform consumes them (elements 2l, 2l+1).
 *          This includes bits 0..7, the weak low bits of xoshiro256+.
 *   hi32   the upper 32-bit half only (bits 32..63).
 *   lo32   the lower 32-bit half only (bits 0..31, weak bits included).
 *   f24    the bits the float32 family actually uses: bits 8..31 of the low
 *          half and 8..31 of the high half (bits 8..31 and 40..63), each
 *          24-bit value appended to a packed bit stream (MSB first).
 *   f53    the bits float64 uniform uses: bits 11..63, packed likewise.
 *
 * usage: q_raw raw64|hi32|lo32|f24|f53 [seed [stream [first_block [max_bytes]]]]
 * Stops at max_bytes (default: never) or when the reader closes the pipe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define OUTBUF (1u << 20)

static unsigned char obuf[OUTBUF];
static size_t olen;
static unsigned long long written, max_bytes;

static void flush_out(void)
{
    if (olen && fwrite(obuf, 1, olen, stdout) != olen)
        exit(0);                     /* the reader is done (EPIPE) */
    written += olen;
    olen = 0;
    if (max_bytes && written >= max_bytes) {
        fflush(stdout);
        exit(0);
    }
}

static inline void put32(uint32_t w)
{
    obuf[olen++] = (unsigned char)w;
    obuf[olen++] = (unsigned char)(w >> 8);
    obuf[olen++] = (unsigned char)(w >> 16);
    obuf[olen++] = (unsigned char)(w >> 24);
    if (olen == OUTBUF)
        flush_out();
}

/* Bit packer: values of `bits` bits appended MSB first, emitted as 32-bit words. */
static unsigned __int128 acc;
static int nacc;
static inline void put_bits(uint64_t v, int bits)
{
    acc = (acc << bits) | v;
    nacc += bits;
    while (nacc >= 32) {
        put32((uint32_t)(acc >> (nacc - 32)));
        nacc -= 32;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: q_raw raw64|hi32|lo32|f24|f53 [seed [stream [first_block [max_bytes]]]]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_DFL);
    const char *mode = argv[1];
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 20240601;
    uint64_t stream = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
    uint64_t block = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
    max_bytes = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;
    int m;
    if (!strcmp(mode, "raw64")) m = 0;
    else if (!strcmp(mode, "hi32")) m = 1;
    else if (!strcmp(mode, "lo32")) m = 2;
    else if (!strcmp(mode, "f24")) m = 3;
    else if (!strcmp(mode, "f53")) m = 4;
    else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }

    for (;; block++) {
        si_lanes st;
        si_block_seed(&st, seed, stream, block);
        for (int s = 0; s < SI_STEPS_PER_BLOCK; s++) {
            for (int l = 0; l < SI_LANES; l++) {
                uint64_t x = si_xoshiro_next(&st, l);
                switch (m) {
                case 0: put32((uint32_t)x); put32((uint32_t)(x >> 32)); break;
                case 1: put32((uint32_t)(x >> 32)); break;
                case 2: put32((uint32_t)x); break;
                case 3:
                    put_bits(((uint32_t)x) >> 8, 24);
                    put_bits((uint32_t)(x >> 40), 24);
                    break;
                default: put_bits(x >> 11, 53); break;
                }
            }
        }
    }
}
