/*
 * Helpers of the hardening tests and the fuzz harnesses: element values as
 * doubles, an independent ceil/floor of a double in an output type, and a
 * monotonic clock. Plain C, libc + libm + the public header only.
 */
#ifndef SIMDINIT_TEST_HARD_UTIL_H
#define SIMDINIT_TEST_HARD_UTIL_H

#include <math.h>
#include <stdint.h>
#include <time.h>

#include "elem.h"
#include "test_util.h"

/* Element i of buf as a double (bf16/f16 decoded exactly). */
static inline double hard_value(const void *buf, simdinit_dtype dt, size_t i)
{
    uint64_t b = elem_bits(buf, dt, i);
    if (dt == SIMDINIT_F64) {
        double d;
        memcpy(&d, &b, 8);
        return d;
    }
    if (dt == SIMDINIT_F32) {
        uint32_t w = (uint32_t)b;
        float f;
        memcpy(&f, &w, 4);
        return f;
    }
    return t_narrow_to_double((uint16_t)b, t_narrow_fmt(dt));
}

/* The smallest value of dt >= x (up) or the largest <= x (!up), as a double;
 * +-inf when there is none. Independent of the library: libm's nextafter and
 * the reference narrow rounding of test_util.h. */
static inline double hard_bound(double x, simdinit_dtype dt, int up)
{
    double dir = up ? INFINITY : -INFINITY;
    if (dt == SIMDINIT_F64)
        return x;
    float f = (float)x;
    if (up ? (double)f < x : (double)f > x)
        f = nextafterf(f, (float)dir);
    if (dt == SIMDINIT_F32)
        return f;
    const t_narrow *fmt = t_narrow_fmt(dt);
    uint16_t h = t_ref_narrow(f, fmt);
    double v = t_narrow_to_double(h, fmt);
    if (isinf(v) && (v > 0) == (up != 0))
        return v;
    if (up ? v < x : v > x)
        h = up ? t_narrow_up(h) : t_narrow_down(h);
    return t_narrow_to_double(h, fmt);
}

static inline double hard_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif /* SIMDINIT_TEST_HARD_UTIL_H */
