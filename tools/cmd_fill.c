/* `simdinit fill`: write one tensor (or a slice of one) to a .npy file. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"
#include "safeout.h"

/* Elements filled and written per step; the library's split invariance makes
 * the file identical to one filled in a single call. */
#define FILL_CHUNK ((size_t)16 << 20)

static const char fill_usage[] =
    "usage: simdinit fill --dist DIST [DIST OPTIONS] --count N [COMMON OPTIONS]\n"
    "       simdinit fill --dist DIST [DIST OPTIONS] --shape D0,D1,... [COMMON OPTIONS]\n"
    "       simdinit fill --scheme SCHEME --shape D0,D1,... [SCHEME OPTIONS] [COMMON OPTIONS]\n"
    "       simdinit fill (--dist DIST | --scheme SCHEME) --shape R,C [--rows R0:R1]\n"
    "                     [--cols C0:C1] ...\n"
    "\n"
    "Writes elements [offset, offset + count) of the tensor (seed, stream) to a\n"
    ".npy file, or a 2-D shard of it. Element i depends only on (seed, stream, i),\n"
    "the distribution and the dtype, so slices written with --offset concatenate\n"
    "to the whole tensor, shards tile it, and any --threads gives the same file.\n"
    "\n"
    "Common options:\n"
    "  --dtype f32|f64|bf16|f16   output type (required)\n"
    "  --out FILE.npy             output file (required)\n"
    "  --seed S                   required, except for --dist constant\n"
    "  --stream T                 default 0\n"
    "  --stream-name NAME         the stream of a named tensor: the FNV-1a 64 hash of\n"
    "                             NAME (docs/STREAM.md 1.1), as `simdinit model` names\n"
    "                             each tensor of a checkpoint (instead of --stream)\n"
    "  --offset K                 first element index, default 0\n"
    "  --count N                  number of elements (required with --dist unless\n"
    "                             --shape is given; default: the rest of the tensor)\n"
    "  --shape D0,D1,...          the logical tensor's shape, row-major element\n"
    "                             order (required with --scheme, optional with --dist)\n"
    "  --threads N                fill threads; 0 or absent: SIMDINIT_NUM_THREADS or\n"
    "                             every usable core (the file is the same for any N)\n"
    "  --backend NAME             auto|scalar|avx2|avx512|neon (default: SIMDINIT_BACKEND or auto)\n"
    "  --stores POLICY            auto|cached|streaming (default: SIMDINIT_STORES or auto):\n"
    "                             how memory is written; never changes the bits\n"
    "  Integers are decimal or 0x hex.\n"
    "\n"
    "Distributions (--dist):\n"
    "  uniform       [--low L --high H]            U[L, H), default L 0, H 1\n"
    "  normal        [--mean M --std S]            N(M, S^2), default 0, 1 (not truncated)\n"
    "  trunc_normal  [--mean M --std S --a A --b B] N(M, S^2) on [A, B]; A, B are absolute\n"
    "                                              bounds (default 0, 1, -2, 2 as PyTorch)\n"
    "  constant      --value V                     every element V\n"
    "\n"
    "Schemes (--scheme), PyTorch family (normals NOT truncated):\n"
    "  xavier_uniform, xavier_normal     [--gain G | --nonlinearity NL [--param P]]\n"
    "  kaiming_uniform, kaiming_normal   [--nonlinearity NL] [--param A] [--mode fan_in|fan_out]\n"
    "                                    (default leaky_relu with slope A = 0, fan_in)\n"
    "  torch_linear                      nn.Linear/ConvNd default weight\n"
    "  torch_linear_bias                 nn.Linear/ConvNd default bias: --shape is the\n"
    "                                    WEIGHT shape; writes the bias (shape[0] elements,\n"
    "                                    shape[-1] with --layout keras)\n"
    "Keras/JAX family (*_normal are TRUNCATED normals):\n"
    "  glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal\n"
    "  variance_scaling                  [--scale X] [--mode fan_in|fan_out|fan_avg]\n"
    "                                    [--distribution truncated_normal|untruncated_normal|uniform]\n"
    "                                    (default 1, fan_in, truncated_normal)\n"
    "Structured (--scheme, whole tensor only: no --offset/--count/--rows/--cols):\n"
    "  orthogonal         [--gain G] [--layout torch|keras | --column-axis K]\n"
    "                     Haar (semi-)orthogonal matrix times G (default 1): torch\n"
    "                     orthogonal_ flattens to (shape[0], rest) (default), keras to\n"
    "                     (rest, shape[-1]), --column-axis K is JAX's orthogonal(column_axis)\n"
    "  eye, identity      [--gain G]   2-D: G on the diagonal (torch eye_, Keras Identity)\n"
    "  dirac              [--groups N] 3-5-D (out, in, *kernel): torch dirac_(w, groups)\n"
    "  delta_orthogonal   [--scale X] [--column-axis K]  3-5-D (*spatial, in, out), in <= out:\n"
    "                     JAX delta_orthogonal (orthogonal matrix at the spatial centre)\n"
    "  sparse             --sparsity P [--std S]  2-D: torch sparse_ (N(0, S), default S\n"
    "                     0.01, ceil(P * rows) zeros per column, the pattern from the stream)\n"
    "  (eye, identity and dirac take no --seed; the others need one. docs/STREAM.md 4.)\n"
    "Scheme options:\n"
    "  --layout torch|keras       fan convention: torch (out, in, *kernel) or keras\n"
    "                             (*kernel, in, out); default torch\n"
    "  --nonlinearity NL          linear, conv1d, conv2d, conv3d, conv_transpose1d,\n"
    "                             conv_transpose2d, conv_transpose3d, sigmoid, tanh,\n"
    "                             relu, leaky_relu, selu (for xavier: gain =\n"
    "                             calculate_gain(NL, P), leaky_relu slope default 0.01)\n"
    "\n"
    "With --shape, the .npy shape is the tensor's shape when the whole tensor is\n"
    "written, (count,) for a slice (--offset/--count), (R1-R0, C1-C0) for a shard.\n"
    "Shards (a 2-D --shape R,C; not with --offset, --count or torch_linear_bias):\n"
    "  --rows R0:R1               rows [R0, R1) of the R x C tensor (default 0:R)\n"
    "  --cols C0:C1               columns [C0, C1) (default 0:C)\n"
    "  The file is the (R1-R0) x (C1-C0) sub-matrix, bit for bit that slice of the\n"
    "  whole tensor: the tensor-parallel row and column shards. 0 <= R0 <= R1 <= R,\n"
    "  0 <= C0 <= C1 <= C. Shards are written by simdinit_fill_shard on one thread\n"
    "  (--threads is not valid with them).\n"
    "\n"
    "Output: a .npy v1.0 file, C order, data aligned to 64 bytes. f32 '<f4',\n"
    "f64 '<f8', f16 '<f2'. NumPy has no bfloat16, so bf16 is stored as '<u2'\n"
    "holding the raw bfloat16 bits; to read it:\n"
    "  (np.load(f).astype(np.uint32) << 16).view(np.float32)\n"
    "Prints one line: elements, bytes, fill seconds, Gelem/s, GB/s (fill time only),\n"
    "the dtype, what was drawn and the thread count.\n"
    "Exit status: 0 ok, 1 I/O or memory failure, 2 bad arguments.\n";

/* Option table indices. */
enum {
    O_DIST, O_SCHEME, O_DTYPE, O_OUT, O_SEED, O_STREAM, O_OFFSET, O_COUNT, O_BACKEND,
    O_THREADS, O_ROWS, O_COLS, O_STORES, O_STREAM_NAME,
    O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B, O_VALUE,
    O_SHAPE, O_LAYOUT, O_GAIN, O_NONLINEARITY, O_PARAM, O_MODE, O_SCALE, O_DISTRIBUTION,
    O_GROUPS, O_SPARSITY, O_COLUMN_AXIS,
    O_NUM
};

typedef struct fill_args {
    const char *dist, *scheme, *dtype, *out, *backend, *stores, *stream_name;
    const char *shape, *layout, *nonlinearity, *mode, *distribution, *rows, *cols;
    const char *column_axis;
    uint64_t seed, stream, offset, count, threads, groups;
    double low, high, mean, std, a, b, value, gain, param, scale, sparsity;
} fill_args;

/* Everything needed to write the file, fully validated. */
typedef struct fill_job {
    simdinit_dtype dtype;
    bool use_scheme;
    simdinit_dist dist;       /* --dist, or the distribution the scheme resolves to */
    simdinit_scheme scheme;   /* --scheme */
    simdinit_layout layout;
    uint64_t shape[SIMDINIT_MAX_NDIM]; /* --shape as passed to the library */
    int ndim;
    uint64_t file_shape[SIMDINIT_MAX_NDIM]; /* the .npy shape */
    int file_ndim;
    uint64_t seed, stream, offset, count;
    int threads;              /* resolved --threads (1 for a shard) */
    bool shard;               /* --rows/--cols: rows [r0, r1) x cols [c0, c1) of rows x cols */
    uint64_t rows, cols, r0, r1, c0, c1;
    const char *path;
    char what[768]; /* what was drawn, for the report line */
    /* Structured schemes (a ST_* kind, ST_NONE otherwise): the whole tensor in one call. */
    int structured;
    double sgain;             /* gain / scale / std */
    double sparsity;
    uint64_t groups;
    int column_axis;
    bool jax_axis;            /* orthogonal: --column-axis given (or --layout keras) */
} fill_job;

static const int dist_only[] = {O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B, O_VALUE};
static const int scheme_only[] = {O_LAYOUT, O_GAIN, O_NONLINEARITY, O_PARAM, O_MODE,
                                  O_SCALE, O_DISTRIBUTION, O_GROUPS, O_SPARSITY, O_COLUMN_AXIS};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* The range written: a slice (--offset/--count) or a shard (--rows/--cols) */
/* ---------------------------------------------------------------------- */

/* "START:END" (decimal or 0x hex) with START <= END <= limit. */
static int parse_range(const char *opt, const char *s, uint64_t limit, const char *unit,
                       const char *shape_str, uint64_t *lo, uint64_t *hi)
{
    const char *colon = strchr(s, ':');
    char a[32], b[32];
    size_t la = colon ? (size_t)(colon - s) : 0;
    if (colon == NULL || strchr(colon + 1, ':') != NULL || la == 0 || la >= sizeof a ||
        strlen(colon + 1) >= sizeof b)
        return cli_fail(CLI_EXIT_USAGE, "invalid value for %s: '%s' (expected START:END, "
                                        "e.g. 0:384)", opt, s);
    memcpy(a, s, la);
    a[la] = '\0';
    strcpy(b, colon + 1);
    if (!cli_parse_u64(a, lo) || !cli_parse_u64(b, hi))
        return cli_fail(CLI_EXIT_USAGE, "invalid value for %s: '%s' (expected START:END, "
                                        "e.g. 0:384)", opt, s);
    if (*lo > *hi)
        return cli_fail(CLI_EXIT_USAGE, "invalid value for %s: '%s' (start %" PRIu64
                        " is after end %" PRIu64 ")", opt, s, *lo, *hi);
    if (*hi > limit)
        return cli_fail(CLI_EXIT_USAGE, "invalid value for %s: '%s' (end %" PRIu64
                        " is past the %" PRIu64 " %s of --shape %s)", opt, s, *hi, limit, unit,
                        shape_str);
    return 0;
}

/*
 * What is written of a tensor of `numel` elements whose whole shape is
 * job->shape (job->file_shape already holds the .npy shape of the whole
 * tensor written): --rows/--cols make a 2-D shard, else --offset/--count a
 * slice (the rest of the tensor when --count is absent). `bias` is set for
 * torch_linear_bias, whose tensor is not the --shape.
 */
static int resolve_range(const cli_opt *opts, const fill_args *args, fill_job *job,
                         uint64_t numel, const char *shape_str, bool bias)
{
    int rc;
    if (opts[O_ROWS].seen || opts[O_COLS].seen) {
        static const int bad[] = {O_OFFSET, O_COUNT};
        if ((rc = cli_reject(opts, bad, COUNT_OF(bad), "with --rows/--cols")) != 0)
            return rc;
        if (opts[O_THREADS].seen)
            return cli_fail(CLI_EXIT_USAGE, "--threads is not valid with --rows/--cols "
                                            "(shards are filled on one thread)");
        if (bias)
            return cli_fail(CLI_EXIT_USAGE, "--rows/--cols are not valid with --scheme "
                                            "torch_linear_bias (it writes a 1-D bias)");
        if (job->ndim != 2)
            return cli_fail(CLI_EXIT_USAGE, "--rows/--cols need a 2-D --shape R,C (got %s)",
                            shape_str);
        job->rows = job->shape[0];
        job->cols = job->shape[1];
        job->r0 = 0;
        job->r1 = job->rows;
        job->c0 = 0;
        job->c1 = job->cols;
        if (opts[O_ROWS].seen &&
            (rc = parse_range("--rows", args->rows, job->rows, "rows", shape_str, &job->r0,
                              &job->r1)) != 0)
            return rc;
        if (opts[O_COLS].seen &&
            (rc = parse_range("--cols", args->cols, job->cols, "columns", shape_str, &job->c0,
                              &job->c1)) != 0)
            return rc;
        job->shard = true;
        job->offset = 0;
        job->count = (job->r1 - job->r0) * (job->c1 - job->c0); /* <= numel: no overflow */
        job->file_ndim = 2;
        job->file_shape[0] = job->r1 - job->r0;
        job->file_shape[1] = job->c1 - job->c0;
        return 0;
    }

    if (job->offset > numel)
        return cli_fail(CLI_EXIT_USAGE, "--offset %" PRIu64 " is past the end of the tensor (%"
                        PRIu64 " elements)", job->offset, numel);
    if (opts[O_COUNT].seen) {
        if (args->count > numel - job->offset)
            return cli_fail(CLI_EXIT_USAGE,
                            "--offset %" PRIu64 " + --count %" PRIu64
                            " exceeds the tensor's %" PRIu64 " elements",
                            job->offset, args->count, numel);
        job->count = args->count;
    } else {
        job->count = numel - job->offset;
    }
    if (job->offset != 0 || job->count != numel) {
        job->file_ndim = 1;
        job->file_shape[0] = job->count;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* --dist                                                                  */
/* ---------------------------------------------------------------------- */

static int build_dist_job(const cli_opt *opts, const fill_args *args, fill_job *job)
{
    int kind, rc;
    if ((rc = cli_lookup("--dist", args->dist, cli_dist_name, &kind)) != 0)
        return rc;
    if ((rc = cli_reject(opts, scheme_only, COUNT_OF(scheme_only), "with --dist")) != 0)
        return rc;

    char context[64];
    snprintf(context, sizeof context, "with --dist %s", args->dist);
    switch ((simdinit_dist_kind)kind) {
    case SIMDINIT_DIST_UNIFORM: {
        static const int bad[] = {O_MEAN, O_STD, O_A, O_B, O_VALUE};
        rc = cli_reject(opts, bad, COUNT_OF(bad), context);
        job->dist = simdinit_dist_uniform(args->low, args->high);
        break;
    }
    case SIMDINIT_DIST_NORMAL: {
        static const int bad[] = {O_LOW, O_HIGH, O_A, O_B, O_VALUE};
        rc = cli_reject(opts, bad, COUNT_OF(bad), context);
        job->dist = simdinit_dist_normal(args->mean, args->std);
        break;
    }
    case SIMDINIT_DIST_TRUNC_NORMAL: {
        static const int bad[] = {O_LOW, O_HIGH, O_VALUE};
        rc = cli_reject(opts, bad, COUNT_OF(bad), context);
        job->dist = simdinit_dist_trunc_normal(args->mean, args->std, args->a, args->b);
        break;
    }
    case SIMDINIT_DIST_CONSTANT: {
        static const int bad[] = {O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B};
        rc = cli_reject(opts, bad, COUNT_OF(bad), context);
        if (rc == 0 && !opts[O_VALUE].seen)
            rc = cli_fail(CLI_EXIT_USAGE, "--dist constant needs --value");
        job->dist = simdinit_dist_constant(args->value);
        break;
    }
    }
    if (rc)
        return rc;
    if (!opts[O_SHAPE].seen) {
        if (opts[O_ROWS].seen || opts[O_COLS].seen)
            return cli_fail(CLI_EXIT_USAGE, "--rows/--cols need --shape R,C");
        if (!opts[O_COUNT].seen)
            return cli_fail(CLI_EXIT_USAGE, "--count is required with --dist (or give --shape)");
    }
    if (!opts[O_SEED].seen && job->dist.kind != SIMDINIT_DIST_CONSTANT)
        return cli_fail(CLI_EXIT_USAGE, "--seed is required");

    simdinit_status st = simdinit_dist_check(&job->dist, job->dtype);
    char desc[128];
    cli_format_dist(desc, sizeof desc, &job->dist);
    if (st != SIMDINIT_OK) {
        char what[256];
        snprintf(what, sizeof what, "invalid --dist %s for %s", desc, args->dtype);
        return cli_fail_status(st, what);
    }
    job->use_scheme = false;
    if (!opts[O_SHAPE].seen) {
        snprintf(job->what, sizeof job->what, "%s", desc);
        job->count = args->count;
        job->file_ndim = 1;
        job->file_shape[0] = args->count;
        return 0;
    }

    /* --shape: the logical tensor; --count/--offset or --rows/--cols cut it. */
    if ((rc = cli_parse_shape("--shape", args->shape, job->shape, &job->ndim)) != 0)
        return rc;
    char shape_str[400];
    cli_format_shape(shape_str, sizeof shape_str, job->shape, job->ndim);
    uint64_t numel;
    st = simdinit_numel(job->shape, job->ndim, &numel);
    if (st != SIMDINIT_OK)
        return cli_fail_status(st, "invalid --shape");
    job->file_ndim = job->ndim;
    memcpy(job->file_shape, job->shape, sizeof job->shape);
    if ((rc = resolve_range(opts, args, job, numel, shape_str, false)) != 0)
        return rc;
    snprintf(job->what, sizeof job->what, "%s, tensor %s", desc, shape_str);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* --scheme                                                                */
/* ---------------------------------------------------------------------- */

/* --nonlinearity / --param for a scheme: *nl and *param keep their defaults
 * when the options are absent. */
static int parse_nonlinearity(const cli_opt *opts, const fill_args *args,
                              simdinit_nonlinearity *nl, double *param)
{
    if (opts[O_NONLINEARITY].seen) {
        int v, rc;
        if ((rc = cli_lookup("--nonlinearity", args->nonlinearity, cli_nonlinearity_name, &v)) != 0)
            return rc;
        *nl = (simdinit_nonlinearity)v;
    }
    if (opts[O_PARAM].seen) {
        if (*nl != SIMDINIT_NL_LEAKY_RELU)
            return cli_fail(CLI_EXIT_USAGE, "--param only applies to --nonlinearity leaky_relu");
        *param = args->param;
    }
    return 0;
}

static int apply_scheme_options(const cli_opt *opts, const fill_args *args, fill_job *job)
{
    simdinit_scheme *s = &job->scheme;
    char context[64];
    snprintf(context, sizeof context, "with --scheme %s", args->scheme);
    int rc, v;

    switch (s->kind) {
    case SIMDINIT_XAVIER_UNIFORM:
    case SIMDINIT_XAVIER_NORMAL: {
        static const int bad[] = {O_MODE, O_SCALE, O_DISTRIBUTION};
        if ((rc = cli_reject(opts, bad, COUNT_OF(bad), context)) != 0)
            return rc;
        if (opts[O_GAIN].seen && (opts[O_NONLINEARITY].seen || opts[O_PARAM].seen))
            return cli_fail(CLI_EXIT_USAGE, "give either --gain or --nonlinearity, not both");
        if (opts[O_PARAM].seen && !opts[O_NONLINEARITY].seen)
            return cli_fail(CLI_EXIT_USAGE, "--param needs --nonlinearity with --scheme %s",
                            args->scheme);
        if (opts[O_GAIN].seen)
            s->gain = args->gain;
        if (opts[O_NONLINEARITY].seen) {
            /* torch.nn.init.calculate_gain: leaky_relu's slope defaults to 0.01. */
            simdinit_nonlinearity nl = SIMDINIT_NL_LINEAR;
            double param = 0.01;
            if ((rc = parse_nonlinearity(opts, args, &nl, &param)) != 0)
                return rc;
            simdinit_status st = simdinit_gain(nl, param, &s->gain);
            if (st != SIMDINIT_OK)
                return cli_fail_status(st, "invalid --nonlinearity/--param");
        }
        return 0;
    }
    case SIMDINIT_KAIMING_UNIFORM:
    case SIMDINIT_KAIMING_NORMAL: {
        static const int bad[] = {O_GAIN, O_SCALE, O_DISTRIBUTION};
        if ((rc = cli_reject(opts, bad, COUNT_OF(bad), context)) != 0)
            return rc;
        if ((rc = parse_nonlinearity(opts, args, &s->nonlinearity, &s->a)) != 0)
            return rc;
        if (opts[O_MODE].seen) {
            if ((rc = cli_lookup("--mode", args->mode, cli_mode_name, &v)) != 0)
                return rc;
            if (v == SIMDINIT_FAN_AVG)
                return cli_fail(CLI_EXIT_USAGE,
                                "--mode fan_avg is only valid with --scheme variance_scaling");
            s->mode = (simdinit_fan_mode)v;
        }
        return 0;
    }
    case SIMDINIT_VARIANCE_SCALING: {
        static const int bad[] = {O_GAIN, O_NONLINEARITY, O_PARAM};
        if ((rc = cli_reject(opts, bad, COUNT_OF(bad), context)) != 0)
            return rc;
        if (opts[O_SCALE].seen)
            s->scale = args->scale;
        if (opts[O_MODE].seen) {
            if ((rc = cli_lookup("--mode", args->mode, cli_mode_name, &v)) != 0)
                return rc;
            s->mode = (simdinit_fan_mode)v;
        }
        if (opts[O_DISTRIBUTION].seen) {
            if ((rc = cli_lookup("--distribution", args->distribution, cli_vs_dist_name, &v)) != 0)
                return rc;
            s->distribution = (simdinit_vs_distribution)v;
        }
        return 0;
    }
    default: {
        /* Fixed presets: nothing to configure. */
        static const int bad[] = {O_GAIN, O_NONLINEARITY, O_PARAM, O_MODE, O_SCALE,
                                  O_DISTRIBUTION};
        return cli_reject(opts, bad, COUNT_OF(bad), context);
    }
    }
}

/* ---------------------------------------------------------------------- */
/* Structured schemes (orthogonal, eye, identity, dirac, delta_orthogonal, */
/* sparse): whole tensors, one library call                                */
/* ---------------------------------------------------------------------- */

enum { ST_NONE, ST_ORTHOGONAL, ST_EYE, ST_IDENTITY, ST_DIRAC, ST_DELTA, ST_SPARSE, ST_COUNT };
static const char *const st_names[ST_COUNT] = {
    NULL, "orthogonal", "eye", "identity", "dirac", "delta_orthogonal", "sparse"};

static int structured_kind(const char *name)
{
    for (int k = 1; k < ST_COUNT; k++)
        if (strcmp(name, st_names[k]) == 0)
            return k;
    return ST_NONE;
}

/* One library call for the whole tensor into buf (buf NULL: validation only,
 * which the library reports as SIMDINIT_ERR_NULL when all else is valid). */
static simdinit_status fill_structured(const fill_job *job, void *buf, int threads)
{
    uint64_t r = job->ndim >= 1 ? job->shape[0] : 0, c = 0;
    simdinit_status st;
    switch (job->structured) {
    case ST_ORTHOGONAL:
        if (job->jax_axis)
            return simdinit_orthogonal_axis(buf, job->dtype, job->shape, job->ndim,
                                            job->column_axis, job->sgain, job->seed, job->stream,
                                            threads);
        /* torch: (shape[0], product of the rest) */
        if ((st = simdinit_numel(job->shape, job->ndim, &c)) != SIMDINIT_OK)
            return st;
        if (job->ndim < 2)
            return SIMDINIT_ERR_BAD_SHAPE;
        c = r ? c / r : 0;
        return simdinit_orthogonal(buf, job->dtype, r, c, job->sgain, job->seed, job->stream,
                                   threads);
    case ST_EYE:
    case ST_IDENTITY:
        return simdinit_eye(buf, job->dtype, r, job->shape[1], job->sgain);
    case ST_DIRAC:
        return simdinit_dirac(buf, job->dtype, job->shape, job->ndim, job->groups);
    case ST_DELTA:
        return simdinit_delta_orthogonal(buf, job->dtype, job->shape, job->ndim, job->column_axis,
                                         job->sgain, job->seed, job->stream, threads);
    default:
        return simdinit_sparse(buf, job->dtype, r, job->shape[1], job->sparsity, job->sgain,
                               job->seed, job->stream, threads);
    }
}

static int build_structured_job(const cli_opt *opts, const fill_args *args, fill_job *job,
                                int kind)
{
    char context[96];
    int rc;
    static const int whole[] = {O_OFFSET, O_COUNT, O_ROWS, O_COLS};
    snprintf(context, sizeof context, "with --scheme %s (it writes the whole tensor)",
             args->scheme);
    if ((rc = cli_reject(opts, whole, COUNT_OF(whole), context)) != 0)
        return rc;
    snprintf(context, sizeof context, "with --scheme %s", args->scheme);
    /* Every option a structured scheme may take, and which of them this one takes. */
    static const int all[] = {O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B, O_VALUE, O_LAYOUT,
                              O_GAIN, O_NONLINEARITY, O_PARAM, O_MODE, O_SCALE,
                              O_DISTRIBUTION, O_GROUPS, O_SPARSITY, O_COLUMN_AXIS};
    bool ok[O_NUM] = {false};
    switch (kind) {
    case ST_ORTHOGONAL: ok[O_GAIN] = ok[O_LAYOUT] = ok[O_COLUMN_AXIS] = true; break;
    case ST_EYE: case ST_IDENTITY: ok[O_GAIN] = true; break;
    case ST_DIRAC: ok[O_GROUPS] = true; break;
    case ST_DELTA: ok[O_SCALE] = ok[O_COLUMN_AXIS] = true; break;
    default: ok[O_SPARSITY] = ok[O_STD] = true; break;
    }
    int bad[COUNT_OF(all)];
    size_t nbad = 0;
    for (size_t i = 0; i < COUNT_OF(all); i++)
        if (!ok[all[i]])
            bad[nbad++] = all[i];
    if ((rc = cli_reject(opts, bad, nbad, context)) != 0)
        return rc;
    if (!opts[O_SHAPE].seen)
        return cli_fail(CLI_EXIT_USAGE, "--shape is required with --scheme");
    if ((rc = cli_parse_shape("--shape", args->shape, job->shape, &job->ndim)) != 0)
        return rc;
    bool random = kind == ST_ORTHOGONAL || kind == ST_DELTA || kind == ST_SPARSE;
    if (random && !opts[O_SEED].seen)
        return cli_fail(CLI_EXIT_USAGE, "--seed is required");
    if ((kind == ST_EYE || kind == ST_IDENTITY || kind == ST_SPARSE) && job->ndim != 2)
        return cli_fail(CLI_EXIT_USAGE, "--scheme %s needs a 2-D --shape R,C", args->scheme);
    if (kind == ST_SPARSE && !opts[O_SPARSITY].seen)
        return cli_fail(CLI_EXIT_USAGE, "--scheme sparse needs --sparsity P");
    job->structured = kind;
    job->sgain = kind == ST_DELTA ? (opts[O_SCALE].seen ? args->scale : 1.0)
               : kind == ST_SPARSE ? (opts[O_STD].seen ? args->std : 0.01)
               : (opts[O_GAIN].seen ? args->gain : 1.0);
    job->sparsity = args->sparsity;
    job->groups = opts[O_GROUPS].seen ? args->groups : 1;
    job->column_axis = -1;
    if (opts[O_COLUMN_AXIS].seen) {
        char *end;
        errno = 0;
        long v = strtol(args->column_axis, &end, 10);
        if (errno || end == args->column_axis || *end || v < -SIMDINIT_MAX_NDIM ||
            v > SIMDINIT_MAX_NDIM)
            return cli_fail(CLI_EXIT_USAGE, "invalid value for --column-axis: '%s' (an axis "
                                            "index, negative from the end)", args->column_axis);
        job->column_axis = (int)v;
    }
    if (kind == ST_ORTHOGONAL) {
        int layout = SIMDINIT_LAYOUT_TORCH;
        if (opts[O_LAYOUT].seen &&
            (rc = cli_lookup("--layout", args->layout, cli_layout_name, &layout)) != 0)
            return rc;
        if (opts[O_LAYOUT].seen && opts[O_COLUMN_AXIS].seen)
            return cli_fail(CLI_EXIT_USAGE, "give --layout or --column-axis, not both");
        job->jax_axis = opts[O_COLUMN_AXIS].seen || layout == SIMDINIT_LAYOUT_KERAS;
    }
    char shape_str[400];
    cli_format_shape(shape_str, sizeof shape_str, job->shape, job->ndim);
    /* The library checks all of this too; these say which option is wrong. */
    int nd = job->ndim;
    if ((kind == ST_DIRAC || kind == ST_DELTA) && (nd < 3 || nd > 5))
        return cli_fail(CLI_EXIT_USAGE, "--scheme %s needs a 3-, 4- or 5-D --shape (got %s)",
                        args->scheme, shape_str);
    if (kind == ST_ORTHOGONAL && nd < 2)
        return cli_fail(CLI_EXIT_USAGE, "--scheme orthogonal needs at least 2 dimensions "
                                        "(got %s)", shape_str);
    if (kind == ST_DIRAC && (job->groups == 0 || job->shape[0] % job->groups != 0))
        return cli_fail(CLI_EXIT_USAGE, "--groups %" PRIu64 " must divide shape[0] = %" PRIu64,
                        job->groups, job->shape[0]);
    if (kind == ST_DELTA && job->shape[nd - 1] < job->shape[nd - 2])
        return cli_fail(CLI_EXIT_USAGE, "--scheme delta_orthogonal needs shape[-2] (in) <= "
                                        "shape[-1] (out), got %s", shape_str);
    if (kind == ST_DELTA && (job->column_axis < -2 || job->column_axis > 1))
        return cli_fail(CLI_EXIT_USAGE, "--column-axis %d: delta_orthogonal takes an axis of "
                                        "the 2-D (in, out) matrix: -2, -1, 0 or 1",
                        job->column_axis);
    if (kind == ST_ORTHOGONAL && (job->column_axis < -nd || job->column_axis >= nd))
        return cli_fail(CLI_EXIT_USAGE, "--column-axis %d is not an axis of --shape %s",
                        job->column_axis, shape_str);
    if (kind == ST_SPARSE && !(job->sparsity >= 0 && job->sparsity <= 1))
        return cli_fail(CLI_EXIT_USAGE, "--sparsity %g is outside [0, 1]", job->sparsity);
    simdinit_status st = fill_structured(job, NULL, 1);
    if (st != SIMDINIT_OK && st != SIMDINIT_ERR_NULL) {
        char what[512];
        snprintf(what, sizeof what, "invalid --scheme %s for --shape %s", args->scheme,
                 shape_str);
        return cli_fail_status(st, what);
    }
    if ((st = simdinit_numel(job->shape, job->ndim, &job->count)) != SIMDINIT_OK)
        return cli_fail_status(st, "invalid --shape");
    job->file_ndim = job->ndim;
    memcpy(job->file_shape, job->shape, sizeof job->shape);
    job->offset = 0;
    char params[160] = "";
    switch (kind) {
    case ST_ORTHOGONAL:
        if (job->jax_axis)
            snprintf(params, sizeof params, "gain %.17g, column axis %d", job->sgain,
                     job->column_axis);
        else
            snprintf(params, sizeof params, "gain %.17g, torch flattening", job->sgain);
        break;
    case ST_EYE: case ST_IDENTITY: snprintf(params, sizeof params, "gain %.17g", job->sgain); break;
    case ST_DIRAC: snprintf(params, sizeof params, "groups %" PRIu64, job->groups); break;
    case ST_DELTA:
        snprintf(params, sizeof params, "scale %.17g, column axis %d", job->sgain, job->column_axis);
        break;
    default:
        snprintf(params, sizeof params, "sparsity %.17g, std %.17g", job->sparsity, job->sgain);
        break;
    }
    job->use_scheme = false;
    snprintf(job->what, sizeof job->what, "%s %s: %s", args->scheme, shape_str, params);
    return 0;
}

static int build_scheme_job(const cli_opt *opts, const fill_args *args, fill_job *job)
{
    simdinit_scheme_kind kind;
    int rc, v;
    int st_kind = structured_kind(args->scheme);
    if (st_kind != ST_NONE)
        return build_structured_job(opts, args, job, st_kind);
    static const int st_only[] = {O_GROUPS, O_SPARSITY, O_COLUMN_AXIS};
    if (simdinit_scheme_from_name(args->scheme, &kind) == SIMDINIT_OK) {
        char context[96];
        snprintf(context, sizeof context, "with --scheme %s", args->scheme);
        if ((rc = cli_reject(opts, st_only, COUNT_OF(st_only), context)) != 0)
            return rc;
    }
    if (simdinit_scheme_from_name(args->scheme, &kind) != SIMDINIT_OK) {
        /* the library's schemes and the structured ones above */
        char names[1024];
        size_t len = 0;
        for (int i = 0; cli_scheme_name(i) != NULL && len < sizeof names; i++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s, ", cli_scheme_name(i));
        for (int k = 1; k < ST_COUNT && len < sizeof names; k++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", st_names[k],
                                    k + 1 < ST_COUNT ? ", " : "");
        return cli_fail(CLI_EXIT_USAGE, "unknown --scheme '%s' (expected %s)", args->scheme, names);
    }
    if ((rc = cli_reject(opts, dist_only, COUNT_OF(dist_only), "with --scheme")) != 0)
        return rc;
    if (!opts[O_SHAPE].seen)
        return cli_fail(CLI_EXIT_USAGE, "--shape is required with --scheme");
    if ((rc = cli_parse_shape("--shape", args->shape, job->shape, &job->ndim)) != 0)
        return rc;
    job->layout = SIMDINIT_LAYOUT_TORCH;
    if (opts[O_LAYOUT].seen) {
        if ((rc = cli_lookup("--layout", args->layout, cli_layout_name, &v)) != 0)
            return rc;
        job->layout = (simdinit_layout)v;
    }
    job->scheme = simdinit_scheme_default(kind);
    if ((rc = apply_scheme_options(opts, args, job)) != 0)
        return rc;
    if (!opts[O_SEED].seen)
        return cli_fail(CLI_EXIT_USAGE, "--seed is required");

    char shape_str[400];
    cli_format_shape(shape_str, sizeof shape_str, job->shape, job->ndim);

    /* The tensor written: the weight itself, or for torch_linear_bias the bias
     * of a layer with that weight. */
    uint64_t numel;
    simdinit_status st = simdinit_numel(job->shape, job->ndim, &numel);
    if (st != SIMDINIT_OK)
        return cli_fail_status(st, "invalid --shape");
    if (kind == SIMDINIT_TORCH_LINEAR_BIAS) {
        int need = job->layout == SIMDINIT_LAYOUT_TORCH ? 2 : 1;
        if (job->ndim < need)
            return cli_fail(CLI_EXIT_USAGE,
                            "--scheme torch_linear_bias needs the weight shape (at least %d "
                            "dimensions with --layout %s)", need, cli_layout_name((int)job->layout));
        numel = job->layout == SIMDINIT_LAYOUT_TORCH ? job->shape[0] : job->shape[job->ndim - 1];
        job->file_ndim = 1;
        job->file_shape[0] = numel;
    } else {
        job->file_ndim = job->ndim;
        memcpy(job->file_shape, job->shape, sizeof job->shape);
    }

    /* Validate the scheme for this shape. A zero-element tensor is a no-op
     * (as in PyTorch), so its fans need not be usable. */
    st = simdinit_scheme_dist(&job->scheme, job->shape, job->ndim, job->layout, &job->dist);
    char desc[128] = "empty";
    if (st == SIMDINIT_OK)
        cli_format_dist(desc, sizeof desc, &job->dist);
    else if (numel != 0) {
        char what[512];
        snprintf(what, sizeof what, "invalid --scheme %s for --shape %s --layout %s",
                 args->scheme, shape_str, cli_layout_name((int)job->layout));
        return cli_fail_status(st, what);
    }
    if (st == SIMDINIT_OK && (st = simdinit_dist_check(&job->dist, job->dtype)) != SIMDINIT_OK) {
        char what[512];
        snprintf(what, sizeof what, "--scheme %s gives %s, invalid for %s", args->scheme, desc,
                 args->dtype);
        return cli_fail_status(st, what);
    }

    if ((rc = resolve_range(opts, args, job, numel, shape_str,
                            kind == SIMDINIT_TORCH_LINEAR_BIAS)) != 0)
        return rc;
    job->use_scheme = true;
    snprintf(job->what, sizeof job->what, "%s %s %s: %s", args->scheme, shape_str,
             cli_layout_name((int)job->layout), desc);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * Fills the next piece of the file, elements [done, done + *n) of what is
 * written, with *n <= chunk, into buf. A slice is contiguous in the stream:
 * simdinit_fill_mt / simdinit_fill_scheme_mt over job->threads. A shard is
 * written in file (row-major) order by simdinit_fill_shard: bands of whole
 * shard rows, or pieces of one row when a row is wider than the chunk.
 */
static simdinit_status fill_next(const fill_job *job, void *buf, size_t chunk, uint64_t done,
                                 size_t *n)
{
    if (job->structured) {
        *n = (size_t)job->count;   /* chunk == count: the whole tensor at once */
        (void)chunk;
        (void)done;
        return fill_structured(job, buf, job->threads);
    }
    if (!job->shard) {
        *n = job->count - done < chunk ? (size_t)(job->count - done) : chunk;
        if (job->use_scheme)
            return simdinit_fill_scheme_mt(buf, job->dtype, job->shape, job->ndim, job->layout,
                                           &job->scheme, *n, job->offset + done, job->seed,
                                           job->stream, job->threads);
        return simdinit_fill_mt(buf, job->dtype, *n, job->offset + done, job->seed, job->stream,
                                &job->dist, job->threads);
    }
    const uint64_t w = job->c1 - job->c0; /* > 0: done < count */
    const uint64_t r = done / w, c = done % w;
    if (c == 0 && w <= chunk) {
        uint64_t band = chunk / w;
        if (band > job->r1 - job->r0 - r)
            band = job->r1 - job->r0 - r;
        *n = (size_t)(band * w);
        return simdinit_fill_shard(buf, (size_t)w, job->dtype, job->rows, job->cols, job->r0 + r,
                                   job->r0 + r + band, job->c0, job->c1, job->seed, job->stream,
                                   &job->dist);
    }
    const uint64_t len = w - c < chunk ? w - c : chunk;
    *n = (size_t)len;
    return simdinit_fill_shard(buf, (size_t)len, job->dtype, job->rows, job->cols, job->r0 + r,
                               job->r0 + r + 1, job->c0 + c, job->c0 + c + len, job->seed,
                               job->stream, &job->dist);
}

static int write_job(const fill_job *job)
{
    const size_t esize = simdinit_dtype_size(job->dtype);
    const size_t chunk = job->structured || job->count < FILL_CHUNK ? (size_t)job->count
                                                                    : FILL_CHUNK;
    void *buf = NULL;
    FILE *f = NULL;
    double fill_s = 0;
    safeout so;
    bool open = false;
    char err[600];
    int rc = 0;

    if (job->count > UINT64_MAX / esize)
        return cli_fail(CLI_EXIT_USAGE, "--count %" PRIu64 " is too large", job->count);
    if (job->structured && job->count > SIZE_MAX / esize)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory (%" PRIu64 " elements)", job->count);
    if (chunk > 0) {
        buf = malloc(chunk * esize);
        if (buf == NULL)
            return cli_fail(CLI_EXIT_RUNTIME, "out of memory (%zu bytes)", chunk * esize);
        /* Fault the pages in before timing (through cli_memset: a plain memset of 0
         * right after malloc may be turned into calloc, which touches nothing). */
        cli_memset(buf, 0, chunk * esize);
    }

    /* A temporary file beside the target, renamed onto it when complete: an
     * existing file is replaced only by a whole new one (tools/safeout.h). */
    if (safeout_open_file(&so, job->path, true, err, sizeof err) != 0) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
        goto done;
    }
    open = true;
    f = fdopen(so.fd, "wb");
    if (f == NULL) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot open '%s': %s", job->path, strerror(errno));
        goto done;
    }
    so.fd = -1; /* the stream owns it now */
    if (npy_write_header(f, npy_descr(job->dtype), job->file_shape, job->file_ndim) == 0) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s': %s", job->path, strerror(errno));
        goto done;
    }
    for (uint64_t written = 0; written < job->count;) {
        size_t n = 0;
        double t0 = cli_now();
        simdinit_status st = fill_next(job, buf, chunk, written, &n);
        fill_s += cli_now() - t0;
        if (st != SIMDINIT_OK) {
            rc = cli_fail_status(st, "fill failed");
            goto done;
        }
        if (fwrite(buf, esize, n, f) != n) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s': %s", job->path, strerror(errno));
            goto done;
        }
        written += n;
    }
    int closed = fclose(f);
    f = NULL;
    if (closed != 0) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s': %s", job->path, strerror(errno));
        goto done;
    }
    open = false;
    if (safeout_commit(&so, err, sizeof err) != 0)
        rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);

done:
    if (f != NULL)
        fclose(f);
    if (open)
        safeout_abort(&so); /* never leave a partial file; the old one is untouched */
    free(buf);
    if (rc != 0)
        return rc;

    const uint64_t bytes = job->count * esize;
    char range[128] = "";
    if (job->shard)
        snprintf(range, sizeof range, ", shard rows %" PRIu64 ":%" PRIu64 " cols %" PRIu64
                 ":%" PRIu64, job->r0, job->r1, job->c0, job->c1);
    printf("%s: %" PRIu64 " elements, %" PRIu64 " bytes, %.6f s, %.3f Gelem/s, %.3f GB/s "
           "(%s, %s%s, %d thread%s)\n",
           job->path, job->count, bytes, fill_s, cli_rate((double)job->count, fill_s),
           cli_rate((double)bytes, fill_s), simdinit_dtype_name(job->dtype), job->what, range,
           job->threads, job->threads == 1 ? "" : "s");
    if (fflush(stdout) != 0)
        return cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output: %s", strerror(errno));
    return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Entry point                                                             */
/* ---------------------------------------------------------------------- */

int cmd_fill(int argc, char **argv)
{
    fill_args args = {
        .low = 0, .high = 1, .mean = 0, .std = 1, .a = -2, .b = 2,
        .stream = 0, .offset = 0,
    };
    cli_opt opts[O_NUM] = {
        [O_DIST] = {"dist", CLI_OPT_STRING, &args.dist, false},
        [O_SCHEME] = {"scheme", CLI_OPT_STRING, &args.scheme, false},
        [O_DTYPE] = {"dtype", CLI_OPT_STRING, &args.dtype, false},
        [O_OUT] = {"out", CLI_OPT_STRING, &args.out, false},
        [O_SEED] = {"seed", CLI_OPT_U64, &args.seed, false},
        [O_STREAM] = {"stream", CLI_OPT_U64, &args.stream, false},
        [O_OFFSET] = {"offset", CLI_OPT_U64, &args.offset, false},
        [O_COUNT] = {"count", CLI_OPT_U64, &args.count, false},
        [O_BACKEND] = {"backend", CLI_OPT_STRING, &args.backend, false},
        [O_THREADS] = {"threads", CLI_OPT_U64, &args.threads, false},
        [O_ROWS] = {"rows", CLI_OPT_STRING, &args.rows, false},
        [O_COLS] = {"cols", CLI_OPT_STRING, &args.cols, false},
        [O_STORES] = {"stores", CLI_OPT_STRING, &args.stores, false},
        [O_STREAM_NAME] = {"stream-name", CLI_OPT_STRING, &args.stream_name, false},
        [O_LOW] = {"low", CLI_OPT_F64, &args.low, false},
        [O_HIGH] = {"high", CLI_OPT_F64, &args.high, false},
        [O_MEAN] = {"mean", CLI_OPT_F64, &args.mean, false},
        [O_STD] = {"std", CLI_OPT_F64, &args.std, false},
        [O_A] = {"a", CLI_OPT_F64, &args.a, false},
        [O_B] = {"b", CLI_OPT_F64, &args.b, false},
        [O_VALUE] = {"value", CLI_OPT_F64, &args.value, false},
        [O_SHAPE] = {"shape", CLI_OPT_STRING, &args.shape, false},
        [O_LAYOUT] = {"layout", CLI_OPT_STRING, &args.layout, false},
        [O_GAIN] = {"gain", CLI_OPT_F64, &args.gain, false},
        [O_NONLINEARITY] = {"nonlinearity", CLI_OPT_STRING, &args.nonlinearity, false},
        [O_PARAM] = {"param", CLI_OPT_F64, &args.param, false},
        [O_MODE] = {"mode", CLI_OPT_STRING, &args.mode, false},
        [O_SCALE] = {"scale", CLI_OPT_F64, &args.scale, false},
        [O_DISTRIBUTION] = {"distribution", CLI_OPT_STRING, &args.distribution, false},
        [O_GROUPS] = {"groups", CLI_OPT_U64, &args.groups, false},
        [O_SPARSITY] = {"sparsity", CLI_OPT_F64, &args.sparsity, false},
        [O_COLUMN_AXIS] = {"column-axis", CLI_OPT_STRING, &args.column_axis, false},
    };
    int rc = cli_parse(argc, argv, opts, O_NUM);
    if (rc == CLI_HELP) {
        fputs(fill_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (rc)
        return rc;

    if (opts[O_DIST].seen == opts[O_SCHEME].seen)
        return cli_fail(CLI_EXIT_USAGE, "give exactly one of --dist and --scheme "
                                        "(see 'simdinit fill --help')");
    if (!opts[O_DTYPE].seen)
        return cli_fail(CLI_EXIT_USAGE, "--dtype is required");
    if (!opts[O_OUT].seen)
        return cli_fail(CLI_EXIT_USAGE, "--out is required");
    if (args.out[0] == '\0')
        return cli_fail(CLI_EXIT_USAGE, "--out needs a file name");

    fill_job job;
    memset(&job, 0, sizeof job);
    int dtype;
    if ((rc = cli_lookup("--dtype", args.dtype, cli_dtype_name, &dtype)) != 0)
        return rc;
    job.dtype = (simdinit_dtype)dtype;
    job.seed = args.seed;
    job.stream = args.stream;
    if (opts[O_STREAM_NAME].seen) {
        /* A named tensor's stream (docs/STREAM.md §1.1), as `simdinit model` names them. */
        if (opts[O_STREAM].seen)
            return cli_fail(CLI_EXIT_USAGE, "give --stream or --stream-name, not both");
        simdinit_stream_from_name(args.stream_name, &job.stream);
    }
    job.offset = args.offset;
    job.path = args.out;

    rc = opts[O_DIST].seen ? build_dist_job(opts, &args, &job)
                           : build_scheme_job(opts, &args, &job);
    if (rc)
        return rc;
    /* The last element written is offset + count - 1, which must fit (the
     * library's rule: offset + n <= 2^64 - 1 ... index 2^64 - 1 included). */
    if (job.count > 0 && job.count - 1 > UINT64_MAX - job.offset)
        return cli_fail(CLI_EXIT_USAGE, "--offset + --count overflows 64 bits");
    job.threads = 1;
    if (!job.shard && (rc = cli_threads(args.threads, &job.threads)) != 0)
        return rc;
    if ((rc = cli_select_stores(args.stores)) != 0)
        return rc;
    if ((rc = cli_select_backend(args.backend)) != 0)
        return rc;
    return write_job(&job);
}
