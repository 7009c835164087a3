/*
 * `simdinit demo`: initialize every tensor of a GPT-2-small-shaped model, time
 * each fill against memset of the same buffer, then the whole model in one
 * simdinit_init_tensors call on 1 and on N threads (with a bit-identity check).
 * `simdinit bench`: throughput of each distribution x dtype.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Timing one fill                                                         */
/* ---------------------------------------------------------------------- */

/* What to fill: a distribution, or a scheme on a shape (torch layout). */
typedef struct fill_spec {
    simdinit_dtype dtype;
    size_t n;
    uint64_t seed, stream;
    const simdinit_dist *dist;
    const simdinit_scheme *scheme;
    const uint64_t *shape;
    int ndim;
    int threads;
} fill_spec;

typedef struct timing {
    double fill_s;   /* best fill time */
    double memset_s; /* best memset time of the same bytes */
    double cpu_s;    /* process CPU seconds of the best fill (time_model only) */
} timing;

static simdinit_status run_spec(void *buf, const fill_spec *s)
{
    if (s->scheme)
        return simdinit_fill_scheme_mt(buf, s->dtype, s->shape, s->ndim, SIMDINIT_LAYOUT_TORCH,
                                       s->scheme, s->n, 0, s->seed, s->stream, s->threads);
    return simdinit_fill_mt(buf, s->dtype, s->n, 0, s->seed, s->stream, s->dist, s->threads);
}

/* Best of `repeat` rounds of { memset, fill } on the same (already touched)
 * buffer; the fill comes last so the buffer ends holding the weights. */
static simdinit_status time_spec(void *buf, const fill_spec *s, unsigned repeat, timing *best)
{
    const size_t bytes = s->n * simdinit_dtype_size(s->dtype);
    best->fill_s = best->memset_s = INFINITY;
    for (unsigned r = 0; r < repeat; r++) {
        double t0 = cli_now();
        cli_memset(buf, 0, bytes);
        double t1 = cli_now();
        simdinit_status st = run_spec(buf, s);
        double t2 = cli_now();
        if (st != SIMDINIT_OK)
            return st;
        if (t1 - t0 < best->memset_s)
            best->memset_s = t1 - t0;
        if (t2 - t1 < best->fill_s)
            best->fill_s = t2 - t1;
    }
    return SIMDINIT_OK;
}

/* The rate columns shared by both tables: time (ms), Gelem/s, GB/s, memset GB/s. */
#define RATE_HEADER "%10s %9s %8s %12s"
#define RATE_ROW "%10.3f %9.3f %8.2f %12.2f"
#define RATE_COLUMNS "time ms", "Gelem/s", "GB/s", "memset GB/s"

static void rate_values(double elems, double bytes, const timing *t, double out[4])
{
    out[0] = t->fill_s * 1e3;
    out[1] = cli_rate(elems, t->fill_s);
    out[2] = cli_rate(bytes, t->fill_s);
    out[3] = cli_rate(bytes, t->memset_s);
}

/* Options shared by demo and bench. */
enum { P_DTYPE, P_SEED, P_BACKEND, P_REPEAT, P_SIZE, P_THREADS, P_STORES, P_NUM };

typedef struct perf_args {
    const char *dtype, *backend, *stores;
    uint64_t seed, repeat, size, threads;
    int nthreads; /* --threads resolved */
} perf_args;

static int parse_perf(int argc, char **argv, perf_args *args, const int *allowed, size_t nallowed,
                      const char *usage, bool *help)
{
    cli_opt all[P_NUM] = {
        [P_DTYPE] = {"dtype", CLI_OPT_STRING, &args->dtype, false},
        [P_SEED] = {"seed", CLI_OPT_U64, &args->seed, false},
        [P_BACKEND] = {"backend", CLI_OPT_STRING, &args->backend, false},
        [P_REPEAT] = {"repeat", CLI_OPT_U64, &args->repeat, false},
        [P_SIZE] = {"size", CLI_OPT_U64, &args->size, false},
        [P_THREADS] = {"threads", CLI_OPT_U64, &args->threads, false},
        [P_STORES] = {"stores", CLI_OPT_STRING, &args->stores, false},
    };
    cli_opt opts[P_NUM];
    for (size_t k = 0; k < nallowed; k++)
        opts[k] = all[allowed[k]];
    *help = false;
    int rc = cli_parse(argc, argv, opts, nallowed);
    if (rc == CLI_HELP) {
        fputs(usage, stdout);
        *help = true;
        return CLI_EXIT_OK;
    }
    if (rc)
        return rc;
    if (args->repeat == 0 || args->repeat > 1000000)
        return cli_fail(CLI_EXIT_USAGE, "--repeat must be between 1 and 1000000");
    if ((rc = cli_select_stores(args->stores)) != 0)
        return rc;
    return cli_threads(args->threads, &args->nthreads);
}

/* ---------------------------------------------------------------------- */
/* demo                                                                    */
/* ---------------------------------------------------------------------- */

static const char demo_usage[] =
    "usage: simdinit demo [--dtype f32|f64|bf16|f16] [--seed S] [--backend NAME] [--repeat R]\n"
    "                     [--threads N] [--stores auto|cached|streaming]\n"
    "\n"
    "Initializes every tensor of a GPT-2-small-shaped model (vocab 50257,\n"
    "context 1024, d_model 768, 12 layers, 12 heads, MLP 3072; 124.4 M\n"
    "parameters) the way GPT-2 does: embeddings and weights normal(0, 0.02),\n"
    "residual projections (attn.c_proj, mlp.c_proj) normal(0, 0.02/sqrt(2*12)),\n"
    "LayerNorm weights 1, biases 0. Tensor k uses (seed, stream = k).\n"
    "\n"
    "1. Per tensor: each buffer is allocated and touched once; simdinit_fill_mt\n"
    "   on N threads is timed (best of R, default 3) against memset of the same\n"
    "   buffer on one thread.\n"
    "2. Whole model: every tensor in ONE simdinit_init_tensors call, on 1 thread\n"
    "   and on N threads (best of R each): times, speedup, Gelem/s and GB/s next\n"
    "   to memset of all buffers (one thread). CPU/wall is the process CPU time\n"
    "   over the wall time: the cores the run really got (below N on a busy\n"
    "   machine). A hash of all tensors checks that both runs give the bits of\n"
    "   the per-tensor fills (\"bits identical: yes\"; exit status 1 if not).\n"
    "3. The other init schemes on the largest shape (wte, 50257x768), N threads.\n"
    "\n"
    "  --dtype    output type, default f32\n"
    "  --seed     default 1234\n"
    "  --backend  auto|scalar|avx2|avx512|neon\n"
    "  --repeat   default 3\n"
    "  --threads  N, default 0: SIMDINIT_NUM_THREADS or every usable core\n"
    "  --stores   store policy, default SIMDINIT_STORES or auto (never changes the bits)\n";

#define GPT2_VOCAB 50257
#define GPT2_CONTEXT 1024
#define GPT2_DMODEL 768
#define GPT2_LAYERS 12
#define GPT2_MLP 3072
#define GPT2_STD 0.02
#define GPT2_MAX_TENSORS (4 + 12 * GPT2_LAYERS)

typedef struct tensor {
    char name[48];
    uint64_t shape[2];
    int ndim;
    simdinit_dist dist;
    void *buf;
} tensor;

static void add_tensor(tensor *t, int *n, const char *name, uint64_t rows, uint64_t cols,
                       simdinit_dist dist)
{
    tensor *x = &t[(*n)++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->shape[0] = rows;
    x->shape[1] = cols;
    x->ndim = cols ? 2 : 1;
    x->dist = dist;
    x->buf = NULL;
}

/* The tensors of GPT-2 small in Hugging Face order and naming (Conv1D weights
 * are (in, out)). */
static int gpt2_tensors(tensor *t)
{
    const simdinit_dist w = simdinit_dist_normal(0, GPT2_STD);
    const simdinit_dist proj = simdinit_dist_normal(0, GPT2_STD / sqrt(2.0 * GPT2_LAYERS));
    const simdinit_dist ones = simdinit_dist_constant(1), zeros = simdinit_dist_constant(0);
    int n = 0;
    char name[48];
    add_tensor(t, &n, "wte.weight", GPT2_VOCAB, GPT2_DMODEL, w);
    add_tensor(t, &n, "wpe.weight", GPT2_CONTEXT, GPT2_DMODEL, w);
    for (int l = 0; l < GPT2_LAYERS; l++) {
#define LAYER(suffix, rows, cols, dist)                          \
    do {                                                         \
        snprintf(name, sizeof name, "h.%d.%s", l, suffix);       \
        add_tensor(t, &n, name, rows, cols, dist);               \
    } while (0)
        LAYER("ln_1.weight", GPT2_DMODEL, 0, ones);
        LAYER("ln_1.bias", GPT2_DMODEL, 0, zeros);
        LAYER("attn.c_attn.weight", GPT2_DMODEL, 3 * GPT2_DMODEL, w);
        LAYER("attn.c_attn.bias", 3 * GPT2_DMODEL, 0, zeros);
        LAYER("attn.c_proj.weight", GPT2_DMODEL, GPT2_DMODEL, proj);
        LAYER("attn.c_proj.bias", GPT2_DMODEL, 0, zeros);
        LAYER("ln_2.weight", GPT2_DMODEL, 0, ones);
        LAYER("ln_2.bias", GPT2_DMODEL, 0, zeros);
        LAYER("mlp.c_fc.weight", GPT2_DMODEL, GPT2_MLP, w);
        LAYER("mlp.c_fc.bias", GPT2_MLP, 0, zeros);
        LAYER("mlp.c_proj.weight", GPT2_MLP, GPT2_DMODEL, proj);
        LAYER("mlp.c_proj.bias", GPT2_DMODEL, 0, zeros);
#undef LAYER
    }
    add_tensor(t, &n, "ln_f.weight", GPT2_DMODEL, 0, ones);
    add_tensor(t, &n, "ln_f.bias", GPT2_DMODEL, 0, zeros);
    return n;
}

static size_t numel_of(const tensor *x)
{
    return (size_t)(x->ndim == 2 ? x->shape[0] * x->shape[1] : x->shape[0]);
}

static const char *backend_label(void)
{
    const char *name = simdinit_backend_name(simdinit_active_backend());
    return name ? name : "?";
}

#define DEMO_HEADER "%-24s %-10s %-22s %-5s " RATE_HEADER "\n"
#define DEMO_ROW "%-24s %-10s %-22s %-5s " RATE_ROW "\n"

/* Second table: every scheme (framework defaults) on one shape. */
static int demo_schemes(void *buf, const tensor *x, simdinit_dtype dtype, uint64_t seed,
                        uint64_t first_stream, unsigned repeat, int threads)
{
    const size_t n = numel_of(x);
    const double bytes = (double)n * (double)simdinit_dtype_size(dtype);
    char shape[32];
    cli_format_shape(shape, sizeof shape, x->shape, x->ndim);
    printf("\nOther schemes on the %s shape %s (torch layout, fan_in %" PRIu64 ", fan_out %"
           PRIu64 "), %s, simdinit_fill_scheme_mt on %d thread%s, memset on 1:\n", x->name,
           shape, x->shape[1], x->shape[0], simdinit_dtype_name(dtype), threads,
           threads == 1 ? "" : "s");
    printf("%-18s %-52s " RATE_HEADER "\n", "scheme", "draws from", RATE_COLUMNS);
    const char *name;
    for (int k = 0; (name = simdinit_scheme_name((simdinit_scheme_kind)k)) != NULL; k++) {
        simdinit_scheme scheme = simdinit_scheme_default((simdinit_scheme_kind)k);
        simdinit_dist dist;
        simdinit_status st = simdinit_scheme_dist(&scheme, x->shape, x->ndim,
                                                  SIMDINIT_LAYOUT_TORCH, &dist);
        if (st != SIMDINIT_OK)
            return cli_fail_status(st, name);
        char desc[96];
        cli_format_dist(desc, sizeof desc, &dist);
        /* torch_linear_bias draws a bias: shape[0] elements. */
        fill_spec spec = {dtype, k == SIMDINIT_TORCH_LINEAR_BIAS ? (size_t)x->shape[0] : n,
                          seed, first_stream + (uint64_t)k, NULL, &scheme, x->shape, x->ndim,
                          threads};
        timing t;
        if ((st = time_spec(buf, &spec, repeat, &t)) != SIMDINIT_OK)
            return cli_fail_status(st, name);
        double v[4];
        rate_values((double)spec.n,
                    spec.n == n ? bytes : (double)spec.n * (double)simdinit_dtype_size(dtype),
                    &t, v);
        printf("%-18s %-52s " RATE_ROW "\n", name, desc, v[0], v[1], v[2], v[3]);
    }
    return 0;
}

/* A 64-bit hash of n bytes continuing from h: four multiply-xorshift lanes
 * over 8-byte words, for equality checks (not cryptographic). */
static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(uint64_t h, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t lane[4] = {h ^ n, h + k, mix64(h + 1), ~h};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 4; j++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * j, 8);
            lane[j] = (lane[j] ^ w) * k;
            lane[j] ^= lane[j] >> 29;
        }
    }
    for (; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, p + i, n - i < 8 ? n - i : 8);
        lane[0] = (lane[0] ^ w) * k;
        lane[0] ^= lane[0] >> 29;
    }
    return mix64(lane[0] ^ mix64(lane[1] + 1) ^ mix64(lane[2] + 2) ^ mix64(lane[3] + 3));
}

static uint64_t hash_model(const tensor *t, int count, size_t esize)
{
    uint64_t h = 0;
    for (int k = 0; k < count; k++)
        h = hash_bytes(h, t[k].buf, numel_of(&t[k]) * esize);
    return h;
}

/* Best of `repeat` rounds of { memset of every buffer, one simdinit_init_tensors
 * call over every tensor on `threads` threads }. */
static int time_model(const tensor *t, const simdinit_tensor *model, int count, size_t esize,
                      int threads, unsigned repeat, timing *best)
{
    best->fill_s = best->memset_s = INFINITY;
    best->cpu_s = 0;
    for (unsigned r = 0; r < repeat; r++) {
        double t0 = cli_now();
        for (int k = 0; k < count; k++)
            cli_memset(t[k].buf, 0, numel_of(&t[k]) * esize);
        double t1 = cli_now(), c1 = cli_cpu_now();
        size_t failed = 0;
        simdinit_status st = simdinit_init_tensors(model, (size_t)count, threads, &failed);
        double t2 = cli_now(), c2 = cli_cpu_now();
        if (st != SIMDINIT_OK) {
            char what[96];
            snprintf(what, sizeof what, "simdinit_init_tensors (tensor %s)",
                     failed < (size_t)count ? t[failed].name : "?");
            return cli_fail_status(st, what);
        }
        if (t1 - t0 < best->memset_s)
            best->memset_s = t1 - t0;
        if (t2 - t1 < best->fill_s) {
            best->fill_s = t2 - t1;
            best->cpu_s = c2 - c1;
        }
    }
    return 0;
}

/* The whole model in one simdinit_init_tensors call on 1 and on `threads`
 * threads; checks that both equal the per-tensor fills (hash `reference`). */
static int demo_whole_model(const tensor *t, int count, simdinit_dtype dtype, uint64_t seed,
                            unsigned repeat, int threads, uint64_t reference)
{
    const size_t esize = simdinit_dtype_size(dtype);
    simdinit_tensor model[GPT2_MAX_TENSORS];
    double elems = 0;
    for (int k = 0; k < count; k++) {
        simdinit_tensor *m = &model[k];
        memset(m, 0, sizeof *m);
        m->name = t[k].name;
        m->out = t[k].buf;
        m->dtype = dtype;
        m->ndim = t[k].ndim;
        for (int d = 0; d < t[k].ndim; d++)
            m->shape[d] = t[k].shape[d];
        m->layout = SIMDINIT_LAYOUT_TORCH;
        m->scheme = NULL;
        m->dist = t[k].dist;
        m->seed = seed;
        m->stream = (uint64_t)k;
        elems += (double)numel_of(&t[k]);
    }
    const double bytes = elems * (double)esize;

    printf("\nWhole model: %d tensors, %.1f M elements, %.1f MB, in ONE simdinit_init_tensors "
           "call, best of %u:\n", count, elems * 1e-6, bytes * 1e-6, repeat);
    printf("%-24s %10s %9s %8s %8s %10s\n", "", "time ms", "Gelem/s", "GB/s", "speedup",
           "CPU/wall");

    timing one, many;
    int rc = time_model(t, model, count, esize, 1, repeat, &one);
    if (rc)
        return rc;
    const uint64_t h_one = hash_model(t, count, esize);
    if ((rc = time_model(t, model, count, esize, threads, repeat, &many)) != 0)
        return rc;
    const uint64_t h_many = hash_model(t, count, esize);

    char label[32];
    printf("%-24s %10.3f %9.3f %8.2f %7.2fx %10.2f\n", "init, 1 thread", one.fill_s * 1e3,
           cli_rate(elems, one.fill_s), cli_rate(bytes, one.fill_s), 1.0,
           one.fill_s > 0 ? one.cpu_s / one.fill_s : 0.0);
    snprintf(label, sizeof label, "init, %d thread%s", threads, threads == 1 ? "" : "s");
    printf("%-24s %10.3f %9.3f %8.2f %7.2fx %10.2f\n", label, many.fill_s * 1e3,
           cli_rate(elems, many.fill_s), cli_rate(bytes, many.fill_s),
           many.fill_s > 0 ? one.fill_s / many.fill_s : 0.0,
           many.fill_s > 0 ? many.cpu_s / many.fill_s : 0.0);
    double memset_s = one.memset_s < many.memset_s ? one.memset_s : many.memset_s;
    printf("%-24s %10.3f %9s %8.2f\n", "memset, 1 thread", memset_s * 1e3, "",
           cli_rate(bytes, memset_s));

    if (h_one == h_many && h_one == reference) {
        printf("bits identical: yes (1 thread = %d thread%s = the per-tensor fills; hash "
               "0x%016" PRIx64 ")\n", threads, threads == 1 ? "" : "s", h_one);
        return 0;
    }
    printf("bits identical: NO (hash 1 thread 0x%016" PRIx64 ", %d threads 0x%016" PRIx64
           ", per-tensor fills 0x%016" PRIx64 ")\n", h_one, threads, h_many, reference);
    fflush(stdout);
    return cli_fail(CLI_EXIT_RUNTIME, "the whole-model init is not bit-identical across "
                                      "thread counts");
}

int cmd_demo(int argc, char **argv)
{
    perf_args args = {.dtype = "f32", .seed = 1234, .repeat = 3};
    static const int allowed[] = {P_DTYPE, P_SEED, P_BACKEND, P_REPEAT, P_THREADS, P_STORES};
    bool help;
    int rc = parse_perf(argc, argv, &args, allowed, COUNT_OF(allowed), demo_usage, &help);
    if (rc || help)
        return rc;
    int dt;
    if ((rc = cli_lookup("--dtype", args.dtype, cli_dtype_name, &dt)) != 0)
        return rc;
    if ((rc = cli_select_backend(args.backend)) != 0)
        return rc;
    const simdinit_dtype dtype = (simdinit_dtype)dt;
    const size_t esize = simdinit_dtype_size(dtype);
    const unsigned repeat = (unsigned)args.repeat;
    const int threads = args.nthreads;

    tensor t[GPT2_MAX_TENSORS];
    const int count = gpt2_tensors(t);

    printf("GPT-2 small: vocab %d, context %d, d_model %d, %d layers, %d heads, MLP %d\n",
           GPT2_VOCAB, GPT2_CONTEXT, GPT2_DMODEL, GPT2_LAYERS, 12, GPT2_MLP);
    printf("dtype %s, seed %" PRIu64 ", stream = tensor index, backend %s, stores %s, best of "
           "%u, %d thread%s\n\n", simdinit_dtype_name(dtype), args.seed, backend_label(),
           simdinit_stores_name(simdinit_active_stores()), repeat, threads,
           threads == 1 ? "" : "s");
    printf("Per tensor: simdinit_fill_mt on %d thread%s each, memset on 1 thread:\n", threads,
           threads == 1 ? "" : "s");
    printf(DEMO_HEADER, "tensor", "shape", "init", "dtype", RATE_COLUMNS);

    double total_elems = 0, total_fill = 0, total_memset = 0;
    for (int k = 0; k < count && rc == 0; k++) {
        tensor *x = &t[k];
        const size_t n = numel_of(x);
        x->buf = malloc(n * esize);
        if (x->buf == NULL) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory allocating %s", x->name);
            break;
        }
        cli_memset(x->buf, 0, n * esize); /* fault the pages in (see cmd_fill.c) */

        fill_spec spec = {dtype, n, args.seed, (uint64_t)k, &x->dist, NULL, NULL, 0, threads};
        timing tm;
        simdinit_status st = time_spec(x->buf, &spec, repeat, &tm);
        if (st != SIMDINIT_OK) {
            rc = cli_fail_status(st, x->name);
            break;
        }
        char shape[32], init[64];
        cli_format_shape(shape, sizeof shape, x->shape, x->ndim);
        if (x->dist.kind == SIMDINIT_DIST_CONSTANT)
            snprintf(init, sizeof init, "%s", x->dist.value == 0 ? "zeros" : "ones");
        else
            cli_format_dist(init, sizeof init, &x->dist);
        double v[4];
        rate_values((double)n, (double)(n * esize), &tm, v);
        printf(DEMO_ROW, x->name, shape, init, simdinit_dtype_name(dtype), v[0], v[1], v[2], v[3]);
        total_elems += (double)n;
        total_fill += tm.fill_s;
        total_memset += tm.memset_s;
    }

    if (rc == 0) {
        const double total_bytes = total_elems * (double)esize;
        char params[48];
        snprintf(params, sizeof params, "%" PRIu64 " (%.1f M)", (uint64_t)total_elems,
                 total_elems * 1e-6);
        printf("%-24s %-39s " RATE_ROW "\n", "total", params, total_fill * 1e3,
               cli_rate(total_elems, total_fill), cli_rate(total_bytes, total_fill),
               cli_rate(total_bytes, total_memset));
        printf("(memset of all buffers: %.3f ms)\n", total_memset * 1e3);

        /* Sanity check of the biggest tensor: it must look like N(0, 0.02). */
        const tensor *wte = &t[0];
        const size_t n = numel_of(wte);
        double sum = 0, sumsq = 0;
        for (size_t i = 0; i < n; i++) {
            double e = cli_element(wte->buf, dtype, i);
            sum += e;
            sumsq += e * e;
        }
        double mean = sum / (double)n;
        double sd = sqrt(sumsq / (double)n - mean * mean);
        printf("check: %s mean %+.6f, std %.6f (expected 0, %.6f)\n", wte->name, mean, sd,
               GPT2_STD);

        rc = demo_whole_model(t, count, dtype, args.seed, repeat, threads,
                              hash_model(t, count, esize));
        /* The model is done; reuse the wte buffer for the scheme table. */
        if (rc == 0)
            rc = demo_schemes(wte->buf, wte, dtype, args.seed, (uint64_t)count, repeat, threads);
    }

    for (int k = 0; k < count; k++)
        free(t[k].buf);
    if (rc == 0 && fflush(stdout) != 0)
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output");
    return rc;
}

/* ---------------------------------------------------------------------- */
/* bench                                                                   */
/* ---------------------------------------------------------------------- */

static const char bench_usage[] =
    "usage: simdinit bench [--size N] [--backend NAME|all] [--repeat R] [--threads N]\n"
    "                      [--stores auto|cached|streaming]\n"
    "\n"
    "Fill throughput of uniform(0, 1), normal(0, 1), trunc_normal(0, 1, [-2, 2])\n"
    "and constant for each dtype (f32, f64, bf16, f16) on a buffer of N elements\n"
    "(default 16 Mi = 16777216), best of R (default 5), with memset of the same\n"
    "bytes (one thread) as a reference. --backend all runs every backend usable\n"
    "here. The fills are simdinit_fill_mt on --threads threads (default 0:\n"
    "SIMDINIT_NUM_THREADS or every usable core). --stores sets the store policy\n"
    "(default SIMDINIT_STORES or auto: streaming stores for constant fills of\n"
    "at least 32 MiB only).\n";

static int bench_backend(void *buf, size_t n, unsigned repeat, int threads)
{
    const simdinit_dist dists[] = {
        simdinit_dist_uniform(0, 1),
        simdinit_dist_normal(0, 1),
        simdinit_dist_trunc_normal(0, 1, -2, 2),
        simdinit_dist_constant(0.5),
    };
    const char *label = backend_label();
    for (size_t d = 0; d < sizeof dists / sizeof dists[0]; d++) {
        char desc[96];
        cli_format_dist(desc, sizeof desc, &dists[d]);
        for (int dt = 0; cli_dtype_name(dt) != NULL; dt++) {
            const simdinit_dtype dtype = (simdinit_dtype)dt;
            fill_spec spec = {dtype, n, 1234, 0, &dists[d], NULL, NULL, 0, threads};
            timing t;
            simdinit_status st = time_spec(buf, &spec, repeat, &t);
            if (st != SIMDINIT_OK)
                return cli_fail_status(st, desc);
            double v[4];
            rate_values((double)n, (double)n * (double)simdinit_dtype_size(dtype), &t, v);
            printf("%-8s %-28s %-5s " RATE_ROW "\n", label, desc, simdinit_dtype_name(dtype),
                   v[0], v[1], v[2], v[3]);
        }
    }
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    perf_args args = {.size = (uint64_t)16 << 20, .repeat = 5};
    static const int allowed[] = {P_SIZE, P_BACKEND, P_REPEAT, P_THREADS, P_STORES};
    bool help;
    int rc = parse_perf(argc, argv, &args, allowed, COUNT_OF(allowed), bench_usage, &help);
    if (rc || help)
        return rc;
    if (args.size == 0)
        return cli_fail(CLI_EXIT_USAGE, "--size must be at least 1");
    if (args.size > SIZE_MAX / sizeof(double))
        return cli_fail(CLI_EXIT_USAGE, "--size %" PRIu64 " is too large", args.size);
    const bool all = args.backend != NULL && strcmp(args.backend, "all") == 0;
    if (!all && (rc = cli_select_backend(args.backend)) != 0)
        return rc;

    const size_t n = (size_t)args.size;
    void *buf = malloc(n * sizeof(double)); /* large enough for every dtype */
    if (buf == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory (%zu bytes)", n * sizeof(double));
    cli_memset(buf, 0, n * sizeof(double)); /* fault the pages in (see cmd_fill.c) */

    printf("bench: %zu elements, best of %u, simdinit_fill_mt on %d thread%s, stores %s, "
           "memset on 1\n\n", n, (unsigned)args.repeat, args.nthreads,
           args.nthreads == 1 ? "" : "s", simdinit_stores_name(simdinit_active_stores()));
    printf("%-8s %-28s %-5s " RATE_HEADER "\n", "backend", "distribution", "dtype", RATE_COLUMNS);
    if (all) {
        for (int b = 0; b < SIMDINIT_BACKEND_COUNT && rc == 0; b++) {
            if (b == SIMDINIT_BACKEND_AUTO || !simdinit_backend_usable((simdinit_backend)b))
                continue;
            simdinit_status st = simdinit_set_backend((simdinit_backend)b);
            rc = st != SIMDINIT_OK ? cli_fail_status(st, "set backend")
                                   : bench_backend(buf, n, (unsigned)args.repeat,
                                                   args.nthreads);
        }
    } else {
        rc = bench_backend(buf, n, (unsigned)args.repeat, args.nthreads);
    }
    free(buf);
    if (rc == 0 && fflush(stdout) != 0)
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output");
    return rc;
}
