/*
 * Helpers shared by the Criterion suites: a small test-side PRNG, element
 * access by dtype, canary buffers, and an independent reference for rounding a
 * float to bf16 / f16 (round to nearest, ties to even).
 *
 * The reference deliberately does not use the bit-twiddling "add a rounding
 * bias and shift" method an implementation would use: it finds the two
 * neighbouring representable magnitudes in double arithmetic and picks the
 * nearer one, so it can catch a wrong bias or tie rule in the library.
 */
#ifndef SIMDINIT_TEST_UTIL_H
#define SIMDINIT_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elem.h"
#include "simdinit.h"

#define T_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const simdinit_dtype t_dtypes[4] = {SIMDINIT_F32, SIMDINIT_F64, SIMDINIT_BF16,
                                           SIMDINIT_F16};

/* ---- a test-side PRNG (SplitMix64): picks split points, offsets, lengths ---- */

typedef struct t_rng {
    uint64_t x;
} t_rng;

static inline uint64_t t_next(t_rng *r)
{
    uint64_t z = (r->x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi] (tiny modulo bias is irrelevant here). */
static inline uint64_t t_range(t_rng *r, uint64_t lo, uint64_t hi)
{
    return lo + t_next(r) % (hi - lo + 1);
}

/* ---- binary16 / bfloat16 formats ---- */

typedef struct t_narrow {
    int mbits;  /* stored mantissa bits */
    int emin;   /* exponent of the smallest normal */
    int emax;   /* exponent of the largest finite binade */
    int bias;
} t_narrow;

static const t_narrow T_BF16 = {7, -126, 127, 127};
static const t_narrow T_F16 = {10, -14, 15, 15};

static inline const t_narrow *t_narrow_fmt(simdinit_dtype dt)
{
    return dt == SIMDINIT_BF16 ? &T_BF16 : &T_F16;
}

static inline uint16_t t_narrow_inf(const t_narrow *f)
{
    return (uint16_t)((2 * f->bias + 1) << f->mbits);
}

/* 2^e as a double, for -1022 <= e <= 1023. */
static inline double t_pow2(int e)
{
    uint64_t b = (uint64_t)(e + 1023) << 52;
    double d;
    memcpy(&d, &b, 8);
    return d;
}

/* Decode narrow bits to double (NaN and inf included). */
static inline double t_narrow_to_double(uint16_t h, const t_narrow *f)
{
    int sign = h >> 15;
    int ef = (h & 0x7fff) >> f->mbits;
    int m = h & ((1 << f->mbits) - 1);
    double v;
    if (ef == 2 * f->bias + 1)
        v = m ? NAN : INFINITY;
    else if (ef == 0)
        v = ldexp((double)m, f->emin - f->mbits);
    else
        v = ldexp((double)(m + (1 << f->mbits)), ef - f->bias - f->mbits);
    return sign ? -v : v;
}

/*
 * Reference: round float x to the narrow format, nearest, ties to even,
 * overflow to infinity as IEEE round-to-nearest does. For NaN input returns
 * the canonical quiet NaN with x's sign (callers compare NaN results by class,
 * not by bits; see t_narrow_nan_ok).
 */
static inline uint16_t t_ref_narrow(float x, const t_narrow *f)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    uint16_t sign = (uint16_t)((u >> 31) << 15);
    if (isnan(x))
        return (uint16_t)(sign | t_narrow_inf(f) | (1u << (f->mbits - 1)));
    if (isinf(x))
        return (uint16_t)(sign | t_narrow_inf(f));
    int e = (int)((u >> 23) & 0xff) - 127; /* binade of |x| (float subnormals: below any emin) */
    if (e > f->emax)
        return (uint16_t)(sign | t_narrow_inf(f)); /* >= 2^(emax+1): beyond max + half ulp */
    int ee = e < f->emin ? f->emin : e;
    double q = t_pow2(ee - f->mbits);      /* spacing of the format at |x| */
    double d = fabs((double)x);
    uint64_t k = (uint64_t)(d * t_pow2(f->mbits - ee)); /* floor(d / q), exact scaling */
    double below = (double)k * q, above = (double)(k + 1) * q;
    double dl = d - below, du = above - d; /* both exact in double */
    if (du < dl || (du == dl && (k & 1)))
        k++;
    /* magnitude k * q: exponent field (ee + bias - 1) plus k, which carries
     * into the exponent (and up to infinity) by itself. */
    uint32_t bits = ((uint32_t)(ee + f->bias - 1) << f->mbits) + (uint32_t)k;
    return (uint16_t)(sign | bits);
}

/* A library result r for NaN input x is acceptable: a quiet NaN with x's sign. */
static inline int t_narrow_nan_ok(uint16_t r, float x, const t_narrow *f)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return (r & 0x7fff) > t_narrow_inf(f) && (r & (1u << (f->mbits - 1))) &&
           (r >> 15) == (u >> 31);
}

/* Next representable narrow value above / below a finite one (as bits). */
static inline uint16_t t_narrow_up(uint16_t h)
{
    if (h == 0x8000)
        return 0x0001;
    return (uint16_t)((h & 0x8000) ? h - 1 : h + 1);
}
static inline uint16_t t_narrow_down(uint16_t h)
{
    if (h == 0x0000)
        return 0x8001;
    return (uint16_t)((h & 0x8000) ? h + 1 : h - 1);
}

/* ---- canaries ---- */

#define T_CANARY 0xA5

static inline void t_canary_fill(void *buf, size_t bytes)
{
    memset(buf, T_CANARY, bytes);
}

/* 1 when all `bytes` bytes still hold the canary. */
static inline int t_canary_intact(const void *buf, size_t bytes)
{
    const unsigned char *p = (const unsigned char *)buf;
    for (size_t i = 0; i < bytes; i++)
        if (p[i] != T_CANARY)
            return 0;
    return 1;
}

/* The backends usable on this machine, SCALAR first; returns the count. */
static inline int t_usable_backends(simdinit_backend out[SIMDINIT_BACKEND_COUNT])
{
    int n = 0;
    for (int b = SIMDINIT_BACKEND_SCALAR; b < SIMDINIT_BACKEND_COUNT; b++)
        if (simdinit_backend_usable((simdinit_backend)b))
            out[n++] = (simdinit_backend)b;
    return n;
}

#endif /* SIMDINIT_TEST_UTIL_H */
