#!/usr/bin/env python3
"""End-to-end tests of the `simdinit` command-line program.

usage: test_cli.py PATH/TO/simdinit

Needs only the Python standard library (the .npy files are parsed here);
when NumPy is importable every file is also loaded with np.load.
"""
import ast
import math
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

EXE = None
TMP = None
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, env=None, timeout=120):
    full_env = dict(os.environ)
    full_env.pop("SIMDINIT_BACKEND", None)
    if env:
        full_env.update(env)
    try:
        p = subprocess.run([EXE, *args], capture_output=True, text=True, env=full_env,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "", "timed out after %d s\n" % timeout
    return p.returncode, p.stdout, p.stderr


def read_npy(path):
    """Returns (descr, shape, data bytes, data offset)."""
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", "bad magic"
    assert raw[6:8] == b"\x01\x00", "not version 1.0"
    (hlen,) = struct.unpack("<H", raw[8:10])
    header = raw[10:10 + hlen].decode("latin1")
    assert header.endswith("\n"), "header does not end with newline"
    d = ast.literal_eval(header.strip())
    assert d["fortran_order"] is False
    return d["descr"], tuple(d["shape"]), raw[10 + hlen:], 10 + hlen


def values(descr, data):
    """The elements as Python floats (bf16 '<u2' bits decoded)."""
    if descr == "<f4":
        return list(struct.unpack("<%df" % (len(data) // 4), data))
    if descr == "<f8":
        return list(struct.unpack("<%dd" % (len(data) // 8), data))
    if descr == "<f2":
        return list(struct.unpack("<%de" % (len(data) // 2), data))
    if descr == "<u2":
        bits = struct.unpack("<%dH" % (len(data) // 2), data)
        return list(struct.unpack("<%df" % len(bits), struct.pack("<%dI" % len(bits),
                                                                  *[b << 16 for b in bits])))
    raise AssertionError("unexpected descr " + descr)


DESCR = {"f32": "<f4", "f64": "<f8", "f16": "<f2", "bf16": "<u2"}
DISTS = {
    "uniform": (["--low", "-0.5", "--high", "0.25"], lambda v: -0.5 <= v < 0.25),
    "normal": (["--mean", "1", "--std", "0.5"], lambda v: -2 < v < 4),
    "trunc_normal": (["--mean", "0", "--std", "1", "--a", "-0.5", "--b", "1.5"],
                     lambda v: -0.5 <= v <= 1.5),
    "constant": (["--value", "0.75"], lambda v: v == 0.75),
}


def test_dists():
    n = 5000
    for dist, (params, ok) in DISTS.items():
        for dtype, descr in DESCR.items():
            path = os.path.join(TMP, "%s_%s.npy" % (dist, dtype))
            rc, out, err = run("fill", "--dist", dist, *params, "--dtype", dtype, "--count", str(n),
                               "--seed", "0x2a", "--stream", "3", "--out", path)
            what = "fill --dist %s --dtype %s" % (dist, dtype)
            check(rc == 0 and err == "", "%s: rc %d, stderr %r" % (what, rc, err))
            if rc != 0:
                continue
            check(out.count("\n") == 1 and "Gelem/s" in out and "GB/s" in out,
                  "%s: report line %r" % (what, out))
            got_descr, shape, data, off = read_npy(path)
            check(off % 64 == 0, "%s: data offset %d not a multiple of 64" % (what, off))
            check(got_descr == descr and shape == (n,), "%s: %s %s" % (what, got_descr, shape))
            v = values(got_descr, data)
            check(len(v) == n, "%s: %d values" % (what, len(v)))
            bad = [x for x in v if not (math.isfinite(x) and ok(x))]
            check(not bad, "%s: out-of-range values %r" % (what, bad[:5]))
            if dist != "constant":
                check(len(set(v)) > n // 50, "%s: too few distinct values" % what)
            if dist == "normal" and dtype in ("f32", "f64"):
                mean = sum(v) / n
                sd = math.sqrt(sum((x - mean) ** 2 for x in v) / n)
                check(abs(mean - 1) < 0.05 and abs(sd - 0.5) < 0.05,
                      "%s: mean %g std %g" % (what, mean, sd))
            if np is not None:
                a = np.load(path)
                check(a.dtype == np.dtype(descr) and a.shape == (n,), "%s: np.load" % what)
                if dtype == "bf16":
                    f = (a.astype(np.uint32) << 16).view(np.float32)
                    check(np.array_equal(f, np.array(v, dtype=np.float32)), "%s: bf16 view" % what)


def test_split_invariance():
    whole = os.path.join(TMP, "whole.npy")
    rc, _, err = run("fill", "--dist", "normal", "--dtype", "f32", "--count", "10000",
                     "--seed", "7", "--out", whole)
    check(rc == 0, "split: whole: " + err)
    parts = b""
    for off, cnt in ((0, 1234), (1234, 5000), (6234, 3766)):
        p = os.path.join(TMP, "part.npy")
        rc, _, err = run("fill", "--dist", "normal", "--dtype", "f32", "--count", str(cnt),
                         "--offset", str(off), "--seed", "7", "--out", p)
        check(rc == 0, "split: part: " + err)
        parts += read_npy(p)[2]
    check(read_npy(whole)[2] == parts, "split: slices differ from the whole tensor")


def test_edge_files():
    p = os.path.join(TMP, "empty.npy")
    rc, out, err = run("fill", "--dist", "uniform", "--dtype", "f64", "--count", "0", "--seed", "1",
                       "--out", p)
    check(rc == 0 and read_npy(p)[1:3] == ((0,), b""), "count 0: %d %r" % (rc, err))
    if np is not None and rc == 0:
        check(np.load(p).shape == (0,), "count 0: np.load")
    # A write error (disk full) is reported on one line with exit status 1.
    if os.path.exists("/dev/full"):
        rc, out, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--count", "100000",
                           "--seed", "1", "--out", "/dev/full")
        check(rc == 1 and err.count("\n") == 1 and err.startswith("simdinit: ") and out == "",
              "/dev/full: %d %r" % (rc, err))
    # Large enough for several chunks of the writer: equal to a single-call slice.
    big = os.path.join(TMP, "big.npy")
    n = (16 << 20) + 12345
    rc, out, err = run("fill", "--dist", "trunc_normal", "--dtype", "bf16", "--count", str(n),
                       "--seed", "9", "--out", big)
    check(rc == 0, "multi-chunk fill: " + err)
    tail = os.path.join(TMP, "tail.npy")
    rc, out, err = run("fill", "--dist", "trunc_normal", "--dtype", "bf16", "--count", "100",
                       "--offset", str((16 << 20) - 50), "--seed", "9", "--out", tail)
    check(rc == 0 and read_npy(big)[2][2 * ((16 << 20) - 50):2 * ((16 << 20) + 50)]
          == read_npy(tail)[2], "multi-chunk fill differs at the chunk boundary")


def test_schemes():
    p = os.path.join(TMP, "w.npy")
    rc, out, err = run("fill", "--scheme", "xavier_uniform", "--shape", "64,48", "--dtype", "f32",
                       "--seed", "1", "--out", p)
    check(rc == 0, "xavier_uniform: " + err)
    descr, shape, data, _ = read_npy(p)
    check(shape == (64, 48), "xavier_uniform shape %s" % (shape,))
    lim = math.sqrt(6 / (64 + 48))
    check(all(-lim <= x <= lim for x in values(descr, data)), "xavier_uniform range")

    # A slice is 1-D and equals the same elements of the whole tensor.
    ps = os.path.join(TMP, "ws.npy")
    rc, _, err = run("fill", "--scheme", "xavier_uniform", "--shape", "64,48", "--dtype", "f32",
                     "--seed", "1", "--offset", "100", "--count", "50", "--out", ps)
    check(rc == 0, "xavier slice: " + err)
    _, sshape, sdata, _ = read_npy(ps)
    check(sshape == (50,) and sdata == data[400:600], "xavier slice differs from whole")
    # Offset alone: the rest of the tensor.
    rc, _, err = run("fill", "--scheme", "xavier_uniform", "--shape", "64,48", "--dtype", "f32",
                     "--seed", "1", "--offset", "3000", "--out", ps)
    check(rc == 0 and read_npy(ps)[1] == (64 * 48 - 3000,), "xavier rest: " + err)

    # torch_linear_bias writes the bias of a (out, in) weight.
    rc, _, err = run("fill", "--scheme", "torch_linear_bias", "--shape", "32,100", "--dtype", "f64",
                     "--seed", "1", "--out", p)
    descr, shape, data, _ = read_npy(p)
    check(rc == 0 and shape == (32,), "torch_linear_bias shape %s %s" % (shape, err))
    check(all(abs(x) <= 0.1 for x in values(descr, data)), "torch_linear_bias range")

    for args in (["--scheme", "kaiming_normal", "--nonlinearity", "relu", "--mode", "fan_out"],
                 ["--scheme", "kaiming_uniform", "--param", "0.2"],
                 ["--scheme", "xavier_normal", "--gain", "2"],
                 ["--scheme", "xavier_normal", "--nonlinearity", "leaky_relu", "--param", "0.1"],
                 ["--scheme", "variance_scaling", "--scale", "0.1", "--mode", "fan_avg",
                  "--distribution", "uniform"],
                 ["--scheme", "he_normal", "--layout", "keras"],
                 ["--scheme", "lecun_normal", "--shape", "3,3,16,32", "--layout", "keras"],
                 ["--scheme", "glorot_normal"], ["--scheme", "torch_linear"]):
        if "--shape" not in args:
            args = args + ["--shape", "16,8,3,3"]
        for dtype in ("bf16", "f16"):
            rc, _, err = run("fill", *args, "--dtype", dtype, "--seed", "5", "--out", p)
            check(rc == 0, "%s %s: %s" % (" ".join(args), dtype, err))
            if rc == 0 and np is not None:
                np.load(p)


BAD = [
    [],
    ["frobnicate"],
    ["fill"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1"],  # no --out
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--out", "X"],   # no --seed
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X"],     # no --count
    ["fill", "--dist", "gamma", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f128", "--count", "10", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10x", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "-1", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed",
     "18446744073709551616", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "0x", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", " 10", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--bogus", "1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--seed", "2"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "stray"],
    ["fill", "--dist", "normal", "--std", "-1", "--dtype", "f32", "--count", "10", "--seed", "1",
     "--out", "X"],
    ["fill", "--dist", "normal", "--std", "nan", "--dtype", "f32", "--count", "10", "--seed", "1",
     "--out", "X"],
    ["fill", "--dist", "normal", "--std", "1e999", "--dtype", "f32", "--count", "10", "--seed",
     "1", "--out", "X"],
    ["fill", "--dist", "normal", "--std", "1.5.2", "--dtype", "f32", "--count", "10", "--seed",
     "1", "--out", "X"],
    ["fill", "--dist", "uniform", "--low", "2", "--high", "1", "--dtype", "f32", "--count", "10",
     "--seed", "1", "--out", "X"],
    ["fill", "--dist", "uniform", "--std", "2", "--dtype", "f32", "--count", "10", "--seed", "1",
     "--out", "X"],
    ["fill", "--dist", "trunc_normal", "--a", "1", "--b", "1", "--dtype", "f32", "--count", "10",
     "--seed", "1", "--out", "X"],
    ["fill", "--dist", "constant", "--dtype", "f32", "--count", "10", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "0xffffffffffffffff", "--offset",
     "2", "--seed", "1", "--out", "X"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--backend", "sparc"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--shape", "3,4"],
    ["fill", "--dist", "normal", "--scheme", "he_normal", "--dtype", "f32", "--count", "10",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normalish", "--shape", "3,4", "--dtype", "f32", "--seed", "1",
     "--out", "X"],
    ["fill", "--scheme", "he_normal", "--dtype", "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,,4", "--dtype", "f32", "--seed", "1",
     "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--layout", "jax", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "xavier_uniform", "--shape", "7", "--dtype", "f32", "--seed", "1",
     "--out", "X"],
    ["fill", "--scheme", "xavier_uniform", "--shape", "3,0", "--count", "1", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "xavier_uniform", "--shape", "3,4", "--gain", "0", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "xavier_uniform", "--shape", "3,4", "--gain", "2", "--nonlinearity",
     "relu", "--dtype", "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "kaiming_uniform", "--shape", "3,4", "--mode", "fan_avg", "--dtype",
     "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "kaiming_uniform", "--shape", "3,4", "--nonlinearity", "relu",
     "--param", "0.1", "--dtype", "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--scale", "2", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--offset", "10", "--count", "3",
     "--dtype", "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--offset", "13", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--low", "1", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "variance_scaling", "--shape", "3,4", "--scale", "-1", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "variance_scaling", "--shape", "3,4", "--distribution", "normal",
     "--dtype", "f32", "--seed", "1", "--out", "X"],
    ["fill", "--scheme", "he_normal", "--shape", "4294967296,4294967296,2", "--dtype", "f32",
     "--seed", "1", "--out", "X"],
    ["info", "--verbose"],
    ["demo", "--dtype", "f8"],
    ["demo", "--repeat", "0"],
    ["demo", "--size", "10"],
    ["bench", "--size", "0"],
    ["bench", "--backend", "z80"],
    ["help", "nothing"],
]


def test_bad_arguments():
    for args in BAD:
        out_path = os.path.join(TMP, "X")
        args = [out_path if a == "X" else a for a in args]
        rc, out, err = run(*args)
        what = "simdinit " + " ".join(args)
        check(rc == 2, "%s: exit %d, want 2 (stderr %r)" % (what, rc, err))
        check(err.count("\n") == 1 and err.startswith("simdinit: "),
              "%s: stderr is not one 'simdinit: ' line: %r" % (what, err))
        check(out == "", "%s: unexpected stdout %r" % (what, out))
        check(not os.path.exists(out_path), "%s: left a file behind" % what)


def test_env_and_backend():
    p = os.path.join(TMP, "e.npy")
    base = ["fill", "--dist", "uniform", "--dtype", "f32", "--count", "100", "--seed", "1",
            "--out", p]
    rc, _, err = run(*base, env={"SIMDINIT_BACKEND": "bogus"})
    check(rc == 2 and "SIMDINIT_BACKEND" in err and err.count("\n") == 1,
          "bad SIMDINIT_BACKEND: %d %r" % (rc, err))
    rc, out, err = run("info", env={"SIMDINIT_BACKEND": "bogus"})
    check(rc == 2 and "SIMDINIT_BACKEND" in err and "backend" in out,
          "info with bad SIMDINIT_BACKEND: %d %r" % (rc, err))
    rc, _, err = run(*base, "--backend", "scalar", env={"SIMDINIT_BACKEND": "bogus"})
    check(rc == 0, "--backend overrides a bad SIMDINIT_BACKEND: " + err)
    ref = read_npy(p)[2] if rc == 0 else None
    rc, out, err = run("info")
    check(rc == 0 and "active backend" in out, "info: %d %r" % (rc, err))
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] == "yes" and parts[0] != "backend":
            rc, _, err = run(*base, "--backend", parts[0])
            check(rc == 0 and read_npy(p)[2] == ref,
                  "--backend %s differs from scalar (%s)" % (parts[0], err))
            # The same backend chosen through the environment.
            rc, _, err = run(*base, env={"SIMDINIT_BACKEND": parts[0]}, timeout=10)
            check(rc == 0 and read_npy(p)[2] == ref,
                  "SIMDINIT_BACKEND=%s: exit %d, %r" % (parts[0], rc, err))
            rc, out2, err = run("info", env={"SIMDINIT_BACKEND": parts[0]}, timeout=10)
            check(rc == 0 and ("active backend: " + parts[0]) in out2,
                  "info with SIMDINIT_BACKEND=%s: exit %d, %r" % (parts[0], rc, err))


def test_help_and_perf():
    for args in (["--help"], ["help"], ["fill", "--help"], ["help", "fill"], ["info", "--help"],
                 ["demo", "--help"], ["bench", "-h"], ["--version"]):
        rc, out, err = run(*args)
        check(rc == 0 and out and err == "", "simdinit %s: %d %r" % (" ".join(args), rc, err))
    rc, out, err = run("fill", "--help")
    check("<u2" in out and "bf16" in out, "fill --help documents bf16 as <u2")
    rc, out, err = run("bench", "--size", "4096", "--repeat", "1")
    check(rc == 0 and out.count("\n") >= 18, "bench: %d %r" % (rc, err))
    rc, out, err = run("demo", "--repeat", "1", "--dtype", "bf16")
    check(rc == 0 and "124439808" in out and "wte.weight" in out, "demo: %d %r" % (rc, err))


def main():
    global EXE, TMP
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    EXE = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        for test in (test_dists, test_split_invariance, test_edge_files, test_schemes,
                     test_bad_arguments, test_env_and_backend, test_help_and_perf):
            test()
    if np is None:
        print("note: NumPy not found; files checked with the built-in parser only")
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
