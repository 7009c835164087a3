#!/usr/bin/python3
"""The truncated normal on the intervals of issue 14, one thread, same run
as torch.nn.init.trunc_normal_.

For each interval [a, b] of N(0, 1) (and the dtypes asked for), times
simdinit_fill (through ctypes on the built library) and, where PyTorch is
installed, torch.nn.init.trunc_normal_ on a float32 tensor of the same size:
median of R calls after a warm-up, in Gelem/s, and the ratio.

    /usr/bin/python3 bench/trunc_intervals.py [--lib build/libsimdinit.so]
        [--size 16777216] [--repeat 5] [--dtypes f32,f64,bf16,f16]
        [--backend auto|scalar|avx2|avx512|neon]
"""
import argparse
import ctypes
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402  (the C API's ctypes declarations)

INTERVALS = [(-2, 2), (0, 1), (-0.1, 0.1), (-1e-3, 1e-3), (2, 10), (3, 4), (8, 9),
             (30, 31), (-1e-6, 1e-6), (5, math.inf), (-math.inf, -3)]
DTYPES = {"f32": (peers.F32, 4), "f64": (peers.F64, 8), "bf16": (peers.BF16, 2),
          "f16": (peers.F16, 2)}


def median_of(fn, repeat):
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib")
    ap.add_argument("--size", type=int, default=1 << 24)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dtypes", default="f32")
    ap.add_argument("--backend", default="auto", choices=sorted(peers.BACKENDS))
    args = ap.parse_args()
    path = peers.find_lib(args.lib)
    if not path:
        sys.exit("libsimdinit.so not found: build it or pass --lib")
    lib = peers.load(path)
    if lib.simdinit_set_backend(peers.BACKENDS[args.backend]) != 0:
        sys.exit("backend %s is not usable here" % args.backend)
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("(PyTorch not installed: simdinit rows only)")
    n = args.size
    dts = [d for d in args.dtypes.split(",") if d]
    buf = ctypes.create_string_buffer(n * 8 + 64)
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            info = dict((k.strip(), v.strip()) for k, v in
                        (l.split(":", 1) for l in f.read().split("\n\n")[0].splitlines() if ":" in l))
        cpu = "%s, family %s model %s" % (info["model name"], info["cpu family"], info["model"])
    except (OSError, KeyError, ValueError):
        pass
    print("%s; %d elements, median of %d, one thread, backend %s" % (cpu, n, args.repeat,
                                                                     args.backend))
    hdr = "%-16s" % "interval" + "".join("%15s" % ("simdinit " + d) for d in dts)
    print(hdr + ("%12s%10s" % ("torch f32", "ratio") if torch else ""))
    for a, b in INTERVALS:
        row = "%-16s" % ("[%g, %g]" % (a, b))
        f32_rate = None
        for d in dts:
            dt, _ = DTYPES[d]
            dd = peers.Dist(kind=peers.TRUNC_NORMAL, mean=0.0, std=1.0, a=a, b=b)
            def fill():
                s = lib.simdinit_fill(buf, dt, n, 0, 42, 7, ctypes.byref(dd))
                if s != 0:
                    raise SystemExit("simdinit_fill [%g, %g] %s: status %d" % (a, b, d, s))
            rate = n / median_of(fill, args.repeat) * 1e-9
            if d == "f32":
                f32_rate = rate
            row += "%15.3f" % rate
        if torch:
            t = torch.empty(n, dtype=torch.float32)
            tr = n / median_of(lambda: torch.nn.init.trunc_normal_(t, 0.0, 1.0, a, b),
                               args.repeat) * 1e-9
            row += "%12.4f" % tr
            if f32_rate:
                row += "%9.1fx" % (f32_rate / tr)
        print(row, flush=True)


if __name__ == "__main__":
    main()
