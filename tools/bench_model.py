#!/usr/bin/env python3
"""Benchmark of `simdinit model` against `dd` and torch (docs/MODEL.md).

usage: bench_model.py PATH/TO/simdinit PRESET DTYPE DIR [RUNS]

In one run, RUNS times each, interleaved: the model writer (safetensors folder),
`dd if=/dev/zero bs=4M` writing the same number of bytes to the same
filesystem, and what users do today: torch init of the same tensors (the
writer's --dry-run gives names, shapes and inits) then torch.save. Prints the
median seconds and GB/s of each and the writer/dd ratio. Nothing is fsync'ed.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

EXE, PRESET, DTYPE, DIR = sys.argv[1:5]
RUNS = int(sys.argv[5]) if len(sys.argv) > 5 else 3

dry = subprocess.run([EXE, "model", "--preset", PRESET, "--dtype", DTYPE, "--dry-run"],
                     capture_output=True, text=True, check=True).stdout
total = int([l for l in dry.splitlines() if l.startswith("total")][0].split()[8])
tensors = []
for l in dry.splitlines():
    if l.startswith("tensor "):
        f = l.split()
        shape = tuple(int(d) for d in f[3].split("x"))
        tensors.append((f[1], shape, f[-2], f[-1]))

TORCH = r"""
import sys, time, torch
torch.set_num_threads(int(sys.argv[2]))
dt = {"f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16, "f64": torch.float64}[sys.argv[3]]
spec = eval(open(sys.argv[1]).read())
t0 = time.time()
sd = {}
for name, shape, kind, arg in spec:
    t = torch.empty(shape, dtype=dt)
    if kind == "normal":
        t.normal_(0.0, float(arg.split("=")[1]))
    else:
        t.fill_(float(arg.split("=")[1]))
    sd[name] = t
torch.save(sd, sys.argv[4])
print(time.time() - t0)
"""


def timed(cmd):
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.time() - t0


def clean(p):
    if os.path.isdir(p):
        shutil.rmtree(p)
    elif os.path.exists(p):
        os.remove(p)


spec = os.path.join(DIR, "bench_spec.py")
with open(spec, "w") as f:
    f.write(repr([(n, s, k, a) for n, s, k, a in tensors]))
script = os.path.join(DIR, "bench_torch.py")
with open(script, "w") as f:
    f.write(TORCH)
threads = os.cpu_count()
res = {"simdinit model": [], "dd": [], "torch init + torch.save": []}
out = os.path.join(DIR, "bench_out")
for r in range(RUNS):
    clean(out)
    res["simdinit model"].append(timed([EXE, "model", "--preset", PRESET, "--dtype", DTYPE,
                                        "--out", out, "--quiet"]))
    clean(out)
    bs = 4 << 20
    res["dd"].append(timed(["dd", "if=/dev/zero", "of=" + out, "bs=%d" % bs,
                            "count=%d" % (total // bs), "status=none"]) * total / (total // bs * bs))
    clean(out)
    res["torch init + torch.save"].append(timed(["/usr/bin/python3", script, spec, str(threads),
                                                 DTYPE, out]))
    clean(out)
os.remove(spec)
os.remove(script)
print("%s %s, %d bytes, to %s, median of %d (threads %d):" % (PRESET, DTYPE, total, DIR, RUNS,
                                                              threads))
med = {k: statistics.median(v) for k, v in res.items()}
for k, v in res.items():
    print("  %-26s %7.3f s  %6.3f GB/s   runs: %s" % (k, med[k], total / med[k] / 1e9,
                                                     " ".join("%.3f" % x for x in v)))
print("  writer / dd rate: %.2f; writer vs torch: %.1fx faster" %
      (med["dd"] / med["simdinit model"], med["torch init + torch.save"] / med["simdinit model"]))
