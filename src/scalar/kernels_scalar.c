/*
 * The scalar backend: the reference every other backend must match bit for
 * bit. Written for clarity over speed: each group of 16 elements is computed
 * into a small array in the exact element order of docs/STREAM.md §3, then the
 * requested part is converted to the output type and stored.
 */
#define SIMDINIT_BUILDING_SCALAR 1
#include <string.h>

#include "internal.h"
#include "scalar/math_scalar.h"

/* ---- storing computed values ----------------------------------------------- */

static void store_f32_family(void *out, size_t at, const float *v, unsigned n, simdinit_dtype t)
{
    if (t == SIMDINIT_F32) {
        memcpy((char *)out + at * 4, v, n * 4u);
        return;
    }
    unsigned char *o = (unsigned char *)out + at * 2;
    for (unsigned i = 0; i < n; i++) {
        uint16_t h = t == SIMDINIT_BF16 ? si_f32_to_bf16(v[i]) : si_f32_to_f16(v[i]);
        memcpy(o + 2u * i, &h, 2);
    }
}

static void store_f64(void *out, size_t at, const double *v, unsigned n)
{
    memcpy((char *)out + at * 8, v, n * 8u);
}

static void skip_steps(si_lanes *st, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++)
        for (int l = 0; l < SI_LANES; l++)
            (void)si_xoshiro_next(st, l);
}

static void step(si_lanes *st, uint64_t x[SI_LANES])
{
    for (int l = 0; l < SI_LANES; l++)
        x[l] = si_xoshiro_next(st, l);
}

/*
 * Walk the groups covering block elements [start, start + count): `gen`
 * computes group values into v[16]; the wanted slice is stored.
 */
#define GROUP_LOOP(VT, G, GEN, STORE)                                           \
    do {                                                                        \
        uint32_t g = start / SI_GROUP, end = start + count;                     \
        skip_steps(st, g * (G));                                                \
        size_t done = 0;                                                        \
        for (uint32_t e0 = g * SI_GROUP; e0 < end; e0 += SI_GROUP) {            \
            VT v[SI_GROUP];                                                     \
            GEN;                                                                \
            uint32_t lo = start > e0 ? start - e0 : 0;                          \
            uint32_t hi = end - e0 < SI_GROUP ? end - e0 : SI_GROUP;            \
            STORE;                                                              \
            done += hi - lo;                                                    \
        }                                                                       \
    } while (0)

/* ---- uniform ----------------------------------------------------------------- */

/* Element 2l + h of a group: upper 24 bits of the low (h = 0) or high (h = 1)
 * 32-bit half of lane l's output. */
static void gen_uniform_f32(si_lanes *st, const si_params *p, float v[SI_GROUP])
{
    uint64_t x[SI_LANES];
    step(st, x);
    for (int j = 0; j < SI_GROUP; j++) {
        uint32_t half = (uint32_t)(x[j >> 1] >> (32 * (j & 1)));
        float u = si_uniform_f32(half >> 8, p->f_lo, p->f_scale);
        u = p->clamp && u > p->f_hi ? p->f_hi : u;
        if (p->dtype != SIMDINIT_F32)    /* keep the rounding inside [low, high) */
            u = u < p->f_nlo ? p->f_nlo : u > p->f_nhi ? p->f_nhi : u;
        v[j] = u;
    }
}

static void uniform_f32(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    GROUP_LOOP(float, SI_G_UNIFORM_F32, gen_uniform_f32(st, p, v),
               store_f32_family(out, done, v + lo, hi - lo, p->dtype));
}

/* Element j of a group: step j / 8, lane j % 8, upper 53 bits. */
static void gen_uniform_f64(si_lanes *st, const si_params *p, double v[SI_GROUP])
{
    uint64_t x[SI_LANES];
    for (int h = 0; h < 2; h++) {
        step(st, x);
        for (int l = 0; l < SI_LANES; l++) {
            double u = si_uniform_f64(x[l] >> 11, p->d_lo, p->d_scale);
            v[8 * h + l] = p->clamp && u > p->d_hi ? p->d_hi : u;
        }
    }
}

static void uniform_f64(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    GROUP_LOOP(double, SI_G_UNIFORM_F64, gen_uniform_f64(st, p, v),
               store_f64(out, done, v + lo, hi - lo));
}

/* ---- normal --------------------------------------------------------------- */

/* Standard normals of a group: element l = z0 (cos) of lane l, element 8 + l =
 * z1 (sin) of lane l. */
static void gen_std_normal_f32(si_lanes *st, float z[SI_GROUP])
{
    uint64_t x[SI_LANES];
    step(st, x);
    for (int l = 0; l < SI_LANES; l++)
        si_box_muller_f32((uint32_t)(x[l] >> 32), (uint32_t)x[l], &z[l], &z[8 + l]);
}

static void gen_std_normal_f64(si_lanes *st, double z[SI_GROUP])
{
    uint64_t x1[SI_LANES], x2[SI_LANES];
    step(st, x1);
    step(st, x2);
    for (int l = 0; l < SI_LANES; l++)
        si_box_muller_f64(x1[l], x2[l], &z[l], &z[8 + l]);
}

static void gen_normal_f32(si_lanes *st, const si_params *p, float v[SI_GROUP])
{
    gen_std_normal_f32(st, v);
    for (int j = 0; j < SI_GROUP; j++)
        v[j] = si_affine_f32(v[j], p->f_mean, p->f_std);
}

static void gen_normal_f64(si_lanes *st, const si_params *p, double v[SI_GROUP])
{
    gen_std_normal_f64(st, v);
    for (int j = 0; j < SI_GROUP; j++)
        v[j] = si_affine_f64(v[j], p->d_mean, p->d_std);
}

static void normal_f32(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    GROUP_LOOP(float, SI_G_NORMAL_F32, gen_normal_f32(st, p, v),
               store_f32_family(out, done, v + lo, hi - lo, p->dtype));
}

static void normal_f64(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    GROUP_LOOP(double, SI_G_NORMAL_F64, gen_normal_f64(st, p, v),
               store_f64(out, done, v + lo, hi - lo));
}

/* ---- truncated normal ---------------------------------------------------- */

/*
 * The block's candidates, in order, a few at a time (docs/STREAM.md §3.5):
 * each generator writes its candidates to v[] with ok[j] = 1 for a kept one
 * and returns how many it wrote.
 *  SI_TN_NORMAL: the block's normal stream (groups of 16 Box-Muller values in
 *  the element order of NORMAL), kept iff tlo <= mean + std z <= thi.
 *  SI_TN_UNIFORM / SI_TN_EXP: 8 per step (float32 family: lane l's output
 *  x, hi = x >> 32, lo = x mod 2^32) or per two steps (float64: x1 from the
 *  first, x2 from the second), by si_tn_cand_f32 / _f64.
 */
static unsigned cand_normal_f32(si_lanes *st, const si_params *p, float v[SI_GROUP], int ok[SI_GROUP])
{
    gen_normal_f32(st, p, v);
    for (int j = 0; j < SI_GROUP; j++)
        ok[j] = v[j] >= p->f_tlo && v[j] <= p->f_thi;
    return SI_GROUP;
}

static unsigned cand_normal_f64(si_lanes *st, const si_params *p, double v[SI_GROUP], int ok[SI_GROUP])
{
    gen_normal_f64(st, p, v);
    for (int j = 0; j < SI_GROUP; j++)
        ok[j] = v[j] >= p->d_tlo && v[j] <= p->d_thi;
    return SI_GROUP;
}

static unsigned cand_prop_f32(si_lanes *st, const si_params *p, float v[SI_GROUP], int ok[SI_GROUP])
{
    uint64_t x[SI_LANES];
    step(st, x);
    for (int l = 0; l < SI_LANES; l++) {
        uint32_t acc;
        v[l] = si_tn_cand_f32(p->tn.method == SI_TN_EXP, (uint32_t)(x[l] >> 32), (uint32_t)x[l],
                              p->f_tp, p->f_tq, p->f_tb, p->f_th, p->f_to, p->f_tg, p->f_tlo,
                              p->f_thi, &acc);
        ok[l] = acc != 0;
    }
    return SI_LANES;
}

static unsigned cand_prop_f64(si_lanes *st, const si_params *p, double v[SI_GROUP], int ok[SI_GROUP])
{
    uint64_t x1[SI_LANES], x2[SI_LANES];
    step(st, x1);
    step(st, x2);
    for (int l = 0; l < SI_LANES; l++) {
        uint64_t acc;
        v[l] = si_tn_cand_f64(p->tn.method == SI_TN_EXP, x1[l], x2[l], p->d_tp, p->d_tq, p->d_tb,
                              p->d_th, p->d_to, p->d_tg, p->d_tlo, p->d_thi, &acc);
        ok[l] = acc != 0;
    }
    return SI_LANES;
}

/*
 * Block element k is the block's k-th kept candidate (counting from 0). A
 * block's lanes continue for as long as needed (expected 1 / rate candidates
 * per element, the rate at least 0.3 for every interval), so starting inside
 * a block costs O(block).
 */
#define TN_REJECT_BODY(VT, CAND, STORE)                                         \
    do {                                                                        \
        uint32_t end = start + count, k = 0;                                    \
        VT kept[SI_GROUP];                                                      \
        size_t done = 0;                                                        \
        while (k < end) {                                                       \
            VT cv[SI_GROUP];                                                    \
            int ok[SI_GROUP];                                                   \
            unsigned nc = CAND(st, p, cv, ok), nk = 0;                          \
            for (unsigned j = 0; j < nc && k < end; j++) {                      \
                if (ok[j]) {                                                    \
                    if (k >= start)                                             \
                        kept[nk++] = cv[j];                                     \
                    k++;                                                        \
                }                                                               \
            }                                                                   \
            STORE;                                                              \
            done += nk;                                                         \
        }                                                                       \
    } while (0)

static void trunc_f32(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    if (p->tn.method == SI_TN_NORMAL)
        TN_REJECT_BODY(float, cand_normal_f32, store_f32_family(out, done, kept, nk, p->dtype));
    else
        TN_REJECT_BODY(float, cand_prop_f32, store_f32_family(out, done, kept, nk, p->dtype));
}

static void trunc_f64(void *out, si_lanes *st, uint32_t start, uint32_t count, const si_params *p)
{
    if (p->tn.method == SI_TN_NORMAL)
        TN_REJECT_BODY(double, cand_normal_f64, store_f64(out, done, kept, nk));
    else
        TN_REJECT_BODY(double, cand_prop_f64, store_f64(out, done, kept, nk));
}

/* ---- constant --------------------------------------------------------------- */

static void constant_scalar(void *out, size_t n, uint64_t bits, size_t size, int nontemporal)
{
    (void)nontemporal;
    unsigned char pat[8];
    memcpy(pat, &bits, 8);  /* little-endian hosts: low bytes first */
    unsigned char *o = out;
    for (size_t i = 0; i < n; i++)
        memcpy(o + i * size, pat, size);
}

void si_kernels_init_scalar(si_kernels *k)
{
    k->backend = SIMDINIT_BACKEND_SCALAR;
    for (int t = 0; t < 4; t++) {
        int f64 = t == SIMDINIT_F64;
        k->fill[SIMDINIT_DIST_UNIFORM][t] = f64 ? uniform_f64 : uniform_f32;
        k->fill[SIMDINIT_DIST_NORMAL][t] = f64 ? normal_f64 : normal_f32;
        k->fill[SIMDINIT_DIST_TRUNC_NORMAL][t] = f64 ? trunc_f64 : trunc_f32;
    }
    k->constant = constant_scalar;
}
