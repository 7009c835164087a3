/*
 * Model descriptions for `simdinit model`: Hugging Face config.json files
 * (gpt2, llama, mistral, qwen2), the built-in presets (config.json texts of
 * published models) and generic tensor-list files, turned into the list of
 * tensors transformers' save_pretrained writes, with each tensor's init.
 * docs/MODEL.md describes the names, shapes and inits.
 */
#ifndef SIMDINIT_TOOLS_MODEL_H
#define SIMDINIT_TOOLS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "simdinit.h"

typedef enum model_family {
    MODEL_GPT2,    /* model_type gpt2 */
    MODEL_LLAMA,   /* model_type llama, mistral, qwen2 */
    MODEL_GENERIC  /* a tensor-list file */
} model_family;

/* What a tensor is, which decides its init under --init hf. */
typedef enum model_role {
    ROLE_MATRIX,    /* Linear / Conv1D / Embedding weight: normal(0, std) */
    ROLE_BIAS,      /* zeros */
    ROLE_NORM,      /* LayerNorm / RMSNorm weight: ones */
    ROLE_NORM_BIAS, /* LayerNorm bias: zeros */
    ROLE_GIVEN      /* a tensor list's own "init" */
} model_role;

typedef struct model_tensor {
    char *name;            /* as written in safetensors (the stream hashes this name) */
    char *gguf_name;       /* llama.cpp's name, NULL when the family has no GGUF mapping */
    uint64_t shape[SIMDINIT_MAX_NDIM];
    int ndim;
    uint64_t numel;
    simdinit_dtype dtype;
    bool own_dtype;        /* a tensor list gave its dtype */
    simdinit_layout layout;/* fans for --init SCHEME: torch (out, in); keras for GPT-2 Conv1D */
    model_role role;
    double std;            /* ROLE_MATRIX under --init hf */
    bool given_scheme;     /* ROLE_GIVEN: scheme (else dist) */
    simdinit_scheme scheme;
    simdinit_dist dist;    /* the init, resolved by model_resolve_init */
    uint64_t stream;
} model_tensor;

typedef struct model_desc {
    char name[64];             /* preset name, or the config's file name */
    model_family family;
    char model_type[16];       /* gpt2, llama, mistral, qwen2 */
    char arch_class[48];       /* GPT2LMHeadModel, LlamaForCausalLM, ... */
    uint64_t vocab, hidden, layers, heads, kv_heads, head_dim, inter, ctx;
    double init_range, eps, rope_theta;
    bool tie, qkv_bias, o_bias, mlp_bias;
    bool has_dtype;            /* the config's torch_dtype (or dtype) */
    simdinit_dtype dtype;
    const char *dtype_key;     /* "torch_dtype" or "dtype", as the config spells it */
    uint64_t bos, eos;         /* token ids for GGUF (0 when absent) */
    bool rope_llama3;          /* llama: rope_scaling.rope_type "llama3" */
    double rope_factor, rope_low, rope_high, rope_orig_ctx;
    json_doc config;           /* the config (for config.json); empty for tensor lists */
    json_doc list;             /* a tensor list's document (its __metadata__) */
    const json_value *metadata;/* tensor list "metadata" object, or NULL */
    model_tensor *t;
    size_t nt;
} model_desc;

/* A built-in preset. */
typedef struct model_preset {
    const char *name;
    const char *source;  /* the Hugging Face repository whose config.json it holds */
    const char *config;  /* config.json text */
} model_preset;

extern const model_preset model_presets[];
extern const size_t model_npresets;

/* Each returns 0, or -1 with a one-line message (naming the key) in err. The
 * tensors get `dtype` unless a tensor list gives its own. */
int model_from_preset(const char *name, model_desc *m, char *err, size_t errsize);
int model_from_config(const char *text, size_t len, const char *label, model_desc *m,
                      char *err, size_t errsize);
int model_from_tensor_list(const char *text, size_t len, const char *label, model_desc *m,
                           char *err, size_t errsize);
void model_free(model_desc *m);

/* Builds m->t for a parsed config (called by the loaders above). */
int model_build(model_desc *m, char *err, size_t errsize);

/* --init: hf (the family's _init_weights), dummy (U(-1e-3, 1e-3) for every
 * tensor, as vLLM's dummy loader), or a distribution / scheme for the matrices. */
typedef enum model_init_kind { INIT_HF, INIT_DUMMY, INIT_DIST, INIT_SCHEME } model_init_kind;
typedef struct model_init {
    model_init_kind kind;
    simdinit_dist dist;
    simdinit_scheme scheme;
} model_init;

/* Sets every tensor's dtype (unless its own), dist and stream; validates the
 * dists for the dtypes. Returns 0, or -1 with err set. */
int model_resolve_init(model_desc *m, simdinit_dtype dtype, const model_init *init,
                       char *err, size_t errsize);

/* Parameter count of a tensor list. */
uint64_t model_params(const model_desc *m);

/* A dtype from "f32"/"float32"/"F32" style names; -1 when unknown. */
int model_dtype_from_name(const char *s);
/* "float32", "bfloat16", "float16", "float64" (torch_dtype spelling). */
const char *model_torch_dtype(simdinit_dtype d);

#endif /* SIMDINIT_TOOLS_MODEL_H */
