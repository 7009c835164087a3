/*
 * `simdinit model`: write a random-weight checkpoint of a real model's shapes
 * as a Hugging Face safetensors folder or a GGUF v3 file (docs/MODEL.md).
 *
 * Design: the output is planned first (every tensor's file and byte offset,
 * the headers), then cut into chunks of at most MODEL_CHUNK bytes. Worker
 * threads take chunks in file order, fill them with simdinit_fill into their
 * own buffer and pwrite them at their offset, so filling and writing overlap
 * and memory is threads x MODEL_CHUNK whatever the model's size. The output
 * goes to a temporary name and is renamed when complete (tools/safeout.h).
 */
#define _GNU_SOURCE /* fnmatch, open_memstream */

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "model.h"
#include "safeout.h"

/* Bytes one worker fills and writes per step: small enough that the chunk is
 * still in the core's L2 cache when pwrite copies it (4 MiB chunks cost 7-40%
 * more CPU here than 512 KiB ones, tmpfs and ext4, docs/MODEL.md). */
#define MODEL_CHUNK ((size_t)512 << 10)
#define GGUF_ALIGN 32

static const char model_usage[] =
    "usage: simdinit model (--preset NAME | --config config.json | --tensors LIST.json)\n"
    "                      --out DIR|FILE.gguf [OPTIONS]\n"
    "       simdinit model --list\n"
    "\n"
    "Writes a checkpoint with a real model's tensor names, shapes and dtypes and\n"
    "random weights: a Hugging Face folder (config.json, model.safetensors or\n"
    "model-0000K-of-0000N.safetensors + model.safetensors.index.json) or a GGUF v3\n"
    "file. Tensor T's values are `simdinit fill --seed S --stream-name T` with its\n"
    "init (the stream is the FNV-1a 64 hash of T's Hugging Face name), so any\n"
    "subset, shard or format written with the same seed holds the same values.\n"
    "\n"
    "Model:\n"
    "  --preset NAME         a built-in config (--list shows them)\n"
    "  --config FILE         a Hugging Face config.json (model_type gpt2, llama,\n"
    "                        mistral, qwen2)\n"
    "  --tensors FILE        a tensor list: {\"tensors\": [{\"name\": N, \"shape\": [..],\n"
    "                        \"dtype\": \"bf16\", \"init\": {...}}, ...], \"metadata\": {..}}\n"
    "  --list                the presets with parameter counts and sizes, then exit\n"
    "Output:\n"
    "  --out PATH            the folder (safetensors) or file (gguf) to write\n"
    "  --format F            safetensors (default) | gguf (llama, mistral, qwen2)\n"
    "  --force               replace an existing PATH (a folder only when it holds\n"
    "                        nothing but *.safetensors and *.json files)\n"
    "  --max-shard-size SZ   safetensors shard limit, e.g. 5GB (default), 500MB,\n"
    "                        2GiB, or bytes; as transformers' save_pretrained\n"
    "  --vocab V             gguf tokenizer: synthetic (default; a placeholder\n"
    "                        SentencePiece vocabulary of vocab_size tokens) | none\n"
    "  --only PATTERNS       write only the tensors whose name matches one of the\n"
    "                        comma-separated shell patterns (same values)\n"
    "  --dry-run             print the tensors (shape, dtype, init, stream, file)\n"
    "                        and the files, write nothing\n"
    "Values:\n"
    "  --seed S              default 0\n"
    "  --dtype D             f32 | bf16 | f16 | f64 (default: the config's\n"
    "                        torch_dtype, else bf16)\n"
    "  --init I              hf (default): transformers' _init_weights: matrices\n"
    "                        and embeddings normal(0, initializer_range), GPT-2's\n"
    "                        c_proj at initializer_range / sqrt(2 n_layer), biases 0,\n"
    "                        norm weights 1, norm biases 0;\n"
    "                        dummy: every tensor U(-1e-3, 1e-3) (vLLM's dummy loader);\n"
    "                        uniform | normal | trunc_normal (with --low --high /\n"
    "                        --mean --std / --a --b as in fill) or a scheme name\n"
    "                        (xavier_uniform, kaiming_normal, he_normal, ...) for\n"
    "                        the matrices, with the framework defaults; the rest as hf\n"
    "Run:\n"
    "  --threads N           workers (default: SIMDINIT_NUM_THREADS or all cores)\n"
    "  --progress | --quiet  force progress on stderr on or off (default: on when\n"
    "                        stderr is a terminal)\n"
    "  --backend NAME, --stores POLICY   as for fill\n"
    "\n"
    "The output is written under a temporary name beside PATH and renamed when\n"
    "complete: on an error or SIGINT/SIGTERM nothing is left and an existing PATH\n"
    "is untouched. Prints one summary line: tensors, bytes, files, seconds, GB/s.\n"
    "Exit status: 0 ok, 1 I/O or memory failure, 2 bad arguments or config.\n";

enum {
    O_PRESET, O_CONFIG, O_TENSORS, O_LIST, O_OUT, O_FORMAT, O_FORCE, O_SHARD, O_VOCAB, O_ONLY,
    O_DRY, O_SEED, O_DTYPE, O_INIT, O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B, O_THREADS,
    O_PROGRESS, O_QUIET, O_BACKEND, O_STORES, O_NUM
};

typedef struct model_args {
    const char *preset, *config, *tensors, *out, *format, *shard, *vocab, *only, *dtype, *init;
    const char *backend, *stores;
    bool list, force, dry, progress, quiet;
    uint64_t seed, threads;
    double low, high, mean, std, a, b;
} model_args;

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

static const char *st_dtype(simdinit_dtype d)
{
    switch (d) {
    case SIMDINIT_F32: return "F32";
    case SIMDINIT_F64: return "F64";
    case SIMDINIT_BF16: return "BF16";
    case SIMDINIT_F16: return "F16";
    }
    return "?";
}

static unsigned gguf_type(simdinit_dtype d)
{
    switch (d) {
    case SIMDINIT_F32: return 0;
    case SIMDINIT_F16: return 1;
    case SIMDINIT_BF16: return 30;
    case SIMDINIT_F64: return 28;
    }
    return 0;
}

/* "5GB" (10^9), "2GiB" (2^30), "500MB", "100KB", "1234" (bytes). */
static bool parse_size(const char *s, uint64_t *out)
{
    static const struct { const char *unit; uint64_t mult; } units[] = {
        {"", 1}, {"B", 1}, {"KB", 1000}, {"MB", 1000000}, {"GB", 1000000000},
        {"TB", 1000000000000ull}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20},
        {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
    };
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    if (n == 0 || n > 19)
        return false;
    char digits[24];
    memcpy(digits, s, n);
    digits[n] = '\0';
    uint64_t v;
    if (!cli_parse_u64(digits, &v) || (n > 1 && digits[0] == '0'))
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(s + n, units[i].unit) == 0) {
            if (v == 0 || v > UINT64_MAX / units[i].mult)
                return false;
            *out = v * units[i].mult;
            return true;
        }
    }
    return false;
}

static void format_bytes(char *buf, size_t size, double b)
{
    if (b >= 1e12)
        snprintf(buf, size, "%.2f TB", b / 1e12);
    else if (b >= 1e9)
        snprintf(buf, size, "%.2f GB", b / 1e9);
    else if (b >= 1e6)
        snprintf(buf, size, "%.1f MB", b / 1e6);
    else
        snprintf(buf, size, "%.0f B", b);
}

static bool matches_only(const char *patterns, const char *a, const char *b)
{
    char *copy = strdup(patterns);
    if (copy == NULL)
        return false;
    bool hit = false;
    char *save = NULL;
    for (char *p = strtok_r(copy, ",", &save); p && !hit; p = strtok_r(NULL, ",", &save))
        hit = fnmatch(p, a, 0) == 0 || (b && fnmatch(p, b, 0) == 0);
    free(copy);
    return hit;
}

/* A growable byte buffer for headers. */
typedef struct buf {
    unsigned char *p;
    size_t n, cap;
    bool oom;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_u32(buf *b, uint32_t v)
{
    unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24)};
    put(b, le, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(buf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}

/* ---------------------------------------------------------------------- */
/* The plan: files, offsets, headers                                       */
/* ---------------------------------------------------------------------- */

typedef struct out_file {
    char name[64];
    size_t *idx;        /* tensors, in file (offset) order */
    size_t n;
    uint64_t data_start;/* first data byte (after the header) */
    uint64_t size;      /* the whole file */
    buf header;
    int fd;
} out_file;

typedef struct plan {
    const model_desc *m;
    bool gguf;
    out_file *f;
    size_t nf;
    uint64_t *offset;   /* per tensor: absolute byte offset in its file */
    int *file;          /* per tensor: its file, -1 when not written (--only) */
    size_t nsel;
    uint64_t params;    /* elements of the tensors written */
    size_t rope_n;      /* GGUF: elements of rope_freqs.weight, 0 when not written */
    uint64_t data_bytes;/* tensor bytes */
    uint64_t file_bytes;/* all files */
} plan;

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->nf; i++) {
        free(p->f[i].idx);
        free(p->f[i].header.p);
    }
    free(p->f);
    free(p->offset);
    free(p->file);
    memset(p, 0, sizeof *p);
}

static uint64_t tensor_bytes(const model_tensor *t)
{
    return t->numel * simdinit_dtype_size(t->dtype);
}

static out_file *new_file(plan *p)
{
    out_file *nf = realloc(p->f, (p->nf + 1) * sizeof *nf);
    if (nf == NULL)
        return NULL;
    p->f = nf;
    memset(&nf[p->nf], 0, sizeof nf[p->nf]);
    nf[p->nf].fd = -1;
    return &nf[p->nf++];
}

static bool file_add(out_file *f, size_t t)
{
    size_t *ni = realloc(f->idx, (f->n + 1) * sizeof *ni);
    if (ni == NULL)
        return false;
    f->idx = ni;
    f->idx[f->n++] = t;
    return true;
}

static const model_desc *sort_model;

/* safetensors' own order inside a file: larger dtypes first, then by name. */
static int st_cmp(const void *a, const void *b)
{
    const model_tensor *x = &sort_model->t[*(const size_t *)a];
    const model_tensor *y = &sort_model->t[*(const size_t *)b];
    size_t sx = simdinit_dtype_size(x->dtype), sy = simdinit_dtype_size(y->dtype);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(sort_model->t[*(const size_t *)a].name, sort_model->t[*(const size_t *)b].name);
}

static void json_str(buf *b, const char *s)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (f == NULL || !json_write_string(f, s, strlen(s)) || fclose(f) != 0) {
        b->oom = true;
        free(text);
        return;
    }
    put(b, text, n);
    free(text);
}

static void puts_buf(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* The safetensors header of one file, padded with spaces to 8 bytes. */
static void st_header(plan *p, out_file *f, const char *meta)
{
    buf *b = &f->header;
    char tmp[128];
    put(b, "\0\0\0\0\0\0\0\0", 8);
    puts_buf(b, "{\"__metadata__\":{");
    puts_buf(b, meta);
    puts_buf(b, "}");
    uint64_t off = 0;
    for (size_t k = 0; k < f->n; k++) {
        const model_tensor *t = &p->m->t[f->idx[k]];
        puts_buf(b, ",");
        json_str(b, t->name);
        snprintf(tmp, sizeof tmp, ":{\"dtype\":\"%s\",\"shape\":[", st_dtype(t->dtype));
        puts_buf(b, tmp);
        for (int d = 0; d < t->ndim; d++) {
            snprintf(tmp, sizeof tmp, "%s%" PRIu64, d ? "," : "", t->shape[d]);
            puts_buf(b, tmp);
        }
        uint64_t end = off + tensor_bytes(t);
        snprintf(tmp, sizeof tmp, "],\"data_offsets\":[%" PRIu64 ",%" PRIu64 "]}", off, end);
        puts_buf(b, tmp);
        p->offset[f->idx[k]] = off; /* relative for now */
        off = end;
    }
    puts_buf(b, "}");
    while (b->n % 8 != 0)
        puts_buf(b, " ");
    if (b->oom)
        return;
    uint64_t hlen = b->n - 8;
    for (int i = 0; i < 8; i++)
        b->p[i] = (unsigned char)(hlen >> (8 * i));
    f->data_start = b->n;
    f->size = b->n + off;
    for (size_t k = 0; k < f->n; k++)
        p->offset[f->idx[k]] += f->data_start;
}

static int plan_safetensors(plan *p, uint64_t max_shard, const char *meta, char *err,
                            size_t es)
{
    const model_desc *m = p->m;
    /* huggingface_hub's split_torch_state_dict_into_shards, in state-dict order:
     * a tensor larger than the limit gets a shard of its own; otherwise a new
     * shard starts when the current one would pass the limit. */
    size_t cur = SIZE_MAX; /* the open shard */
    uint64_t cur_size = 0;
    for (size_t i = 0; i < m->nt; i++) {
        if (p->file[i] == -2)
            continue;
        uint64_t sz = tensor_bytes(&m->t[i]);
        out_file *f;
        if (sz > max_shard) {
            if ((f = new_file(p)) == NULL || !file_add(f, i))
                goto oom;
            continue;
        }
        if (cur == SIZE_MAX || cur_size + sz > max_shard) {
            if (new_file(p) == NULL)
                goto oom;
            cur = p->nf - 1;
            cur_size = 0;
        }
        if (!file_add(&p->f[cur], i))
            goto oom;
        cur_size += sz;
    }
    for (size_t k = 0; k < p->nf; k++) {
        if (p->nf == 1)
            snprintf(p->f[k].name, sizeof p->f[k].name, "model.safetensors");
        else
            snprintf(p->f[k].name, sizeof p->f[k].name, "model-%05zu-of-%05zu.safetensors",
                     k + 1, p->nf);
        for (size_t j = 0; j < p->f[k].n; j++)
            p->file[p->f[k].idx[j]] = (int)k;
        sort_model = m;
        qsort(p->f[k].idx, p->f[k].n, sizeof *p->f[k].idx, st_cmp);
        st_header(p, &p->f[k], meta);
        if (p->f[k].header.oom)
            goto oom;
        if (p->f[k].header.n - 8 > 100000000) {
            snprintf(err, es, "a safetensors header would pass the format's 100 MB limit; "
                     "lower --max-shard-size");
            return -1;
        }
    }
    return 0;
oom:
    snprintf(err, es, "out of memory");
    return -1;
}

/* GGUF metadata writers. */
enum { GGUF_U32 = 4, GGUF_I32 = 5, GGUF_F32 = 6, GGUF_BOOL = 7, GGUF_STRING = 8,
       GGUF_ARRAY = 9, GGUF_U64 = 10 };

static void g_str(buf *b, const char *s)
{
    put_u64(b, strlen(s));
    put(b, s, strlen(s));
}

static void kv_u32(buf *b, size_t *n, const char *k, uint64_t v)
{
    g_str(b, k);
    put_u32(b, GGUF_U32);
    put_u32(b, (uint32_t)v);
    (*n)++;
}

static void kv_u64(buf *b, size_t *n, const char *k, uint64_t v)
{
    g_str(b, k);
    put_u32(b, GGUF_U64);
    put_u64(b, v);
    (*n)++;
}

static void kv_f32(buf *b, size_t *n, const char *k, double v)
{
    g_str(b, k);
    put_u32(b, GGUF_F32);
    put_f32(b, (float)v);
    (*n)++;
}

static void kv_str(buf *b, size_t *n, const char *k, const char *v)
{
    g_str(b, k);
    put_u32(b, GGUF_STRING);
    g_str(b, v);
    (*n)++;
}

static void kv_bool(buf *b, size_t *n, const char *k, bool v)
{
    g_str(b, k);
    put_u32(b, GGUF_BOOL);
    unsigned char c = v;
    put(b, &c, 1);
    (*n)++;
}

static void kv_array(buf *b, size_t *n, const char *k, uint32_t type, uint64_t count)
{
    g_str(b, k);
    put_u32(b, GGUF_ARRAY);
    put_u32(b, type);
    put_u64(b, count);
    (*n)++;
}

/* A placeholder SentencePiece vocabulary llama.cpp can load: <unk>, <s>, </s>,
 * the 256 byte tokens <0x00>..<0xFF>, then "\u2581t<id>" pieces. */
static void gguf_vocab(buf *b, size_t *n, uint64_t vocab)
{
    char tok[40];
    kv_str(b, n, "tokenizer.ggml.model", "llama");
    kv_array(b, n, "tokenizer.ggml.tokens", GGUF_STRING, vocab);
    for (uint64_t i = 0; i < vocab; i++) {
        if (i == 0)
            snprintf(tok, sizeof tok, "<unk>");
        else if (i == 1)
            snprintf(tok, sizeof tok, "<s>");
        else if (i == 2)
            snprintf(tok, sizeof tok, "</s>");
        else if (i < 259)
            snprintf(tok, sizeof tok, "<0x%02X>", (unsigned)(i - 3));
        else
            snprintf(tok, sizeof tok, "\xe2\x96\x81t%" PRIu64, i);
        g_str(b, tok);
    }
    kv_array(b, n, "tokenizer.ggml.scores", GGUF_F32, vocab);
    for (uint64_t i = 0; i < vocab; i++)
        put_f32(b, i < 259 ? 0.0f : -(float)(i - 259));
    kv_array(b, n, "tokenizer.ggml.token_type", GGUF_I32, vocab);
    for (uint64_t i = 0; i < vocab; i++)
        put_u32(b, i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1);
    kv_u32(b, n, "tokenizer.ggml.unknown_token_id", 0);
    kv_u32(b, n, "tokenizer.ggml.bos_token_id", 1);
    kv_u32(b, n, "tokenizer.ggml.eos_token_id", 2);
    kv_bool(b, n, "tokenizer.ggml.add_bos_token", true);
}

/* llama.cpp's rope_freqs.weight for llama3 rope scaling: per frequency pair, the
 * factor convert_hf_to_gguf.py computes (in double here, rounded to float). */
static void rope_factors(const model_desc *m, float *out, size_t n)
{
    const double pi = 3.14159265358979323846;
    const double lo_wave = m->rope_orig_ctx / m->rope_low;
    const double hi_wave = m->rope_orig_ctx / m->rope_high;
    for (size_t i = 0; i < n; i++) {
        double freq = 1.0 / pow(m->rope_theta, (double)(2 * i) / (double)m->head_dim);
        double wave = 2 * pi / freq, f;
        if (wave < hi_wave)
            f = 1;
        else if (wave > lo_wave)
            f = m->rope_factor;
        else {
            double smooth = (m->rope_orig_ctx / wave - m->rope_low) / (m->rope_high - m->rope_low);
            f = 1 / ((1 - smooth) / m->rope_factor + smooth);
        }
        out[i] = (float)f;
    }
}

static int plan_gguf(plan *p, const model_args *a, const char *init_desc, char *err, size_t es)
{
    const model_desc *m = p->m;
    out_file *f = new_file(p);
    if (f == NULL)
        goto oom;
    snprintf(f->name, sizeof f->name, "model.gguf");
    for (size_t i = 0; i < m->nt; i++)
        if (p->file[i] != -2) {
            if (!file_add(f, i))
                goto oom;
            p->file[i] = 0;
        }
    const char *arch = strcmp(m->model_type, "qwen2") == 0 ? "qwen2" : "llama";
    buf kv = {0};
    size_t nkv = 0;
    char key[96];
#define AKEY(s) (snprintf(key, sizeof key, "%s." s, arch), key)
    kv_str(&kv, &nkv, "general.architecture", arch);
    kv_str(&kv, &nkv, "general.name", m->name);
    kv_str(&kv, &nkv, "general.description",
           "random weights written by simdinit model; not a trained model");
    bool all_same = true;
    for (size_t k = 0; k < f->n; k++)
        all_same = all_same && m->t[f->idx[k]].dtype == m->t[f->idx[0]].dtype;
    if (all_same && f->n) {
        /* llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_BF16 32 (no value for f64). */
        simdinit_dtype d = m->t[f->idx[0]].dtype;
        if (d != SIMDINIT_F64)
            kv_u32(&kv, &nkv, "general.file_type",
                   d == SIMDINIT_F32 ? 0 : d == SIMDINIT_F16 ? 1 : 32);
    }
    kv_u32(&kv, &nkv, "general.alignment", GGUF_ALIGN);
    kv_u32(&kv, &nkv, AKEY("vocab_size"), m->vocab);
    kv_u32(&kv, &nkv, AKEY("context_length"), m->ctx);
    kv_u32(&kv, &nkv, AKEY("embedding_length"), m->hidden);
    kv_u32(&kv, &nkv, AKEY("block_count"), m->layers);
    kv_u32(&kv, &nkv, AKEY("feed_forward_length"), m->inter);
    kv_u32(&kv, &nkv, AKEY("attention.head_count"), m->heads);
    kv_u32(&kv, &nkv, AKEY("attention.head_count_kv"), m->kv_heads);
    kv_u32(&kv, &nkv, AKEY("attention.key_length"), m->head_dim);
    kv_u32(&kv, &nkv, AKEY("attention.value_length"), m->head_dim);
    kv_f32(&kv, &nkv, AKEY("attention.layer_norm_rms_epsilon"), m->eps);
    kv_f32(&kv, &nkv, AKEY("rope.freq_base"), m->rope_theta);
    kv_u32(&kv, &nkv, AKEY("rope.dimension_count"), m->head_dim);
#undef AKEY
    if (strcmp(a->vocab, "synthetic") == 0)
        gguf_vocab(&kv, &nkv, m->vocab);
    else
        kv_str(&kv, &nkv, "tokenizer.ggml.model", "no_vocab");
    kv_u64(&kv, &nkv, "simdinit.seed", a->seed);
    kv_u32(&kv, &nkv, "simdinit.stream_version", (uint64_t)simdinit_stream_version());
    kv_str(&kv, &nkv, "simdinit.init", init_desc);
    kv_str(&kv, &nkv, "simdinit.stream",
           "fnv1a64 of simdinit.hf_names[i], the Hugging Face name of tensor i");
    /* rope_freqs.weight (not random) goes first, where --only keeps it. */
    const size_t nrope = m->rope_llama3 && (!a->only || matches_only(a->only, "rope_freqs.weight",
                                                                   NULL))
                             ? (size_t)(m->head_dim / 2) : 0;
    const bool rope = nrope > 0;
    p->rope_n = nrope;
    kv_array(&kv, &nkv, "simdinit.hf_names", GGUF_STRING, f->n + rope);
    if (rope)
        g_str(&kv, "");
    for (size_t k = 0; k < f->n; k++)
        g_str(&kv, m->t[f->idx[k]].name);

    buf *b = &f->header;
    put(b, "GGUF", 4);
    put_u32(b, 3);
    put_u64(b, f->n + rope);
    put_u64(b, nkv);
    put(b, kv.p, kv.n);
    bool kv_oom = kv.oom;
    free(kv.p);
    if (kv_oom)
        goto oom;
    uint64_t off = 0;
    if (rope) {
        g_str(b, "rope_freqs.weight");
        put_u32(b, 1);
        put_u64(b, nrope);
        put_u32(b, gguf_type(SIMDINIT_F32));
        put_u64(b, 0);
        off = (nrope * 4 + GGUF_ALIGN - 1) / GGUF_ALIGN * GGUF_ALIGN;
    }
    for (size_t k = 0; k < f->n; k++) {
        const model_tensor *t = &m->t[f->idx[k]];
        g_str(b, t->gguf_name);
        put_u32(b, (uint32_t)t->ndim);
        for (int d = t->ndim - 1; d >= 0; d--) /* innermost first */
            put_u64(b, t->shape[d]);
        put_u32(b, gguf_type(t->dtype));
        put_u64(b, off);
        p->offset[f->idx[k]] = off;
        off += (tensor_bytes(t) + GGUF_ALIGN - 1) / GGUF_ALIGN * GGUF_ALIGN;
    }
    while (b->n % GGUF_ALIGN)
        put(b, "", 1);
    f->data_start = b->n;
    if (rope) {
        /* Its data rides with the header: the first bytes of the data section. */
        float *fr = malloc(nrope * sizeof *fr);
        if (fr == NULL)
            goto oom;
        rope_factors(m, fr, nrope);
        for (size_t i = 0; i < nrope; i++)
            put_f32(b, fr[i]);
        free(fr);
        while (b->n % GGUF_ALIGN)
            put(b, "", 1);
    }
    if (b->oom)
        goto oom;
    uint64_t last_end = 0;
    for (size_t k = 0; k < f->n; k++) {
        p->offset[f->idx[k]] += f->data_start;
        uint64_t e = p->offset[f->idx[k]] + tensor_bytes(&m->t[f->idx[k]]);
        if (e > last_end)
            last_end = e;
    }
    f->size = last_end > b->n ? last_end : b->n;
    return 0;
oom:
    snprintf(err, es, "out of memory");
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                 */
/* ---------------------------------------------------------------------- */

typedef struct chunk {
    size_t t;        /* tensor */
    uint64_t first;  /* element */
    size_t n;        /* elements */
} chunk;

typedef struct writer {
    const plan *p;
    uint64_t seed;
    chunk *c;
    size_t nc;
    atomic_size_t next;
    atomic_uint_fast64_t done_bytes;
    atomic_int stop;
    int running;       /* workers not yet finished, under lock; `finished` signals 0 */
    pthread_mutex_t lock;
    pthread_cond_t finished;
    pthread_mutex_t *file_lock; /* one per output file */
    int err_code;      /* errno of the first failure, or -1 for a library status */
    simdinit_status err_status;
    const char *err_file;
} writer;

static void record_error(writer *w, int code, simdinit_status st, const char *file)
{
    pthread_mutex_lock(&w->lock);
    if (w->err_code == 0) {
        w->err_code = code;
        w->err_status = st;
        w->err_file = file;
    }
    pthread_mutex_unlock(&w->lock);
    atomic_store(&w->stop, 1);
}

static void worker_done(writer *w)
{
    pthread_mutex_lock(&w->lock);
    if (--w->running == 0)
        pthread_cond_signal(&w->finished);
    pthread_mutex_unlock(&w->lock);
}

static int pwrite_all(int fd, const void *data, size_t n, uint64_t off)
{
    const char *p = data;
    while (n > 0) {
        ssize_t k = pwrite(fd, p, n, (off_t)off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (k == 0)
            return ENOSPC;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

static void *worker_main(void *arg)
{
    writer *w = arg;
    void *b = NULL;
    if (posix_memalign(&b, 4096, MODEL_CHUNK) != 0) {
        record_error(w, ENOMEM, SIMDINIT_OK, NULL);
        worker_done(w);
        return NULL;
    }
    const model_desc *m = w->p->m;
    while (!atomic_load(&w->stop)) {
        size_t i = atomic_fetch_add(&w->next, 1);
        if (i >= w->nc)
            break;
        const chunk *c = &w->c[i];
        const model_tensor *t = &m->t[c->t];
        simdinit_status st = t->dist.kind == SIMDINIT_DIST_CONSTANT
                                 ? simdinit_constant(b, t->dtype, c->n, t->dist.value)
                                 : simdinit_fill(b, t->dtype, c->n, c->first, w->seed, t->stream,
                                                 &t->dist);
        if (st != SIMDINIT_OK) {
            record_error(w, -1, st, NULL);
            break;
        }
        const out_file *f = &w->p->f[w->p->file[c->t]];
        size_t es = simdinit_dtype_size(t->dtype);
        /* One writer per file at a time: the kernel serializes writes to a file
         * anyway (the inode lock), and a waiter spinning there burns the CPU
         * another worker could fill with; here it sleeps. */
        pthread_mutex_lock(&w->file_lock[w->p->file[c->t]]);
        int e = pwrite_all(f->fd, b, c->n * es, w->p->offset[c->t] + c->first * es);
        pthread_mutex_unlock(&w->file_lock[w->p->file[c->t]]);
        if (e) {
            record_error(w, e, SIMDINIT_OK, f->name);
            break;
        }
        atomic_fetch_add(&w->done_bytes, (uint64_t)(c->n * es));
    }
    free(b);
    worker_done(w);
    return NULL;
}

static void show_progress(double t0, uint64_t done, uint64_t total, bool tty, bool final)
{
    double el = cli_now() - t0;
    double rate = el > 0 ? (double)done / el : 0;
    char d[32], tt[32], eta[32] = "--:--";
    format_bytes(d, sizeof d, (double)done);
    format_bytes(tt, sizeof tt, (double)total);
    if (rate > 0 && done < total) {
        double left = (double)(total - done) / rate;
        snprintf(eta, sizeof eta, "%d:%02d", (int)(left / 60), (int)fmod(left, 60));
    }
    if (final)
        snprintf(eta, sizeof eta, "done");
    fprintf(stderr, "%s%s / %s  %5.1f%%  %.2f GB/s  ETA %s%s", tty ? "\r" : "", d, tt,
            total ? 100.0 * (double)done / (double)total : 100.0, rate / 1e9, eta,
            tty ? "\033[K" : "\n");
    if (tty && final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int build_chunks(writer *w, const plan *p)
{
    size_t cap = 0;
    w->nc = 0;
    w->c = NULL;
    for (size_t k = 0; k < p->nf; k++) {
        for (size_t j = 0; j < p->f[k].n; j++) {
            size_t ti = p->f[k].idx[j];
            const model_tensor *t = &p->m->t[ti];
            uint64_t per = MODEL_CHUNK / simdinit_dtype_size(t->dtype);
            for (uint64_t e = 0; e < t->numel; e += per) {
                if (w->nc == cap) {
                    cap = cap ? cap * 2 : 1024;
                    chunk *nc = realloc(w->c, cap * sizeof *nc);
                    if (nc == NULL)
                        return -1;
                    w->c = nc;
                }
                w->c[w->nc++] = (chunk){ti, e, (size_t)(t->numel - e < per ? t->numel - e : per)};
            }
        }
    }
    return 0;
}

/* The index file of a sharded folder (json.dumps(index, indent=2, sort_keys=True)). */
static bool write_index(FILE *f, const plan *p)
{
    size_t n = 0;
    size_t *order = malloc((p->nsel ? p->nsel : 1) * sizeof *order);
    if (order == NULL)
        return false;
    for (size_t i = 0; i < p->m->nt; i++)
        if (p->file[i] >= 0)
            order[n++] = i;
    sort_model = p->m;
    qsort(order, n, sizeof *order, name_cmp);
    bool ok = fprintf(f, "{\n  \"metadata\": {\n    \"total_size\": %" PRIu64 "\n  },\n"
                         "  \"weight_map\": {", p->data_bytes) > 0;
    for (size_t i = 0; ok && i < n; i++) {
        const model_tensor *t = &p->m->t[order[i]];
        ok = fprintf(f, "%s\n    ", i ? "," : "") > 0 &&
             json_write_string(f, t->name, strlen(t->name)) &&
             fprintf(f, ": \"%s\"", p->f[p->file[order[i]]].name) > 0;
    }
    ok = ok && fprintf(f, "\n  }\n}\n") > 0;
    free(order);
    return ok;
}

static int write_text_file(safeout *so, const char *name, const plan *p, const model_desc *m,
                           simdinit_dtype dtype, char *err, size_t es)
{
    int fd = safeout_dir_file(so, name, err, es);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        snprintf(err, es, "cannot write '%s': %s", name, strerror(errno));
        return -1;
    }
    bool ok;
    if (p) {
        ok = write_index(f, p);
    } else {
        char dt[32];
        snprintf(dt, sizeof dt, "\"%s\"", model_torch_dtype(dtype));
        /* The dtype written; a quantized model's quantization_config would make
         * loaders expect packed weights these unquantized tensors are not. */
        const json_override ov[] = {{m->dtype_key, dt}, {"quantization_config", NULL}};
        ok = json_write(f, &m->config.root, 2, true, ov, 2) && fputc('\n', f) != EOF;
    }
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        snprintf(err, es, "cannot write '%s': %s", name, strerror(e));
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* --list and --dry-run                                                    */
/* ---------------------------------------------------------------------- */

static int list_presets(void)
{
    printf("%-14s %-10s %-20s %15s %7s %10s %10s %10s %10s\n", "preset", "model_type",
           "architecture", "parameters", "tensors", "f32", "bf16/f16", "f64", "default");
    for (size_t i = 0; i < model_npresets; i++) {
        model_desc m;
        char err[256];
        if (model_from_preset(model_presets[i].name, &m, err, sizeof err) != 0)
            return cli_fail(CLI_EXIT_RUNTIME, "preset %s: %s", model_presets[i].name, err);
        uint64_t n = model_params(&m);
        char b4[32], b2[32], b8[32];
        format_bytes(b4, sizeof b4, 4.0 * (double)n);
        format_bytes(b2, sizeof b2, 2.0 * (double)n);
        format_bytes(b8, sizeof b8, 8.0 * (double)n);
        printf("%-14s %-10s %-20s %15" PRIu64 " %7zu %10s %10s %10s %10s\n", model_presets[i].name,
               m.model_type, m.arch_class, n, m.nt, b4, b2, b8,
               simdinit_dtype_name(m.has_dtype ? m.dtype : SIMDINIT_BF16));
        model_free(&m);
    }
    printf("\nSources: the config.json of ");
    for (size_t i = 0; i < model_npresets; i++)
        printf("%s%s", model_presets[i].source, i + 1 < model_npresets ? ", " : ".\n");
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
}

static void format_dist_exact(char *buf, size_t size, const simdinit_dist *d)
{
    switch (d->kind) {
    case SIMDINIT_DIST_UNIFORM:
        snprintf(buf, size, "uniform low=%.17g high=%.17g", d->low, d->high);
        return;
    case SIMDINIT_DIST_NORMAL:
        snprintf(buf, size, "normal mean=%.17g std=%.17g", d->mean, d->std);
        return;
    case SIMDINIT_DIST_TRUNC_NORMAL:
        snprintf(buf, size, "trunc_normal mean=%.17g std=%.17g a=%.17g b=%.17g", d->mean, d->std,
                 d->a, d->b);
        return;
    case SIMDINIT_DIST_CONSTANT:
        snprintf(buf, size, "constant value=%.17g", d->value);
        return;
    }
    snprintf(buf, size, "?");
}

static int dry_run(const plan *p)
{
    const model_desc *m = p->m;
    for (size_t k = 0; k < p->nf; k++)
        printf("file %s %" PRIu64 " bytes, %zu tensors, data at %" PRIu64 "\n", p->f[k].name,
               p->f[k].size, p->f[k].n, p->f[k].data_start);
    if (p->rope_n)
        printf("tensor - rope_freqs.weight %zu f32 file=%s offset=%" PRIu64 " computed: llama3 "
               "rope scaling factors\n", p->rope_n, p->f[0].name, p->f[0].data_start);
    for (size_t i = 0; i < m->nt; i++) {
        const model_tensor *t = &m->t[i];
        if (p->file[i] < 0)
            continue;
        char shape[400], dist[200];
        cli_format_shape(shape, sizeof shape, t->shape, t->ndim);
        format_dist_exact(dist, sizeof dist, &t->dist);
        printf("tensor %s %s %s %s stream=0x%016" PRIx64 " file=%s offset=%" PRIu64 " %s\n",
               t->name, p->gguf ? t->gguf_name : "-", shape, simdinit_dtype_name(t->dtype),
               t->stream, p->f[p->file[i]].name, p->offset[i], dist);
    }
    printf("total %zu tensors, %" PRIu64 " parameters, %" PRIu64 " tensor bytes, %" PRIu64
           " file bytes, %zu files\n", p->nsel, p->params, p->data_bytes, p->file_bytes,
           p->nf);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
}

/* ---------------------------------------------------------------------- */
/* Entry point                                                             */
/* ---------------------------------------------------------------------- */

static int read_file(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cli_fail(CLI_EXIT_USAGE, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            if (cap > JSON_MAX_TEXT) {
                free(b);
                fclose(f);
                return cli_fail(CLI_EXIT_USAGE, "'%s' is larger than %zu bytes", path,
                                JSON_MAX_TEXT);
            }
            char *nb = realloc(b, cap * 2);
            if (nb == NULL) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (b == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory reading '%s'", path);
    if (bad) {
        free(b);
        return cli_fail(CLI_EXIT_USAGE, "cannot read '%s'", path);
    }
    *text = b;
    *len = n;
    return 0;
}

static int parse_init(const cli_opt *opts, const model_args *a, model_init *init, char *desc,
                      size_t ds)
{
    static const int dist_opts[] = {O_LOW, O_HIGH, O_MEAN, O_STD, O_A, O_B};
    memset(init, 0, sizeof *init);
    const char *name = a->init ? a->init : "hf";
    snprintf(desc, ds, "%s", name);
    if (strcmp(name, "hf") == 0 || strcmp(name, "dummy") == 0) {
        init->kind = name[0] == 'h' ? INIT_HF : INIT_DUMMY;
        return cli_reject(opts, dist_opts, 6, "with --init hf or dummy");
    }
    simdinit_scheme_kind sk;
    if (simdinit_scheme_from_name(name, &sk) == SIMDINIT_OK) {
        if (sk == SIMDINIT_TORCH_LINEAR_BIAS)
            return cli_fail(CLI_EXIT_USAGE, "--init torch_linear_bias is a bias init; biases "
                                            "are zero under every --init");
        init->kind = INIT_SCHEME;
        init->scheme = simdinit_scheme_default(sk);
        return cli_reject(opts, dist_opts, 6, "with a scheme --init");
    }
    int kind = -1;
    for (int i = 0; cli_dist_name(i) != NULL; i++)
        if (strcmp(cli_dist_name(i), name) == 0)
            kind = i;
    if (kind < 0) {
        char list[600] = "hf, dummy, uniform, normal, trunc_normal";
        const char *sn;
        for (int i = 0; (sn = simdinit_scheme_name((simdinit_scheme_kind)i)) != NULL; i++)
            if (i != SIMDINIT_TORCH_LINEAR_BIAS && strlen(list) + strlen(sn) + 3 < sizeof list) {
                strcat(list, ", ");
                strcat(list, sn);
            }
        return cli_fail(CLI_EXIT_USAGE, "unknown --init '%s' (expected %s)", name, list);
    }
    init->kind = INIT_DIST;
    int rc = 0;
    switch ((simdinit_dist_kind)kind) {
    case SIMDINIT_DIST_UNIFORM: {
        static const int bad[] = {O_MEAN, O_STD, O_A, O_B};
        rc = cli_reject(opts, bad, 4, "with --init uniform");
        init->dist = simdinit_dist_uniform(a->low, a->high);
        break;
    }
    case SIMDINIT_DIST_NORMAL: {
        static const int bad[] = {O_LOW, O_HIGH, O_A, O_B};
        rc = cli_reject(opts, bad, 4, "with --init normal");
        init->dist = simdinit_dist_normal(a->mean, a->std);
        break;
    }
    case SIMDINIT_DIST_TRUNC_NORMAL: {
        static const int bad[] = {O_LOW, O_HIGH};
        rc = cli_reject(opts, bad, 2, "with --init trunc_normal");
        init->dist = simdinit_dist_trunc_normal(a->mean, a->std, a->a, a->b);
        break;
    }
    default:
        return cli_fail(CLI_EXIT_USAGE, "--init constant would make every matrix equal; use "
                                        "a tensor list for constant tensors");
    }
    if (rc == 0) {
        char d[128];
        cli_format_dist(d, sizeof d, &init->dist);
        snprintf(desc, ds, "%s", d);
    }
    return rc;
}

int cmd_model(int argc, char **argv)
{
    model_args a = {.low = 0, .high = 1, .mean = 0, .std = 1, .a = -2, .b = 2};
    cli_opt opts[O_NUM] = {
        [O_PRESET] = {"preset", CLI_OPT_STRING, &a.preset, false},
        [O_CONFIG] = {"config", CLI_OPT_STRING, &a.config, false},
        [O_TENSORS] = {"tensors", CLI_OPT_STRING, &a.tensors, false},
        [O_LIST] = {"list", CLI_OPT_FLAG, &a.list, false},
        [O_OUT] = {"out", CLI_OPT_STRING, &a.out, false},
        [O_FORMAT] = {"format", CLI_OPT_STRING, &a.format, false},
        [O_FORCE] = {"force", CLI_OPT_FLAG, &a.force, false},
        [O_SHARD] = {"max-shard-size", CLI_OPT_STRING, &a.shard, false},
        [O_VOCAB] = {"vocab", CLI_OPT_STRING, &a.vocab, false},
        [O_ONLY] = {"only", CLI_OPT_STRING, &a.only, false},
        [O_DRY] = {"dry-run", CLI_OPT_FLAG, &a.dry, false},
        [O_SEED] = {"seed", CLI_OPT_U64, &a.seed, false},
        [O_DTYPE] = {"dtype", CLI_OPT_STRING, &a.dtype, false},
        [O_INIT] = {"init", CLI_OPT_STRING, &a.init, false},
        [O_LOW] = {"low", CLI_OPT_F64, &a.low, false},
        [O_HIGH] = {"high", CLI_OPT_F64, &a.high, false},
        [O_MEAN] = {"mean", CLI_OPT_F64, &a.mean, false},
        [O_STD] = {"std", CLI_OPT_F64, &a.std, false},
        [O_A] = {"a", CLI_OPT_F64, &a.a, false},
        [O_B] = {"b", CLI_OPT_F64, &a.b, false},
        [O_THREADS] = {"threads", CLI_OPT_U64, &a.threads, false},
        [O_PROGRESS] = {"progress", CLI_OPT_FLAG, &a.progress, false},
        [O_QUIET] = {"quiet", CLI_OPT_FLAG, &a.quiet, false},
        [O_BACKEND] = {"backend", CLI_OPT_STRING, &a.backend, false},
        [O_STORES] = {"stores", CLI_OPT_STRING, &a.stores, false},
    };
    int rc = cli_parse(argc, argv, opts, O_NUM);
    if (rc == CLI_HELP) {
        fputs(model_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (rc)
        return rc;
    if (a.list) {
        for (int i = 0; i < O_NUM; i++)
            if (i != O_LIST && opts[i].seen)
                return cli_fail(CLI_EXIT_USAGE, "--list takes no other options");
        return list_presets();
    }
    int sources = opts[O_PRESET].seen + opts[O_CONFIG].seen + opts[O_TENSORS].seen;
    if (sources != 1)
        return cli_fail(CLI_EXIT_USAGE, "give exactly one of --preset, --config and --tensors "
                                        "(see 'simdinit model --help')");
    if (!opts[O_OUT].seen && !a.dry)
        return cli_fail(CLI_EXIT_USAGE, "--out is required");
    if (opts[O_OUT].seen && a.out[0] == '\0')
        return cli_fail(CLI_EXIT_USAGE, "--out needs a path");
    if (a.progress && a.quiet)
        return cli_fail(CLI_EXIT_USAGE, "--progress and --quiet exclude each other");
    bool gguf = false;
    if (opts[O_FORMAT].seen) {
        if (strcmp(a.format, "gguf") == 0)
            gguf = true;
        else if (strcmp(a.format, "safetensors") != 0)
            return cli_fail(CLI_EXIT_USAGE, "unknown --format '%s' (expected safetensors or "
                                            "gguf)", a.format);
    }
    if (gguf && opts[O_SHARD].seen)
        return cli_fail(CLI_EXIT_USAGE, "--max-shard-size is for safetensors (a GGUF file is "
                                        "one file)");
    if (!gguf && opts[O_VOCAB].seen)
        return cli_fail(CLI_EXIT_USAGE, "--vocab is for --format gguf");
    if (!opts[O_VOCAB].seen)
        a.vocab = "synthetic";
    else if (strcmp(a.vocab, "synthetic") != 0 && strcmp(a.vocab, "none") != 0)
        return cli_fail(CLI_EXIT_USAGE, "unknown --vocab '%s' (expected synthetic or none)",
                        a.vocab);
    uint64_t max_shard = 5000000000ull;
    if (opts[O_SHARD].seen && !parse_size(a.shard, &max_shard))
        return cli_fail(CLI_EXIT_USAGE, "invalid --max-shard-size '%s' (expected e.g. 5GB, "
                                        "500MB, 2GiB or a number of bytes)", a.shard);
    int dtype_arg = -1;
    if (opts[O_DTYPE].seen && (rc = cli_lookup("--dtype", a.dtype, cli_dtype_name, &dtype_arg)))
        return rc;
    model_init init;
    char init_desc[160];
    if ((rc = parse_init(opts, &a, &init, init_desc, sizeof init_desc)) != 0)
        return rc;
    int threads = 1;
    if ((rc = cli_threads(a.threads, &threads)) != 0)
        return rc;
    if ((rc = cli_select_stores(a.stores)) != 0 || (rc = cli_select_backend(a.backend)) != 0)
        return rc;

    /* The model. */
    model_desc m;
    char err[700];
    if (opts[O_PRESET].seen) {
        if (model_from_preset(a.preset, &m, err, sizeof err) != 0)
            return cli_fail(CLI_EXIT_USAGE, "%s", err);
    } else {
        const char *path = a.config ? a.config : a.tensors;
        char *text = NULL;
        size_t len = 0;
        if ((rc = read_file(path, &text, &len)) != 0)
            return rc;
        int r = a.config ? model_from_config(text, len, path, &m, err, sizeof err)
                         : model_from_tensor_list(text, len, path, &m, err, sizeof err);
        free(text);
        if (r != 0)
            return cli_fail(CLI_EXIT_USAGE, "%s", err);
    }
    plan p;
    memset(&p, 0, sizeof p);
    writer w;
    memset(&w, 0, sizeof w);
    safeout so;
    bool so_open = false;
    pthread_t *tids = NULL;
    int started = 0;
    rc = 0;

    if (gguf && m.family != MODEL_LLAMA) {
        rc = cli_fail(CLI_EXIT_USAGE, "--format gguf is for the LLaMA family (model_type llama, "
                                      "mistral, qwen2), not %s", m.model_type);
        goto out;
    }
    if (gguf && strcmp(a.vocab, "synthetic") == 0 && m.vocab < 259) {
        rc = cli_fail(CLI_EXIT_USAGE, "--vocab synthetic needs vocab_size >= 259 (3 special "
                                      "and 256 byte tokens); this model has %" PRIu64
                                      " (give --vocab none)", m.vocab);
        goto out;
    }
    simdinit_dtype dtype = dtype_arg >= 0 ? (simdinit_dtype)dtype_arg
                           : m.has_dtype  ? m.dtype
                                          : SIMDINIT_BF16;
    if (model_resolve_init(&m, dtype, &init, err, sizeof err) != 0) {
        rc = cli_fail(CLI_EXIT_USAGE, "%s", err);
        goto out;
    }

    /* The plan. */
    p.m = &m;
    p.gguf = gguf;
    p.offset = calloc(m.nt ? m.nt : 1, sizeof *p.offset);
    p.file = calloc(m.nt ? m.nt : 1, sizeof *p.file);
    if (p.offset == NULL || p.file == NULL) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m.nt; i++) {
        bool sel = !a.only || matches_only(a.only, m.t[i].name, gguf ? m.t[i].gguf_name : NULL);
        p.file[i] = sel ? -1 : -2; /* -2: left out by --only */
        if (sel) {
            p.nsel++;
            uint64_t tb = tensor_bytes(&m.t[i]);
            if (p.data_bytes > UINT64_MAX / 2 - tb) {
                rc = cli_fail(CLI_EXIT_USAGE, "the model is larger than 2^63 bytes");
                goto out;
            }
            p.data_bytes += tb;
            p.params += m.t[i].numel;
        }
    }
    if (p.nsel == 0) {
        rc = cli_fail(CLI_EXIT_USAGE, "--only '%s' matches no tensor", a.only);
        goto out;
    }
    char meta[512];
    snprintf(meta, sizeof meta, "\"format\":\"pt\",\"simdinit.seed\":\"%" PRIu64 "\","
             "\"simdinit.stream_version\":\"%d\",\"simdinit.init\":", a.seed,
             simdinit_stream_version());
    {
        buf mb = {0};
        json_str(&mb, init_desc);
        puts_buf(&mb, ",\"simdinit.stream\":\"fnv1a64 of the tensor name\"");
        const json_value *md = m.metadata;
        for (size_t i = 0; md && i < md->n; i++) {
            puts_buf(&mb, ",");
            json_str(&mb, md->keys[i].str);
            puts_buf(&mb, ":");
            json_str(&mb, md->items[i].str);
        }
        put(&mb, "", 1);
        if (mb.oom) {
            free(mb.p);
            rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
            goto out;
        }
        char *full = malloc(strlen(meta) + mb.n);
        if (full == NULL) {
            free(mb.p);
            rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
            goto out;
        }
        strcpy(full, meta);
        strcat(full, (char *)mb.p);
        free(mb.p);
        int r = gguf ? plan_gguf(&p, &a, init_desc, err, sizeof err)
                     : plan_safetensors(&p, max_shard, full, err, sizeof err);
        free(full);
        if (r != 0) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
            goto out;
        }
    }
    for (size_t k = 0; k < p.nf; k++)
        p.file_bytes += p.f[k].size;
    if (a.dry) {
        rc = dry_run(&p);
        goto out;
    }

    /* Refuse an existing target before any work. */
    struct stat st;
    if (!a.force && lstat(a.out, &st) == 0) {
        rc = cli_fail(CLI_EXIT_USAGE, "'%s' exists (give --force to replace it)", a.out);
        goto out;
    }
    const double t0 = cli_now();
    int r = gguf ? safeout_open_file(&so, a.out, a.force, err, sizeof err)
                 : safeout_open_dir(&so, a.out, a.force, err, sizeof err);
    if (r != 0) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
        goto out;
    }
    so_open = true;
    if (gguf && so.direct) {
        rc = cli_fail(CLI_EXIT_USAGE, "'%s' is not a regular file", a.out);
        goto out;
    }
    /* Room for it all? (The writes would fail anyway; this fails before the work.) */
    struct statvfs vfs;
    char *where = so.tmp;
    if (where && statvfs(where, &vfs) == 0 && vfs.f_frsize > 0) {
        uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize, needed = 0;
        for (size_t k = 0; k < p.nf; k++) /* whole blocks per file */
            needed += (p.f[k].size + vfs.f_frsize - 1) / vfs.f_frsize * vfs.f_frsize;
        if (avail < needed) {
            char need[32], have[32];
            format_bytes(need, sizeof need, (double)needed);
            format_bytes(have, sizeof have, (double)avail);
            rc = cli_fail(CLI_EXIT_RUNTIME, "not enough space for '%s': it needs %s, the "
                          "filesystem has %s free", a.out, need, have);
            goto out;
        }
    }
    for (size_t k = 0; k < p.nf; k++) {
        if (gguf) {
            p.f[k].fd = so.fd;
        } else if ((p.f[k].fd = safeout_dir_file(&so, p.f[k].name, err, sizeof err)) < 0) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
            goto out;
        }
        int e = pwrite_all(p.f[k].fd, p.f[k].header.p, p.f[k].header.n, 0);
        if (e == 0 && ftruncate(p.f[k].fd, (off_t)p.f[k].size) != 0)
            e = errno;
        if (e) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s': %s", p.f[k].name, strerror(e));
            goto out;
        }
    }

    /* Fill and write. */
    w.p = &p;
    w.seed = a.seed;
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.finished, NULL);
    w.file_lock = calloc(p.nf, sizeof *w.file_lock);
    if (w.file_lock == NULL) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < p.nf; k++)
        pthread_mutex_init(&w.file_lock[k], NULL);
    if (build_chunks(&w, &p) != 0) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    atomic_init(&w.next, 0);
    atomic_init(&w.done_bytes, 0);
    atomic_init(&w.stop, 0);
    w.running = threads;
    tids = calloc((size_t)threads, sizeof *tids);
    if (tids == NULL) {
        rc = cli_fail(CLI_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    for (; started < threads; started++) {
        if (pthread_create(&tids[started], NULL, worker_main, &w) != 0) {
            pthread_mutex_lock(&w.lock);
            w.running -= threads - started;
            pthread_mutex_unlock(&w.lock);
            if (started == 0) {
                rc = cli_fail(CLI_EXIT_RUNTIME, "cannot start a thread");
                goto out;
            }
            break;
        }
    }
    bool show = a.progress || (!a.quiet && isatty(STDERR_FILENO));
    bool tty = isatty(STDERR_FILENO);
    pthread_mutex_lock(&w.lock);
    while (w.running > 0) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long step = tty ? 250000000L : 1000000000L;
        until.tv_nsec += step;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
        }
        pthread_cond_timedwait(&w.finished, &w.lock, &until);
        if (show && w.running > 0) {
            pthread_mutex_unlock(&w.lock);
            show_progress(t0, atomic_load(&w.done_bytes), p.data_bytes, tty, false);
            pthread_mutex_lock(&w.lock);
        }
    }
    pthread_mutex_unlock(&w.lock);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    started = 0;
    if (w.err_code != 0) {
        if (w.err_code == -1)
            rc = cli_fail_status(w.err_status, "fill failed");
        else if (w.err_file)
            rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s' of '%s': %s", w.err_file, a.out,
                          strerror(w.err_code));
        else
            rc = cli_fail(CLI_EXIT_RUNTIME, "%s", strerror(w.err_code));
        goto out;
    }
    if (show)
        show_progress(t0, atomic_load(&w.done_bytes), p.data_bytes, tty, true);
    if (!gguf) {
        for (size_t k = 0; k < p.nf; k++) {
            if (close(p.f[k].fd) != 0) {
                p.f[k].fd = -1;
                rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write '%s': %s", p.f[k].name,
                              strerror(errno));
                goto out;
            }
            p.f[k].fd = -1;
        }
        if ((p.nf > 1 && write_text_file(&so, "model.safetensors.index.json", &p, &m, dtype,
                                         err, sizeof err) != 0) ||
            (m.family != MODEL_GENERIC &&
             write_text_file(&so, "config.json", NULL, &m, dtype, err, sizeof err) != 0)) {
            rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
            goto out;
        }
    } else {
        p.f[0].fd = -1; /* so.fd, closed by the commit */
    }
    if (safeout_commit(&so, err, sizeof err) != 0) {
        so_open = false;
        rc = cli_fail(CLI_EXIT_RUNTIME, "%s", err);
        goto out;
    }
    so_open = false;
    double secs = cli_now() - t0;
    printf("%s: %zu tensors, %" PRIu64 " parameters, %" PRIu64 " bytes in %zu file%s, %.3f s, "
           "%.3f GB/s (%s, %s, init %s, seed %" PRIu64 ", %d thread%s)\n",
           a.out, p.nsel, p.params, p.file_bytes, p.nf, p.nf == 1 ? "" : "s", secs,
           cli_rate((double)p.file_bytes, secs), gguf ? "gguf" : "safetensors",
           simdinit_dtype_name(dtype), init_desc, a.seed, threads, threads == 1 ? "" : "s");
    if (fflush(stdout) != 0)
        rc = cli_fail(CLI_EXIT_RUNTIME, "cannot write to standard output");

out:
    if (started > 0) {
        atomic_store(&w.stop, 1);
        for (int i = 0; i < started; i++)
            pthread_join(tids[i], NULL);
    }
    free(tids);
    free(w.c);
    if (so_open) {
        for (size_t k = 0; k < p.nf; k++)
            if (p.f[k].fd >= 0 && p.f[k].fd != so.fd)
                close(p.f[k].fd);
        safeout_abort(&so);
    }
    if (w.p) {
        for (size_t k = 0; w.file_lock && k < p.nf; k++)
            pthread_mutex_destroy(&w.file_lock[k]);
        free(w.file_lock);
        pthread_cond_destroy(&w.finished);
        pthread_mutex_destroy(&w.lock);
    }
    plan_free(&p);
    model_free(&m);
    return rc;
}
