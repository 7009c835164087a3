/*
 * Parameter validation and preparation: turns a simdinit_dist and an output
 * type into the constants every backend's kernels read (struct si_params).
 * Written once, compiled at the baseline, shared by all backends, so the
 * constants are the same bits everywhere (docs/STREAM.md §3).
 */
#include <float.h>
#include <math.h>   /* INFINITY only */

#include "internal.h"
#include "fpenv.h"
#include "scalar/math_scalar.h"

/* ---- values of an output type, as bit patterns ---------------------------- */

static int t_width(simdinit_dtype t) { return t == SIMDINIT_F64 ? 64 : t == SIMDINIT_F32 ? 32 : 16; }

/* Round a double to type t, nearest-even. F32/F64 directly; BF16/F16 through
 * float32, as the value path does. */
static uint64_t t_round(double x, simdinit_dtype t)
{
    switch (t) {
    case SIMDINIT_F64: return si_f64_bits(x);
    case SIMDINIT_F32: return si_f32_bits((float)x);
    case SIMDINIT_BF16: return si_f32_to_bf16((float)x);
    default: return si_f32_to_f16((float)x);
    }
}

static double t_value(uint64_t b, simdinit_dtype t)
{
    switch (t) {
    case SIMDINIT_F64: return si_f64_from_bits(b);
    case SIMDINIT_F32: return si_f32_from_bits((uint32_t)b);
    case SIMDINIT_BF16: return si_bf16_to_f32((uint16_t)b);
    default: return si_f16_to_f32((uint16_t)b);
    }
}

/* Neighbouring value toward +inf / -inf on the sign-magnitude encoding. */
static uint64_t t_step(uint64_t b, simdinit_dtype t, int up)
{
    uint64_t sign = UINT64_C(1) << (t_width(t) - 1);
    if (up) {
        if (b == sign) return 1;                 /* -0 -> smallest positive */
        return (b & sign) ? b - 1 : b + 1;
    }
    if (b == 0) return sign | 1;                 /* +0 -> smallest negative */
    return (b & sign) ? b + 1 : b - 1;
}

/* Smallest value of t >= x (up) or largest <= x (!up). The nearest-even
 * rounding (even through float32) lands on one of x's two neighbours, so at
 * most one step fixes it. May return +-inf. */
static uint64_t t_bound(double x, simdinit_dtype t, int up)
{
    uint64_t b = t_round(x, t);
    double v = t_value(b, t);
    if (up ? v < x : v > x)
        b = t_step(b, t, up);
    return b;
}

static int t_finite_bits(uint64_t b, simdinit_dtype t)
{
    return si_finite(t_value(b, t));
}

static double t_max(simdinit_dtype t)
{
    switch (t) {
    case SIMDINIT_F64: return DBL_MAX;
    case SIMDINIT_F32: return FLT_MAX;
    case SIMDINIT_BF16: return 0x1.fep+127;
    default: return 65504.0;
    }
}

static int finite(double x) { return si_finite(x); }
static double fabs_(double x) { return x < 0 ? -x : x; }

/* ---- per distribution ----------------------------------------------------- */

static simdinit_status prep_constant(si_params *p, double value)
{
    uint64_t b = t_round(value, p->dtype);
    if (!t_finite_bits(b, p->dtype))
        return SIMDINIT_ERR_RANGE;
    p->kind = SIMDINIT_DIST_CONSTANT;
    p->const_bits = b;
    return SIMDINIT_OK;
}

static simdinit_status prep_uniform(si_params *p, double low, double high)
{
    simdinit_dtype t = p->dtype;
    if (!finite(low) || !finite(high))
        return SIMDINIT_ERR_NONFINITE;
    if (low > high)
        return SIMDINIT_ERR_LOW_GT_HIGH;
    if (fabs_(low) > t_max(t) || fabs_(high) > t_max(t))
        return SIMDINIT_ERR_RANGE;
    if (low == high)
        return prep_constant(p, low);
    /* The computation type: F32 for the float32 family. Its values live in
     * [lo_c, hi_c], the smallest value >= low and the largest < high. */
    simdinit_dtype c = t == SIMDINIT_F64 ? SIMDINIT_F64 : SIMDINIT_F32;
    uint64_t lo_b = t_bound(low, c, 1);
    uint64_t hi_b = t_bound(high, c, 0);
    if (t_value(hi_b, c) >= high)
        hi_b = t_step(hi_b, c, 0);
    double lo_c = t_value(lo_b, c), hi_c = t_value(hi_b, c);
    if (!finite(lo_c) || !finite(hi_c) || lo_c > hi_c)
        return SIMDINIT_ERR_RANGE;
    double w = high - lo_c;
    if (!finite(w))
        return SIMDINIT_ERR_RANGE;
    if (t == SIMDINIT_F64) {
        p->d_lo = lo_c;
        p->d_scale = w * 0x1p-53;
        p->d_hi = hi_c;
        double vmax = p->d_lo + p->d_scale * 0x1.fffffffffffffp+52;
        p->clamp = vmax > p->d_hi;
        return SIMDINIT_OK;
    }
    float wf = (float)w;
    if (!finite(wf))
        return SIMDINIT_ERR_RANGE;
    p->f_lo = (float)lo_c;
    p->f_scale = wf * 0x1p-24f;
    p->f_hi = (float)hi_c;
    float vmax = p->f_lo + p->f_scale * 0x1.fffffep+23f;
    p->clamp = vmax > p->f_hi;
    if (t != SIMDINIT_F32) {
        /* The narrow type's own bounds inside [low, high). */
        uint64_t nlo = t_bound(low, t, 1), nhi = t_bound(high, t, 0);
        if (t_value(nhi, t) >= high)
            nhi = t_step(nhi, t, 0);
        double vlo = t_value(nlo, t), vhi = t_value(nhi, t);
        if (!finite(vlo) || !finite(vhi) || vlo > vhi)
            return SIMDINIT_ERR_RANGE;   /* no value of the type in [low, high) */
        p->f_nlo = (float)vlo;
        p->f_nhi = (float)vhi;
    }
    return SIMDINIT_OK;
}

static simdinit_status prep_normal(si_params *p, double mean, double std)
{
    simdinit_dtype t = p->dtype;
    if (!finite(mean) || !finite(std))
        return SIMDINIT_ERR_NONFINITE;
    if (std < 0)
        return SIMDINIT_ERR_NEGATIVE_STD;
    /* Box-Muller reaches 6.66 (float32) / 8.57 (float64) standard deviations:
     * mean +- 9 std must be representable. */
    if (fabs_(mean) + 9.0 * std > t_max(t))
        return SIMDINIT_ERR_RANGE;
    p->d_mean = mean;
    p->d_std = std;
    p->f_mean = (float)mean;
    p->f_std = (float)std;
    return SIMDINIT_OK;
}

/*
 * The constants of the uniform (SI_TN_UNIFORM) and exponential (SI_TN_EXP)
 * proposals (docs/STREAM.md §3.5), in double; the float32 family rounds them
 * once to float. A candidate from the variate r >= 0 (uniform: r = u in
 * [0, 1); exponential: r = -log u) is v = o + g r, kept iff
 * r (r p + q) + b <= -2 log u2 and r <= h. In standardized terms the
 * candidate is x = near end + (w u) (uniform), resp. + r / lam (exponential),
 * and r (r p + q) + b is x^2 - m^2 (uniform: m the point of [alpha, beta]
 * nearest 0) resp. (x - lam)^2 (Robert's test), each written without the
 * cancellation of a difference of squares.
 */
typedef struct tn_consts {
    double p, q, b, h, o, g;
} tn_consts;

static int tn_prop_consts(tn_consts *k, const si_tn *tn, double std, double lo_t, double hi_t)
{
    double near = tn->side < 0 ? hi_t : lo_t;  /* where r = 0 lands */
    k->o = near;
    if (tn->method == SI_TN_UNIFORM) {
        double w = tn->w;
        k->p = w * w;
        k->q = 2.0 * (tn->c * w);   /* side 0: c = alpha < 0, so x = alpha + w u */
        k->b = tn->side == 0 ? tn->c * tn->c : 0.0;
        k->h = 2.0;                 /* u < 1: never rejected by the bound */
        k->g = hi_t - lo_t;         /* v = tlo + (thi - tlo) u, mirrored for side -1 */
    } else {
        double lam = tn->lam, il = 1.0 / lam;
        k->p = il * il;
        k->q = -2.0 * tn->D * il;
        k->b = tn->D * tn->D;
        k->h = lam * tn->w;         /* x <= the far end: r <= lam w (may be +inf) */
        k->g = std * il;
    }
    if (tn->side < 0)
        k->g = -k->g;
    return finite(k->g) && finite(k->p) && finite(k->q) && finite(k->b);
}

/* The proposal's constants into *p in both precisions; 0 if one is not
 * finite in the computation type. */
static int tn_consts_set(si_params *p, double std, double lo_t, double hi_t)
{
    tn_consts k;
    if (!tn_prop_consts(&k, &p->tn, std, lo_t, hi_t))
        return 0;
    if (p->dtype != SIMDINIT_F64 && !(finite((float)k.g) && finite((float)k.p) &&
                                      finite((float)k.q) && finite((float)k.b)))
        return 0;
    p->d_tp = k.p; p->d_tq = k.q; p->d_tb = k.b;
    p->d_th = k.h; p->d_to = k.o; p->d_tg = k.g;
    p->f_tp = (float)k.p; p->f_tq = (float)k.q; p->f_tb = (float)k.b;
    p->f_th = (float)k.h; p->f_to = (float)k.o; p->f_tg = (float)k.g;
    return 1;
}

/* A truncation bound: finite, or -inf for a (+inf for b). From the bits, so
 * that rejecting a NaN (signaling or not) raises no floating-point flag. */
static int lower_bound_ok(double a) { return finite(a) || si_f64_bits(a) == UINT64_C(0xfff0000000000000); }
static int upper_bound_ok(double b) { return finite(b) || si_f64_bits(b) == UINT64_C(0x7ff0000000000000); }

static simdinit_status prep_trunc(si_params *p, double mean, double std, double a, double b)
{
    simdinit_dtype t = p->dtype;
    /* Infinite bounds are accepted (a = -inf, b = +inf: one-sided or no
     * truncation); NaN and a = +inf or b = -inf are not. */
    if (!finite(mean) || !finite(std) || !lower_bound_ok(a) || !upper_bound_ok(b))
        return SIMDINIT_ERR_NONFINITE;
    if (std < 0)
        return SIMDINIT_ERR_NEGATIVE_STD;
    if (a >= b)
        return SIMDINIT_ERR_EMPTY_TRUNC;
    /* The values of t inside [a, b]. */
    /* ceil_T(a) and floor_T(b). A bound below -max (above +max), infinite
     * ones included, becomes -max (+max); an infinite result means a > max
     * or b < -max: no finite value of t lies in [a, b]. */
    if (a < -t_max(t))
        a = -t_max(t);
    if (b > t_max(t))
        b = t_max(t);
    uint64_t lo_b = t_bound(a, t, 1), hi_b = t_bound(b, t, 0);
    double lo_t = t_value(lo_b, t), hi_t = t_value(hi_b, t);
    if (!finite(lo_t) || !finite(hi_t) || lo_t > hi_t)
        return SIMDINIT_ERR_RANGE;               /* no value of t in [a, b] */
    if (std == 0 || lo_t == hi_t) {
        /* One value of t in [a, b], or the limit of the truncated normal as
         * std -> 0: a point mass at the point of [a, b] nearest the mean. */
        double v = mean < lo_t ? lo_t : mean > hi_t ? hi_t : mean;
        simdinit_status s = prep_constant(p, v);
        if (s == SIMDINIT_OK) {
            double c = t_value(p->const_bits, t);
            if (c < lo_t) p->const_bits = lo_b;
            if (c > hi_t) p->const_bits = hi_b;
        }
        return s;
    }
    /* The standardized bounds (f64). One that overflows to infinity on the
     * side of the interval (alpha = +inf: [tlo, thi] lies more than DBL_MAX
     * standard deviations above the mean; beta = -inf: below it) means every
     * draw lies within 37 std / 2^1024 of that bound (the conditional law is
     * tlo + std^2 / (tlo - mean) * Exp(1) to first order, and the sampler's
     * exponential is capped at 53 ln 2). That is less than half a unit in the
     * last place of the bound in any output type whenever |mean| < 2^967, so
     * the exact answer is the bound itself: a constant fill of tlo (thi)
     * (docs/STREAM.md §3.5). An infinity on the other side (alpha = -inf with
     * beta finite, or beta = +inf) is a tail of zero mass and is sampled as is. */
    double alpha = (lo_t - mean) / std, beta = (hi_t - mean) / std;
    if (alpha == (double)INFINITY || beta == -(double)INFINITY) {
        p->kind = SIMDINIT_DIST_CONSTANT;
        p->const_bits = alpha == (double)INFINITY ? lo_b : hi_b;
        return SIMDINIT_OK;
    }
    if (t != SIMDINIT_F64 && (!finite((float)mean) || !finite((float)std)))
        return SIMDINIT_ERR_RANGE;
    p->d_mean = mean;
    p->d_std = std;
    p->f_mean = (float)mean;
    p->f_std = (float)std;
    p->d_tlo = lo_t;
    p->d_thi = hi_t;
    p->f_tlo = (float)lo_t;   /* exact: lo_t is a value of t */
    p->f_thi = (float)hi_t;
    si_tn_setup(&p->tn, alpha, beta);
    if (p->tn.method == SI_TN_UNIFORM && !tn_consts_set(p, std, lo_t, hi_t)) {
        /* thi - tlo overflows the computation type: an interval wider than
         * the type's largest value, chosen for the uniform proposal only if
         * it is at most 2 (two-sided) or ~5 (one-sided, c w < 1.2)
         * standard deviations wide, so std > max / 5 and w > 1. Then the
         * normal proposal (two-sided: [alpha, beta] holds 0 and is wider than
         * 1, so it accepts more than a third of its candidates) or the
         * exponential one (one-sided: c < 1.2 and lam w > 1, acceptance above
         * 0.45) does as well. */
        p->tn.method = p->tn.side == 0 ? SI_TN_NORMAL : SI_TN_EXP;
    }
    if (p->tn.method == SI_TN_EXP && !tn_consts_set(p, std, lo_t, hi_t))
        return SIMDINIT_ERR_RANGE;   /* not reached: the exponential's constants are finite */
    return SIMDINIT_OK;
}

static simdinit_status params_prepare(si_params *p, const simdinit_dist *d, simdinit_dtype dtype)
{
    memset(p, 0, sizeof *p);
    if (!d)
        return SIMDINIT_ERR_NULL;
    if ((unsigned)dtype > SIMDINIT_F16)
        return SIMDINIT_ERR_BAD_ENUM;
    p->dtype = dtype;
    p->kind = d->kind;
    switch (d->kind) {
    case SIMDINIT_DIST_UNIFORM: return prep_uniform(p, d->low, d->high);
    case SIMDINIT_DIST_NORMAL: return prep_normal(p, d->mean, d->std);
    case SIMDINIT_DIST_TRUNC_NORMAL: return prep_trunc(p, d->mean, d->std, d->a, d->b);
    case SIMDINIT_DIST_CONSTANT:
        if (!finite(d->value))
            return SIMDINIT_ERR_NONFINITE;
        return prep_constant(p, d->value);
    default: return SIMDINIT_ERR_BAD_ENUM;
    }
}

simdinit_status si_params_prepare(si_params *p, const simdinit_dist *d, simdinit_dtype dtype)
{
    si_fpenv e;
    si_fpenv_enter(&e);
    simdinit_status s = params_prepare(p, d, dtype);
    si_fpenv_leave(&e);
    return s;
}
