/*
 * Element access by dtype, shared by every test program (plain C and
 * Criterion alike; needs only libc and the public header).
 */
#ifndef SIMDINIT_TEST_ELEM_H
#define SIMDINIT_TEST_ELEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "simdinit.h"

/* Bytes per element (a known dtype). */
static inline size_t elem_size(simdinit_dtype dt)
{
    return dt == SIMDINIT_F64 ? 8 : dt == SIMDINIT_F32 ? 4 : 2;
}

/* Bit pattern of element i of a buffer of dtype dt, as an integer. */
static inline uint64_t elem_bits(const void *buf, simdinit_dtype dt, size_t i)
{
    const unsigned char *p = (const unsigned char *)buf + i * elem_size(dt);
    uint64_t v = 0;
    if (dt == SIMDINIT_F64) {
        memcpy(&v, p, 8);
    } else if (dt == SIMDINIT_F32) {
        uint32_t w;
        memcpy(&w, p, 4);
        v = w;
    } else {
        uint16_t w;
        memcpy(&w, p, 2);
        v = w;
    }
    return v;
}

#endif /* SIMDINIT_TEST_ELEM_H */
