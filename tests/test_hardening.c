/*
 * Regression tests of the defects found by fuzzing and sanitizers (issue 15):
 *  1. trunc_normal with a std so small that (a - mean) / std overflows: the
 *     call must be quick and exact (the near bound), never a 2^31-step loop;
 *     a fuzz-like sweep of (mean, std, a, b) must return quickly with every
 *     value in [a, b];
 *  2. trunc_normal with [a, b] holding no finite value of the dtype is
 *     SIMDINIT_ERR_RANGE (fill and simdinit_dist_check agree), nothing written;
 *  and the smaller items: numel/fans with a zero dimension never overflow,
 *  nthreads < 0 is BAD_PARAM before anything else in fill_mt and
 *  init_tensors, an allocation failure in init_tensors is SIMDINIT_ERR_NOMEM,
 *  SIMDINIT_NUM_THREADS is used only when it is 1..256 (else BAD_ENV), and
 *  rejecting a non-finite parameter leaves FE_INVALID clear.
 * Plain C (runs under the sanitizers too). Last line: "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <fenv.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"   /* si_calloc_fn: the allocation-failure hook */
#include "hard_util.h"
#include "plain_check.h"

/* A call of the library must return within this (seconds): the tiny-std bug
 * took 58 s for one element. Generous for sanitizer builds. */
#define CALL_LIMIT_S 0.5

enum { N = 200 };
static unsigned char g_buf[8 * N + 16];

static int all_canary(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != T_CANARY)
            return 0;
    return 1;
}

/* ---- defect 1 ------------------------------------------------------------- */

/* The reproducer: f64, std 1e-310, [1, 2]: every value is exactly 1. */
static void tiny_std_reproducer(void)
{
    double out[4] = {0, 0, 0, 0};
    double t0 = hard_now();
    simdinit_status s = simdinit_trunc_normal(out, SIMDINIT_F64, 4, 0, 1, 0, 0, 1e-310, 1, 2);
    double dt = hard_now() - t0;
    check(s == SIMDINIT_OK, "trunc_normal(std 1e-310, [1, 2]) returned %d", (int)s);
    check(dt < CALL_LIMIT_S, "trunc_normal(std 1e-310) took %.3f s", dt);
    for (int i = 0; i < 4; i++)
        check(out[i] == 1.0, "std 1e-310: value %d is %.17g, want 1 (the near bound)", i, out[i]);
    /* Mirrored: the interval far below the mean gives its upper bound. */
    s = simdinit_trunc_normal(out, SIMDINIT_F64, 4, 0, 1, 0, 0, 1e-310, -2, -1);
    check(s == SIMDINIT_OK, "trunc_normal(std 1e-310, [-2, -1]) returned %d", (int)s);
    for (int i = 0; i < 4; i++)
        check(out[i] == -1.0, "std 1e-310 below: value %d is %.17g, want -1", i, out[i]);
}

/*
 * Every combination of these means, stds and intervals, for every dtype:
 * a result comes back within CALL_LIMIT_S; OK results lie in [a, b]; when
 * (ceil(a) - mean) / std overflows to +inf every value is ceil(a) (and
 * floor(b) for -inf); non-OK results wrote nothing, and dist_check agrees
 * with the fill's status.
 */
static void tiny_std_sweep(void)
{
    static const double means[] = {0, 0.5, -1, 1, 1e-300, -1e-30, 3e4, -7e4, 1e30, -1e38,
                                   1e300, -1e308, DBL_MAX, -DBL_MAX, 5e-324};
    static const double stds[] = {5e-324, 1e-320, 1e-310, 1e-300, 1e-200, 1e-60, 1e-45,
                                  1e-30, 1e-10, 1e-3, 1, 1e10, 1e200, 1e300, DBL_MAX};
    static const double ab[][2] = {
        {1, 2}, {-2, -1}, {-1, 1}, {0, 5e-324}, {-5e-324, 0}, {1e-300, 2e-300},
        {0.999, 1.001}, {-1e-3, 1e30}, {6e4, 7e4}, {-3e38, 3e38}, {1e300, 1e308},
        {-DBL_MAX, DBL_MAX}, {-DBL_MAX, -1e300}, {65504, 1e10}, {-1e10, -65504},
    };
    int cases = 0, slow = 0;
    double worst = 0;
    for (int t = 0; t < 4; t++) {
        simdinit_dtype dt = t_dtypes[t];
        size_t es = elem_size(dt);
        for (size_t m = 0; m < T_ARRAY_LEN(means); m++)
            for (size_t sd = 0; sd < T_ARRAY_LEN(stds); sd++)
                for (size_t k = 0; k < T_ARRAY_LEN(ab); k++) {
                    double mean = means[m], std = stds[sd], a = ab[k][0], b = ab[k][1];
                    simdinit_dist d = simdinit_dist_trunc_normal(mean, std, a, b);
                    t_canary_fill(g_buf, sizeof g_buf);
                    double t0 = hard_now();
                    simdinit_status s = simdinit_fill(g_buf + 1, dt, N, 12345, 7, 3, &d);
                    double el = hard_now() - t0;
                    cases++;
                    if (el > worst)
                        worst = el;
                    if (el > CALL_LIMIT_S) {
                        slow++;
                        check(0, "%s trunc_normal(%g, %g, [%g, %g]) took %.3f s",
                              simdinit_dtype_name(dt), mean, std, a, b, el);
                    }
                    simdinit_status sc = simdinit_dist_check(&d, dt);
                    check(sc == s, "%s (%g, %g, [%g, %g]): dist_check %d, fill %d",
                          simdinit_dtype_name(dt), mean, std, a, b, (int)sc, (int)s);
                    if (s != SIMDINIT_OK) {
                        check(all_canary(g_buf, sizeof g_buf),
                              "%s (%g, %g, [%g, %g]): status %d but wrote",
                              simdinit_dtype_name(dt), mean, std, a, b, (int)s);
                        continue;
                    }
                    check(g_buf[0] == T_CANARY && all_canary(g_buf + 1 + N * es,
                                                             sizeof g_buf - 1 - N * es),
                          "%s (%g, %g, [%g, %g]): wrote outside out[0 .. n-1]",
                          simdinit_dtype_name(dt), mean, std, a, b);
                    double lo = hard_bound(a, dt, 1), hi = hard_bound(b, dt, 0);
                    double alpha = (lo - mean) / std, beta = (hi - mean) / std;
                    int bad = 0;
                    for (size_t i = 0; i < N && bad < 1; i++) {
                        double v = hard_value(g_buf + 1, dt, i);
                        if (!(v >= a && v <= b)) {
                            bad++;
                            check(0, "%s (%g, %g, [%g, %g]) [%zu] = %g outside [a, b]",
                                  simdinit_dtype_name(dt), mean, std, a, b, i, v);
                        } else if (alpha == INFINITY && v != lo) {
                            bad++;
                            check(0, "%s (%g, %g, [%g, %g]) [%zu] = %.17g, want the near "
                                  "bound %.17g", simdinit_dtype_name(dt), mean, std, a, b, i, v, lo);
                        } else if (beta == -INFINITY && v != hi) {
                            bad++;
                            check(0, "%s (%g, %g, [%g, %g]) [%zu] = %.17g, want the near "
                                  "bound %.17g", simdinit_dtype_name(dt), mean, std, a, b, i, v, hi);
                        }
                    }
                    check(bad == 0, "values of case %d", cases);
                }
    }
    printf("trunc_normal sweep: %d cases, slowest call %.6f s, %d over %.1f s\n", cases, worst,
           slow, CALL_LIMIT_S);
}

/* ---- defect 2 ------------------------------------------------------------- */

static void trunc_out_of_range(void)
{
    static const struct {
        simdinit_dtype dt;
        double a, b;
    } bad[] = {
        {SIMDINIT_F16, 7e4, 8e4},      {SIMDINIT_F32, 1e39, 1e40},
        {SIMDINIT_BF16, -1e40, -1e39}, {SIMDINIT_F16, 65504.5, 1e10},
        {SIMDINIT_F16, -1e10, -65520}, {SIMDINIT_BF16, 3.4e38, 1e300},
        {SIMDINIT_F32, -1e300, -3.5e38},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(bad); i++) {
        simdinit_dist d = simdinit_dist_trunc_normal(0, 1, bad[i].a, bad[i].b);
        t_canary_fill(g_buf, sizeof g_buf);
        simdinit_status s = simdinit_fill(g_buf, bad[i].dt, 4, 0, 0, 1, &d);
        check(s == SIMDINIT_ERR_RANGE, "%s trunc_normal [%g, %g]: %d, want RANGE",
              simdinit_dtype_name(bad[i].dt), bad[i].a, bad[i].b, (int)s);
        check(all_canary(g_buf, sizeof g_buf), "%s [%g, %g]: wrote on error",
              simdinit_dtype_name(bad[i].dt), bad[i].a, bad[i].b);
        check(simdinit_dist_check(&d, bad[i].dt) == SIMDINIT_ERR_RANGE,
              "%s [%g, %g]: dist_check disagrees", simdinit_dtype_name(bad[i].dt), bad[i].a,
              bad[i].b);
        /* std 0 (the constant path) the same */
        d.std = 0;
        check(simdinit_dist_check(&d, bad[i].dt) == SIMDINIT_ERR_RANGE,
              "%s [%g, %g] std 0: not RANGE", simdinit_dtype_name(bad[i].dt), bad[i].a, bad[i].b);
    }
    /* Intervals reaching beyond the range but holding the largest value are
     * fine: everything lands on +-max. */
    static const struct {
        simdinit_dtype dt;
        double a, b, want;
    } edge[] = {
        {SIMDINIT_F16, 65504, 1e10, 65504},
        {SIMDINIT_F16, -1e10, -65504, -65504},
        {SIMDINIT_BF16, 0x1.fep127, 1e300, 0x1.fep127},
        {SIMDINIT_F32, -1e300, -FLT_MAX, -FLT_MAX},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(edge); i++) {
        simdinit_status s = simdinit_trunc_normal(g_buf, edge[i].dt, 8, 0, 0, 1, 0, 1, edge[i].a,
                                                  edge[i].b);
        check(s == SIMDINIT_OK, "%s trunc_normal [%g, %g]: %d", simdinit_dtype_name(edge[i].dt),
              edge[i].a, edge[i].b, (int)s);
        for (size_t j = 0; s == SIMDINIT_OK && j < 8; j++)
            check(hard_value(g_buf, edge[i].dt, j) == edge[i].want, "%s [%g, %g] [%zu] = %g",
                  simdinit_dtype_name(edge[i].dt), edge[i].a, edge[i].b, j,
                  hard_value(g_buf, edge[i].dt, j));
    }
}

/* ---- smaller items -------------------------------------------------------- */

static void shapes_with_zero(void)
{
    const uint64_t M = UINT64_MAX;
    uint64_t n = 7, fi = 7, fo = 7;
    uint64_t s1[3] = {M, M, 0};
    check(simdinit_numel(s1, 3, &n) == SIMDINIT_OK && n == 0, "numel({max, max, 0}) = %llu",
          (unsigned long long)n);
    uint64_t s2[4] = {0, M, M, M};
    n = 7;
    check(simdinit_numel(s2, 4, &n) == SIMDINIT_OK && n == 0, "numel({0, max, max, max})");
    uint64_t s3[2] = {M, 2};
    check(simdinit_numel(s3, 2, &n) == SIMDINIT_ERR_OVERFLOW, "numel({max, 2}) not OVERFLOW");
    uint64_t s4[5] = {1, 1, M, M, 0};   /* receptive field 0 */
    check(simdinit_fans(s4, 5, SIMDINIT_LAYOUT_TORCH, &fi, &fo) == SIMDINIT_OK && fi == 0 &&
          fo == 0, "torch fans({1, 1, max, max, 0})");
    uint64_t s5[4] = {M, M, 0, 0};      /* keras: fans 0 * receptive */
    check(simdinit_fans(s5, 4, SIMDINIT_LAYOUT_KERAS, &fi, &fo) == SIMDINIT_OK && fi == 0 &&
          fo == 0, "keras fans({max, max, 0, 0})");
    uint64_t s6[4] = {0, 3, M, M};      /* torch: receptive overflows, fan_in nonzero */
    check(simdinit_fans(s6, 4, SIMDINIT_LAYOUT_TORCH, &fi, &fo) == SIMDINIT_ERR_OVERFLOW,
          "torch fans({0, 3, max, max}) not OVERFLOW");
}

static void nthreads_first(void)
{
    simdinit_dist u = simdinit_dist_uniform(0, 1);
    size_t fail = 99;
    check(simdinit_fill_mt(NULL, SIMDINIT_F32, 0, 0, 1, 2, &u, -1) == SIMDINIT_ERR_BAD_PARAM,
          "fill_mt(n 0, nthreads -1) not BAD_PARAM");
    check(simdinit_init_tensors(NULL, 0, -1, &fail) == SIMDINIT_ERR_BAD_PARAM,
          "init_tensors(count 0, nthreads -1) not BAD_PARAM");
    check(simdinit_init_tensors(NULL, 0, 0, &fail) == SIMDINIT_OK, "init_tensors(count 0) not OK");
    check(fail == 99, "failed_index written without a failing tensor");
}

static int g_fail_after = -1;   /* allocations left before failing; < 0: never fail */
static void *failing_calloc(size_t n, size_t size)
{
    if (g_fail_after == 0)
        return NULL;
    if (g_fail_after > 0)
        g_fail_after--;
    return calloc(n, size);
}

static void init_tensors_nomem(void)
{
    static float w[64], b[8];
    simdinit_tensor t[2];
    memset(t, 0, sizeof t);
    t[0].out = w; t[0].dtype = SIMDINIT_F32; t[0].ndim = 2; t[0].shape[0] = 8; t[0].shape[1] = 8;
    t[0].dist = simdinit_dist_normal(0, 1); t[0].seed = 1; t[0].stream = 2;
    t[1].out = b; t[1].dtype = SIMDINIT_F32; t[1].ndim = 1; t[1].shape[0] = 8;
    t[1].dist = simdinit_dist_uniform(-1, 1); t[1].seed = 1; t[1].stream = 3;
    check(strcmp(simdinit_strerror(SIMDINIT_ERR_NOMEM), "unknown status") != 0 &&
          (int)SIMDINIT_ERR_NOMEM == 15, "SIMDINIT_ERR_NOMEM is 15 with a message");
    si_calloc_fn = failing_calloc;
    /* Each of the four work arrays in turn. */
    for (int k = 0; k < 4; k++) {
        memset(w, 0xA5, sizeof w);
        memset(b, 0xA5, sizeof b);
        g_fail_after = k;
        simdinit_status s = simdinit_init_tensors(t, 2, 2, NULL);
        check(s == SIMDINIT_ERR_NOMEM, "allocation %d failing: init_tensors returned %d", k, (int)s);
        check(all_canary((unsigned char *)w, sizeof w) && all_canary((unsigned char *)b, sizeof b),
              "allocation %d failing: init_tensors wrote", k);
    }
    g_fail_after = -1;
    check(simdinit_init_tensors(t, 2, 2, NULL) == SIMDINIT_OK, "init_tensors after the failures");
    si_calloc_fn = calloc;
}

/* SIMDINIT_NUM_THREADS: read on each call, so setenv works in-process. */
static void num_threads_env(void)
{
    static const char *const bad[] = {"99999999999999999999", "0", "-3", "257", "4x", " 4",
                                      "+4", "1e3", "0x10", "garbage"};
    static const char *const good[] = {"1", "3", "256", "0004"};
    static float out[5000], ref[5000];
    simdinit_dist d = simdinit_dist_normal(0, 1);
    check(simdinit_fill(ref, SIMDINIT_F32, 5000, 9, 1, 2, &d) == SIMDINIT_OK, "reference fill");
    for (size_t i = 0; i < T_ARRAY_LEN(bad); i++) {
        setenv("SIMDINIT_NUM_THREADS", bad[i], 1);
        check(simdinit_default_threads() == 0, "SIMDINIT_NUM_THREADS='%s': default_threads %d",
              bad[i], simdinit_default_threads());
        memset(out, 0xA5, sizeof out);
        simdinit_status s = simdinit_fill_mt(out, SIMDINIT_F32, 5000, 9, 1, 2, &d, 0);
        check(s == SIMDINIT_ERR_BAD_ENV, "SIMDINIT_NUM_THREADS='%s': fill_mt(0) returned %d",
              bad[i], (int)s);
        check(all_canary((unsigned char *)out, sizeof out), "'%s': fill_mt wrote", bad[i]);
        check(simdinit_fill_mt(out, SIMDINIT_F32, 5000, 9, 1, 2, &d, 2) == SIMDINIT_OK &&
              memcmp(out, ref, sizeof out) == 0, "'%s': explicit nthreads 2 failed", bad[i]);
    }
    for (size_t i = 0; i < T_ARRAY_LEN(good); i++) {
        setenv("SIMDINIT_NUM_THREADS", good[i], 1);
        check(simdinit_default_threads() == atoi(good[i]), "SIMDINIT_NUM_THREADS='%s': %d",
              good[i], simdinit_default_threads());
        memset(out, 0xA5, sizeof out);
        check(simdinit_fill_mt(out, SIMDINIT_F32, 5000, 9, 1, 2, &d, 0) == SIMDINIT_OK &&
              memcmp(out, ref, sizeof out) == 0, "'%s': fill_mt(0) failed", good[i]);
    }
    setenv("SIMDINIT_NUM_THREADS", "", 1);
    check(simdinit_default_threads() >= 1, "empty SIMDINIT_NUM_THREADS: default %d",
          simdinit_default_threads());
    unsetenv("SIMDINIT_NUM_THREADS");
}

/* Rejecting NaN / inf parameters raises no FE_INVALID. */
static void no_invalid_flag(void)
{
    const double bads[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < T_ARRAY_LEN(bads); i++) {
        double x = bads[i];
        const simdinit_dist ds[] = {
            simdinit_dist_uniform(x, 1), simdinit_dist_uniform(0, x),
            simdinit_dist_normal(x, 1), simdinit_dist_normal(0, x),
            simdinit_dist_trunc_normal(x, 1, -1, 1), simdinit_dist_trunc_normal(0, x, -1, 1),
            /* a bound: NaN, a = +inf, b = -inf (a = -inf, b = +inf are valid) */
            simdinit_dist_trunc_normal(0, 1, x == -INFINITY ? NAN : x, 1),
            simdinit_dist_trunc_normal(0, 1, -1, x == INFINITY ? NAN : x),
            simdinit_dist_constant(x),
        };
        for (size_t k = 0; k < T_ARRAY_LEN(ds); k++)
            for (int t = 0; t < 4; t++) {
                feclearexcept(FE_ALL_EXCEPT);
                simdinit_status s = simdinit_fill(g_buf, t_dtypes[t], 4, 0, 1, 2, &ds[k]);
                int inv = fetestexcept(FE_INVALID) != 0;
                check(s == SIMDINIT_ERR_NONFINITE && !inv, "param %g case %zu %s: status %d, "
                      "FE_INVALID %d", x, k, simdinit_dtype_name(t_dtypes[t]), (int)s, inv);
            }
        simdinit_scheme sc = simdinit_scheme_default(SIMDINIT_XAVIER_UNIFORM);
        sc.gain = x;
        simdinit_dist d;
        double g;
        feclearexcept(FE_ALL_EXCEPT);
        simdinit_status s1 = simdinit_scheme_dist_fans(&sc, 3, 4, &d);
        simdinit_status s2 = simdinit_gain(SIMDINIT_NL_LEAKY_RELU, x, &g);
        check(s1 == SIMDINIT_ERR_NONFINITE && s2 == SIMDINIT_ERR_NONFINITE &&
              !fetestexcept(FE_INVALID), "scheme/gain with %g: %d %d, FE_INVALID %d", x, (int)s1,
              (int)s2, fetestexcept(FE_INVALID) != 0);
    }
    /* Out-of-range constants (rounded to infinity) are RANGE without FE_INVALID. */
    simdinit_dist c = simdinit_dist_constant(1e6);
    feclearexcept(FE_ALL_EXCEPT);
    check(simdinit_dist_check(&c, SIMDINIT_F16) == SIMDINIT_ERR_RANGE && !fetestexcept(FE_INVALID),
          "constant(1e6) as f16");
}

int main(void)
{
    tiny_std_reproducer();
    tiny_std_sweep();
    trunc_out_of_range();
    shapes_with_zero();
    nthreads_first();
    init_tensors_nomem();
    num_threads_env();
    no_invalid_flag();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
