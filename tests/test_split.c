/*
 * Index-addressed determinism: element i depends only on (seed, stream, i,
 * dist, dtype). Filling [0, N) in one call must give the same bytes as any
 * split into pieces (tiny ones, ones that start or end on either side of a
 * block or group boundary), as fills at huge offsets computed in pieces, as
 * fills from several threads, and as every other usable backend; different
 * seeds and streams must give different data. Every piece is written to a
 * guarded, misaligned scratch buffer first to prove nothing outside
 * out[0 .. n-1] is touched.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

#define N 40000
#define GUARD 64

typedef struct dcase {
    simdinit_dist d;
    const char *name;
} dcase;

static const dcase *cases(size_t *n)
{
    static dcase c[7];
    c[0] = (dcase){simdinit_dist_uniform(-0.5, 2.0), "uniform(-0.5, 2)"};
    c[1] = (dcase){simdinit_dist_normal(0.25, 1.5), "normal(0.25, 1.5)"};
    c[2] = (dcase){simdinit_dist_trunc_normal(0, 1, -2, 2), "trunc_normal(0, 1, -2, 2)"};
    c[3] = (dcase){simdinit_dist_trunc_normal(0, 1, 3, 5), "trunc_normal(0, 1, 3, 5)"};
    c[4] = (dcase){simdinit_dist_trunc_normal(1, 0.5, 0.9, 40), "trunc_normal(1, 0.5, 0.9, 40)"};
    c[5] = (dcase){simdinit_dist_trunc_normal(0, 1, -9, -8), "trunc_normal(0, 1, -9, -8)"};
    c[6] = (dcase){simdinit_dist_constant(0.1), "constant(0.1)"};
    *n = 7;
    return c;
}

/* Fill [base + start, base + start + len) into dst via a misaligned scratch
 * buffer with guard bytes on both sides; checks the guards. */
static void fill_piece(unsigned char *dst, simdinit_dtype dt, uint64_t base, size_t start,
                       size_t len, uint64_t seed, uint64_t stream, const simdinit_dist *d,
                       unsigned char *scratch, unsigned skew)
{
    size_t sz = elem_size(dt), bytes = len * sz;
    t_canary_fill(scratch, bytes + 2 * GUARD + 8);
    unsigned char *p = scratch + GUARD + skew;
    simdinit_status s = simdinit_fill(p, dt, len, base + start, seed, stream, d);
    cr_assert_eq(s, SIMDINIT_OK, "fill(n=%zu, offset=%llu) failed: %s", len,
                 (unsigned long long)(base + start), simdinit_strerror(s));
    cr_assert(t_canary_intact(scratch, GUARD + skew), "fill(n=%zu, offset=%llu) wrote before out",
              len, (unsigned long long)(base + start));
    cr_assert(t_canary_intact(p + bytes, GUARD), "fill(n=%zu, offset=%llu) wrote past out[n-1]", len,
              (unsigned long long)(base + start));
    memcpy(dst + start * sz, p, bytes);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Cut points in [0, N]: block and group boundaries and their neighbours, a run
 * of tiny pieces (1..17 elements), and random ones. Returns the count. */
static size_t make_cuts(size_t *cuts, uint32_t block, t_rng *rng)
{
    size_t k = 0;
    cuts[k++] = 0;
    cuts[k++] = N;
    for (size_t b = block; b < N; b += block) {
        static const int d[] = {-17, -16, -15, -1, 0, 1, 15, 16, 17};
        for (size_t i = 0; i < T_ARRAY_LEN(d); i++)
            cuts[k++] = (size_t)((long)b + d[i]);
    }
    /* Tiny pieces across the first group boundaries and across block 1's start. */
    for (size_t p = 0; p < 300; p += t_range(rng, 1, 17))
        cuts[k++] = p;
    for (size_t p = block - 150; p < block + 150; p += t_range(rng, 1, 17))
        cuts[k++] = p;
    for (int i = 0; i < 60; i++)
        cuts[k++] = (size_t)t_range(rng, 1, N - 1);
    qsort(cuts, k, sizeof *cuts, cmp_size);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || cuts[i] != cuts[u - 1])
            cuts[u++] = cuts[i];
    return u;
}

/* Compare two fills of N elements; report the first differing element. */
static void expect_same(const unsigned char *a, const unsigned char *b, simdinit_dtype dt,
                        const char *what, const char *name)
{
    size_t sz = elem_size(dt);
    if (memcmp(a, b, N * sz) == 0)
        return;
    size_t i = 0;
    while (memcmp(a + i * sz, b + i * sz, sz) == 0)
        i++;
    cr_expect_fail("%s, %s as %s: element %zu differs (0x%llx vs one call 0x%llx)", what, name,
                   simdinit_dtype_name(dt), i, (unsigned long long)elem_bits(b, dt, i),
                   (unsigned long long)elem_bits(a, dt, i));
}

/* The splits of one case at one base offset. */
static void split_case(const dcase *c, uint64_t base, uint64_t seed)
{
    unsigned char *whole = malloc(N * 8), *parts = malloc(N * 8);
    unsigned char *scratch = malloc(N * 8 + 2 * GUARD + 8);
    size_t *cuts = malloc(4096 * sizeof *cuts);
    cr_assert(whole && parts && scratch && cuts);
    t_rng rng = {seed ^ base};
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        uint32_t block = si_block_elems(c->d.kind == SIMDINIT_DIST_CONSTANT ? SIMDINIT_DIST_UNIFORM
                                                                            : c->d.kind,
                                        dt);
        cr_assert(block >= 256 && block <= 4096 && block % SI_GROUP == 0,
                  "block of %u elements for %s", block, simdinit_dtype_name(dt));
        /* One call, straight into the output (aligned). */
        memset(whole, 0, N * 8);
        cr_assert_eq(simdinit_fill(whole, dt, N, base, seed, 11, &c->d), SIMDINIT_OK);
        /* Two different random splits. */
        for (int rep = 0; rep < 2; rep++) {
            memset(parts, 0, N * 8);
            size_t nc = make_cuts(cuts, block, &rng);
            for (size_t i = 0; i + 1 < nc; i++)
                fill_piece(parts, dt, base, cuts[i], cuts[i + 1] - cuts[i], seed, 11, &c->d, scratch,
                           (unsigned)(i % 8));
            char what[96];
            snprintf(what, sizeof what, "%zu pieces at base %llu", nc - 1, (unsigned long long)base);
            expect_same(whole, parts, dt, what, c->name);
        }
        /* Single elements one by one over a block boundary. */
        memcpy(parts, whole, N * 8);
        for (size_t i = block - 40; i < block + 40; i++)
            fill_piece(parts, dt, base, i, 1, seed, 11, &c->d, scratch, (unsigned)(i % 5));
        expect_same(whole, parts, dt, "single elements", c->name);
    }
    free(whole);
    free(parts);
    free(scratch);
    free(cuts);
}

#define SPLIT_TESTS(idx, tag)                                                                    \
    Test(split, tag##_offset0)                                                                   \
    {                                                                                            \
        size_t n;                                                                                \
        split_case(&cases(&n)[idx], 0, 1234);                                                    \
    }                                                                                            \
    Test(split, tag##_offset_2_40)                                                               \
    {                                                                                            \
        size_t n;                                                                                \
        split_case(&cases(&n)[idx], (UINT64_C(1) << 40) + 4093, 99);                             \
        split_case(&cases(&n)[idx], UINT64_MAX - N - 3, 7);                                      \
    }

SPLIT_TESTS(0, uniform)
SPLIT_TESTS(1, normal)
SPLIT_TESTS(2, trunc_central)
SPLIT_TESTS(3, trunc_tail)
SPLIT_TESTS(4, trunc_asym)
SPLIT_TESTS(5, trunc_far_left)
SPLIT_TESTS(6, constant)

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Probability that two independent draws are equal, estimated from a fill's
 * own histogram (sum of squared value frequencies). */
static double collision_probability(const void *a, simdinit_dtype dt, size_t n)
{
    uint64_t *v = malloc(n * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = elem_bits(a, dt, i);
    qsort(v, n, sizeof *v, cmp_u64);
    double p = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && v[j] == v[i]; j++)
            ;
        p += ((double)(j - i) / n) * ((double)(j - i) / n);
    }
    free(v);
    return p;
}

/* Fraction of equal elements between two fills. */
static double equal_fraction(const void *a, const void *b, simdinit_dtype dt, size_t n)
{
    size_t eq = 0;
    for (size_t i = 0; i < n; i++)
        eq += elem_bits(a, dt, i) == elem_bits(b, dt, i);
    return (double)eq / (double)n;
}

Test(split, seeds_streams_and_blocks_differ)
{
    size_t nc;
    const dcase *c = cases(&nc);
    const size_t n = 8192;
    unsigned char *x = malloc(n * 8), *y = malloc(n * 8);
    cr_assert(x && y);
    for (size_t k = 0; k + 1 < nc; k++) /* all but constant */
        for (int j = 0; j < 4; j++) {
            simdinit_dtype dt = t_dtypes[j];
            uint32_t block = si_block_elems(c[k].d.kind, dt);
            struct {
                uint64_t seed, stream, off;
                const char *what;
            } other[] = {
                {6, 9, 0, "seed + 1"},
                {5, 10, 0, "stream + 1"},
                {9, 5, 0, "seed and stream swapped"},
                {5 + (UINT64_C(1) << 32), 9, 0, "seed + 2^32"},
                {5, 9, block, "the next block"},
                {5, 9, (uint64_t)block << 20, "a far block"},
            };
            cr_assert_eq(simdinit_fill(x, dt, n, 0, 5, 9, &c[k].d), SIMDINIT_OK);
            /* Independent fills agree at a rate near the collision probability
             * (large for narrow types in a far tail, tiny for f32/f64); a
             * shared or shifted stream agrees far more often. */
            double limit = 2 * collision_probability(x, dt, n) + 0.01;
            for (size_t o = 0; o < T_ARRAY_LEN(other); o++) {
                cr_assert_eq(simdinit_fill(y, dt, n, other[o].off, other[o].seed, other[o].stream,
                                           &c[k].d),
                             SIMDINIT_OK);
                double f = equal_fraction(x, y, dt, n);
                cr_expect_lt(f, limit, "%s as %s: %s gives %.1f%% equal elements", c[k].name,
                             simdinit_dtype_name(dt), other[o].what, 100 * f);
            }
            /* Same arguments, same bits (no hidden state between calls). */
            cr_assert_eq(simdinit_fill(y, dt, n, 0, 5, 9, &c[k].d), SIMDINIT_OK);
            cr_expect(memcmp(x, y, n * elem_size(dt)) == 0, "%s as %s: a repeated fill differs",
                      c[k].name, simdinit_dtype_name(dt));
        }
    free(x);
    free(y);
}

/* ---- threads ---- */

typedef struct job {
    unsigned char *out;
    simdinit_dtype dt;
    const simdinit_dist *d;
    size_t from, to, chunk;
    int tid, nthreads;
    simdinit_status status;
} job;

/* Thread t fills chunks t, t + nthreads, ... of [0, N). */
static void *worker(void *arg)
{
    job *j = arg;
    size_t sz = elem_size(j->dt);
    j->status = SIMDINIT_OK;
    for (size_t s = (size_t)j->tid * j->chunk; s < N; s += (size_t)j->nthreads * j->chunk) {
        size_t len = s + j->chunk > N ? N - s : j->chunk;
        simdinit_status st = simdinit_fill(j->out + s * sz, j->dt, len, s, 31, 4, j->d);
        if (st != SIMDINIT_OK)
            j->status = st;
    }
    return NULL;
}

Test(split, threads)
{
    size_t nc;
    const dcase *c = cases(&nc);
    unsigned char *whole = malloc(N * 8), *par = malloc(N * 8);
    cr_assert(whole && par);
    static const size_t chunks[] = {1, 37, 1000, 4097};
    for (size_t k = 0; k < nc; k++)
        for (int j = 0; j < 4; j++) {
            simdinit_dtype dt = t_dtypes[j];
            cr_assert_eq(simdinit_fill(whole, dt, N, 0, 31, 4, &c[k].d), SIMDINIT_OK);
            for (size_t ci = 0; ci < T_ARRAY_LEN(chunks); ci++) {
                enum { NT = 4 };
                pthread_t th[NT];
                job jobs[NT];
                memset(par, 0, N * 8);
                for (int t = 0; t < NT; t++) {
                    jobs[t] = (job){par, dt, &c[k].d, 0, N, chunks[ci], t, NT, SIMDINIT_OK};
                    cr_assert_eq(pthread_create(&th[t], NULL, worker, &jobs[t]), 0);
                }
                for (int t = 0; t < NT; t++) {
                    pthread_join(th[t], NULL);
                    cr_expect_eq(jobs[t].status, SIMDINIT_OK);
                }
                char what[64];
                snprintf(what, sizeof what, "4 threads, chunks of %zu", chunks[ci]);
                expect_same(whole, par, dt, what, c[k].name);
            }
        }
    free(whole);
    free(par);
}

/* ---- every backend against the scalar reference (checkasm style) ---- */

static void backend_case(const simdinit_dist *d, const char *name, simdinit_backend be,
                         t_rng *rng)
{
    enum { M = 9000 };
    unsigned char *ref = malloc(M * 8 + 8), *got = malloc(M * 8 + 8);
    cr_assert(ref && got);
    for (int j = 0; j < 4; j++) {
        simdinit_dtype dt = t_dtypes[j];
        size_t sz = elem_size(dt);
        for (int rep = 0; rep < 40; rep++) {
            /* Mostly short fills at random in-block positions, some long ones. */
            size_t n = rep < 30 ? (size_t)t_range(rng, 1, 70) : (size_t)t_range(rng, 71, M);
            uint64_t off = rep % 3 == 0 ? t_range(rng, 0, 20000) : t_next(rng) >> (rep % 40);
            if (off > UINT64_MAX - n)
                off = UINT64_MAX - n;
            uint64_t seed = t_next(rng), stream = t_range(rng, 0, 3);
            unsigned skew = (unsigned)(rep % 8);
            cr_assert_eq(simdinit_set_backend(SIMDINIT_BACKEND_SCALAR), SIMDINIT_OK);
            cr_assert_eq(simdinit_fill(ref, dt, n, off, seed, stream, d), SIMDINIT_OK);
            cr_assert_eq(simdinit_set_backend(be), SIMDINIT_OK);
            t_canary_fill(got, M * 8 + 8);
            cr_assert_eq(simdinit_fill(got + skew, dt, n, off, seed, stream, d), SIMDINIT_OK);
            cr_expect(t_canary_intact(got, skew) && t_canary_intact(got + skew + n * sz, 8),
                      "%s: %s as %s wrote outside out[0..%zu)", simdinit_backend_name(be), name,
                      simdinit_dtype_name(dt), n);
            if (memcmp(ref, got + skew, n * sz) != 0) {
                size_t i = 0;
                while (elem_bits(ref, dt, i) == elem_bits(got + skew, dt, i))
                    i++;
                cr_expect_fail("%s vs scalar: %s as %s, n=%zu offset=%llu seed=%llu stream=%llu: "
                               "element %zu is 0x%llx, scalar 0x%llx",
                               simdinit_backend_name(be), name, simdinit_dtype_name(dt), n,
                               (unsigned long long)off, (unsigned long long)seed,
                               (unsigned long long)stream, i,
                               (unsigned long long)elem_bits(got + skew, dt, i),
                               (unsigned long long)elem_bits(ref, dt, i));
            }
        }
    }
    free(ref);
    free(got);
}

Test(split, every_backend_matches_scalar)
{
    size_t nc;
    const dcase *c = cases(&nc);
    /* Extra parameter sets that stress the kernels' special paths. */
    const dcase extra[] = {
        {simdinit_dist_uniform(0.5, 0.5), "uniform(0.5, 0.5)"},
        {simdinit_dist_uniform(0.0997, 0.3), "uniform(0.0997, 0.3)"},
        {simdinit_dist_uniform(-1e-30, 1e-30), "uniform(-1e-30, 1e-30)"},
        {simdinit_dist_uniform(1000, 1000.001), "uniform(1000, 1000.001)"},
        {simdinit_dist_normal(3, 0), "normal(3, 0)"},
        {simdinit_dist_normal(0, 1e-3), "normal(0, 1e-3)"},
        {simdinit_dist_trunc_normal(0, 1, -0.01, 0.01), "trunc_normal(0, 1, -0.01, 0.01)"},
        {simdinit_dist_trunc_normal(0, 1, 6, 8), "trunc_normal(0, 1, 6, 8)"},
        {simdinit_dist_trunc_normal(0, 1, -30, 37), "trunc_normal(0, 1, -30, 37)"},
        {simdinit_dist_trunc_normal(2, 3, -1e3, 1e3), "trunc_normal(2, 3, -1e3, 1e3)"},
    };
    simdinit_backend bs[SIMDINIT_BACKEND_COUNT];
    int nb = t_usable_backends(bs);
    fprintf(stderr, "test_split: usable backends:");
    for (int i = 0; i < nb; i++)
        fprintf(stderr, " %s", simdinit_backend_name(bs[i]));
    fprintf(stderr, "\n");
    t_rng rng = {2024};
    for (int b = 1; b < nb; b++) {
        for (size_t k = 0; k < nc; k++)
            backend_case(&c[k].d, c[k].name, bs[b], &rng);
        for (size_t k = 0; k < T_ARRAY_LEN(extra); k++)
            backend_case(&extra[k].d, extra[k].name, bs[b], &rng);
    }
    if (nb < 2)
        fprintf(stderr, "test_split: only the scalar backend is usable here; nothing to compare\n");
}
