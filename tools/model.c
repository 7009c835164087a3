/* Model descriptions: configs, presets, tensor lists and inits (see model.h). */
#define _POSIX_C_SOURCE 200809L

#include "model.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Presets: the published config.json values of each model                 */
/* ---------------------------------------------------------------------- */

#define GPT2_CONFIG(EMBD, HEAD, LAYER)                                                        \
    "{\"activation_function\": \"gelu_new\", \"architectures\": [\"GPT2LMHeadModel\"], "      \
    "\"attn_pdrop\": 0.1, \"bos_token_id\": 50256, \"embd_pdrop\": 0.1, "                     \
    "\"eos_token_id\": 50256, \"initializer_range\": 0.02, \"layer_norm_epsilon\": 1e-05, "   \
    "\"model_type\": \"gpt2\", \"n_ctx\": 1024, \"n_embd\": " EMBD ", \"n_head\": " HEAD ", " \
    "\"n_layer\": " LAYER ", \"n_positions\": 1024, \"resid_pdrop\": 0.1, "                   \
    "\"summary_activation\": null, \"summary_first_dropout\": 0.1, "                          \
    "\"summary_proj_to_labels\": true, \"summary_type\": \"cls_index\", "                     \
    "\"summary_use_proj\": true, \"vocab_size\": 50257}"

#define LLAMA3_CONFIG(HIDDEN, INTER, HEADS, LAYERS)                                            \
    "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false, "                 \
    "\"attention_dropout\": 0.0, \"bos_token_id\": 128000, \"eos_token_id\": 128001, "        \
    "\"hidden_act\": \"silu\", \"hidden_size\": " HIDDEN ", \"initializer_range\": 0.02, "    \
    "\"intermediate_size\": " INTER ", \"max_position_embeddings\": 8192, "                   \
    "\"model_type\": \"llama\", \"num_attention_heads\": " HEADS ", "                         \
    "\"num_hidden_layers\": " LAYERS ", \"num_key_value_heads\": 8, \"pretraining_tp\": 1, "  \
    "\"rms_norm_eps\": 1e-05, \"rope_scaling\": null, \"rope_theta\": 500000.0, "             \
    "\"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\", \"use_cache\": true, "    \
    "\"vocab_size\": 128256}"

#define QWEN25_CONFIG(HIDDEN, INTER, MAXPOS, HEADS, LAYERS, KV, WINDOW, TIE, VOCAB)            \
    "{\"architectures\": [\"Qwen2ForCausalLM\"], \"attention_dropout\": 0.0, "                \
    "\"bos_token_id\": 151643, \"eos_token_id\": 151643, \"hidden_act\": \"silu\", "          \
    "\"hidden_size\": " HIDDEN ", \"initializer_range\": 0.02, "                              \
    "\"intermediate_size\": " INTER ", \"max_position_embeddings\": " MAXPOS ", "             \
    "\"max_window_layers\": " LAYERS ", \"model_type\": \"qwen2\", "                          \
    "\"num_attention_heads\": " HEADS ", \"num_hidden_layers\": " LAYERS ", "                 \
    "\"num_key_value_heads\": " KV ", \"rms_norm_eps\": 1e-06, \"rope_theta\": 1000000.0, "  \
    "\"sliding_window\": " WINDOW ", \"tie_word_embeddings\": " TIE ", "                      \
    "\"torch_dtype\": \"bfloat16\", \"use_cache\": true, \"use_sliding_window\": false, "     \
    "\"vocab_size\": " VOCAB "}"

const model_preset model_presets[] = {
    {"gpt2", "openai-community/gpt2", GPT2_CONFIG("768", "12", "12")},
    {"gpt2-medium", "openai-community/gpt2-medium", GPT2_CONFIG("1024", "16", "24")},
    {"gpt2-xl", "openai-community/gpt2-xl", GPT2_CONFIG("1600", "25", "48")},
    {"llama-3.2-1b", "meta-llama/Llama-3.2-1B",
     "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false, "
     "\"attention_dropout\": 0.0, \"bos_token_id\": 128000, \"eos_token_id\": 128001, "
     "\"head_dim\": 64, \"hidden_act\": \"silu\", \"hidden_size\": 2048, "
     "\"initializer_range\": 0.02, \"intermediate_size\": 8192, "
     "\"max_position_embeddings\": 131072, \"mlp_bias\": false, \"model_type\": \"llama\", "
     "\"num_attention_heads\": 32, \"num_hidden_layers\": 16, \"num_key_value_heads\": 8, "
     "\"pretraining_tp\": 1, \"rms_norm_eps\": 1e-05, \"rope_scaling\": {\"factor\": 32.0, "
     "\"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0, "
     "\"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"}, "
     "\"rope_theta\": 500000.0, \"tie_word_embeddings\": true, \"torch_dtype\": \"bfloat16\", "
     "\"use_cache\": true, \"vocab_size\": 128256}"},
    {"llama-3-8b", "meta-llama/Meta-Llama-3-8B", LLAMA3_CONFIG("4096", "14336", "32", "32")},
    {"llama-3-70b", "meta-llama/Meta-Llama-3-70B", LLAMA3_CONFIG("8192", "28672", "64", "80")},
    {"mistral-7b", "mistralai/Mistral-7B-v0.1",
     "{\"architectures\": [\"MistralForCausalLM\"], \"bos_token_id\": 1, \"eos_token_id\": 2, "
     "\"hidden_act\": \"silu\", \"hidden_size\": 4096, \"initializer_range\": 0.02, "
     "\"intermediate_size\": 14336, \"max_position_embeddings\": 32768, "
     "\"model_type\": \"mistral\", \"num_attention_heads\": 32, \"num_hidden_layers\": 32, "
     "\"num_key_value_heads\": 8, \"rms_norm_eps\": 1e-05, \"rope_theta\": 10000.0, "
     "\"sliding_window\": 4096, \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\", "
     "\"use_cache\": true, \"vocab_size\": 32000}"},
    {"qwen2.5-0.5b", "Qwen/Qwen2.5-0.5B",
     QWEN25_CONFIG("896", "4864", "32768", "14", "24", "2", "32768", "true", "151936")},
    {"qwen2.5-7b", "Qwen/Qwen2.5-7B",
     QWEN25_CONFIG("3584", "18944", "131072", "28", "28", "4", "131072", "false", "152064")},
};
const size_t model_npresets = sizeof model_presets / sizeof model_presets[0];

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

static int fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

int model_dtype_from_name(const char *s)
{
    static const struct { const char *name; simdinit_dtype d; } names[] = {
        {"f32", SIMDINIT_F32}, {"float32", SIMDINIT_F32}, {"F32", SIMDINIT_F32},
        {"bf16", SIMDINIT_BF16}, {"bfloat16", SIMDINIT_BF16}, {"BF16", SIMDINIT_BF16},
        {"f16", SIMDINIT_F16}, {"float16", SIMDINIT_F16}, {"F16", SIMDINIT_F16},
        {"f64", SIMDINIT_F64}, {"float64", SIMDINIT_F64}, {"F64", SIMDINIT_F64},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return (int)names[i].d;
    return -1;
}

const char *model_torch_dtype(simdinit_dtype d)
{
    switch (d) {
    case SIMDINIT_F32: return "float32";
    case SIMDINIT_F64: return "float64";
    case SIMDINIT_BF16: return "bfloat16";
    case SIMDINIT_F16: return "float16";
    }
    return "?";
}

/* A short rendering of a value for messages. */
static const char *shown(const json_value *v, char *buf, size_t size)
{
    if (v->type == JSON_STRING)
        snprintf(buf, size, "\"%.40s\"", v->str);
    else if (v->type == JSON_NUMBER)
        snprintf(buf, size, "%.40s", v->str);
    else
        snprintf(buf, size, "%s", json_type_name(v->type));
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
    return buf;
}

/* Largest dimension a config may give (bounds every product below 2^64). */
#define DIM_MAX ((uint64_t)1 << 24)

/* An integer key: required (no default) or optional. */
static int get_int(const json_value *cfg, const char *label, const char *key, bool required,
                   uint64_t def, uint64_t lo, uint64_t hi, uint64_t *out, char *err,
                   size_t errsize)
{
    const json_value *v = json_get(cfg, key);
    char b[64];
    if (v == NULL || (v->type == JSON_NULL && !required)) {
        if (required)
            return fail(err, errsize, "%s: missing key '%s'", label, key);
        *out = def;
        return 0;
    }
    uint64_t x;
    if (!json_as_u64(v, &x))
        return fail(err, errsize, "%s: '%s' must be an integer (got %s)", label, key,
                    shown(v, b, sizeof b));
    if (x < lo || x > hi)
        return fail(err, errsize, "%s: '%s' is %" PRIu64 ", outside [%" PRIu64 ", %" PRIu64 "]",
                    label, key, x, lo, hi);
    *out = x;
    return 0;
}

static int get_real(const json_value *cfg, const char *label, const char *key, double def,
                    bool positive, double *out, char *err, size_t errsize)
{
    const json_value *v = json_get(cfg, key);
    char b[64];
    if (v == NULL || v->type == JSON_NULL) {
        *out = def;
        return 0;
    }
    if (v->type != JSON_NUMBER)
        return fail(err, errsize, "%s: '%s' must be a number (got %s)", label, key,
                    shown(v, b, sizeof b));
    if (positive && !(v->num > 0))
        return fail(err, errsize, "%s: '%s' must be positive (got %s)", label, key,
                    shown(v, b, sizeof b));
    *out = v->num;
    return 0;
}

static int get_bool(const json_value *cfg, const char *label, const char *key, bool def,
                    bool *out, char *err, size_t errsize)
{
    const json_value *v = json_get(cfg, key);
    char b[64];
    if (v == NULL || v->type == JSON_NULL) {
        *out = def;
        return 0;
    }
    if (v->type != JSON_TRUE && v->type != JSON_FALSE)
        return fail(err, errsize, "%s: '%s' must be true or false (got %s)", label, key,
                    shown(v, b, sizeof b));
    *out = v->type == JSON_TRUE;
    return 0;
}

/* A token id: an integer, or the first of a list (eos_token_id may be a list). */
static uint64_t token_id(const json_value *cfg, const char *key)
{
    const json_value *v = json_get(cfg, key);
    uint64_t x = 0;
    if (v && v->type == JSON_ARRAY && v->n > 0)
        v = &v->items[0];
    if (v && json_as_u64(v, &x) && x <= UINT32_MAX)
        return x;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Tensor lists of the families                                            */
/* ---------------------------------------------------------------------- */

typedef struct builder {
    model_desc *m;
    size_t cap;
    char *err;
    size_t errsize;
    int rc;
} builder;

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static model_tensor *add(builder *b, char *name, char *gguf, model_role role, int ndim,
                         uint64_t d0, uint64_t d1)
{
    if (b->rc)
        goto oom_free;
    if (name == NULL || (gguf == NULL && b->m->family == MODEL_LLAMA))
        goto oom;
    if (b->m->nt == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        model_tensor *nt = realloc(b->m->t, cap * sizeof *nt);
        if (nt == NULL)
            goto oom;
        b->m->t = nt;
        b->cap = cap;
    }
    model_tensor *t = &b->m->t[b->m->nt++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->gguf_name = gguf;
    t->role = role;
    t->ndim = ndim;
    t->shape[0] = d0;
    t->shape[1] = d1;
    t->numel = ndim == 1 ? d0 : d0 * d1; /* dims <= 2^24 (DIM_MAX) or products of two */
    t->layout = SIMDINIT_LAYOUT_TORCH;
    t->std = b->m->init_range;
    return t;
oom:
    b->rc = fail(b->err, b->errsize, "out of memory");
oom_free:
    free(name);
    free(gguf);
    return NULL;
}

static void build_gpt2(builder *b)
{
    model_desc *m = b->m;
    const char *p = strcmp(m->arch_class, "GPT2Model") == 0 ? "" : "transformer.";
    const uint64_t e = m->hidden, inner = m->inter;
    const double proj_std = m->init_range / sqrt(2.0 * (double)m->layers);
    model_tensor *t;
    add(b, dup_printf("%swte.weight", p), NULL, ROLE_MATRIX, 2, m->vocab, e);
    add(b, dup_printf("%swpe.weight", p), NULL, ROLE_MATRIX, 2, m->ctx, e);
    for (uint64_t l = 0; l < m->layers; l++) {
        /* Conv1D weights are stored (in, out): their fans are Keras-ordered. */
        add(b, dup_printf("%sh.%" PRIu64 ".ln_1.weight", p, l), NULL, ROLE_NORM, 1, e, 0);
        add(b, dup_printf("%sh.%" PRIu64 ".ln_1.bias", p, l), NULL, ROLE_NORM_BIAS, 1, e, 0);
        if ((t = add(b, dup_printf("%sh.%" PRIu64 ".attn.c_attn.weight", p, l), NULL,
                     ROLE_MATRIX, 2, e, 3 * e)))
            t->layout = SIMDINIT_LAYOUT_KERAS;
        add(b, dup_printf("%sh.%" PRIu64 ".attn.c_attn.bias", p, l), NULL, ROLE_BIAS, 1, 3 * e, 0);
        if ((t = add(b, dup_printf("%sh.%" PRIu64 ".attn.c_proj.weight", p, l), NULL,
                     ROLE_MATRIX, 2, e, e))) {
            t->layout = SIMDINIT_LAYOUT_KERAS;
            t->std = proj_std;
        }
        add(b, dup_printf("%sh.%" PRIu64 ".attn.c_proj.bias", p, l), NULL, ROLE_BIAS, 1, e, 0);
        add(b, dup_printf("%sh.%" PRIu64 ".ln_2.weight", p, l), NULL, ROLE_NORM, 1, e, 0);
        add(b, dup_printf("%sh.%" PRIu64 ".ln_2.bias", p, l), NULL, ROLE_NORM_BIAS, 1, e, 0);
        if ((t = add(b, dup_printf("%sh.%" PRIu64 ".mlp.c_fc.weight", p, l), NULL, ROLE_MATRIX,
                     2, e, inner)))
            t->layout = SIMDINIT_LAYOUT_KERAS;
        add(b, dup_printf("%sh.%" PRIu64 ".mlp.c_fc.bias", p, l), NULL, ROLE_BIAS, 1, inner, 0);
        if ((t = add(b, dup_printf("%sh.%" PRIu64 ".mlp.c_proj.weight", p, l), NULL,
                     ROLE_MATRIX, 2, inner, e))) {
            t->layout = SIMDINIT_LAYOUT_KERAS;
            t->std = proj_std;
        }
        add(b, dup_printf("%sh.%" PRIu64 ".mlp.c_proj.bias", p, l), NULL, ROLE_BIAS, 1, e, 0);
    }
    add(b, dup_printf("%sln_f.weight", p), NULL, ROLE_NORM, 1, e, 0);
    add(b, dup_printf("%sln_f.bias", p), NULL, ROLE_NORM_BIAS, 1, e, 0);
    if (*p && !m->tie)
        add(b, strdup("lm_head.weight"), NULL, ROLE_MATRIX, 2, m->vocab, e);
}

/* A Linear layer of a decoder block: weight [out, in] and maybe its bias. */
static void linear(builder *b, const char *p, uint64_t l, const char *hf, const char *gg,
                   uint64_t out, uint64_t in, bool bias)
{
    add(b, dup_printf("%slayers.%" PRIu64 ".%s.weight", p, l, hf),
        dup_printf("blk.%" PRIu64 ".%s.weight", l, gg), ROLE_MATRIX, 2, out, in);
    if (bias)
        add(b, dup_printf("%slayers.%" PRIu64 ".%s.bias", p, l, hf),
            dup_printf("blk.%" PRIu64 ".%s.bias", l, gg), ROLE_BIAS, 1, out, 0);
}

static void build_llama(builder *b)
{
    model_desc *m = b->m;
    const bool causal = strstr(m->arch_class, "ForCausalLM") != NULL;
    const char *p = causal ? "model." : "";
    const uint64_t h = m->hidden, q = m->heads * m->head_dim, kv = m->kv_heads * m->head_dim;
    add(b, dup_printf("%sembed_tokens.weight", p), strdup("token_embd.weight"), ROLE_MATRIX, 2,
        m->vocab, h);
    for (uint64_t l = 0; l < m->layers; l++) {
        linear(b, p, l, "self_attn.q_proj", "attn_q", q, h, m->qkv_bias);
        linear(b, p, l, "self_attn.k_proj", "attn_k", kv, h, m->qkv_bias);
        linear(b, p, l, "self_attn.v_proj", "attn_v", kv, h, m->qkv_bias);
        linear(b, p, l, "self_attn.o_proj", "attn_output", h, q, m->o_bias);
        linear(b, p, l, "mlp.gate_proj", "ffn_gate", m->inter, h, m->mlp_bias);
        linear(b, p, l, "mlp.up_proj", "ffn_up", m->inter, h, m->mlp_bias);
        linear(b, p, l, "mlp.down_proj", "ffn_down", h, m->inter, m->mlp_bias);
        add(b, dup_printf("%slayers.%" PRIu64 ".input_layernorm.weight", p, l),
            dup_printf("blk.%" PRIu64 ".attn_norm.weight", l), ROLE_NORM, 1, h, 0);
        add(b, dup_printf("%slayers.%" PRIu64 ".post_attention_layernorm.weight", p, l),
            dup_printf("blk.%" PRIu64 ".ffn_norm.weight", l), ROLE_NORM, 1, h, 0);
    }
    add(b, dup_printf("%snorm.weight", p), strdup("output_norm.weight"), ROLE_NORM, 1, h, 0);
    if (causal && !m->tie)
        add(b, strdup("lm_head.weight"), strdup("output.weight"), ROLE_MATRIX, 2, m->vocab, h);
}

int model_build(model_desc *m, char *err, size_t errsize)
{
    builder b = {m, 0, err, errsize, 0};
    if (m->family == MODEL_GPT2)
        build_gpt2(&b);
    else
        build_llama(&b);
    return b.rc;
}

/* ---------------------------------------------------------------------- */
/* Configs                                                                 */
/* ---------------------------------------------------------------------- */

static int read_dtype_key(model_desc *m, const json_value *cfg, const char *label, char *err,
                          size_t errsize)
{
    static const char *const keys[] = {"torch_dtype", "dtype"};
    m->dtype_key = "torch_dtype";
    for (int i = 0; i < 2; i++) {
        const json_value *v = json_get(cfg, keys[i]);
        if (v == NULL || v->type == JSON_NULL)
            continue;
        char b[64];
        int d = v->type == JSON_STRING ? model_dtype_from_name(v->str) : -1;
        if (d < 0)
            return fail(err, errsize, "%s: '%s' is %s (expected \"float32\", \"bfloat16\", "
                        "\"float16\" or \"float64\")", label, keys[i], shown(v, b, sizeof b));
        if (!m->has_dtype) {
            m->has_dtype = true;
            m->dtype = (simdinit_dtype)d;
            m->dtype_key = keys[i];
        }
    }
    return 0;
}

/* The class named by "architectures" (default: the family's causal LM). */
static int read_arch(model_desc *m, const json_value *cfg, const char *label,
                     const char *const *allowed, char *err, size_t errsize)
{
    const json_value *v = json_get(cfg, "architectures");
    char b[64];
    if (v == NULL || v->type == JSON_NULL) {
        snprintf(m->arch_class, sizeof m->arch_class, "%s", allowed[0]);
        return 0;
    }
    if (v->type != JSON_ARRAY || v->n != 1 || v->items[0].type != JSON_STRING)
        return fail(err, errsize, "%s: 'architectures' must be a list of one class name (got %s)",
                    label, shown(v, b, sizeof b));
    for (int i = 0; allowed[i]; i++) {
        if (strcmp(v->items[0].str, allowed[i]) == 0) {
            snprintf(m->arch_class, sizeof m->arch_class, "%s", allowed[i]);
            return 0;
        }
    }
    return fail(err, errsize, "%s: 'architectures' names %s, not supported for model_type %s "
                "(expected %s or %s)", label, shown(&v->items[0], b, sizeof b), m->model_type,
                allowed[0], allowed[1]);
}

static int read_gpt2(model_desc *m, const json_value *c, const char *label, char *err,
                     size_t es)
{
    static const char *const arch[] = {"GPT2LMHeadModel", "GPT2Model", NULL};
    uint64_t inner;
    if (read_arch(m, c, label, arch, err, es) ||
        get_int(c, label, "vocab_size", true, 0, 1, DIM_MAX, &m->vocab, err, es) ||
        get_int(c, label, "n_embd", true, 0, 1, DIM_MAX, &m->hidden, err, es) ||
        get_int(c, label, "n_layer", true, 0, 1, 4096, &m->layers, err, es) ||
        get_int(c, label, "n_head", true, 0, 1, DIM_MAX, &m->heads, err, es) ||
        get_int(c, label, "n_positions", false, 1024, 1, DIM_MAX, &m->ctx, err, es) ||
        get_int(c, label, "n_inner", false, 0, 1, DIM_MAX, &inner, err, es) ||
        get_real(c, label, "layer_norm_epsilon", 1e-5, true, &m->eps, err, es) ||
        get_real(c, label, "initializer_range", 0.02, true, &m->init_range, err, es) ||
        get_bool(c, label, "tie_word_embeddings", true, &m->tie, err, es))
        return -1;
    if (m->hidden % m->heads != 0)
        return fail(err, es, "%s: 'n_embd' %" PRIu64 " is not a multiple of 'n_head' %" PRIu64,
                    label, m->hidden, m->heads);
    m->inter = inner ? inner : 4 * m->hidden;
    m->head_dim = m->hidden / m->heads;
    m->kv_heads = m->heads;
    return 0;
}

/* Llama 3.1+ rope scaling ("rope_type": "llama3"), for GGUF's rope_freqs.weight. */
static int read_rope_scaling(model_desc *m, const json_value *c, const char *label, char *err,
                             size_t es)
{
    const json_value *rs = json_get(c, "rope_scaling");
    char b[64];
    if (rs == NULL || rs->type == JSON_NULL)
        return 0;
    if (rs->type != JSON_OBJECT)
        return fail(err, es, "%s: 'rope_scaling' must be an object or null (got %s)", label,
                    shown(rs, b, sizeof b));
    const json_value *type = json_get(rs, "rope_type");
    if (type == NULL)
        type = json_get(rs, "type");
    if (type == NULL || type->type != JSON_STRING || strcmp(type->str, "llama3") != 0)
        return 0; /* other scalings change no tensor */
    char where[160];
    snprintf(where, sizeof where, "%s: rope_scaling", label);
    if (get_real(rs, where, "factor", 8.0, true, &m->rope_factor, err, es) ||
        get_real(rs, where, "low_freq_factor", 1.0, true, &m->rope_low, err, es) ||
        get_real(rs, where, "high_freq_factor", 4.0, true, &m->rope_high, err, es) ||
        get_real(rs, where, "original_max_position_embeddings", 8192.0, true, &m->rope_orig_ctx,
                 err, es))
        return -1;
    if (!(m->rope_high > m->rope_low))
        return fail(err, es, "%s: 'high_freq_factor' must be larger than 'low_freq_factor'",
                    where);
    m->rope_llama3 = true;
    return 0;
}

static int read_llama(model_desc *m, const json_value *c, const char *label, char *err,
                      size_t es)
{
    static const char *const llama[] = {"LlamaForCausalLM", "LlamaModel", NULL};
    static const char *const mistral[] = {"MistralForCausalLM", "MistralModel", NULL};
    static const char *const qwen2[] = {"Qwen2ForCausalLM", "Qwen2Model", NULL};
    const bool is_qwen2 = strcmp(m->model_type, "qwen2") == 0;
    const bool is_llama = strcmp(m->model_type, "llama") == 0;
    const char *const *arch = is_qwen2 ? qwen2 : is_llama ? llama : mistral;
    /* transformers' defaults for the keys a config may leave out. */
    const uint64_t def_ctx = is_qwen2 ? 32768 : is_llama ? 2048 : 4096 * 32;
    bool attention_bias = false;
    if (read_arch(m, c, label, arch, err, es) ||
        get_int(c, label, "vocab_size", true, 0, 1, DIM_MAX, &m->vocab, err, es) ||
        get_int(c, label, "hidden_size", true, 0, 1, DIM_MAX, &m->hidden, err, es) ||
        get_int(c, label, "intermediate_size", true, 0, 1, DIM_MAX, &m->inter, err, es) ||
        get_int(c, label, "num_hidden_layers", true, 0, 1, 4096, &m->layers, err, es) ||
        get_int(c, label, "num_attention_heads", true, 0, 1, 65536, &m->heads, err, es) ||
        get_int(c, label, "num_key_value_heads", false, m->heads, 1, 65536, &m->kv_heads, err,
                es) ||
        get_int(c, label, "max_position_embeddings", false, def_ctx, 1, UINT32_MAX, &m->ctx,
                err, es) ||
        get_real(c, label, "rms_norm_eps", 1e-6, true, &m->eps, err, es) ||
        get_real(c, label, "rope_theta", 10000.0, true, &m->rope_theta, err, es) ||
        get_real(c, label, "initializer_range", 0.02, true, &m->init_range, err, es) ||
        get_bool(c, label, "tie_word_embeddings", false, &m->tie, err, es))
        return -1;
    if (json_get(c, "head_dim") && json_get(c, "head_dim")->type != JSON_NULL) {
        if (get_int(c, label, "head_dim", true, 0, 1, 65536, &m->head_dim, err, es))
            return -1;
    } else {
        if (m->hidden % m->heads != 0)
            return fail(err, es, "%s: 'hidden_size' %" PRIu64 " is not a multiple of "
                        "'num_attention_heads' %" PRIu64 " (give 'head_dim')", label, m->hidden,
                        m->heads);
        m->head_dim = m->hidden / m->heads;
    }
    if (m->heads % m->kv_heads != 0)
        return fail(err, es, "%s: 'num_attention_heads' %" PRIu64 " is not a multiple of "
                    "'num_key_value_heads' %" PRIu64, label, m->heads, m->kv_heads);
    if (m->heads * m->head_dim > DIM_MAX)
        return fail(err, es, "%s: 'num_attention_heads' x 'head_dim' is larger than %" PRIu64,
                    label, DIM_MAX);
    if (is_llama) {
        if (get_bool(c, label, "attention_bias", false, &attention_bias, err, es) ||
            get_bool(c, label, "mlp_bias", false, &m->mlp_bias, err, es) ||
            read_rope_scaling(m, c, label, err, es))
            return -1;
        m->qkv_bias = m->o_bias = attention_bias;
    } else if (is_qwen2) {
        m->qkv_bias = true; /* Qwen2Attention: q, k, v with bias, o_proj without */
    }
    return 0;
}

int model_from_config(const char *text, size_t len, const char *label, model_desc *m,
                      char *err, size_t errsize)
{
    memset(m, 0, sizeof *m);
    char perr[200];
    if (!json_parse(text, len, &m->config, perr, sizeof perr))
        return fail(err, errsize, "%s: invalid JSON: %s", label, perr);
    const json_value *c = &m->config.root;
    char b[64];
    if (c->type != JSON_OBJECT) {
        fail(err, errsize, "%s: a config is a JSON object (got %s)", label,
             json_type_name(c->type));
        model_free(m);
        return -1;
    }
    const json_value *mt = json_get(c, "model_type");
    if (mt == NULL) {
        model_free(m);
        return fail(err, errsize, "%s: missing key 'model_type'", label);
    }
    static const char *const types[] = {"gpt2", "llama", "mistral", "qwen2"};
    int type = -1;
    for (int i = 0; i < 4; i++)
        if (mt->type == JSON_STRING && strcmp(mt->str, types[i]) == 0)
            type = i;
    if (type < 0) {
        fail(err, errsize, "%s: 'model_type' %s is not supported (expected gpt2, llama, "
             "mistral or qwen2)", label, shown(mt, b, sizeof b));
        model_free(m);
        return -1;
    }
    snprintf(m->model_type, sizeof m->model_type, "%s", types[type]);
    /* The name (GGUF general.name): the config's _name_or_path, else the folder
     * holding config.json, else the file's name. */
    const json_value *nop = json_get(c, "_name_or_path");
    if (nop && nop->type == JSON_STRING && nop->n > 0 && strlen(nop->str) == nop->n) {
        snprintf(m->name, sizeof m->name, "%s", nop->str);
    } else {
        const char *slash = strrchr(label, '/');
        const char *base = slash ? slash + 1 : label;
        int dirlen = 0;
        const char *dir = NULL;
        if (slash && strcmp(base, "config.json") == 0) {
            const char *q = slash;
            while (q > label && q[-1] != '/')
                q--;
            dir = q;
            dirlen = (int)(slash - q);
        }
        if (dir && dirlen > 0 && !(dirlen == 1 && dir[0] == '.'))
            snprintf(m->name, sizeof m->name, "%.*s", dirlen, dir);
        else
            snprintf(m->name, sizeof m->name, "%s", base);
    }
    m->family = type == 0 ? MODEL_GPT2 : MODEL_LLAMA;
    int rc = m->family == MODEL_GPT2 ? read_gpt2(m, c, label, err, errsize)
                                     : read_llama(m, c, label, err, errsize);
    if (rc == 0)
        rc = read_dtype_key(m, c, label, err, errsize);
    m->bos = token_id(c, "bos_token_id");
    m->eos = token_id(c, "eos_token_id");
    if (rc == 0)
        rc = model_build(m, err, errsize);
    if (rc != 0)
        model_free(m);
    return rc;
}

int model_from_preset(const char *name, model_desc *m, char *err, size_t errsize)
{
    for (size_t i = 0; i < model_npresets; i++) {
        if (strcmp(model_presets[i].name, name) == 0) {
            const char *cfg = model_presets[i].config;
            int rc = model_from_config(cfg, strlen(cfg), name, m, err, errsize);
            if (rc == 0)
                snprintf(m->name, sizeof m->name, "%s", name);
            return rc;
        }
    }
    char list[512] = "";
    for (size_t i = 0; i < model_npresets; i++) {
        strncat(list, model_presets[i].name, sizeof list - strlen(list) - 1);
        if (i + 1 < model_npresets)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return fail(err, errsize, "unknown --preset '%s' (expected %s)", name, list);
}

/* ---------------------------------------------------------------------- */
/* Generic tensor lists                                                    */
/* ---------------------------------------------------------------------- */

static bool allowed_keys(const json_value *obj, const char *const *keys, const char **bad)
{
    for (size_t i = 0; i < obj->n; i++) {
        bool ok = false;
        for (int k = 0; keys[k]; k++)
            if (strcmp(obj->keys[i].str, keys[k]) == 0 && strlen(keys[k]) == obj->keys[i].n)
                ok = true;
        if (!ok) {
            *bad = obj->keys[i].str;
            return false;
        }
    }
    return true;
}

static int read_given_init(model_tensor *t, const json_value *v, const char *where, char *err,
                           size_t es)
{
    char b[64];
    t->role = ROLE_GIVEN;
    if (v == NULL) {
        t->dist = simdinit_dist_normal(0, 0.02);
        return 0;
    }
    if (v->type == JSON_STRING && (strcmp(v->str, "zeros") == 0 || strcmp(v->str, "ones") == 0)) {
        t->dist = simdinit_dist_constant(v->str[0] == 'o' ? 1.0 : 0.0);
        return 0;
    }
    if (v->type != JSON_OBJECT)
        return fail(err, es, "%s: 'init' must be \"zeros\", \"ones\" or an object (got %s)",
                    where, shown(v, b, sizeof b));
    const json_value *dist = json_get(v, "dist"), *scheme = json_get(v, "scheme");
    const char *bad;
    if ((dist == NULL) == (scheme == NULL))
        return fail(err, es, "%s: 'init' needs exactly one of 'dist' and 'scheme'", where);
    if (scheme) {
        static const char *const keys[] = {"scheme", "layout", NULL};
        if (!allowed_keys(v, keys, &bad))
            return fail(err, es, "%s: unknown key '%s' in 'init' (expected scheme, layout)",
                        where, bad);
        simdinit_scheme_kind kind;
        if (scheme->type != JSON_STRING || simdinit_scheme_from_name(scheme->str, &kind))
            return fail(err, es, "%s: 'scheme' %s is not a scheme name (see simdinit fill "
                        "--help)", where, shown(scheme, b, sizeof b));
        if (kind == SIMDINIT_TORCH_LINEAR_BIAS)
            return fail(err, es, "%s: 'scheme' torch_linear_bias needs the weight's shape; "
                        "give the bias a 'dist'", where);
        t->given_scheme = true;
        t->scheme = simdinit_scheme_default(kind);
        const json_value *lay = json_get(v, "layout");
        if (lay) {
            if (lay->type == JSON_STRING && strcmp(lay->str, "torch") == 0)
                t->layout = SIMDINIT_LAYOUT_TORCH;
            else if (lay->type == JSON_STRING && strcmp(lay->str, "keras") == 0)
                t->layout = SIMDINIT_LAYOUT_KERAS;
            else
                return fail(err, es, "%s: 'layout' %s (expected \"torch\" or \"keras\")", where,
                            shown(lay, b, sizeof b));
        }
        return 0;
    }
    static const struct {
        const char *name;
        const char *keys[6];
    } dists[] = {
        {"uniform", {"dist", "low", "high", NULL}},
        {"normal", {"dist", "mean", "std", NULL}},
        {"trunc_normal", {"dist", "mean", "std", "a", "b", NULL}},
        {"constant", {"dist", "value", NULL}},
    };
    int kind = -1;
    for (int i = 0; i < 4; i++)
        if (dist->type == JSON_STRING && strcmp(dist->str, dists[i].name) == 0)
            kind = i;
    if (kind < 0)
        return fail(err, es, "%s: 'dist' %s (expected uniform, normal, trunc_normal or "
                    "constant)", where, shown(dist, b, sizeof b));
    if (!allowed_keys(v, dists[kind].keys, &bad))
        return fail(err, es, "%s: unknown key '%s' in an init of dist %s", where, bad,
                    dists[kind].name);
    double p[4];
    static const char *const pk[4][4] = {{"low", "high"}, {"mean", "std"},
                                         {"mean", "std", "a", "b"}, {"value"}};
    static const double pd[4][4] = {{0, 1}, {0, 1}, {0, 1, -2, 2}, {0}};
    for (int i = 0; i < 4; i++) {
        p[i] = pd[kind][i];
        if (pk[kind][i] && get_real(v, where, pk[kind][i], pd[kind][i], false, &p[i], err, es))
            return -1;
    }
    if (kind == 3 && json_get(v, "value") == NULL)
        return fail(err, es, "%s: an init of dist constant needs 'value'", where);
    switch (kind) {
    case 0: t->dist = simdinit_dist_uniform(p[0], p[1]); break;
    case 1: t->dist = simdinit_dist_normal(p[0], p[1]); break;
    case 2: t->dist = simdinit_dist_trunc_normal(p[0], p[1], p[2], p[3]); break;
    default: t->dist = simdinit_dist_constant(p[0]); break;
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    const model_tensor *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

int model_from_tensor_list(const char *text, size_t len, const char *label, model_desc *m,
                           char *err, size_t es)
{
    memset(m, 0, sizeof *m);
    m->family = MODEL_GENERIC;
    snprintf(m->name, sizeof m->name, "%s", label);
    snprintf(m->model_type, sizeof m->model_type, "tensors");
    char perr[200], b[64], where[160];
    const char *bad;
    if (!json_parse(text, len, &m->list, perr, sizeof perr))
        return fail(err, es, "%s: invalid JSON: %s", label, perr);
    const json_value *root = &m->list.root;
    static const char *const top_keys[] = {"tensors", "metadata", NULL};
    int rc = -1;
    if (root->type != JSON_OBJECT) {
        fail(err, es, "%s: a tensor list is an object {\"tensors\": [...]} (got %s)", label,
             json_type_name(root->type));
        goto out;
    }
    if (!allowed_keys(root, top_keys, &bad)) {
        fail(err, es, "%s: unknown key '%s' (expected tensors, metadata)", label, bad);
        goto out;
    }
    const json_value *md = json_get(root, "metadata");
    if (md) {
        if (md->type != JSON_OBJECT) {
            fail(err, es, "%s: 'metadata' must be an object of strings", label);
            goto out;
        }
        for (size_t i = 0; i < md->n; i++) {
            const char *k = md->keys[i].str;
            if (strcmp(k, "format") == 0 || strncmp(k, "simdinit.", 9) == 0 ||
                strlen(k) != md->keys[i].n) {
                fail(err, es, "%s: 'metadata' key '%.60s' is reserved (format, simdinit.*)",
                     label, k);
                goto out;
            }
            if (md->items[i].type != JSON_STRING) {
                fail(err, es, "%s: 'metadata' member '%.60s' must be a string", label, k);
                goto out;
            }
        }
        m->metadata = md;
    }
    const json_value *list = json_get(root, "tensors");
    if (list == NULL || list->type != JSON_ARRAY || list->n == 0) {
        fail(err, es, "%s: 'tensors' must be a non-empty list", label);
        goto out;
    }
    m->t = calloc(list->n, sizeof *m->t);
    if (m->t == NULL) {
        fail(err, es, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < list->n; i++) {
        const json_value *e = &list->items[i];
        model_tensor *t = &m->t[i];
        snprintf(where, sizeof where, "%s: tensors[%zu]", label, i);
        static const char *const keys[] = {"name", "shape", "dtype", "init", NULL};
        if (e->type != JSON_OBJECT) {
            fail(err, es, "%s must be an object", where);
            goto out;
        }
        if (!allowed_keys(e, keys, &bad)) {
            fail(err, es, "%s: unknown key '%.60s' (expected name, shape, dtype, init)", where,
                 bad);
            goto out;
        }
        const json_value *name = json_get(e, "name"), *shape = json_get(e, "shape");
        if (name == NULL || name->type != JSON_STRING || name->n == 0 || name->n > 1024 ||
            strlen(name->str) != name->n) {
            fail(err, es, "%s: 'name' must be a non-empty string of at most 1024 bytes "
                 "without NUL", where);
            goto out;
        }
        snprintf(where, sizeof where, "%s: tensor '%.80s'", label, name->str);
        if ((t->name = strdup(name->str)) == NULL) {
            fail(err, es, "out of memory");
            goto out;
        }
        m->nt = i + 1;
        if (shape == NULL || shape->type != JSON_ARRAY || shape->n > SIMDINIT_MAX_NDIM) {
            fail(err, es, "%s: 'shape' must be a list of at most %d integers", where,
                 SIMDINIT_MAX_NDIM);
            goto out;
        }
        t->ndim = (int)shape->n;
        for (size_t d = 0; d < shape->n; d++)
            if (!json_as_u64(&shape->items[d], &t->shape[d])) {
                fail(err, es, "%s: 'shape' holds %s, not a non-negative integer", where,
                     shown(&shape->items[d], b, sizeof b));
                goto out;
            }
        if (simdinit_numel(t->shape, t->ndim, &t->numel) != SIMDINIT_OK ||
            t->numel > (UINT64_MAX >> 4)) {
            fail(err, es, "%s: 'shape' has too many elements", where);
            goto out;
        }
        const json_value *dt = json_get(e, "dtype");
        if (dt) {
            int d = dt->type == JSON_STRING ? model_dtype_from_name(dt->str) : -1;
            if (d < 0) {
                fail(err, es, "%s: 'dtype' %s (expected f32, bf16, f16, f64 or their "
                     "safetensors names F32, BF16, F16, F64)", where, shown(dt, b, sizeof b));
                goto out;
            }
            t->dtype = (simdinit_dtype)d;
            t->own_dtype = true;
        }
        t->layout = SIMDINIT_LAYOUT_TORCH;
        if (read_given_init(t, json_get(e, "init"), where, err, es))
            goto out;
    }
    /* Names must be unique. */
    model_tensor **sorted = malloc(m->nt * sizeof *sorted);
    if (sorted == NULL) {
        fail(err, es, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m->nt; i++)
        sorted[i] = &m->t[i];
    qsort(sorted, m->nt, sizeof *sorted, name_cmp);
    for (size_t i = 1; i < m->nt; i++)
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
            fail(err, es, "%s: tensor name '%.80s' appears twice", label, sorted[i]->name);
            free(sorted);
            goto out;
        }
    free(sorted);
    rc = 0;
out:
    if (rc != 0)
        model_free(m);
    return rc;
}

void model_free(model_desc *m)
{
    for (size_t i = 0; i < m->nt; i++) {
        free(m->t[i].name);
        free(m->t[i].gguf_name);
    }
    free(m->t);
    json_free(&m->config);
    json_free(&m->list);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------------- */
/* Inits                                                                   */
/* ---------------------------------------------------------------------- */

int model_resolve_init(model_desc *m, simdinit_dtype dtype, const model_init *init, char *err,
                       size_t errsize)
{
    for (size_t i = 0; i < m->nt; i++) {
        model_tensor *t = &m->t[i];
        if (!t->own_dtype)
            t->dtype = dtype;
        bool matrix = t->role == ROLE_MATRIX || (t->role == ROLE_GIVEN && t->ndim >= 2);
        if (init->kind == INIT_DUMMY) {
            t->dist = simdinit_dist_uniform(-1e-3, 1e-3);
        } else if (init->kind == INIT_DIST && matrix) {
            t->dist = init->dist;
        } else if ((init->kind == INIT_SCHEME && matrix) ||
                   (t->role == ROLE_GIVEN && t->given_scheme)) {
            const simdinit_scheme *s = init->kind == INIT_SCHEME && matrix ? &init->scheme
                                                                           : &t->scheme;
            simdinit_status st = simdinit_scheme_dist(s, t->shape, t->ndim, t->layout, &t->dist);
            if (st != SIMDINIT_OK && t->numel > 0)
                return fail(err, errsize, "tensor '%.80s': scheme %s: %s", t->name,
                            simdinit_scheme_name(s->kind), simdinit_strerror(st));
            if (st != SIMDINIT_OK)
                t->dist = simdinit_dist_constant(0);
        } else {
            switch (t->role) {
            case ROLE_MATRIX: t->dist = simdinit_dist_normal(0, t->std); break;
            case ROLE_BIAS:
            case ROLE_NORM_BIAS: t->dist = simdinit_dist_constant(0); break;
            case ROLE_NORM: t->dist = simdinit_dist_constant(1); break;
            case ROLE_GIVEN: break; /* the list's own dist */
            }
        }
        simdinit_status st = simdinit_dist_check(&t->dist, t->dtype);
        if (st != SIMDINIT_OK)
            return fail(err, errsize, "tensor '%.80s': its init is invalid for %s: %s", t->name,
                        simdinit_dtype_name(t->dtype), simdinit_strerror(st));
        simdinit_stream_from_name(t->name, &t->stream);
    }
    return 0;
}

uint64_t model_params(const model_desc *m)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->nt; i++)
        n += m->t[i].numel;
    return n;
}
