#!/usr/bin/python3
"""simdinit_orthogonal against torch.nn.init.orthogonal_, same shapes, same run.

usage: /usr/bin/python3 bench/orthogonal/compare.py BUILD/bench/orthogonal/bench_orthogonal
       [--threads 2] [--reps 3] [--torch-max 4096] SHAPE ...   (SHAPE: N or RxC)

Runs the C benchmark (best and median wall ms, f32 output), then times
torch.nn.init.orthogonal_ on a float32 tensor of each shape with
torch.set_num_threads(threads) (best of reps; one rep above 2048 elements a
side, where reference LAPACK takes minutes). Prints both and the ratio.
"""
import argparse
import subprocess
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("shapes", nargs="+")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--torch-max", type=int, default=4096)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print("torch %s, %d threads; %s" % (torch.__version__, torch.get_num_threads(),
                                         torch.__config__.show().splitlines()[0]))
    for sh in a.shapes:
        r, c = (int(x) for x in (sh.split("x") if "x" in sh else (sh, sh)))
        out = subprocess.run([a.bench, "-t", str(a.threads), "-r", str(a.reps), "%dx%d" % (r, c)],
                             check=True, capture_output=True, text=True).stdout.strip()
        print("simdinit: " + out)
        best = float(out.split("best=")[1].split()[0])
        if max(r, c) > a.torch_max:
            continue
        reps = 1 if max(r, c) > 2048 else a.reps
        t = torch.empty(r, c)
        times = []
        for i in range(reps):
            torch.manual_seed(i)
            t0 = time.perf_counter()
            torch.nn.init.orthogonal_(t)
            times.append((time.perf_counter() - t0) * 1e3)
        print("torch:    %dx%d f32 threads=%d best=%.1f ms (%d rep%s)  torch/simdinit = %.1fx"
              % (r, c, a.threads, min(times), reps, "" if reps == 1 else "s", min(times) / best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
