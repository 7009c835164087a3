#!/usr/bin/env python3
"""End-to-end tests of `simdinit model` (docs/MODEL.md).

usage: test_model.py PATH/TO/simdinit

Readers of safetensors (the format's published spec) and GGUF v3 (ggml's
docs/gguf.md) are written here, from the specs, and open every file written.
Each tensor's values are compared with `simdinit fill` for its (seed, stream)
and init, and its statistics with the init's. Needs NumPy.
"""
import json
import math
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_cli import check, failures  # noqa: E402  (the same check and failure list)

EXE = None
TMP = None


def run(*args, timeout=300, preexec_fn=None):
    env = dict(os.environ)
    env.pop("SIMDINIT_BACKEND", None)
    env.pop("SIMDINIT_STORES", None)
    p = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=timeout,
                       preexec_fn=preexec_fn)
    return p.returncode, p.stdout, p.stderr


def stream_version():
    """The library's stream version, as `simdinit info` reports it."""
    rc, out, _ = run("info")
    for line in out.splitlines():
        if line.startswith("stream version: "):
            return int(line.split(": ", 1)[1])
    raise AssertionError("simdinit info reports no stream version: %r" % out)


def fnv1a64(name):
    h = 0xcbf29ce484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


ESIZE = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8}
NPY = {"F32": np.float32, "F16": np.float16, "F64": np.float64}
DTYPE_NAME = {"F32": "f32", "F16": "f16", "BF16": "bf16", "F64": "f64"}


def to_float(raw, dtype):
    """Tensor bytes as float64 values (bf16 decoded from its bits)."""
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).astype(np.float64)
    return np.frombuffer(raw, dtype=np.dtype(NPY[dtype]).newbyteorder("<")).astype(np.float64)


def no_dupes(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate key in a JSON object"
    return dict(pairs)


# ---------------------------------------------------------------------------
# safetensors, from the format's spec
# ---------------------------------------------------------------------------

def read_safetensors(path):
    """Returns (metadata, {name: (dtype, shape, bytes)}), asserting the spec."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n <= 100_000_000 and 8 + n <= len(raw), "header length %d" % n
    assert (8 + n) % 8 == 0, "data does not start 8-byte aligned"
    text = raw[8:8 + n].decode("utf-8")
    assert text.startswith("{"), "header is not a JSON object"
    assert text.rstrip(" ") == text.rstrip(), "header padding is not spaces"
    header = json.loads(text, object_pairs_hook=no_dupes)
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
    data = raw[8 + n:]
    spans = []
    tensors = {}
    for name, info in header.items():
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        dt, shape, (b, e) = info["dtype"], info["shape"], info["data_offsets"]
        assert dt in ESIZE, dt
        assert all(isinstance(d, int) and d >= 0 for d in shape)
        assert e - b == int(np.prod(shape, dtype=np.int64)) * ESIZE[dt], (name, b, e, shape)
        spans.append((b, e, name))
        tensors[name] = (dt, tuple(shape), data[b:e])
    spans.sort()
    pos = 0
    for b, e, name in spans:
        assert b == pos, "tensor %s at %d, expected %d (gap or overlap)" % (name, b, pos)
        pos = e
    assert pos == len(data), "data section is %d bytes, tensors end at %d" % (len(data), pos)
    return meta, tensors


def read_folder(folder):
    """A Hugging Face folder: (config, {name: tensor}, files)."""
    files = sorted(os.listdir(folder))
    st = [f for f in files if f.endswith(".safetensors")]
    tensors = {}
    metas = []
    where = {}
    for f in st:
        meta, ts = read_safetensors(os.path.join(folder, f))
        metas.append(meta)
        for k, v in ts.items():
            assert k not in tensors, "tensor %s in two shards" % k
            tensors[k] = v
            where[k] = f
    if len(st) == 1:
        assert st == ["model.safetensors"], st
        assert "model.safetensors.index.json" not in files
    else:
        nshard = len(st)
        assert st == ["model-%05d-of-%05d.safetensors" % (i + 1, nshard) for i in range(nshard)]
        with open(os.path.join(folder, "model.safetensors.index.json")) as f:
            index = json.load(f, object_pairs_hook=no_dupes)
        assert index["metadata"]["total_size"] == sum(len(t[2]) for t in tensors.values())
        assert index["weight_map"] == where, "weight_map does not match the shards"
    config = None
    if "config.json" in files:
        with open(os.path.join(folder, "config.json")) as f:
            config = json.load(f, object_pairs_hook=no_dupes)
    return config, tensors, metas


# ---------------------------------------------------------------------------
# GGUF v3, from ggml's docs/gguf.md
# ---------------------------------------------------------------------------

GGML = {0: ("F32", 4), 1: ("F16", 2), 30: ("BF16", 2), 28: ("F64", 8)}


def read_gguf(path):
    with open(path, "rb") as f:
        raw = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, raw, pos)
        pos += struct.calcsize("<" + fmt)
        return vals[0] if len(vals) == 1 else vals

    def string():
        nonlocal pos
        n = take("Q")
        s = raw[pos:pos + n].decode("utf-8")
        pos += n
        return s

    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
              12: "d"}

    def value(t):
        if t in scalar:
            return take(scalar[t])
        if t == 8:
            return string()
        if t == 9:
            et, n = take("I"), take("Q")
            if et in scalar:
                fmt = scalar[et]
                out = list(struct.unpack_from("<%d%s" % (n, fmt), raw, pos))
                nonlocal_advance(n * struct.calcsize("<" + fmt))
                return out
            return [value(et) for _ in range(n)]
        raise AssertionError("unknown GGUF value type %d" % t)

    def nonlocal_advance(k):
        nonlocal pos
        pos += k

    assert raw[:4] == b"GGUF", "bad magic"
    pos = 4
    assert take("I") == 3, "not GGUF v3"
    nt, nkv = take("Q"), take("Q")
    kv = {}
    for _ in range(nkv):
        k = string()
        assert k not in kv, "duplicate key " + k
        kv[k] = value(take("I"))
    align = kv.get("general.alignment", 32)
    infos = []
    for _ in range(nt):
        name = string()
        nd = take("I")
        dims = [take("Q") for _ in range(nd)]
        typ, off = take("I"), take("Q")
        assert typ in GGML, typ
        assert off % align == 0, "tensor %s offset %d not aligned" % (name, off)
        infos.append((name, dims, typ, off))
    start = (pos + align - 1) // align * align
    assert all(b == 0 for b in raw[pos:start]), "padding before the data is not zeros"
    tensors = {}
    spans = []
    for name, dims, typ, off in infos:
        dt, es = GGML[typ]
        size = int(np.prod(dims, dtype=np.int64)) * es
        b = start + off
        assert b + size <= len(raw), "tensor %s past the end" % name
        spans.append((off, off + size, name))
        assert name not in tensors
        # dims are innermost first: the row-major shape is reversed.
        tensors[name] = (dt, tuple(reversed(dims)), raw[b:b + size])
    spans.sort()
    for (b0, e0, n0), (b1, _, n1) in zip(spans, spans[1:]):
        assert e0 <= b1, "tensors %s and %s overlap" % (n0, n1)
    return kv, tensors


# ---------------------------------------------------------------------------
# Expected tensor lists, written here from transformers' module structure
# ---------------------------------------------------------------------------

def expected_gpt2(c, causal=True):
    p = "transformer." if causal else ""
    e, v, n = c["n_embd"], c["vocab_size"], c.get("n_positions", 1024)
    inner = c.get("n_inner") or 4 * e
    proj = c.get("initializer_range", 0.02) / math.sqrt(2 * c["n_layer"])
    r = c.get("initializer_range", 0.02)
    out = [(p + "wte.weight", (v, e), ("normal", r)), (p + "wpe.weight", (n, e), ("normal", r))]
    for i in range(c["n_layer"]):
        h = "%sh.%d." % (p, i)
        out += [(h + "ln_1.weight", (e,), ("const", 1)), (h + "ln_1.bias", (e,), ("const", 0)),
                (h + "attn.c_attn.weight", (e, 3 * e), ("normal", r)),
                (h + "attn.c_attn.bias", (3 * e,), ("const", 0)),
                (h + "attn.c_proj.weight", (e, e), ("normal", proj)),
                (h + "attn.c_proj.bias", (e,), ("const", 0)),
                (h + "ln_2.weight", (e,), ("const", 1)), (h + "ln_2.bias", (e,), ("const", 0)),
                (h + "mlp.c_fc.weight", (e, inner), ("normal", r)),
                (h + "mlp.c_fc.bias", (inner,), ("const", 0)),
                (h + "mlp.c_proj.weight", (inner, e), ("normal", proj)),
                (h + "mlp.c_proj.bias", (e,), ("const", 0))]
    out += [(p + "ln_f.weight", (e,), ("const", 1)), (p + "ln_f.bias", (e,), ("const", 0))]
    if causal and not c.get("tie_word_embeddings", True):
        out.append(("lm_head.weight", (v, e), ("normal", r)))
    return out


def expected_llama(c):
    """(hf name, gguf name, shape, init) in state-dict order."""
    h, v, inter = c["hidden_size"], c["vocab_size"], c["intermediate_size"]
    heads = c["num_attention_heads"]
    kvh = c.get("num_key_value_heads") or heads
    hd = c.get("head_dim") or h // heads
    r = c.get("initializer_range", 0.02)
    qwen = c["model_type"] == "qwen2"
    ab = c.get("attention_bias", False) if c["model_type"] == "llama" else False
    mb = c.get("mlp_bias", False) if c["model_type"] == "llama" else False
    out = [("model.embed_tokens.weight", "token_embd.weight", (v, h), ("normal", r))]
    for i in range(c["num_hidden_layers"]):
        def lin(hf, gg, o, n, bias):
            out.append(("model.layers.%d.%s.weight" % (i, hf), "blk.%d.%s.weight" % (i, gg),
                        (o, n), ("normal", r)))
            if bias:
                out.append(("model.layers.%d.%s.bias" % (i, hf), "blk.%d.%s.bias" % (i, gg),
                            (o,), ("const", 0)))
        lin("self_attn.q_proj", "attn_q", heads * hd, h, qwen or ab)
        lin("self_attn.k_proj", "attn_k", kvh * hd, h, qwen or ab)
        lin("self_attn.v_proj", "attn_v", kvh * hd, h, qwen or ab)
        lin("self_attn.o_proj", "attn_output", h, heads * hd, ab)
        lin("mlp.gate_proj", "ffn_gate", inter, h, mb)
        lin("mlp.up_proj", "ffn_up", inter, h, mb)
        lin("mlp.down_proj", "ffn_down", h, inter, mb)
        out.append(("model.layers.%d.input_layernorm.weight" % i, "blk.%d.attn_norm.weight" % i,
                    (h,), ("const", 1)))
        out.append(("model.layers.%d.post_attention_layernorm.weight" % i,
                    "blk.%d.ffn_norm.weight" % i, (h,), ("const", 1)))
    out.append(("model.norm.weight", "output_norm.weight", (h,), ("const", 1)))
    if not c.get("tie_word_embeddings", False):
        out.append(("lm_head.weight", "output.weight", (v, h), ("normal", r)))
    return out


# ---------------------------------------------------------------------------
# Value checks against `simdinit fill`
# ---------------------------------------------------------------------------

def fill_bytes(name, init, dtype, numel, seed):
    """The tensor as `simdinit fill` writes it (the .npy data section)."""
    path = os.path.join(TMP, "ref.npy")
    if os.path.exists(path):
        os.remove(path)
    kind, p = init
    args = ["fill", "--dtype", DTYPE_NAME[dtype], "--count", str(numel), "--out", path,
            "--stream-name", name, "--seed", str(seed)]
    if kind == "const":
        args += ["--dist", "constant", "--value", repr(float(p))]
    elif kind == "normal":
        args += ["--dist", "normal", "--mean", "0", "--std", repr(p)]
    elif kind == "uniform":
        args += ["--dist", "uniform", "--low", repr(p[0]), "--high", repr(p[1])]
    rc, _, err = run(*args)
    assert rc == 0, err
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<H", raw[8:10])
    return raw[10 + hlen:]


def check_values(what, name, tensor, init, seed):
    dt, shape, raw = tensor
    numel = int(np.prod(shape, dtype=np.int64))
    ref = fill_bytes(name, init, dt, numel, seed)
    ok = check(raw == ref, "%s: %s equals simdinit fill --seed %d --stream-name %s" %
               (what, name, seed, name))
    vals = to_float(raw, dt)
    kind, p = init
    if kind == "const":
        ok &= check(np.all(vals == p), "%s: %s is all %g" % (what, name, p))
    elif numel >= 4096:
        if kind == "normal":
            s = p
            tol = 6 * s / math.sqrt(numel)
            ok &= check(abs(vals.mean()) < tol and
                        abs(vals.std() / s - 1) < 0.05 + 6 / math.sqrt(numel),
                        "%s: %s stats %g %g vs normal(0, %g)" % (what, name, vals.mean(),
                                                                 vals.std(), s))
        else:
            lo, hi = p
            ok &= check(vals.min() >= lo and vals.max() <= hi and
                        abs(vals.mean() - (lo + hi) / 2) < 6 * (hi - lo) / math.sqrt(12 * numel),
                        "%s: %s stats vs uniform(%g, %g)" % (what, name, lo, hi))
    return ok


def write_config(name, cfg):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def leftovers(folder):
    return [n for n in os.listdir(folder) if ".simdinit-" in n]


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

GPT2_TINY = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 1000,
             "n_embd": 64, "n_layer": 3, "n_head": 4, "n_positions": 128,
             "initializer_range": 0.02, "layer_norm_epsilon": 1e-5}
LLAMA_TINY = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 512,
              "hidden_size": 96, "intermediate_size": 160, "num_hidden_layers": 2,
              "num_attention_heads": 6, "num_key_value_heads": 2, "head_dim": 24,
              "max_position_embeddings": 4096, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
              "tie_word_embeddings": False, "torch_dtype": "bfloat16", "initializer_range": 0.02}
QWEN2_TINY = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 640,
              "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2,
              "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
              "tie_word_embeddings": True, "torch_dtype": "float16", "initializer_range": 0.02}


def check_folder(what, folder, expected, seed, dtype, cfg=None):
    config, tensors, metas = read_folder(folder)
    names = [e[0] for e in expected]
    check(sorted(tensors) == sorted(names), "%s: tensor names %s" %
          (what, sorted(set(tensors) ^ set(names))[:6]))
    for meta in metas:
        check(meta.get("format") == "pt" and meta.get("simdinit.seed") == str(seed) and
              meta.get("simdinit.stream_version") == str(stream_version()),
              "%s: __metadata__ %r" % (what, meta))
    for e in expected:
        name, shape, init = e[0], e[-2], e[-1]
        if name not in tensors:
            continue
        t = tensors[name]
        check(t[0] == dtype and t[1] == tuple(shape), "%s: %s is %s %s, expected %s %s" %
              (what, name, t[0], t[1], dtype, shape))
        check_values(what, name, t, init, seed)
    if cfg is not None:
        want = dict(cfg)
        key = "torch_dtype"
        want[key] = {"F32": "float32", "BF16": "bfloat16", "F16": "float16",
                     "F64": "float64"}[dtype]
        check(config == want, "%s: config.json %r" % (what, config))
    return tensors


def test_list_and_presets():
    rc, out, err = run("model", "--list")
    check(rc == 0, "--list: %r" % err)
    # Parameter counts by formula from each preset's published dimensions, and
    # the published totals of two of them.
    published = {"gpt2": 124439808, "llama-3-8b": 8030261248}
    rows = {l.split()[0]: l.split() for l in out.splitlines()[1:] if l.strip() and
            not l.startswith("Sources")}
    for name in ("gpt2", "gpt2-medium", "gpt2-xl", "llama-3.2-1b", "llama-3-8b", "llama-3-70b",
                 "mistral-7b", "qwen2.5-0.5b", "qwen2.5-7b"):
        check(name in rows, "--list shows %s" % name)
        rc, dry, err = run("model", "--preset", name, "--dry-run")
        check(rc == 0, "%s --dry-run: %r" % (name, err))
        lines = [l.split() for l in dry.splitlines() if l.startswith("tensor ")]
        total = sum(int(np.prod([int(d) for d in l[3].split("x")], dtype=np.int64))
                    for l in lines)
        if name in rows:
            check(int(rows[name][3]) == total and int(rows[name][4]) == len(lines),
                  "%s: --list parameters %s vs dry-run %d" % (name, rows[name][3], total))
        if name in published:
            check(total == published[name], "%s has %d parameters, published %d" %
                  (name, total, published[name]))
        for l in lines:
            check(int(l[5].split("=")[1], 16) == fnv1a64(l[1]), "%s: stream of %s" % (name, l[1]))
    # The tensor list of a preset equals the one built here from its config.
    _, dry, _ = run("model", "--preset", "llama-3-8b", "--dry-run", "--format", "gguf")
    got = [(l.split()[1], l.split()[2], l.split()[3]) for l in dry.splitlines()
           if l.startswith("tensor ")]
    cfg8 = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
            "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
            "vocab_size": 128256}
    want = [(hf, gg, "x".join(map(str, shape))) for hf, gg, shape, _ in expected_llama(cfg8)]
    check(got == want, "llama-3-8b tensor list (first difference %r)" %
          next(((g, w) for g, w in zip(got, want) if g != w), None))
    check(("model.layers.0.self_attn.k_proj.weight", "blk.0.attn_k.weight", "1024x4096") in got,
          "llama-3-8b k_proj is [1024, 4096]")
    _, dry, _ = run("model", "--preset", "gpt2", "--dry-run")
    got = [(l.split()[1], l.split()[3]) for l in dry.splitlines() if l.startswith("tensor ")]
    g2 = {"n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257}
    check(got == [(n, "x".join(map(str, s))) for n, s, _ in expected_gpt2(g2)],
          "gpt2 tensor list")
    # The base-model classes: no prefix, no head.
    for cfg, want in ((dict(LLAMA_TINY, architectures=["LlamaModel"]),
                       [h[len("model."):] for h, _, _, _ in expected_llama(LLAMA_TINY)
                        if h.startswith("model.")]),
                      (dict(GPT2_TINY, architectures=["GPT2Model"]),
                       [n for n, _, _ in expected_gpt2(GPT2_TINY, causal=False)])):
        rc, dry, err = run("model", "--config", write_config("base.json", cfg), "--dry-run")
        got = [l.split()[1] for l in dry.splitlines() if l.startswith("tensor ")]
        check(rc == 0 and got == want, "%s tensor names: %r" % (cfg["architectures"][0], got[:3]))
    # 8B bf16 is sharded as transformers does at 5GB: 4 shards.
    _, dry, _ = run("model", "--preset", "llama-3-8b", "--dry-run")
    files = [l.split()[1] for l in dry.splitlines() if l.startswith("file ")]
    check(files == ["model-%05d-of-00004.safetensors" % i for i in range(1, 5)],
          "llama-3-8b shards %r" % files)
    # ... and llama-3-70b in 30, as the published checkpoints.
    _, dry, _ = run("model", "--preset", "llama-3-70b", "--dry-run")
    check(len([l for l in dry.splitlines() if l.startswith("file ")]) == 30,
          "llama-3-70b has 30 shards")


def test_gpt2():
    seed = 7
    cfgp = write_config("gpt2_tiny.json", GPT2_TINY)
    out = os.path.join(TMP, "gpt2_tiny")
    rc, so, err = run("model", "--config", cfgp, "--seed", str(seed), "--dtype", "f32", "--out",
                      out, "--max-shard-size", "200KB", "--threads", "3")
    check(rc == 0 and so.count("\n") == 1 and "tensors" in so, "gpt2 tiny: %r" % err)
    exp = expected_gpt2(GPT2_TINY)
    full = check_folder("gpt2 tiny", out, exp, seed, "F32", GPT2_TINY)
    check(len([f for f in os.listdir(out) if f.endswith(".safetensors")]) > 1,
          "gpt2 tiny is sharded")
    # Any thread count and backend write the same bytes; --progress and --quiet.
    for threads, flag in (("1", "--progress"), ("4", "--quiet"), ("2", "--backend=scalar")):
        o = os.path.join(TMP, "gpt2_t" + threads)
        rc, so, err = run("model", "--config", cfgp, "--seed", str(seed), "--dtype", "f32",
                          "--out", o, "--max-shard-size", "200KB", "--threads", threads, flag)
        same = sorted(os.listdir(o)) == sorted(os.listdir(out)) and all(
            open(os.path.join(o, f), "rb").read() == open(os.path.join(out, f), "rb").read()
            for f in os.listdir(out))
        check(rc == 0 and same, "--threads %s %s writes the same folder" % (threads, flag))
        if flag == "--progress":
            check("100.0%" in err and "GB/s" in err and "ETA" in err, "--progress: %r" % err)
        else:
            check(err == "" and so.count("\n") == 1, "--quiet: %r" % err)
    # The GPT-2 small preset itself, one block of it (--only), bf16: same names and values.
    out2 = os.path.join(TMP, "gpt2_only")
    rc, so, err = run("model", "--preset", "gpt2", "--seed", str(seed), "--out", out2, "--only",
                      "transformer.h.11.*,transformer.ln_f.*,transformer.wpe.weight")
    check(rc == 0, "gpt2 --only: %r" % err)
    g2 = {"n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257}
    exp2 = [e for e in expected_gpt2(g2) if e[0].startswith(("transformer.h.11.",
                                                             "transformer.ln_f.",
                                                             "transformer.wpe."))]
    check_folder("gpt2 --only", out2, exp2, seed, "BF16")
    # A subset holds the same values as the whole: --only on the tiny model.
    out3 = os.path.join(TMP, "gpt2_sub")
    rc, so, err = run("model", "--config", cfgp, "--seed", str(seed), "--dtype", "f32", "--out",
                      out3, "--only", "*.attn.c_attn.weight")
    _, sub, _ = read_folder(out3)
    check(rc == 0 and sorted(sub) == sorted(n for n in full if n.endswith("attn.c_attn.weight"))
          and all(sub[n][2] == full[n][2] for n in sub), "gpt2 --only values equal the whole")
    # A tensor-parallel column shard of c_attn equals `fill --rows/--cols` of it.
    name = "transformer.h.1.attn.c_attn.weight"
    ref = os.path.join(TMP, "shard.npy")
    rc, _, err = run("fill", "--dist", "normal", "--std", "0.02", "--seed", str(seed),
                     "--stream-name", name, "--dtype", "f32", "--shape", "64,192", "--cols",
                     "64:128", "--out", ref)
    arr = np.load(ref)
    whole = to_float(full[name][2], "F32").reshape(64, 192)
    check(rc == 0 and np.array_equal(arr.astype(np.float64), whole[:, 64:128]),
          "fill --cols reproduces a column shard")
    # --init dummy and a scheme.
    out4 = os.path.join(TMP, "gpt2_dummy")
    rc, _, err = run("model", "--config", cfgp, "--init", "dummy", "--dtype", "f16", "--out", out4)
    check(rc == 0, "--init dummy: %r" % err)
    check_folder("gpt2 dummy", out4, [(n, s, ("uniform", (-1e-3, 1e-3))) for n, s, _ in exp], 0,
                 "F16")
    out5 = os.path.join(TMP, "gpt2_normal")
    rc, _, err = run("model", "--config", cfgp, "--init", "normal", "--std", "0.125", "--dtype",
                     "f64", "--seed", "3", "--out", out5)
    check(rc == 0, "--init normal: %r" % err)
    check_folder("gpt2 --init normal", out5,
                 [(n, s, ("normal", 0.125) if i[0] == "normal" else i) for n, s, i in exp], 3,
                 "F64")


def test_llama_family():
    for what, cfg, dtype in (("llama tiny", LLAMA_TINY, "BF16"), ("qwen2 tiny", QWEN2_TINY, "F16")):
        seed = 11
        cfgp = write_config(what.replace(" ", "_") + ".json", cfg)
        out = os.path.join(TMP, what.replace(" ", "_"))
        rc, _, err = run("model", "--config", cfgp, "--seed", str(seed), "--out", out)
        check(rc == 0, "%s: %r" % (what, err))
        exp = expected_llama(cfg)
        st = check_folder(what, out, [(h, s, i) for h, _, s, i in exp], seed, dtype, cfg)
        # GGUF of the same config and seed: the same values under llama.cpp's names.
        gg = os.path.join(TMP, what.replace(" ", "_") + ".gguf")
        rc, _, err = run("model", "--config", cfgp, "--seed", str(seed), "--format", "gguf",
                         "--out", gg)
        check(rc == 0, "%s gguf: %r" % (what, err))
        kv, gt = read_gguf(gg)
        arch = "qwen2" if cfg["model_type"] == "qwen2" else "llama"
        heads = cfg["num_attention_heads"]
        want = {"general.architecture": arch, "general.alignment": 32,
                "general.name": os.path.basename(cfgp),
                arch + ".vocab_size": cfg["vocab_size"],
                arch + ".context_length": cfg["max_position_embeddings"],
                arch + ".embedding_length": cfg["hidden_size"],
                arch + ".block_count": cfg["num_hidden_layers"],
                arch + ".feed_forward_length": cfg["intermediate_size"],
                arch + ".attention.head_count": heads,
                arch + ".attention.head_count_kv": cfg["num_key_value_heads"],
                arch + ".rope.dimension_count": cfg.get("head_dim") or cfg["hidden_size"] // heads,
                "general.file_type": {"BF16": 32, "F16": 1}[dtype],
                "tokenizer.ggml.model": "llama", "simdinit.seed": seed,
                "simdinit.stream_version": stream_version()}
        for k, v in want.items():
            check(kv.get(k) == v, "%s gguf: %s = %r, expected %r" % (what, k, kv.get(k), v))
        check(np.float32(kv.get(arch + ".attention.layer_norm_rms_epsilon")) ==
              np.float32(cfg["rms_norm_eps"]) and
              np.float32(kv.get(arch + ".rope.freq_base")) == np.float32(cfg["rope_theta"]),
              "%s gguf: eps and rope base" % what)
        toks = kv.get("tokenizer.ggml.tokens", [])
        check(len(toks) == cfg["vocab_size"] and len(set(toks)) == len(toks) and
              len(kv.get("tokenizer.ggml.scores", [])) == len(toks) and
              len(kv.get("tokenizer.ggml.token_type", [])) == len(toks),
              "%s gguf: a vocabulary of vocab_size unique tokens" % what)
        check(kv.get("simdinit.hf_names") == [h for h, _, _, _ in exp],
              "%s gguf: simdinit.hf_names" % what)
        check(sorted(gt) == sorted(g for _, g, _, _ in exp), "%s gguf: tensor names" % what)
        for h, g, shape, init in exp:
            if g in gt:
                check(gt[g][0] == dtype and gt[g][1] == tuple(shape) and gt[g][2] == st[h][2],
                      "%s gguf: %s holds the values of %s" % (what, g, h))
    # Llama 3.x rope scaling: rope_freqs.weight as llama.cpp's converter computes it.
    cfg = dict(LLAMA_TINY, rope_scaling={"factor": 32.0, "high_freq_factor": 4.0,
                                         "low_freq_factor": 1.0, "rope_type": "llama3",
                                         "original_max_position_embeddings": 64})
    gg = os.path.join(TMP, "rope.gguf")
    rc, _, err = run("model", "--config", write_config("rope.json", cfg), "--format", "gguf",
                     "--out", gg)
    kv, gt = read_gguf(gg)
    hd = cfg["head_dim"]
    want = []
    for i in range(0, hd, 2):
        wave = 2 * math.pi * cfg["rope_theta"] ** (i / hd)
        lo, hi, f = 64 / 1.0, 64 / 4.0, 32.0
        if wave < hi:
            want.append(1.0)
        elif wave > lo:
            want.append(f)
        else:
            s = (64 / wave - 1.0) / (4.0 - 1.0)
            want.append(1 / ((1 - s) / f + s))
    got = to_float(gt["rope_freqs.weight"][2], "F32") if "rope_freqs.weight" in gt else []
    check(rc == 0 and gt.get("rope_freqs.weight", ("",))[0] == "F32" and len(got) == hd // 2 and
          np.allclose(got, want, rtol=1e-6) and len(set(want)) > 2 and
          kv["simdinit.hf_names"][0] == "", "rope_freqs.weight: %r vs %r" % (list(got), want))
    # A quantized model's config: the weights written are not quantized, so
    # quantization_config is left out of config.json; "dtype" (newer transformers)
    # is set instead of torch_dtype when the config spells it so.
    cfg = dict(LLAMA_TINY, quantization_config={"quant_method": "awq", "bits": 4}, dtype="float16")
    del cfg["torch_dtype"]
    out = os.path.join(TMP, "quant")
    rc, _, err = run("model", "--config", write_config("quant.json", cfg), "--out", out)
    written = json.load(open(os.path.join(out, "config.json"))) if rc == 0 else {}
    want = {k: v for k, v in cfg.items() if k != "quantization_config"}
    check(rc == 0 and written == want, "quantized config: %r" % written)
    # A preset's gguf header: llama-3.2-1b (tied, head_dim 64) without its data.
    rc, dry, err = run("model", "--preset", "llama-3.2-1b", "--format", "gguf", "--dry-run")
    check(rc == 0 and " output.weight " not in dry and " token_embd.weight " in dry and
          "rope_freqs" in dry,
          "llama-3.2-1b gguf: tied output: %r" % err)


def test_tensor_list():
    lst = {"metadata": {"purpose": "test"}, "tensors": [
        {"name": "enc.w", "shape": [33, 17], "dtype": "F32",
         "init": {"dist": "uniform", "low": -0.5, "high": 0.5}},
        {"name": "enc.b", "shape": [17], "init": "zeros"},
        {"name": "scale", "shape": [], "dtype": "f64", "init": "ones"},
        {"name": "emb", "shape": [100, 8], "init": {"dist": "normal", "std": 0.5}},
        {"name": "empty", "shape": [0, 4]},
    ]}
    path = write_config("list.json", lst)
    out = os.path.join(TMP, "list")
    rc, _, err = run("model", "--tensors", path, "--seed", "5", "--dtype", "bf16", "--out", out)
    check(rc == 0, "tensor list: %r" % err)
    config, tensors, metas = read_folder(out)
    check(config is None and metas[0].get("purpose") == "test", "tensor list: metadata, no config")
    exp = [("enc.w", (33, 17), "F32", ("uniform", (-0.5, 0.5))),
           ("enc.b", (17,), "BF16", ("const", 0)), ("scale", (), "F64", ("const", 1)),
           ("emb", (100, 8), "BF16", ("normal", 0.5)), ("empty", (0, 4), "BF16", ("normal", 0.02))]
    for name, shape, dt, init in exp:
        t = tensors.get(name)
        if check(t is not None and t[0] == dt and t[1] == shape,
                 "tensor list: %s %r" % (name, t and t[:2])):
            check_values("tensor list", name, t, init, 5)


def expect_usage_error(what, args, key, target):
    rc, out, err = run(*args)
    check(rc == 2 and err.count("\n") == 1 and key in err and out == "",
          "%s: exit %d, %r (expected one line naming %r)" % (what, rc, err, key))
    check(not os.path.exists(target), "%s: nothing at the target" % what)


def test_bad_configs():
    out = os.path.join(TMP, "bad_out")
    bad = [
        ("missing hidden_size", dict(LLAMA_TINY, hidden_size=None) | {}, "hidden_size"),
        ("unsupported model_type", dict(LLAMA_TINY, model_type="bert"), "model_type"),
        ("kv heads", dict(LLAMA_TINY, num_key_value_heads=4), "num_key_value_heads"),
        ("string layers", dict(LLAMA_TINY, num_hidden_layers="2"), "num_hidden_layers"),
        ("negative vocab", dict(LLAMA_TINY, vocab_size=-5), "vocab_size"),
        ("architecture", dict(LLAMA_TINY, architectures=["MistralForCausalLM"]), "architectures"),
        ("dtype", dict(LLAMA_TINY, torch_dtype="int8"), "torch_dtype"),
        ("gpt2 heads", dict(GPT2_TINY, n_head=5), "n_head"),
        ("bool", dict(QWEN2_TINY, tie_word_embeddings="yes"), "tie_word_embeddings"),
    ]
    for what, cfg, key in bad:
        cfg = {k: v for k, v in cfg.items() if v is not None}
        path = write_config("bad.json", cfg)
        expect_usage_error("bad config (%s)" % what, ["model", "--config", path, "--out", out], key,
                           out)
    texts = [("trailing comma", '{"model_type": "llama",}', "trailing comma"),
             ("duplicate key", '{"model_type": "llama", "model_type": "gpt2"}', "duplicate"),
             ("comment", '{"model_type": "llama" /* x */}', "line 1"),
             ("leading zero", '{"vocab_size": 012}', "leading zero"),
             ("lone surrogate", '{"model_type": "\\ud800"}', "surrogate"),
             ("not an object", '[1, 2]', "object (got array)"),
             ("empty", '', "end of the text")]
    for what, text, key in texts:
        path = os.path.join(TMP, "bad.json")
        with open(path, "w") as f:
            f.write(text)
        expect_usage_error("bad JSON (%s)" % what, ["model", "--config", path, "--out", out], key,
                           out)
    lists = [({"tensors": [{"name": "a", "shape": [2]}, {"name": "a", "shape": [3]}]}, "twice"),
             ({"tensors": [{"name": "a", "shape": [2],
                            "init": {"dist": "normal", "sd": 1}}]}, "sd"),
             ({"tensors": [{"name": "a", "shape": [2.5]}]}, "shape"),
             ({"tensors": [{"name": "a", "shape": [2], "dtype": "int8"}]}, "dtype"),
             ({"tensors": []}, "tensors"),
             ({"metadata": {"format": "np"}, "tensors": [{"name": "a", "shape": [2]}]}, "reserved"),
             ({"metadata": {"k": 1}, "tensors": [{"name": "a", "shape": [2]}]}, "string")]
    for lst, key in lists:
        path = write_config("badlist.json", lst)
        expect_usage_error("bad tensor list (%s)" % key, ["model", "--tensors", path, "--out", out],
                           key, out)
    cfgp = write_config("gpt2_tiny.json", GPT2_TINY)
    expect_usage_error("gguf for gpt2", ["model", "--config", cfgp, "--format", "gguf", "--out",
                                         out], "gguf", out)
    expect_usage_error("--only no match", ["model", "--config", cfgp, "--only", "nothing*",
                                           "--out", out], "--only", out)
    expect_usage_error("unknown preset", ["model", "--preset", "gpt5", "--out", out], "gpt5", out)
    expect_usage_error("unknown init", ["model", "--config", cfgp, "--init", "foo", "--out", out],
                       "xavier_uniform", out)
    check(leftovers(TMP) == [], "bad configs: no temporaries: %r" % leftovers(TMP))


def test_targets_and_failures():
    cfgp = write_config("gpt2_tiny.json", GPT2_TINY)
    out = os.path.join(TMP, "target")
    rc, _, err = run("model", "--config", cfgp, "--out", out, "--seed", "1")
    check(rc == 0, "target: first write: %r" % err)
    before = {f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)}

    def same():
        return {f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)} == before

    rc, _, err = run("model", "--config", cfgp, "--out", out, "--seed", "2")
    check(rc == 2 and "--force" in err and same(), "existing target refused without --force")
    # A file-size limit makes a write fail half-way (EFBIG): the old folder stays.
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))
    rc, _, err = run("model", "--config", cfgp, "--out", out, "--seed", "2", "--force",
                     "--dtype", "f32", preexec_fn=limit)
    check(rc == 1 and "cannot write" in err and err.count("\n") == 1 and same(),
          "write error with --force: %d %r, old folder intact" % (rc, err))
    check(leftovers(TMP) == [], "write error: no temporaries: %r" % leftovers(TMP))
    newt = os.path.join(TMP, "never")
    rc, _, err = run("model", "--config", cfgp, "--out", newt, "--dtype", "f32", preexec_fn=limit)
    check(rc == 1 and not os.path.exists(newt) and leftovers(TMP) == [],
          "write error: nothing at a new target")
    # "DIR/" names the folder DIR.
    slash = os.path.join(TMP, "slash")
    rc, _, err = run("model", "--config", cfgp, "--out", slash + "/")
    check(rc == 0 and os.path.isfile(os.path.join(slash, "model.safetensors")),
          "--out DIR/: %r" % err)
    # --force replaces a model folder, but not a folder holding other things.
    rc, _, err = run("model", "--config", cfgp, "--out", out, "--seed", "2", "--force")
    _, t2, _ = read_folder(out)
    check(rc == 0 and not same(), "--force replaces the folder: %r" % err)
    other = os.path.join(TMP, "other")
    os.makedirs(other)
    with open(os.path.join(other, "notes.txt"), "w") as f:
        f.write("keep me")
    rc, _, err = run("model", "--config", cfgp, "--out", other, "--force")
    check(rc != 0 and "notes.txt" in err and os.listdir(other) == ["notes.txt"],
          "--force refuses a folder with other files: %r" % err)
    # GGUF over an existing file: refused, then replaced with --force.
    lcfg = write_config("llama_tiny.json", LLAMA_TINY)
    gg = os.path.join(TMP, "t.gguf")
    with open(gg, "w") as f:
        f.write("old")
    rc, _, err = run("model", "--config", lcfg, "--format", "gguf", "--out", gg)
    check(rc == 2 and open(gg).read() == "old", "gguf: existing file refused")
    rc, _, err = run("model", "--config", lcfg, "--format", "gguf", "--out", gg, "--force")
    check(rc == 0 and read_gguf(gg)[0]["general.architecture"] == "llama", "gguf --force: %r" % err)
    # A small tmpfs: not enough space is found before any work, nothing left.
    mnt = os.path.join(TMP, "mnt")
    os.makedirs(mnt)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt],
                             capture_output=True).returncode == 0
    if mounted:
        try:
            rc, _, err = run("model", "--config", cfgp, "--dtype", "f32", "--out",
                             os.path.join(mnt, "m"))
            check(rc == 1 and "space" in err and os.listdir(mnt) == [],
                  "tmpfs full: %d %r %r" % (rc, err, os.listdir(mnt)))
        finally:
            subprocess.run(["umount", mnt])
        # Out of inodes (ENOSPC) after all the data is written: 7 inodes hold the root,
        # the temporary folder, the 4 shards and the index, not config.json.
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,nr_inodes=7", "tmpfs", mnt],
                       check=True)
        try:
            rc, _, err = run("model", "--config", cfgp, "--dtype", "f32", "--max-shard-size",
                             "300KB", "--out", os.path.join(mnt, "m"))
            check(rc == 1 and "No space left" in err and "config.json" in err and
                  os.listdir(mnt) == [],
                  "tmpfs out of inodes: %d %r %r" % (rc, err, os.listdir(mnt)))
        finally:
            subprocess.run(["umount", mnt])
    else:
        print("note: cannot mount a tmpfs here (not root?): the no-space case is covered by the "
              "file-size limit above")
    # Killed mid-write: SIGTERM and SIGINT remove the temporary folder; --force
    # over the old one leaves it intact.
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen([EXE, "model", "--preset", "gpt2", "--dtype", "f32", "--threads",
                                 "1", "--out", out, "--force", "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t0 = time.time()
        seen = False
        while time.time() - t0 < 60 and proc.poll() is None:
            tmps = leftovers(TMP)
            if tmps:
                d = os.path.join(TMP, tmps[0])
                try:
                    if sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) > 16 << 20:
                        seen = True
                        break
                except OSError:
                    pass
            time.sleep(0.005)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        proc.stderr.close()
        check(seen and proc.returncode == -sig, "model killed by %s mid-write (seen %s, rc %s)" %
              (sig.name, seen, proc.returncode))
        _, t3, _ = read_folder(out)
        check(all(t3[n][2] == t2[n][2] for n in t2) and sorted(t3) == sorted(t2),
              "the old folder survives %s" % sig.name)
        check(leftovers(TMP) == [], "no temporaries after %s: %r" % (sig.name, leftovers(TMP)))


def main():
    global EXE, TMP
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    EXE = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        for test in (test_list_and_presets, test_gpt2, test_llama_family, test_tensor_list,
                     test_bad_configs, test_targets_and_failures):
            t0 = time.time()
            try:
                test()
            except Exception as e:  # a reader's assertion: the file breaks the spec
                import traceback
                traceback.print_exc()
                check(False, "%s raised %r" % (test.__name__, e))
            print("%s: %.1f s" % (test.__name__, time.time() - t0))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
