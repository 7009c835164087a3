/*
 * The threaded and sharded entry points (simdinit_fill_mt, fill_scheme_mt,
 * plan_chunks, init_tensors, fill_shard) change who writes which range, never
 * a bit: each must equal the single-call fill exactly, write nothing outside
 * its output, and write nothing at all on error.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

static const simdinit_dist *dists(size_t *n)
{
    static simdinit_dist d[4];
    d[0] = simdinit_dist_uniform(-0.5, 2.0);
    d[1] = simdinit_dist_normal(0.25, 1.5);
    d[2] = simdinit_dist_trunc_normal(0, 1, -2, 2);
    d[3] = simdinit_dist_trunc_normal(0, 1, 2.5, 4);
    *n = 4;
    return d;
}

static const int thread_counts[] = {0, 1, 2, 3, 7};

Test(parallel, default_threads)
{
    int t = simdinit_default_threads();
    cr_expect(t >= 1 && t <= 256, "default_threads() = %d", t);
}

Test(parallel, fill_mt_equals_fill)
{
    enum { N = 50001 };
    size_t nd;
    const simdinit_dist *d = dists(&nd);
    unsigned char *ref = malloc(N * 8), *got = malloc(N * 8 + 16);
    cr_assert(ref && got);
    static const uint64_t offsets[] = {0, 1000003, (UINT64_C(1) << 40) + 3};
    for (size_t k = 0; k < nd; k++)
        for (int j = 0; j < 4; j++)
            for (size_t o = 0; o < T_ARRAY_LEN(offsets); o++) {
                simdinit_dtype dt = t_dtypes[j];
                size_t sz = elem_size(dt);
                cr_assert_eq(simdinit_fill(ref, dt, N, offsets[o], 8, 1, &d[k]), SIMDINIT_OK);
                for (size_t t = 0; t < T_ARRAY_LEN(thread_counts); t++) {
                    t_canary_fill(got, N * 8 + 16);
                    cr_assert_eq(simdinit_fill_mt(got + 3, dt, N, offsets[o], 8, 1, &d[k],
                                                  thread_counts[t]),
                                 SIMDINIT_OK);
                    cr_expect(memcmp(got + 3, ref, N * sz) == 0,
                              "dist %zu as %s, offset %llu, %d threads: differs from fill", k,
                              simdinit_dtype_name(dt), (unsigned long long)offsets[o],
                              thread_counts[t]);
                    cr_expect(t_canary_intact(got, 3) && t_canary_intact(got + 3 + N * sz, 13),
                              "fill_mt wrote outside its output");
                }
            }
    free(ref);
    free(got);
}

Test(parallel, fill_scheme_mt_equals_fill_scheme)
{
    static const uint64_t shape[2] = {300, 170};
    enum { N = 300 * 170 };
    float *ref = malloc(N * sizeof *ref), *got = malloc(N * sizeof *got);
    cr_assert(ref && got);
    for (int k = SIMDINIT_XAVIER_UNIFORM; k <= SIMDINIT_VARIANCE_SCALING; k++) {
        if (k == SIMDINIT_TORCH_LINEAR_BIAS)
            continue; /* its tensor is the 300-element bias: test_schemes */
        simdinit_scheme s = simdinit_scheme_default((simdinit_scheme_kind)k);
        cr_assert_eq(simdinit_fill_scheme(ref, SIMDINIT_F32, shape, 2, SIMDINIT_LAYOUT_TORCH, &s,
                                          N, 0, 5, 6),
                     SIMDINIT_OK);
        for (size_t t = 0; t < T_ARRAY_LEN(thread_counts); t++) {
            memset(got, 0, N * sizeof *got);
            cr_assert_eq(simdinit_fill_scheme_mt(got, SIMDINIT_F32, shape, 2, SIMDINIT_LAYOUT_TORCH,
                                                 &s, N, 0, 5, 6, thread_counts[t]),
                         SIMDINIT_OK);
            cr_expect(memcmp(got, ref, N * sizeof *got) == 0, "%s, %d threads",
                      simdinit_scheme_name((simdinit_scheme_kind)k), thread_counts[t]);
        }
        /* A slice at an offset, too. */
        cr_assert_eq(simdinit_fill_scheme_mt(got, SIMDINIT_F32, shape, 2, SIMDINIT_LAYOUT_TORCH, &s,
                                             N - 4097, 4097, 5, 6, 3),
                     SIMDINIT_OK);
        cr_expect(memcmp(got, ref + 4097, (N - 4097) * sizeof *got) == 0, "%s slice",
                  simdinit_scheme_name((simdinit_scheme_kind)k));
    }
    free(ref);
    free(got);
}

Test(parallel, plan_chunks)
{
    size_t nd;
    const simdinit_dist *d = dists(&nd);
    t_rng rng = {77};
    size_t bounds[65];
    unsigned char *ref = malloc(200000 * 8), *got = malloc(200000 * 8);
    cr_assert(ref && got);
    for (int rep = 0; rep < 200; rep++) {
        const simdinit_dist *dist = &d[rep % nd];
        simdinit_dtype dt = t_dtypes[(rep / 4) % 4];
        size_t sz = elem_size(dt);
        size_t n = rep % 10 == 0 ? (size_t)t_range(&rng, 0, 20) : (size_t)t_range(&rng, 1, 200000);
        uint64_t off = rep % 3 ? t_range(&rng, 0, 100000) : t_next(&rng) >> 8;
        size_t maxc = (size_t)t_range(&rng, 1, 64), nc = 12345;
        uint32_t block = si_block_elems(dist->kind, dt);
        cr_assert_eq(simdinit_plan_chunks(dt, dist, off, n, maxc, bounds, &nc), SIMDINIT_OK);
        if (n == 0) {
            cr_expect_eq(nc, 0, "n == 0 must give no chunks");
            continue;
        }
        cr_assert(nc >= 1 && nc <= maxc, "%zu chunks for max %zu", nc, maxc);
        cr_expect_eq(bounds[0], 0);
        cr_expect_eq(bounds[nc], n, "last bound %zu, n %zu", bounds[nc], n);
        /* Balance: the blocks each chunk touches differ by at most one in
         * number (a partial first or last block counts as one). */
        uint64_t blo = UINT64_MAX, bhi = 0;
        size_t lo = SIZE_MAX, hi = 0;
        for (size_t c = 0; c < nc; c++) {
            uint64_t first = (off + bounds[c]) / block, last = (off + bounds[c + 1] - 1) / block;
            blo = last - first + 1 < blo ? last - first + 1 : blo;
            bhi = last - first + 1 > bhi ? last - first + 1 : bhi;
            cr_assert_lt(bounds[c], bounds[c + 1], "chunk %zu is empty or reversed", c);
            if (c > 0)
                cr_expect_eq((off + bounds[c]) % block, 0,
                             "inner bound %zu (offset %llu) not on a block boundary (%u)", bounds[c],
                             (unsigned long long)off, block);
            size_t len = bounds[c + 1] - bounds[c];
            lo = len < lo ? len : lo;
            hi = len > hi ? len : hi;
        }
        cr_expect_leq(bhi - blo, 1, "chunks touch %llu..%llu blocks (n %zu, offset %llu, max %zu)",
                      (unsigned long long)blo, (unsigned long long)bhi, n, (unsigned long long)off,
                      maxc);
        cr_expect_lt(hi - lo, 2 * (size_t)block, "chunk sizes %zu..%zu (block %u)", lo, hi, block);
        /* Chunks filled in reverse order give the one-call bits. */
        cr_assert_eq(simdinit_fill(ref, dt, n, off, 3, 3, dist), SIMDINIT_OK);
        for (size_t c = nc; c-- > 0;)
            cr_assert_eq(simdinit_fill(got + bounds[c] * sz, dt, bounds[c + 1] - bounds[c],
                                       off + bounds[c], 3, 3, dist),
                         SIMDINIT_OK);
        cr_expect(memcmp(ref, got, n * sz) == 0, "chunked fill differs (rep %d)", rep);
    }
    free(ref);
    free(got);
}

Test(parallel, fill_shard_equals_submatrix)
{
    enum { ROWS = 37, COLS = 5003 };
    size_t nd;
    const simdinit_dist *d = dists(&nd);
    unsigned char *full = malloc((size_t)ROWS * COLS * 8), *shard = malloc((size_t)ROWS * COLS * 8 + 64);
    cr_assert(full && shard);
    static const uint64_t sh[][4] = {
        {0, ROWS, 0, COLS}, {0, ROWS, 1000, 2500}, {5, 6, 0, COLS}, {3, 30, 4095, 4097},
        {10, 20, 17, 18}, {0, 1, 4999, COLS}, {7, 7, 0, 10}, {2, 9, 3, 3},
    };
    for (size_t k = 0; k < nd; k++)
        for (int j = 0; j < 4; j++) {
            simdinit_dtype dt = t_dtypes[j];
            size_t sz = elem_size(dt);
            cr_assert_eq(simdinit_fill(full, dt, (size_t)ROWS * COLS, 0, 12, 34, &d[k]), SIMDINIT_OK);
            for (size_t s = 0; s < T_ARRAY_LEN(sh); s++) {
                uint64_t r0 = sh[s][0], r1 = sh[s][1], c0 = sh[s][2], c1 = sh[s][3];
                size_t w = (size_t)(c1 - c0), ld = w + (s % 3) * 5; /* some padding */
                size_t bytes = (r1 > r0 ? (size_t)(r1 - r0 - 1) * ld + w : 0) * sz;
                t_canary_fill(shard, (size_t)ROWS * COLS * 8 + 64);
                cr_assert_eq(simdinit_fill_shard(shard, ld, dt, ROWS, COLS, r0, r1, c0, c1, 12, 34, &d[k]),
                             SIMDINIT_OK, "shard %zu", s);
                for (uint64_t r = r0; r < r1; r++) {
                    unsigned char *row = shard + (size_t)(r - r0) * ld * sz;
                    cr_expect(memcmp(row, full + ((size_t)r * COLS + c0) * sz, w * sz) == 0,
                              "dist %zu as %s, shard %zu: row %llu differs", k,
                              simdinit_dtype_name(dt), s, (unsigned long long)r);
                    if (r + 1 < r1)
                        cr_expect(t_canary_intact(row + w * sz, (ld - w) * sz),
                                  "shard %zu wrote into the row padding", s);
                }
                cr_expect(t_canary_intact(shard + bytes, 64), "shard %zu wrote past its end", s);
            }
        }
    free(full);
    free(shard);
}

Test(parallel, init_tensors_equals_fills)
{
    enum { NT = 6 };
    static float buf_f32[3][40000];
    static uint16_t buf_bf16[3][40000];
    simdinit_scheme he = simdinit_scheme_default(SIMDINIT_HE_NORMAL);
    simdinit_scheme xu = simdinit_scheme_default(SIMDINIT_XAVIER_UNIFORM);
    simdinit_tensor t[NT];
    memset(t, 0, sizeof t);
    uint64_t shapes[NT][2] = {{200, 200}, {64, 3}, {1, 1}, {100, 300}, {7, 9}, {39999, 1}};
    for (int i = 0; i < NT; i++) {
        t[i].name = "t";
        t[i].out = i < 3 ? (void *)buf_f32[i] : (void *)buf_bf16[i - 3];
        t[i].dtype = i < 3 ? SIMDINIT_F32 : SIMDINIT_BF16;
        t[i].shape[0] = shapes[i][0];
        t[i].shape[1] = shapes[i][1];
        t[i].ndim = 2;
        t[i].layout = SIMDINIT_LAYOUT_TORCH;
        t[i].scheme = i % 3 == 0 ? &he : i % 3 == 1 ? &xu : NULL;
        t[i].dist = simdinit_dist_trunc_normal(0, 0.02, -0.04, 0.04);
        t[i].seed = 99;
        t[i].stream = (uint64_t)i;
    }
    static unsigned char want[40000 * 4];
    for (size_t th = 0; th < T_ARRAY_LEN(thread_counts); th++) {
        for (int i = 0; i < 3; i++) {
            memset(buf_f32[i], 0, sizeof buf_f32[i]);
            memset(buf_bf16[i], 0, sizeof buf_bf16[i]);
        }
        size_t failed = 777;
        cr_assert_eq(simdinit_init_tensors(t, NT, thread_counts[th], &failed), SIMDINIT_OK);
        for (int i = 0; i < NT; i++) {
            size_t n = (size_t)(shapes[i][0] * shapes[i][1]);
            if (t[i].scheme)
                cr_assert_eq(simdinit_fill_scheme(want, t[i].dtype, t[i].shape, 2, t[i].layout,
                                                  t[i].scheme, n, 0, 99, (uint64_t)i),
                             SIMDINIT_OK);
            else
                cr_assert_eq(simdinit_fill(want, t[i].dtype, n, 0, 99, (uint64_t)i, &t[i].dist),
                             SIMDINIT_OK);
            cr_expect(memcmp(want, t[i].out, n * elem_size(t[i].dtype)) == 0,
                      "tensor %d, %d threads: differs from its single fill", i, thread_counts[th]);
        }
    }
}

/* ---- errors: the status, and nothing written ---- */

Test(parallel, errors_write_nothing)
{
    static unsigned char buf[4096];
    simdinit_dist u = simdinit_dist_uniform(0, 1), bad = simdinit_dist_normal(0, -1);
    t_canary_fill(buf, sizeof buf);
    cr_expect_eq(simdinit_fill_mt(buf, SIMDINIT_F32, 100, 0, 1, 2, &u, -1), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_fill_mt(NULL, SIMDINIT_F32, 100, 0, 1, 2, &u, 2), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_fill_mt(buf, SIMDINIT_F32, 100, 0, 1, 2, &bad, 2), SIMDINIT_ERR_NEGATIVE_STD);
    cr_expect_eq(simdinit_fill_mt(buf, SIMDINIT_F32, 2, UINT64_MAX, 1, 2, &u, 2), SIMDINIT_ERR_OVERFLOW);
    cr_expect_eq(simdinit_fill_mt(NULL, SIMDINIT_F32, 0, 0, 1, 2, &u, 2), SIMDINIT_OK);
    static const uint64_t shape[2] = {10, 10};
    simdinit_scheme s = simdinit_scheme_default(SIMDINIT_KAIMING_NORMAL);
    cr_expect_eq(simdinit_fill_scheme_mt(buf, SIMDINIT_F32, shape, 2, SIMDINIT_LAYOUT_TORCH, &s, 101, 0, 1, 2, 2),
                 SIMDINIT_ERR_OUT_OF_TENSOR);
    cr_expect_eq(simdinit_fill_scheme_mt(buf, SIMDINIT_F32, shape, 2, SIMDINIT_LAYOUT_TORCH, &s, 10, 0, 1, 2, -3),
                 SIMDINIT_ERR_BAD_PARAM);
    cr_expect(t_canary_intact(buf, sizeof buf), "fill_mt / fill_scheme_mt wrote on error");

    size_t bounds[8], nc = 99;
    cr_expect_eq(simdinit_plan_chunks(SIMDINIT_F32, &u, 0, 100, 0, bounds, &nc), SIMDINIT_ERR_BAD_PARAM);
    cr_expect_eq(simdinit_plan_chunks(SIMDINIT_F32, &u, 0, 100, 4, NULL, &nc), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_plan_chunks(SIMDINIT_F32, &u, 0, 100, 4, bounds, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_plan_chunks(SIMDINIT_F32, NULL, 0, 100, 4, bounds, &nc), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_plan_chunks(SIMDINIT_F32, &bad, 0, 100, 4, bounds, &nc), SIMDINIT_ERR_NEGATIVE_STD);
    cr_expect_eq(simdinit_plan_chunks((simdinit_dtype)9, &u, 0, 100, 4, bounds, &nc), SIMDINIT_ERR_BAD_ENUM);
    cr_expect_eq(nc, 99, "plan_chunks wrote *nchunks on error");

    /* Shards of a 10 x 20 tensor. */
    struct {
        uint64_t rows, cols, r0, r1, c0, c1;
        size_t ld;
        simdinit_status want;
    } sh[] = {
        {10, 20, 5, 4, 0, 20, 20, SIMDINIT_ERR_OUT_OF_TENSOR},  /* r0 > r1 */
        {10, 20, 0, 11, 0, 20, 20, SIMDINIT_ERR_OUT_OF_TENSOR}, /* r1 > rows */
        {10, 20, 0, 10, 6, 5, 20, SIMDINIT_ERR_OUT_OF_TENSOR},  /* c0 > c1 */
        {10, 20, 0, 10, 0, 21, 21, SIMDINIT_ERR_OUT_OF_TENSOR}, /* c1 > cols */
        {10, 20, 0, 2, 0, 20, 19, SIMDINIT_ERR_BAD_PARAM},      /* ld < width, 2 rows */
        {UINT64_C(1) << 33, UINT64_C(1) << 33, 0, 1, 0, 1, 1, SIMDINIT_ERR_OVERFLOW},
    };
    for (size_t i = 0; i < T_ARRAY_LEN(sh); i++) {
        t_canary_fill(buf, sizeof buf);
        simdinit_status st = simdinit_fill_shard(buf, sh[i].ld, SIMDINIT_F32, sh[i].rows, sh[i].cols,
                                                 sh[i].r0, sh[i].r1, sh[i].c0, sh[i].c1, 1, 2, &u);
        cr_expect_eq(st, sh[i].want, "shard case %zu: %d (%s)", i, (int)st, simdinit_strerror(st));
        cr_expect(t_canary_intact(buf, sizeof buf), "shard case %zu wrote on error", i);
    }
    t_canary_fill(buf, sizeof buf);
    cr_expect_eq(simdinit_fill_shard(buf, 20, SIMDINIT_F32, 10, 20, 0, 2, 0, 20, 1, 2, &bad),
                 SIMDINIT_ERR_NEGATIVE_STD);
    cr_expect_eq(simdinit_fill_shard(NULL, 20, SIMDINIT_F32, 10, 20, 0, 2, 0, 20, 1, 2, &u),
                 SIMDINIT_ERR_NULL);
    /* One row needs no leading dimension. */
    cr_expect_eq(simdinit_fill_shard(buf, 0, SIMDINIT_F32, 10, 20, 3, 4, 2, 9, 1, 2, &u), SIMDINIT_OK);
    cr_expect(t_canary_intact(buf + 7 * 4, sizeof buf - 7 * 4), "one-row shard wrote past its end");

    /* init_tensors: one bad tensor, nothing written to any. */
    static unsigned char a[400], b[400], c[400];
    simdinit_tensor t[3];
    memset(t, 0, sizeof t);
    unsigned char *outs[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        t[i].out = outs[i];
        t[i].dtype = SIMDINIT_F32;
        t[i].shape[0] = 10;
        t[i].shape[1] = 10;
        t[i].ndim = 2;
        t[i].dist = u;
        t[i].stream = (uint64_t)i;
    }
    t[2].dist = bad;
    size_t failed = 99;
    t_canary_fill(a, sizeof a);
    t_canary_fill(b, sizeof b);
    t_canary_fill(c, sizeof c);
    cr_expect_eq(simdinit_init_tensors(t, 3, 2, &failed), SIMDINIT_ERR_NEGATIVE_STD);
    cr_expect_eq(failed, 2, "failed_index %zu, want 2", failed);
    t[2].dist = u;
    t[1].out = NULL;
    cr_expect_eq(simdinit_init_tensors(t, 3, 2, &failed), SIMDINIT_ERR_NULL);
    cr_expect_eq(failed, 1, "failed_index %zu, want 1", failed);
    t[1].out = b;
    t[0].ndim = 17;
    cr_expect_eq(simdinit_init_tensors(t, 3, 2, NULL), SIMDINIT_ERR_BAD_SHAPE);
    cr_expect(t_canary_intact(a, sizeof a) && t_canary_intact(b, sizeof b) &&
                  t_canary_intact(c, sizeof c),
              "init_tensors wrote on error");
    cr_expect_eq(simdinit_init_tensors(NULL, 3, 2, NULL), SIMDINIT_ERR_NULL);
    cr_expect_eq(simdinit_init_tensors(t, 0, 2, NULL), SIMDINIT_OK);
    t[0].ndim = 2;
    cr_expect_eq(simdinit_init_tensors(t, 3, -1, NULL), SIMDINIT_ERR_BAD_PARAM);
}
