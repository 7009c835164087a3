/*
 * `simdinit demo`: initialize every tensor of a GPT-2-small-shaped model and
 * time each fill against memset of the same buffer.
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
} fill_spec;

typedef struct timing {
    double fill_s;   /* best fill time */
    double memset_s; /* best memset time of the same bytes */
} timing;

static simdinit_status run_spec(void *buf, const fill_spec *s)
{
    if (s->scheme)
        return simdinit_fill_scheme(buf, s->dtype, s->shape, s->ndim, SIMDINIT_LAYOUT_TORCH,
                                    s->scheme, s->n, 0, s->seed, s->stream);
    return simdinit_fill(buf, s->dtype, s->n, 0, s->seed, s->stream, s->dist);
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
enum { P_DTYPE, P_SEED, P_BACKEND, P_REPEAT, P_SIZE, P_NUM };

typedef struct perf_args {
    const char *dtype, *backend;
    uint64_t seed, repeat, size;
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
    return 0;
}

/* ---------------------------------------------------------------------- */
/* demo                                                                    */
/* ---------------------------------------------------------------------- */

static const char demo_usage[] =
    "usage: simdinit demo [--dtype f32|f64|bf16|f16] [--seed S] [--backend NAME] [--repeat R]\n"
    "\n"
    "Initializes every tensor of a GPT-2-small-shaped model (vocab 50257,\n"
    "context 1024, d_model 768, 12 layers, 12 heads, MLP 3072; 124.4 M\n"
    "parameters) the way GPT-2 does: embeddings and weights normal(0, 0.02),\n"
    "residual projections (attn.c_proj, mlp.c_proj) normal(0, 0.02/sqrt(2*12)),\n"
    "LayerNorm weights 1, biases 0. Tensor k uses (seed, stream = k).\n"
    "\n"
    "Each buffer is allocated and touched once; the fill is timed (best of R,\n"
    "default 3) against memset of the same buffer. A second table times the\n"
    "other init schemes on the largest shape (wte, 50257x768).\n"
    "\n"
    "  --dtype    output type, default f32\n"
    "  --seed     default 1234\n"
    "  --backend  auto|scalar|avx2|neon\n"
    "  --repeat   default 3\n";

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
                        uint64_t first_stream, unsigned repeat)
{
    const size_t n = numel_of(x);
    const double bytes = (double)n * (double)simdinit_dtype_size(dtype);
    char shape[32];
    cli_format_shape(shape, sizeof shape, x->shape, x->ndim);
    printf("\nOther schemes on the %s shape %s (torch layout, fan_in %" PRIu64 ", fan_out %"
           PRIu64 "), %s:\n", x->name, shape, x->shape[1], x->shape[0],
           simdinit_dtype_name(dtype));
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
                          seed, first_stream + (uint64_t)k, NULL, &scheme, x->shape, x->ndim};
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

int cmd_demo(int argc, char **argv)
{
    perf_args args = {.dtype = "f32", .seed = 1234, .repeat = 3};
    static const int allowed[] = {P_DTYPE, P_SEED, P_BACKEND, P_REPEAT};
    bool help;
    int rc = parse_perf(argc, argv, &args, allowed, 4, demo_usage, &help);
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

    tensor t[GPT2_MAX_TENSORS];
    const int count = gpt2_tensors(t);

    printf("GPT-2 small: vocab %d, context %d, d_model %d, %d layers, %d heads, MLP %d\n",
           GPT2_VOCAB, GPT2_CONTEXT, GPT2_DMODEL, GPT2_LAYERS, 12, GPT2_MLP);
    printf("dtype %s, seed %" PRIu64 ", stream = tensor index, backend %s, best of %u\n\n",
           simdinit_dtype_name(dtype), args.seed, backend_label(), repeat);
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

        fill_spec spec = {dtype, n, args.seed, (uint64_t)k, &x->dist, NULL, NULL, 0};
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

        /* The model is done; reuse the wte buffer for the scheme table. */
        rc = demo_schemes(wte->buf, wte, dtype, args.seed, (uint64_t)count, repeat);
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
    "usage: simdinit bench [--size N] [--backend NAME|all] [--repeat R]\n"
    "\n"
    "Fill throughput of uniform(0, 1), normal(0, 1), trunc_normal(0, 1, [-2, 2])\n"
    "and constant for each dtype (f32, f64, bf16, f16) on a buffer of N elements\n"
    "(default 16 Mi = 16777216), best of R (default 5), with memset of the same\n"
    "bytes as a reference. --backend all runs every backend usable here.\n";

static int bench_backend(void *buf, size_t n, unsigned repeat)
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
            fill_spec spec = {dtype, n, 1234, 0, &dists[d], NULL, NULL, 0};
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
    static const int allowed[] = {P_SIZE, P_BACKEND, P_REPEAT};
    bool help;
    int rc = parse_perf(argc, argv, &args, allowed, 3, bench_usage, &help);
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

    printf("bench: %zu elements, best of %u\n\n", n, (unsigned)args.repeat);
    printf("%-8s %-28s %-5s " RATE_HEADER "\n", "backend", "distribution", "dtype", RATE_COLUMNS);
    if (all) {
        for (int b = 0; b < SIMDINIT_BACKEND_COUNT && rc == 0; b++) {
            if (b == SIMDINIT_BACKEND_AUTO || !simdinit_backend_usable((simdinit_backend)b))
                continue;
            simdinit_status st = simdinit_set_backend((simdinit_backend)b);
            rc = st != SIMDINIT_OK ? cli_fail_status(st, "set backend")
                                   : bench_backend(buf, n, (unsigned)args.repeat);
        }
    } else {
        rc = bench_backend(buf, n, (unsigned)args.repeat);
    }
    free(buf);
    if (rc == 0 && fflush(stdout) != 0)
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output");
    return rc;
}
