/*
 * The SIMD fill kernels around the value path, written once: the group walk
 * (skip, partial first and last groups, full groups in batches), the store
 * policy (ordinary stores, streaming stores, phase-shifting staging), ONE
 * truncated-normal reject driver for float32 and float64, the 12 kernels, the
 * constant fill and the table entries. The bits are those of the scalar
 * reference (src/scalar); tests/checkasm holds every instantiation to it.
 *
 * The one thing a reader must not miss: this file has no ISA in it. A backend
 * (src/avx2/kernels_avx2.c, src/avx512/kernels_avx512.c) defines the names
 * below and then includes it, once per translation unit, in the manner of
 * src/simd_math.h; every difference between backends is one of those names.
 *
 *   SI_FT(x)              name decoration of every static here: x##_avx2, ...
 *   store vocabulary      SI_V_UNIT (a vector type of SI_V_UNIT_BYTES bytes),
 *                         SI_V_LOAD/SI_V_LOADU(p), SI_V_STORE/SI_V_STOREU/
 *                         SI_V_STREAM(p, v) (aligned, unaligned, non-temporal),
 *                         SI_V_FENCE() (orders streamed stores),
 *                         SI_V_STREAMS (0 if SI_V_STREAM is an ordinary store:
 *                         the non-temporal hint is then ignored)
 *   SI_FT(lanes)          the 8 xoshiro lanes of a block, with
 *                         SI_FT(lanes_load)(s, st, split): split = the
 *                         backend's arrangement for the float32 normal,
 *                         SI_FT(lanes_skip)(s, steps)
 *   SI_FT(kc)             per-fill constants, SI_FT(kc_load)(c, p)
 *   SI_FT(gen_group)(kind, dt, clamp, s, c, g)  one group of 16 elements in
 *                         dt's encoding: g[0 .. nvec) in memory order
 *   SI_FT(gen_groups)(kind, dt, clamp, nb, s, c, g)  nb = SI_FT_BATCH(kind, dt)
 *                         consecutive groups g[0 .. nb)
 *   SI_FT_NORM_BATCH, SI_FT_NORM_BATCH_D  groups per batch of the float32
 *                         family and of the float64 normal (the cheap kinds
 *                         run one group at a time)
 *   SI_FT_UNI_DIRECT      1 if SI_FT(uniform_group_store)(dt, clamp, s, c, o)
 *                         should store full float32/float64 uniform groups
 *                         itself (ordinary stores), 0 if it is never called
 *   SI_FT(rej_batch_f32)(mode, s, c, float *dst), SI_FT(rej_batch_f64)(...,
 *                         double *dst)  SI_FT_REJ_BATCH_BYTES / 4 (/ 8)
 *                         candidates of the block, the accepted ones
 *                         left-packed to dst in candidate order; returns how
 *                         many; may write all of dst[0 .. batch)
 *   SI_FT(encode16)(dt, v, g)  16 staged values (float, or double for
 *                         SIMDINIT_F64) to g[0 .. nvec) in dt's encoding
 *
 * The drivers' constants (SI_GROUP, the steps per group si_group_steps) are
 * those of src/internal.h.
 */

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* Units (vectors of the store vocabulary) per group of 16 elements, at most. */
#define SI_FT_MAXV (SI_GROUP * 8 / SI_V_UNIT_BYTES)
/* Units per group of dt. */
#define SI_FT_NVEC(dt) ((int)(SI_GROUP * SI_FT(esize)(dt) / SI_V_UNIT_BYTES))
#define SI_FT_BATCH(kind, dt)                                                   \
    ((kind) != SI_K_NORMAL ? 1 : (dt) == SIMDINIT_F64 ? SI_FT_NORM_BATCH_D : SI_FT_NORM_BATCH)
/* Groups per chunk of the phase-shifting staging path. */
#define SI_FT_STAGE_GROUPS 8
/* Bytes of staged reject-mode values written per flush: 256 float32 or 128
 * float64. The flush is large so that most of the staged vectors it reloads
 * were stored long before (the unaligned left-packed stores cannot forward to
 * the aligned reloads; a reload of a store still in flight stalls). */
#define SI_FT_REJ_FLUSH_BYTES 1024

SI_INLINE size_t SI_FT(esize)(const int dt)
{
    return dt == SIMDINIT_F64 ? 8 : dt == SIMDINIT_F32 ? 4 : 2;
}

SI_INLINE void SI_FT(put_group)(const int dt, unsigned char *o, const SI_V_UNIT g[], const int stream)
{
    for (int i = 0; i < SI_FT_NVEC(dt); i++) {
        if (stream)
            SI_V_STREAM(o + SI_V_UNIT_BYTES * i, g[i]);
        else
            SI_V_STOREU(o + SI_V_UNIT_BYTES * i, g[i]);
    }
}

/* ---- the group walk (uniform, normal) ---------------------------------------- */

/*
 * Block-local elements [start, start + count). Full groups go straight to the
 * output with unaligned stores; a partial first/last group is computed into a
 * small buffer and the needed part copied. With the non-temporal hint and an
 * element-aligned output, full groups are streamed: directly when the groups
 * fall on unit boundaries, otherwise through a staging buffer that has the
 * output's alignment phase, so aligned units can be streamed; the few bytes
 * before the first and after the last aligned unit use ordinary stores. The
 * driver (si_fill_run) fences once after the last block.
 */
SI_INLINE void SI_FT(run_groups)(const int kind, const int dt, const int clamp, void *out, si_lanes *st,
                                 uint32_t start, uint32_t count, const si_params *p)
{
    const size_t U = SI_V_UNIT_BYTES;
    const int nv = SI_FT_NVEC(dt);
    const size_t es = SI_FT(esize)(dt), gb = SI_GROUP * es;  /* element, group bytes */
    const int nb = SI_FT_BATCH(kind, dt);
    if (count == 0)
        return;
    SI_FT(kc) c;
    SI_FT(kc_load)(&c, p);
    SI_FT(lanes) s;
    SI_FT(lanes_load)(&s, st, kind == SI_K_NORMAL && dt != SIMDINIT_F64);
    uint32_t end = start + count, e0 = start & ~(uint32_t)(SI_GROUP - 1);
    SI_FT(lanes_skip)(&s, (start / SI_GROUP) * si_group_steps(kind == SI_K_NORMAL, dt == SIMDINIT_F64));
    unsigned char *o = out;
    SI_V_UNIT g[SI_FT_MAXV], gg[SI_FT_NORM_BATCH][SI_FT_MAXV];
    if (e0 != start || end - e0 < SI_GROUP) {
        /* partial first group */
        alignas(SI_V_UNIT_BYTES) unsigned char buf[SI_GROUP * 8];
        SI_FT(gen_group)(kind, dt, clamp, &s, &c, g);
        SI_FT(put_group)(dt, buf, g, 0);
        uint32_t lo = start - e0, hi = end - e0 < SI_GROUP ? end - e0 : SI_GROUP;
        memcpy(o, buf + lo * es, (hi - lo) * es);
        o += (hi - lo) * es;
        e0 += SI_GROUP;
        if (e0 >= end)
            return;
    }
    size_t full = (end - e0) / SI_GROUP;
    if (full && SI_V_STREAMS && p->nontemporal && (uintptr_t)o % es == 0) {
        size_t d = (uintptr_t)o & (U - 1);
        if (d == 0) {
            for (; full >= (size_t)nb; full -= (size_t)nb) {
                SI_FT(gen_groups)(kind, dt, clamp, nb, &s, &c, gg);
                for (int i = 0; i < nb; i++)
                    SI_FT(put_group)(dt, o + i * gb, gg[i], 1);
                o += nb * gb;
            }
            for (; full; full--) {
                SI_FT(gen_group)(kind, dt, clamp, &s, &c, g);
                SI_FT(put_group)(dt, o, g, 1);
                o += gb;
            }
        } else {
            /* stage + d has o's alignment phase: stage byte U b + j maps to
             * output byte (o - d) + U b + j, so aligned units stream. */
            alignas(SI_V_UNIT_BYTES) unsigned char stage[SI_FT_STAGE_GROUPS * SI_GROUP * 8 + 2 * SI_V_UNIT_BYTES];
            unsigned char *sp = stage + d;
            int first = 1;
            while (full) {
                size_t kg = full < SI_FT_STAGE_GROUPS ? full : SI_FT_STAGE_GROUPS;
                size_t j = 0;
                for (; j + nb <= kg; j += (size_t)nb) {
                    SI_FT(gen_groups)(kind, dt, clamp, nb, &s, &c, gg);
                    for (int i = 0; i < nb; i++)
                        SI_FT(put_group)(dt, sp + (j + i) * gb, gg[i], 0);
                }
                for (; j < kg; j++) {
                    SI_FT(gen_group)(kind, dt, clamp, &s, &c, g);
                    SI_FT(put_group)(dt, sp + j * gb, g, 0);
                }
                size_t bytes = kg * gb, b = 0;
                unsigned char *oa = o - d;
                if (first) {
                    memcpy(o, sp, U - d);  /* the output bytes before the first aligned unit */
                    b = 1;
                    first = 0;
                }
                for (; b < bytes / U; b++)
                    SI_V_STREAM(oa + U * b, SI_V_LOAD(stage + U * b));
                /* carry the last d bytes (stage[bytes, bytes + d)) to the front */
                SI_V_STORE(stage, SI_V_LOAD(stage + bytes));
                o += bytes;
                full -= kg;
            }
            memcpy(o - d, stage, d);
        }
    } else {
        /* float32/float64 uniform: the backend's own whole-group stores */
        for (; SI_FT_UNI_DIRECT && kind == SI_K_UNIFORM && nv >= 2 && full; full--) {
            SI_FT(uniform_group_store)(dt, clamp, &s, &c, o);
            o += gb;
        }
        for (; full >= (size_t)nb; full -= (size_t)nb) {
            SI_FT(gen_groups)(kind, dt, clamp, nb, &s, &c, gg);
            for (int i = 0; i < nb; i++)
                SI_FT(put_group)(dt, o + i * gb, gg[i], 0);
            o += nb * gb;
        }
        for (; full; full--) {
            SI_FT(gen_group)(kind, dt, clamp, &s, &c, g);
            SI_FT(put_group)(dt, o, g, 0);
            o += gb;
        }
    }
    size_t done = (size_t)(o - (unsigned char *)out) / es;
    if (done < count) {
        /* partial last group */
        alignas(SI_V_UNIT_BYTES) unsigned char buf[SI_GROUP * 8];
        SI_FT(gen_group)(kind, dt, clamp, &s, &c, g);
        SI_FT(put_group)(dt, buf, g, 0);
        memcpy(o, buf, (count - done) * es);
    }
}

/* ---- truncated normal, reject mode: one driver for float32 and float64 ------- */

/* The staging buffer: a flush and one batch of staged values (float32 for
 * the float32 family, float64 for SIMDINIT_F64). */
typedef union SI_FT(rej_stage) {
    alignas(SI_V_UNIT_BYTES) float f[(SI_FT_REJ_FLUSH_BYTES + SI_FT_REJ_BATCH_BYTES) / 4];
    double d[(SI_FT_REJ_FLUSH_BYTES + SI_FT_REJ_BATCH_BYTES) / 8];
    unsigned char b[SI_FT_REJ_FLUSH_BYTES + SI_FT_REJ_BATCH_BYTES];
} SI_FT(rej_stage);

/* One batch of candidates (SI_FT_REJ_BATCH_BYTES of staged values) to the
 * staged-value slot v (a float * or double * by dt); returns how many were kept. */
SI_INLINE unsigned SI_FT(rej_batch)(const int dt, const int mode, SI_FT(lanes) *s, const SI_FT(kc) *c, void *v)
{
    if (dt == SIMDINIT_F64)
        return SI_FT(rej_batch_f64)(mode, s, c, (double *)v);
    return SI_FT(rej_batch_f32)(mode, s, c, (float *)v);
}

/* Write n staged values (at most a flush and a batch) as dt with ordinary stores. */
SI_INLINE void SI_FT(rej_put_plain)(const int dt, unsigned char *o, const SI_FT(rej_stage) *v, unsigned n)
{
    const size_t es = SI_FT(esize)(dt);
    if (dt == SIMDINIT_F32 || dt == SIMDINIT_F64) {
        memcpy(o, v->b, (size_t)n * es);
        return;
    }
    alignas(SI_V_UNIT_BYTES) uint16_t h[(SI_FT_REJ_FLUSH_BYTES + SI_FT_REJ_BATCH_BYTES) / 4];
    for (unsigned i = 0; i < n; i += SI_GROUP) {
        SI_V_UNIT g[SI_FT_MAXV];
        SI_FT(encode16)(dt, v->f + i, g);
        for (int k = 0; k < SI_FT_NVEC(dt); k++)
            SI_V_STORE((unsigned char *)(h + i) + SI_V_UNIT_BYTES * k, g[k]);
    }
    memcpy(o, h, (size_t)n * es);
}

/* Write a whole flush of staged values with vector stores (streams if `stream`). */
SI_INLINE void SI_FT(rej_put_flush)(const int dt, unsigned char *o, const SI_FT(rej_stage) *v, const int stream)
{
    const size_t ses = dt == SIMDINIT_F64 ? 8 : 4;  /* staged element size */
    for (unsigned i = 0; i < SI_FT_REJ_FLUSH_BYTES / ses; i += SI_GROUP) {
        SI_V_UNIT g[SI_FT_MAXV];
        SI_FT(encode16)(dt, v->b + i * ses, g);
        SI_FT(put_group)(dt, o + (size_t)i * SI_FT(esize)(dt), g, stream);
    }
}

/*
 * The candidates are the block's candidate stream (docs/STREAM.md §3.5); the
 * accepted ones are left-packed into the staging buffer in candidate order,
 * the first `start` accepted are dropped, the next `count` written. Staged
 * values are flushed a flush at a time (vector stores, or streams when the
 * output is aligned; a first short flush aligns it). With ordinary stores to
 * float32/float64 the batches left-pack straight into the output while a
 * whole batch fits before its end (the kept values are a prefix of what a
 * batch writes; the next batch overwrites the rest): skipping the staging
 * round trip pays (docs/PERFORMANCE.md).
 */
SI_INLINE void SI_FT(run_reject)(const int dt, const int mode, void *out, si_lanes *st, uint32_t start,
                                 uint32_t count, const si_params *p)
{
    const size_t es = SI_FT(esize)(dt);                   /* output element size */
    const size_t ses = dt == SIMDINIT_F64 ? 8 : 4;       /* staged element size */
    const unsigned flush = (unsigned)(SI_FT_REJ_FLUSH_BYTES / ses);
    const unsigned batch = (unsigned)(SI_FT_REJ_BATCH_BYTES / ses);
    if (count == 0)
        return;
    SI_FT(kc) c;
    SI_FT(kc_load)(&c, p);
    SI_FT(lanes) s;
    SI_FT(lanes_load)(&s, st, dt != SIMDINIT_F64);
    SI_FT(rej_stage) stg;
    memset(&stg, 0, sizeof stg);
    unsigned n = 0;
    /* drop the first `start` accepted candidates */
    uint32_t skip = start;
    while (skip) {
        unsigned na = SI_FT(rej_batch)(dt, mode, &s, &c, stg.b);
        if (na <= skip) {
            skip -= na;
            continue;
        }
        n = na - skip;
        memmove(stg.b, stg.b + skip * ses, n * ses);
        skip = 0;
    }
    unsigned char *o = out;
    uint32_t need = count;
    int stream = SI_V_STREAMS && p->nontemporal && (uintptr_t)o % es == 0;
    unsigned fl = flush;
    if (stream && ((uintptr_t)o & (SI_V_UNIT_BYTES - 1)))  /* a first short flush aligns o */
        fl = (unsigned)((SI_V_UNIT_BYTES - ((uintptr_t)o & (SI_V_UNIT_BYTES - 1))) / es);
    if ((dt == SIMDINIT_F32 || dt == SIMDINIT_F64) && !stream && (uintptr_t)o % es == 0 && n < need) {
        memcpy(o, stg.b, (size_t)n * es);
        o += (size_t)n * es;
        need -= n;
        n = 0;
        while (need >= batch) {
            unsigned k = SI_FT(rej_batch)(dt, mode, &s, &c, o);
            o += (size_t)k * es;
            need -= k;
        }
    }
    for (;;) {
        if (n >= need) {
            SI_FT(rej_put_plain)(dt, o, &stg, need);
            break;
        }
        if (n >= fl) {
            if (fl == flush)
                SI_FT(rej_put_flush)(dt, o, &stg, stream);
            else
                SI_FT(rej_put_plain)(dt, o, &stg, fl);
            o += fl * es;
            need -= fl;
            n -= fl;  /* < batch remain: move them to the front (all loads first, they may overlap) */
            SI_V_UNIT r[SI_FT_REJ_BATCH_BYTES / SI_V_UNIT_BYTES];
            for (int i = 0; i < SI_FT_REJ_BATCH_BYTES / SI_V_UNIT_BYTES; i++)
                r[i] = SI_V_LOADU(stg.b + fl * ses + SI_V_UNIT_BYTES * i);
            for (int i = 0; i < SI_FT_REJ_BATCH_BYTES / SI_V_UNIT_BYTES; i++)
                SI_V_STORE(stg.b + SI_V_UNIT_BYTES * i, r[i]);
            fl = flush;
            continue;
        }
        n += SI_FT(rej_batch)(dt, mode, &s, &c, stg.b + n * ses);
    }
}

/* ---- the 12 kernels ------------------------------------------------------------ */

#define SI_FT_KARGS void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p
#define SI_FT_KPASS out, st, start, count, p

#define SI_FT_UNIFORM_KERNEL(dt, tag)                                           \
    static void SI_FT(uniform_##tag)(SI_FT_KARGS)                               \
    {                                                                           \
        if (p->clamp)                                                           \
            SI_FT(run_groups)(SI_K_UNIFORM, dt, 1, SI_FT_KPASS);                \
        else                                                                    \
            SI_FT(run_groups)(SI_K_UNIFORM, dt, 0, SI_FT_KPASS);                \
    }
#define SI_FT_NORMAL_KERNEL(dt, tag)                                            \
    static void SI_FT(normal_##tag)(SI_FT_KARGS) { SI_FT(run_groups)(SI_K_NORMAL, dt, 0, SI_FT_KPASS); }
/* The proposal is a compile-time constant of each reject driver. */
#define SI_FT_TRUNC_KERNEL(dt, tag)                                             \
    static void SI_FT(trunc_##tag)(SI_FT_KARGS)                                 \
    {                                                                           \
        if (p->tn.method == SI_TN_NORMAL)                                         \
            SI_FT(run_reject)(dt, SI_TN_NORMAL, SI_FT_KPASS);                   \
        else if (p->tn.method == SI_TN_UNIFORM)                                   \
            SI_FT(run_reject)(dt, SI_TN_UNIFORM, SI_FT_KPASS);                  \
        else                                                                    \
            SI_FT(run_reject)(dt, SI_TN_EXP, SI_FT_KPASS);                      \
    }
#define SI_FT_KERNELS(dt, tag) SI_FT_UNIFORM_KERNEL(dt, tag) SI_FT_NORMAL_KERNEL(dt, tag) SI_FT_TRUNC_KERNEL(dt, tag)
SI_FT_KERNELS(SIMDINIT_F32, f32)
SI_FT_KERNELS(SIMDINIT_F64, f64)
SI_FT_KERNELS(SIMDINIT_BF16, bf16)
SI_FT_KERNELS(SIMDINIT_F16, f16)
#undef SI_FT_KERNELS
#undef SI_FT_UNIFORM_KERNEL
#undef SI_FT_NORMAL_KERNEL
#undef SI_FT_TRUNC_KERNEL
#undef SI_FT_KARGS
#undef SI_FT_KPASS

/* ---- constant ---------------------------------------------------------------------- */

/* n copies of the low `size` bytes of bits: a pattern of two units, aligned
 * units in the middle (streamed with the hint, then fenced), one unaligned
 * unit at each end. */
static void SI_FT(constant)(void *out, size_t n, uint64_t bits, size_t size, int nontemporal)
{
    const size_t U = SI_V_UNIT_BYTES;
    unsigned char *o = out;
    size_t bytes = n * size;
    if (bytes < 2 * U) {
        for (size_t i = 0; i < n; i++)
            memcpy(o + i * size, &bits, size);  /* little-endian: low bytes first */
        return;
    }
    /* pat[i] = byte i % size of the element: a unit loaded at pat + ((x - o) % size)
     * holds the bytes of output positions x .. x + U - 1. */
    alignas(SI_V_UNIT_BYTES) unsigned char pat[2 * SI_V_UNIT_BYTES];
    for (size_t i = 0; i < 2 * U; i++)
        pat[i] = (unsigned char)(bits >> (8 * (i % size)));
    unsigned char *end = o + bytes;
    unsigned char *a = (unsigned char *)(((uintptr_t)o + U) & ~(uintptr_t)(U - 1));
    unsigned char *ea = (unsigned char *)((uintptr_t)end & ~(uintptr_t)(U - 1));
    SI_V_UNIT v = SI_V_LOADU(pat + (size_t)(a - o) % size);
    SI_V_STOREU(o, SI_V_LOAD(pat));
    if (SI_V_STREAMS && nontemporal) {
        for (; a + 4 * U <= ea; a += 4 * U) {
            SI_V_STREAM(a, v);
            SI_V_STREAM(a + U, v);
            SI_V_STREAM(a + 2 * U, v);
            SI_V_STREAM(a + 3 * U, v);
        }
        for (; a < ea; a += U)
            SI_V_STREAM(a, v);
    } else {
        for (; a + 4 * U <= ea; a += 4 * U) {
            SI_V_STORE(a, v);
            SI_V_STORE(a + U, v);
            SI_V_STORE(a + 2 * U, v);
            SI_V_STORE(a + 3 * U, v);
        }
        for (; a < ea; a += U)
            SI_V_STORE(a, v);
    }
    SI_V_STOREU(end - U, SI_V_LOADU(pat + (bytes - U) % size));
    if (SI_V_STREAMS && nontemporal)
        SI_V_FENCE();
}

/* The table entries of this backend (its init function adds the backend id). */
SI_INLINE void SI_FT(fill_table)(si_kernels *k)
{
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F32] = SI_FT(uniform_f32);
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F64] = SI_FT(uniform_f64);
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_BF16] = SI_FT(uniform_bf16);
    k->fill[SIMDINIT_DIST_UNIFORM][SIMDINIT_F16] = SI_FT(uniform_f16);
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F32] = SI_FT(normal_f32);
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F64] = SI_FT(normal_f64);
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_BF16] = SI_FT(normal_bf16);
    k->fill[SIMDINIT_DIST_NORMAL][SIMDINIT_F16] = SI_FT(normal_f16);
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F32] = SI_FT(trunc_f32);
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F64] = SI_FT(trunc_f64);
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_BF16] = SI_FT(trunc_bf16);
    k->fill[SIMDINIT_DIST_TRUNC_NORMAL][SIMDINIT_F16] = SI_FT(trunc_f16);
    k->constant = SI_FT(constant);
}
