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
    return cond


def run(*args, env=None, timeout=120):
    full_env = dict(os.environ)
    full_env.pop("SIMDINIT_BACKEND", None)
    full_env.pop("SIMDINIT_STORES", None)
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


THREADS = (1, 2, 3, 7)


def test_threads():
    """Any --threads N writes the same file (and the same as the default)."""
    cases = []
    for dist, (params, _) in DISTS.items():
        for dtype in DESCR:
            # An odd count and offset: chunk edges fall mid-block; block-aligned
            # thread splits of a few hundred thousand elements.
            cases.append((["--dist", dist, *params, "--count", "300007", "--offset", "4099"],
                          dtype))
        # Above the library's non-temporal threshold (8 MiB).
        cases.append((["--dist", dist, *params, "--count", "2621447", "--offset", "12345"],
                      "f32"))
    for scheme in ("xavier_uniform", "he_normal", "kaiming_normal"):
        for dtype in ("f32", "bf16"):
            cases.append((["--scheme", scheme, "--shape", "613,1237"], dtype))
        cases.append((["--scheme", scheme, "--shape", "613,1237", "--offset", "777",
                       "--count", "500000"], "f16"))
    for args, dtype in cases:
        what = "threads: %s --dtype %s" % (" ".join(args), dtype)
        files = {}
        for n in THREADS + (None, "env"):
            p = os.path.join(TMP, "t_%s.npy" % n)
            extra = ["--threads", str(n)] if isinstance(n, int) else []
            env = {"SIMDINIT_NUM_THREADS": "3"} if n == "env" else None
            rc, out, err = run("fill", *args, "--dtype", dtype, "--seed", "0x5eed", "--stream",
                               "11", "--out", p, *extra, env=env)
            check(rc == 0 and err == "", "%s --threads %s: rc %d %r" % (what, n, rc, err))
            if rc != 0:
                break
            if n is None:
                want = None  # the default: whatever SIMDINIT_NUM_THREADS or the cores say
            elif n == "env":
                want = "3 threads"
            else:
                want = "%d thread%s" % (n, "" if n == 1 else "s")
            check(want is None or want + ")" in out, "%s --threads %s: report %r" % (what, n, out))
            with open(p, "rb") as f:
                files[n] = f.read()
        ref = files.get(1)
        for n, data in files.items():
            check(data == ref, "%s: --threads %s differs from --threads 1" % (what, n))


def submatrix(data, cols, esize, r0, r1, c0, c1):
    """Rows [r0, r1) x columns [c0, c1) of a row-major matrix held as bytes."""
    return b"".join(data[(r * cols + c0) * esize:(r * cols + c1) * esize] for r in range(r0, r1))


def check_shard(what, full_path, shard_path, rows, cols, r0, r1, c0, c1):
    descr, shape, data, _ = read_npy(full_path)
    sdescr, sshape, sdata, _ = read_npy(shard_path)
    esize = int(descr[2:])
    check(sdescr == descr and sshape == (r1 - r0, c1 - c0),
          "%s: header %s %s" % (what, sdescr, sshape))
    check(sdata == submatrix(data, cols, esize, r0, r1, c0, c1),
          "%s: differs from the sub-matrix of the full tensor" % what)
    if np is not None:
        a = np.load(full_path, mmap_mode="r")
        b = np.load(shard_path)
        check(a.shape == (rows, cols) and b.shape == (r1 - r0, c1 - c0)
              and np.array_equal(a[r0:r1, c0:c1], b, equal_nan=False),
              "%s: np.load: shard != full[%d:%d, %d:%d]" % (what, r0, r1, c0, c1))


def test_shards():
    rows, cols = 517, 389
    gens = []
    for dist in ("uniform", "normal", "trunc_normal"):
        for dtype in ("f32", "bf16"):
            gens.append((["--dist", dist, *DISTS[dist][0]], dtype))
    for scheme in ("he_normal", "xavier_normal", "kaiming_uniform"):
        for dtype in ("f32", "f16"):
            gens.append((["--scheme", scheme], dtype))
    row_bounds = (0, 5, 260, 517)
    col_bounds = (0, 1, 200, 388, 389)
    for gen, dtype in gens:
        base = [*gen, "--shape", "%d,%d" % (rows, cols), "--dtype", dtype, "--seed", "77",
                "--stream", "5"]
        tag = "shard %s %s" % (" ".join(gen), dtype)
        full = os.path.join(TMP, "full.npy")
        rc, out, err = run("fill", *base, "--out", full)
        check(rc == 0, "%s: full: %r" % (tag, err))
        if rc != 0:
            continue
        check(read_npy(full)[1] == (rows, cols), "%s: full shape %s" % (tag, read_npy(full)[1]))
        shards = [(["--rows", "100:300"], 100, 300, 0, cols),          # row shard
                  (["--cols", "97:194"], 0, rows, 97, 194),            # column shard
                  (["--rows", "3:3"], 3, 3, 0, cols),                  # empty
                  (["--rows", "0x10:0x11", "--cols", "%d:%d" % (cols - 1, cols)],
                   16, 17, cols - 1, cols)]                            # one element
        for i in range(len(row_bounds) - 1):                           # uneven blocks
            for j in range(len(col_bounds) - 1):
                r0, r1, c0, c1 = row_bounds[i], row_bounds[i + 1], col_bounds[j], col_bounds[j + 1]
                shards.append((["--rows", "%d:%d" % (r0, r1), "--cols", "%d:%d" % (c0, c1)],
                               r0, r1, c0, c1))
        blocks = {}
        for args, r0, r1, c0, c1 in shards:
            p = os.path.join(TMP, "shard.npy")
            rc, out, err = run("fill", *base, *args, "--out", p)
            what = "%s %s" % (tag, " ".join(args))
            check(rc == 0 and err == "" and "shard rows %d:%d cols %d:%d" % (r0, r1, c0, c1)
                  in out and "1 thread)" in out, "%s: rc %d %r %r" % (what, rc, out, err))
            if rc == 0:
                check_shard(what, full, p, rows, cols, r0, r1, c0, c1)
                blocks[(r0, c0)] = read_npy(p)[2]
        # The uneven blocks tile the whole tensor.
        if np is not None and len(blocks) == len(shards):
            esize = int(read_npy(full)[0][2:])
            tiled = b""
            for i in range(len(row_bounds) - 1):
                for r in range(row_bounds[i + 1] - row_bounds[i]):
                    for j in range(len(col_bounds) - 1):
                        w = col_bounds[j + 1] - col_bounds[j]
                        tiled += blocks[(row_bounds[i], col_bounds[j])][r * w * esize:
                                                                        (r + 1) * w * esize]
            check(tiled == read_npy(full)[2], "%s: the blocks do not tile the tensor" % tag)

    # Shards larger than the writer's 16 Mi-element chunk: several bands of
    # whole rows, and rows wider than a chunk written in pieces.
    full = os.path.join(TMP, "bigfull.npy")
    shard = os.path.join(TMP, "bigshard.npy")
    base = ["fill", "--dist", "uniform", "--dtype", "f16", "--seed", "3"]
    rc, _, err = run(*base, "--shape", "4200,4000", "--out", full)
    check(rc == 0, "big shard: full: " + err)
    rc, _, err = run(*base, "--shape", "4200,4000", "--cols", "1:3999", "--out", shard)
    check(rc == 0, "big shard: bands: " + err)
    if rc == 0:
        check_shard("big shard (bands)", full, shard, 4200, 4000, 0, 4200, 1, 3999)
    wide = 16777300
    rc, _, err = run(*base, "--shape", "2,%d" % wide, "--rows", "1:2", "--cols",
                     "3:%d" % (wide - 1), "--out", shard)
    check(rc == 0, "big shard: wide row: " + err)
    rc2, _, err = run(*base, "--count", str(wide - 4), "--offset", str(wide + 3), "--out", full)
    check(rc2 == 0, "big shard: wide slice: " + err)
    if rc == 0 and rc2 == 0:
        check(read_npy(shard)[1] == (1, wide - 4) and read_npy(shard)[2] == read_npy(full)[2],
              "big shard: a row wider than a chunk differs from the same slice")

    # Far into a huge tensor (indices near 2^64): the shard equals the slice.
    big = "4294967295"
    rc, _, err = run("fill", "--dist", "normal", "--shape", "%s,%s" % (big, big), "--rows",
                     "4294967294:4294967295", "--cols", "4294967290:4294967295", "--dtype", "f64",
                     "--seed", "1", "--out", shard)
    rc2, _, err2 = run("fill", "--dist", "normal", "--count", "5", "--offset",
                       str(4294967294 * 4294967295 + 4294967290), "--dtype", "f64", "--seed", "1",
                       "--out", full)
    check(rc == 0 and rc2 == 0 and read_npy(shard)[1] == (1, 5)
          and read_npy(shard)[2] == read_npy(full)[2], "huge-index shard: %r %r" % (err, err2))
    # A constant needs no seed; its shard is the value.
    rc, _, err = run("fill", "--dist", "constant", "--value", "1.5", "--shape", "3,4", "--rows",
                     "1:3", "--cols", "1:2", "--dtype", "f32", "--out", shard)
    check(rc == 0 and read_npy(shard)[1] == (2, 1)
          and values("<f4", read_npy(shard)[2]) == [1.5, 1.5], "constant shard: %r" % err)

    # --dist with --shape: the whole tensor has that shape; --offset/--count
    # cut a 1-D slice of it, as with --scheme.
    p = os.path.join(TMP, "ds.npy")
    rc, _, err = run("fill", "--dist", "normal", "--shape", "6,7,8", "--dtype", "f64", "--seed",
                     "1", "--out", p)
    whole = read_npy(p) if rc == 0 else None
    check(rc == 0 and whole[1] == (6, 7, 8), "--dist --shape 6,7,8: %r" % err)
    rc, _, err = run("fill", "--dist", "normal", "--shape", "6,7,8", "--offset", "100",
                     "--dtype", "f64", "--seed", "1", "--out", p)
    check(rc == 0 and whole is not None and read_npy(p)[1] == (236,)
          and read_npy(p)[2] == whole[2][800:], "--dist --shape --offset: %r" % err)


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
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "13", "--seed", "1", "--out", "X",
     "--shape", "3,4"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--offset", "13", "--seed", "1", "--out", "X",
     "--shape", "3,4"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--layout", "torch"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--threads", "257"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--threads", "-1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--threads", "two"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--count", "10", "--seed", "1", "--out", "X",
     "--rows", "0:1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "0:1", "--count", "4"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--cols", "0:1", "--offset", "0"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "0:1", "--threads", "1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "2:1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "0:4"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--cols", "4:5"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--cols", "0:5"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "1"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", ":2"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "1:"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "0:1:2"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", "-1:2"],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "3,4",
     "--rows", ""],
    ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--out", "X", "--shape", "12",
     "--rows", "0:1"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4,5", "--dtype", "f32", "--seed", "1",
     "--out", "X", "--rows", "0:1"],
    ["fill", "--scheme", "torch_linear_bias", "--shape", "3,4", "--dtype", "f32", "--seed", "1",
     "--out", "X", "--rows", "0:1"],
    ["fill", "--scheme", "he_normal", "--shape", "3,4", "--dtype", "f32", "--seed", "1",
     "--out", "X", "--cols", "1:2", "--count", "1"],
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
    ["demo", "--threads", "300"],
    ["bench", "--threads", "1000"],
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


def test_stores():
    """The store policy changes how memory is written, never the bits."""
    p = os.path.join(TMP, "s.npy")
    ref = None
    for dist, dt in (("normal", "bf16"), ("uniform", "f32"), ("constant", "f16")):
        base = ["fill", "--dist", dist, "--dtype", dt, "--count", "300001", "--offset", "77",
                "--seed", "5", "--threads", "3", "--out", p]
        if dist == "constant":
            base += ["--value", "0.3"]
        rc, _, err = run(*base)
        check(rc == 0, "stores: default fill: " + err)
        ref = read_npy(p)[2] if rc == 0 else None
        for pol in ("auto", "cached", "streaming"):
            rc, _, err = run(*base, "--stores", pol)
            check(rc == 0 and read_npy(p)[2] == ref,
                  "--stores %s changes the bits of %s %s (%s)" % (pol, dist, dt, err))
            rc, _, err = run(*base, env={"SIMDINIT_STORES": pol})
            check(rc == 0 and read_npy(p)[2] == ref,
                  "SIMDINIT_STORES=%s changes the bits of %s %s (%s)" % (pol, dist, dt, err))
    base = ["fill", "--dist", "uniform", "--dtype", "f32", "--count", "10", "--seed", "1",
            "--out", p]
    rc, _, err = run(*base, env={"SIMDINIT_STORES": "fast"})
    check(rc == 2 and "SIMDINIT_STORES" in err and err.count("\n") == 1,
          "bad SIMDINIT_STORES: %d %r" % (rc, err))
    rc, _, err = run(*base, "--stores", "streaming", env={"SIMDINIT_STORES": "fast"})
    check(rc == 0, "--stores overrides a bad SIMDINIT_STORES: " + err)
    rc, _, err = run(*base, "--stores", "fast")
    check(rc == 2 and "--stores" in err, "bad --stores: %d %r" % (rc, err))
    rc, out, err = run("info", env={"SIMDINIT_STORES": "fast"})
    check(rc == 2 and "SIMDINIT_STORES" in err and "store policy: auto" in out,
          "info with bad SIMDINIT_STORES: %d %r" % (rc, err))
    rc, out, err = run("info", env={"SIMDINIT_STORES": "cached"})
    check(rc == 0 and "store policy: cached" in out, "info with SIMDINIT_STORES=cached: %r" % out)
    rc, out, err = run("bench", "--size", "5000", "--repeat", "1", "--threads", "1",
                       "--stores", "streaming")
    check(rc == 0 and "stores streaming" in out, "bench --stores streaming: %d %r" % (rc, err))


def test_help_and_perf():
    for args in (["--help"], ["help"], ["fill", "--help"], ["help", "fill"], ["info", "--help"],
                 ["demo", "--help"], ["bench", "-h"], ["--version"]):
        rc, out, err = run(*args)
        check(rc == 0 and out and err == "", "simdinit %s: %d %r" % (" ".join(args), rc, err))
    rc, out, err = run("fill", "--help")
    check("<u2" in out and "bf16" in out, "fill --help documents bf16 as <u2")
    rc, out, err = run("bench", "--size", "4096", "--repeat", "1")
    check(rc == 0 and out.count("\n") >= 18, "bench: %d %r" % (rc, err))
    rc, out, err = run("bench", "--size", "100003", "--repeat", "1", "--threads", "3")
    check(rc == 0 and out.count("\n") >= 18 and "3 threads" in out,
          "bench --threads 3: %d %r" % (rc, err))
    rc, out, err = run("demo", "--repeat", "1", "--dtype", "bf16")
    check(rc == 0 and "124439808" in out and "wte.weight" in out
          and "bits identical: yes" in out, "demo: %d %r" % (rc, err))
    rc, out, err = run("demo", "--repeat", "1", "--dtype", "f16", "--threads", "3")
    check(rc == 0 and "bits identical: yes" in out and "init, 3 threads" in out
          and "init, 1 thread " in out and "speedup" in out,
          "demo --threads 3: %d %r" % (rc, err))

def leftovers(folder):
    """Temporary files the safe output may have left in a folder."""
    return [n for n in os.listdir(folder) if ".simdinit-" in n]


def test_safe_output():
    """fill writes a temporary file beside --out and renames it when complete
    (issue 15, defect 4): errors and SIGINT/SIGTERM leave the old file intact."""
    import resource
    import signal
    import time
    d = os.path.join(TMP, "safe")
    os.makedirs(d)
    old = os.path.join(d, "old.npy")
    rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "1", "--count",
                     "1000", "--out", old)
    check(rc == 0, "safe: first fill: %r" % err)
    with open(old, "rb") as f:
        old_bytes = f.read()
    os.chmod(old, 0o640)

    # A write error half-way (a file-size limit: EFBIG, as a full disk's ENOSPC).
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
    p = subprocess.run([EXE, "fill", "--dist", "normal", "--dtype", "f32", "--seed", "2",
                        "--count", str(1 << 20), "--out", old], capture_output=True, text=True,
                       preexec_fn=limit)
    check(p.returncode == 1 and "cannot write" in p.stderr and p.stderr.count("\n") == 1,
          "safe: write error: %d %r" % (p.returncode, p.stderr))
    with open(old, "rb") as f:
        check(f.read() == old_bytes, "safe: the old file survives a write error")
    check(leftovers(d) == [], "safe: no temporary after a write error: %r" % leftovers(d))

    # /dev/full is not a regular file: written in place (never renamed over), ENOSPC reported.
    if os.path.exists("/dev/full"):
        rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "1",
                         "--count", "100000", "--out", "/dev/full")
        check(rc == 1 and "No space" in err, "safe: /dev/full: %d %r" % (rc, err))
        check(os.path.exists("/dev/full") and not os.path.isfile("/dev/full"),
              "safe: /dev/full is still the device")

    # A replaced file keeps its mode and holds the new content; a new file gets 0666 & ~umask.
    rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "3", "--count",
                     "10", "--out", old)
    check(rc == 0 and os.stat(old).st_mode & 0o777 == 0o640, "safe: replaced file keeps its mode")
    check(read_npy(old)[1] == (10,), "safe: replaced file has the new content")
    newf = os.path.join(d, "new.npy")
    mask = os.umask(0o022)
    os.umask(mask)
    rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "3", "--count",
                     "10", "--out", newf)
    check(rc == 0 and os.stat(newf).st_mode & 0o777 == 0o666 & ~mask,
          "safe: new file mode %o" % (os.stat(newf).st_mode & 0o777))
    # A symbolic link is followed: the file it names is replaced, the link stays.
    link = os.path.join(d, "link.npy")
    os.symlink("new.npy", link)
    rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "3", "--count",
                     "20", "--out", link)
    check(rc == 0 and os.path.islink(link) and read_npy(newf)[1] == (20,),
          "safe: a link's file is replaced, the link stays: %r" % err)
    # A folder is never replaced by a file.
    rc, _, err = run("fill", "--dist", "uniform", "--dtype", "f32", "--seed", "3", "--count",
                     "20", "--out", d)
    check(rc == 1 and "folder" in err and os.path.isdir(d), "safe: --out FOLDER: %r" % err)

    with open(old, "rb") as f:
        old_bytes = f.read()
    # Killed half-way: SIGTERM and SIGINT remove the temporary, the old file stays;
    # SIGKILL cannot be caught: the temporary stays behind, the old file is intact.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        proc = subprocess.Popen([EXE, "fill", "--dist", "normal", "--dtype", "f64", "--seed", "4",
                                 "--count", str(300 << 20), "--threads", "1", "--out", old],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.time()
        seen = False
        while time.time() - started < 60 and proc.poll() is None:
            tmps = leftovers(d)
            if tmps and os.path.getsize(os.path.join(d, tmps[0])) > (8 << 20):
                seen = True
                break
            time.sleep(0.005)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        proc.stderr.close()
        check(seen and proc.returncode == -sig,
              "safe: killed by %s mid-write (seen %s, rc %s)" % (sig.name, seen, proc.returncode))
        with open(old, "rb") as f:
            check(f.read() == old_bytes, "safe: the old file survives %s" % sig.name)
        if sig == signal.SIGKILL:
            left = leftovers(d)
            check(len(left) == 1 and left[0].startswith(".old.npy.simdinit-"),
                  "safe: SIGKILL leaves one named temporary: %r" % left)
            for n in left:
                os.remove(os.path.join(d, n))
        check(leftovers(d) == [], "safe: no temporary after %s: %r" % (sig.name, leftovers(d)))

def test_stream_name():
    """--stream-name NAME is --stream FNV-1a-64(NAME) (docs/STREAM.md 1.1)."""
    name = "model.layers.0.mlp.up_proj.weight"
    h = 0xcbf29ce484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    a, b = os.path.join(TMP, "sn_a.npy"), os.path.join(TMP, "sn_b.npy")
    rc1, _, e1 = run("fill", "--dist", "normal", "--dtype", "bf16", "--seed", "9", "--count",
                     "5000", "--stream-name", name, "--out", a)
    rc2, _, e2 = run("fill", "--dist", "normal", "--dtype", "bf16", "--seed", "9", "--count",
                     "5000", "--stream", str(h), "--out", b)
    check(rc1 == 0 and rc2 == 0 and read_npy(a)[2] == read_npy(b)[2],
          "--stream-name equals --stream fnv1a64(name): %r %r" % (e1, e2))
    rc, _, err = run("fill", "--dist", "normal", "--dtype", "bf16", "--seed", "9", "--count",
                     "5", "--stream-name", name, "--stream", "1", "--out", a)
    check(rc == 2 and "--stream-name" in err, "--stream with --stream-name refused: %r" % err)


def main():
    global EXE, TMP
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    EXE = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        for test in (test_dists, test_split_invariance, test_edge_files, test_schemes,
                     test_threads, test_shards, test_bad_arguments, test_env_and_backend,
                     test_stores, test_help_and_perf, test_safe_output,
                     test_stream_name):
            test()
    if np is None:
        print("note: NumPy not found; files checked with the built-in parser only")
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
