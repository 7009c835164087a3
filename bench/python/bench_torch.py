#!/usr/bin/env python3
"""simdinit.torch against torch.nn.init, in one process, same tensors.

  /usr/bin/python3 bench/python/bench_torch.py [--size 4096] [--reps 5] [--skip-llama]

(with the package importable: installed by `pip install .`, or
PYTHONPATH=python SIMDINIT_LIBRARY=build/libsimdinit.so). Prints, per
function, the median seconds of each and the ratio torch / simdinit; then
init_module on a GPT-2-small-shaped and a LLaMA-3.2-1B-shaped model against
torch's own reset_parameters loop and the Hugging Face _init_weights loop on
the same modules; then the binding's per-call overhead on a 4-element
tensor (simdinit.torch and simdinit.numpy minus the bare ctypes call).
Figures go to docs/PERFORMANCE.md with the CPU line this prints."""
import argparse
import ctypes
import math
import statistics
import time

import numpy as np
import torch

import simdinit
import simdinit.numpy as snp
import simdinit.torch as sinit
from simdinit import _lib


def med(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def cpu_line():
    fam = model = name = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            if k == "cpu family":
                fam = v
            elif k == "model" and model == "?":
                model = v
            elif k == "model name":
                name = v
            if k == "flags":
                break
    return "%s (family %s, model %s), %d threads for torch and simdinit" % (
        name, fam, model, torch.get_num_threads())


def functions(size, reps):
    t = torch.empty(size, size)
    cases = [
        ("uniform_", lambda: torch.nn.init.uniform_(t), lambda: sinit.uniform_(t, seed=1)),
        ("normal_", lambda: torch.nn.init.normal_(t), lambda: sinit.normal_(t, seed=1)),
        ("trunc_normal_", lambda: torch.nn.init.trunc_normal_(t),
         lambda: sinit.trunc_normal_(t, seed=1)),
        ("constant_", lambda: torch.nn.init.constant_(t, 0.5),
         lambda: sinit.constant_(t, 0.5)),
        ("xavier_uniform_", lambda: torch.nn.init.xavier_uniform_(t),
         lambda: sinit.xavier_uniform_(t, seed=1)),
        ("xavier_normal_", lambda: torch.nn.init.xavier_normal_(t),
         lambda: sinit.xavier_normal_(t, seed=1)),
        ("kaiming_uniform_", lambda: torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
         lambda: sinit.kaiming_uniform_(t, a=math.sqrt(5), seed=1)),
        ("kaiming_normal_", lambda: torch.nn.init.kaiming_normal_(t),
         lambda: sinit.kaiming_normal_(t, seed=1)),
    ]
    tb = torch.empty(size, size, dtype=torch.bfloat16)
    cases += [
        ("normal_ bf16", lambda: torch.nn.init.normal_(tb), lambda: sinit.normal_(tb, seed=1)),
        ("trunc_normal_ bf16", lambda: torch.nn.init.trunc_normal_(tb),
         lambda: sinit.trunc_normal_(tb, seed=1)),
    ]
    print("\n%d x %d float32 (bf16 where named), median of %d:" % (size, size, reps))
    print("%-20s %10s %10s %8s" % ("function", "torch s", "simdinit s", "ratio"))
    for name, a, b in cases:
        a()
        b()
        ta, tb_ = med(a, reps), med(b, reps)
        print("%-20s %10.4f %10.4f %7.1fx" % (name, ta, tb_, ta / tb_))


def gpt2_small():
    nn = torch.nn
    d, v, n_ctx, n_layer = 768, 50257, 1024, 12
    mods = [nn.Embedding(v, d), nn.Embedding(n_ctx, d)]
    for _ in range(n_layer):
        mods += [nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d), nn.LayerNorm(d),
                 nn.Linear(d, 4 * d), nn.Linear(4 * d, d)]
    mods.append(nn.LayerNorm(d))
    return nn.ModuleList(mods)


class RMSNorm(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))

    def reset_parameters(self):
        torch.nn.init.ones_(self.weight)


def llama_1b(dtype):
    # LLaMA-3.2-1B shapes: hidden 2048, intermediate 8192, 16 layers, 32 heads,
    # 8 KV heads of 64, vocabulary 128256, tied embeddings (1.24 B parameters).
    nn = torch.nn
    d, ff, L, kv, v = 2048, 8192, 16, 512, 128256
    mods = [nn.Embedding(v, d)]
    for _ in range(L):
        mods += [RMSNorm(d), nn.Linear(d, d, bias=False), nn.Linear(d, kv, bias=False),
                 nn.Linear(d, kv, bias=False), nn.Linear(d, d, bias=False), RMSNorm(d),
                 nn.Linear(d, ff, bias=False), nn.Linear(d, ff, bias=False),
                 nn.Linear(ff, d, bias=False)]
    mods.append(RMSNorm(d))
    return nn.ModuleList(mods).to(dtype)


def hf_loop(model, r=0.02):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Linear, torch.nn.Embedding)):
                torch.nn.init.normal_(m.weight, 0.0, r)
                if getattr(m, "bias", None) is not None:
                    torch.nn.init.zeros_(m.bias)
            elif isinstance(m, (torch.nn.LayerNorm, RMSNorm)):
                for n, p in m.named_parameters(recurse=False):
                    (torch.nn.init.ones_ if n == "weight" else torch.nn.init.zeros_)(p)


def reset_loop(model):
    for m in model.modules():
        if hasattr(m, "reset_parameters") and m is not model:
            m.reset_parameters()


def modules(reps, skip_llama):
    print("\ninit_module, median of %d:" % reps)
    print("%-28s %10s %10s %8s" % ("model / init", "torch s", "simdinit s", "ratio"))
    models = [("GPT-2 small f32", gpt2_small)]
    if not skip_llama:
        models.append(("LLaMA-3.2-1B bf16", lambda: llama_1b(torch.bfloat16)))
    for label, make in models:
        m = make()
        nparam = sum(p.numel() for p in m.parameters())

        def rule(name, p, mod):
            return "ones" if isinstance(mod, RMSNorm) else None

        sinit.init_module(m, seed=1, rule=rule)   # warm-up (page faults)
        r = max(1, reps if "GPT" in label else min(reps, 3))
        ta = med(lambda: reset_loop(m), r)
        tb = med(lambda: sinit.init_module(m, seed=1, rule=rule), r)
        print("%-28s %10.3f %10.3f %7.1fx   (%.0f M parameters, torch reset_parameters)"
              % (label, ta, tb, ta / tb, nparam / 1e6))
        ta = med(lambda: hf_loop(m), r)
        tb = med(lambda: sinit.init_module(m, seed=1, preset="hf"), r)
        print("%-28s %10.3f %10.3f %7.1fx   (Hugging Face _init_weights convention)"
              % (label, ta, tb, ta / tb))


def overhead(n_calls):
    t = torch.empty(4)
    a = np.empty(4, np.float32)
    d = _lib.Dist(0, 0.0, 1.0)
    dref = ctypes.byref(d)
    ptr = a.ctypes.data
    f = _lib.lib.simdinit_fill

    def once(fn):
        t0 = time.perf_counter()
        for _ in range(n_calls):
            fn()
        return (time.perf_counter() - t0) / n_calls * 1e6

    rows = [("bare ctypes simdinit_fill (uniform)", lambda: f(ptr, 0, 4, 0, 1, 0, dref)),
            ("simdinit.torch.uniform_(t, seed=1)", lambda: sinit.uniform_(t, seed=1)),
            ("simdinit.torch.normal_(t, seed=1)", lambda: sinit.normal_(t, seed=1)),
            ("simdinit.torch.uniform_(t) [generator]", lambda: sinit.uniform_(t)),
            ("simdinit.numpy.uniform_(a, seed=1)", lambda: snp.uniform_(a, seed=1)),
            ("torch.nn.init.uniform_(t)", lambda: torch.nn.init.uniform_(t)),
            ("torch.nn.init.normal_(t)", lambda: torch.nn.init.normal_(t))]
    # Rounds interleave the rows, and each row keeps its fastest round: the
    # cost when nothing else interferes (on a shared VM a median mostly
    # measures the host).
    best = [float("inf")] * len(rows)
    for _, fn in rows:
        once(fn)
    for _ in range(9):
        for i, (_, fn) in enumerate(rows):
            best[i] = min(best[i], once(fn))
    raw = best[0]
    print("\nper-call cost on a 4-element float32 tensor, best of 9 interleaved rounds of %d "
          "calls:" % n_calls)
    for (label, _), us in zip(rows, best):
        extra = ("" if label.startswith(("torch", "bare")) else
                 ", binding overhead %.2f us" % (us - raw))
        print("  %-42s %.2f us%s" % (label, us, extra))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--skip-llama", action="store_true")
    ap.add_argument("--calls", type=int, default=20000)
    args = ap.parse_args()
    print("simdinit %s (%s backend, %d threads), torch %s; %s"
          % (simdinit.__version__, simdinit.active_backend(), simdinit.default_threads(),
             torch.__version__, cpu_line()))
    overhead(args.calls)
    functions(args.size, args.reps)
    modules(args.reps, args.skip_llama)


if __name__ == "__main__":
    main()
