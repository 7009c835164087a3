#!/usr/bin/env python3
"""Writes the committed seed corpus of tests/fuzz/fuzz_api.c (tests/fuzz/corpus/api/).

usage: make_corpus_api.py [OUTDIR]

Inputs in the harness's byte format (see its reader): one operation byte, then
the arguments. Doubles are written as 0xFF + 8 raw little-endian bytes,
integers as selector 0 + 8 raw bytes. Among them the reproducers of the
defects of issue 15: trunc_normal with std 1e-310 on [1, 2] (hung 58 s, wrote
b), trunc_normal intervals beyond the dtype's range (returned OK), an offset of
2^64 - 1, numel({2^64-1, 2^64-1, 0}) (returned OVERFLOW), a NaN parameter.
"""
import os
import struct
import sys

F32, F64, BF16, F16 = 0, 1, 2, 3
UNIFORM, NORMAL, TRUNC, CONST = 0, 1, 2, 3


def d(x):
    return b"\xff" + struct.pack("<d", x)


def u(x):
    return b"\x00" + struct.pack("<Q", x)


def fill(dtype, kind, params, n, offset=0, seed=1, stream=0, split=0, nt=1, maxc=3):
    assert n < 200
    return (bytes([0, dtype, kind]) + b"".join(d(p) for p in params) + bytes([n]) + u(offset)
            + u(seed) + u(stream) + u(split) + bytes([nt - 1, maxc - 1]))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                               "corpus", "api")
    os.makedirs(out, exist_ok=True)
    M = 2**64 - 1
    units = {
        # defect 1: tiny std, standardized bounds overflow
        "repro-tiny-std-f64": fill(F64, TRUNC, [0, 1e-310, 1, 2], 4),
        "repro-tiny-std-below": fill(F64, TRUNC, [0, 1e-310, -2, -1], 7, split=3, nt=2),
        "repro-tiny-std-f32": fill(F32, TRUNC, [0, 5e-324, 1e-30, 1], 33, offset=4095, nt=3),
        "repro-huge-distance": fill(F64, TRUNC, [-1e308, 1, 1e308, 1.5e308], 9),
        "repro-huge-alpha-finite": fill(F64, TRUNC, [0, 1e-300, 1e-5, 2e-5], 40, offset=511),
        # defect 2: [a, b] beyond the dtype's range
        "repro-range-f16": fill(F16, TRUNC, [0, 1, 7e4, 8e4], 4),
        "repro-range-f32": fill(F32, TRUNC, [0, 1, 1e39, 1e40], 4),
        "repro-range-bf16": fill(BF16, TRUNC, [0, 1, -1e40, -1e39], 4),
        "repro-range-f16-edge": fill(F16, TRUNC, [0, 1, 65504.5, 1e10], 4),
        "edge-f16-max": fill(F16, TRUNC, [0, 1, 65504, 1e10], 5),
        # offsets near 2^64
        "offset-max-n1": fill(F32, UNIFORM, [-1, 1], 1, offset=M),
        "offset-max-n2": fill(F32, NORMAL, [0, 1], 2, offset=M),
        "offset-near-max": fill(F64, TRUNC, [0, 1, -2, 2], 17, offset=M - 16, split=5, nt=4),
        # NaN / inf parameters
        "nan-uniform": fill(F32, UNIFORM, [float("nan"), 1], 3),
        "inf-trunc": fill(BF16, TRUNC, [0, 1, float("-inf"), 1], 3),
        "subnormal-normal": fill(F64, NORMAL, [5e-324, 5e-324], 50),
        "const-big-f16": fill(F16, CONST, [1e6], 3),
        "uniform-equal": fill(BF16, UNIFORM, [0.1, 0.1], 9),
        "tail-inverse": fill(F32, TRUNC, [0, 1, 5, 9], 40, offset=1023, split=20, nt=2, maxc=5),
        "normal-block-cross": fill(F16, NORMAL, [0, 0.02], 190, offset=4000, split=96, nt=4, maxc=8),
        # numel / fans: {2^64-1, 2^64-1, 0}
        "repro-numel-zero": bytes([7, 3]) + u(M) + u(M) + u(0) + bytes([0]),
        "numel-overflow": bytes([7, 2]) + u(M) + u(2) + bytes([0]),
        # shard: rows 5, cols 33, rows 1..4, cols 3..30, ld 40
        "shard": bytes([4, F32, NORMAL]) + d(0) + d(1) + bytes([5, 33, 0, 1, 4, 3, 30, 40])
                 + u(9) + u(2),
        # scheme: he_normal (9), default params, shape (2, 7, 3), torch
        "scheme-he-normal": bytes([5, F32, 9, 0, 3, 7, 3, 3, 0, 42, 1]) + u(0) + u(1) + u(0)
                            + bytes([2]),
        # init_tensors: two tensors
        "tensors": bytes([6, 2, F32, 2, 5, 6, 0, 0, 0, NORMAL]) + d(0) + d(1) + u(1) + u(2)
                   + bytes([F64, 1, 9, 0, 0, 1, 9, 0]) + u(1) + u(3) + bytes([2]),
        # plan_chunks alone: huge n at an offset near 2^64
        "plan-huge": bytes([8, F64, UNIFORM]) + d(0) + d(1) + u(M - 10**12) + u(10**12) + bytes([7]),
    }
    for name, data in units.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("%d units in %s" % (len(units), out))


if __name__ == "__main__":
    main()
