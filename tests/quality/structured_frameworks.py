#!/usr/bin/python3
"""The structured initializers against the frameworks (issue 13).

  - orthogonal: simdinit_orthogonal against torch.nn.init.orthogonal_ in
    distribution, on square, tall, wide and 4-D shapes: a two-sample
    Kolmogorov-Smirnov test on the entries (pooled over seeds), and for
    square matrices on eigenvalue phases (numpy.linalg.eigvals; one random
    eigenvalue and the smallest positive phase per matrix), the random one
    also against the uniform law on the circle; max |Q^T Q - I|.
  - orthogonal_axis: JAX's flattening (numpy reshape + moveaxis) of the same
    matrix, bit for bit.
  - sparse: the zero count of every column equals torch.nn.init.sparse_'s
    (ceil(sparsity * rows)); the nonzero values against torch's by KS.
  - eye / dirac: exactly torch.nn.init.eye_ / dirac_ (groups included).
  - delta_orthogonal: zeros off the spatial centre (k - 1) // 2, the centre
    orthogonal and equal to orthogonal_axis of shape[-2:].
  - with --cli: `simdinit fill --scheme ...` writes the library's bits.

Exit status 1 on a mismatch or a KS p-value below 1e-4 after Holm's
correction; 77 (skip) without NumPy/SciPy/torch.

usage: /usr/bin/python3 structured_frameworks.py --lib build/libsimdinit.so [--cli build/tools/simdinit]
"""
import argparse
import ctypes
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy import stats
    import torch
except ImportError as e:  # pragma: no cover
    print("SKIP: NumPy/SciPy/torch not available (%s); use /usr/bin/python3" % e)
    sys.exit(77)

ALPHA = 1e-4
F32, F64 = 0, 1
u64, i32, dbl, vp = ctypes.c_uint64, ctypes.c_int, ctypes.c_double, ctypes.c_void_p


def load(path):
    lib = ctypes.CDLL(path)
    sig = {
        "simdinit_orthogonal": [vp, i32, u64, u64, dbl, u64, u64, i32],
        "simdinit_orthogonal_axis": [vp, i32, vp, i32, i32, dbl, u64, u64, i32],
        "simdinit_eye": [vp, i32, u64, u64, dbl],
        "simdinit_dirac": [vp, i32, vp, i32, u64],
        "simdinit_delta_orthogonal": [vp, i32, vp, i32, i32, dbl, u64, u64, i32],
        "simdinit_sparse": [vp, i32, u64, u64, dbl, dbl, u64, u64, i32],
    }
    for name, args in sig.items():
        f = getattr(lib, name)
        f.argtypes = args
        f.restype = ctypes.c_int
    return lib


def shape_arg(shape):
    return (ctypes.c_uint64 * len(shape))(*shape)


def call(status, what):
    if status != 0:
        raise SystemExit("%s failed with status %d" % (what, status))


class Lib:
    def __init__(self, path):
        self.c = load(path)

    def orthogonal(self, rows, cols, seed, stream=0, gain=1.0, dtype=np.float64, threads=2):
        a = np.empty((rows, cols), dtype=dtype)
        call(self.c.simdinit_orthogonal(a.ctypes.data, F64 if dtype == np.float64 else F32,
                                        rows, cols, gain, seed, stream, threads), "orthogonal")
        return a

    def orthogonal_axis(self, shape, axis, seed, stream=0):
        a = np.empty(shape, dtype=np.float64)
        call(self.c.simdinit_orthogonal_axis(a.ctypes.data, F64, shape_arg(shape), len(shape),
                                             axis, 1.0, seed, stream, 1), "orthogonal_axis")
        return a

    def eye(self, rows, cols, gain=1.0):
        a = np.empty((rows, cols), dtype=np.float32)
        call(self.c.simdinit_eye(a.ctypes.data, F32, rows, cols, gain), "eye")
        return a

    def dirac(self, shape, groups):
        a = np.empty(shape, dtype=np.float32)
        call(self.c.simdinit_dirac(a.ctypes.data, F32, shape_arg(shape), len(shape), groups),
             "dirac")
        return a

    def delta_orthogonal(self, shape, axis, seed, scale=1.0):
        a = np.empty(shape, dtype=np.float64)
        call(self.c.simdinit_delta_orthogonal(a.ctypes.data, F64, shape_arg(shape), len(shape),
                                              axis, scale, seed, 0, 2), "delta_orthogonal")
        return a

    def sparse(self, rows, cols, sparsity, std, seed):
        a = np.empty((rows, cols), dtype=np.float32)
        call(self.c.simdinit_sparse(a.ctypes.data, F32, rows, cols, sparsity, std, seed, 0, 2),
             "sparse")
        return a


class Checks:
    def __init__(self):
        self.pvalues = []   # (name, p)
        self.failures = []

    def expect(self, ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            self.failures.append(what)

    def ks(self, name, p):
        print("ks    %-60s p = %.3g" % (name, p))
        self.pvalues.append((name, p))

    def finish(self):
        # Holm over all KS tests
        m = len(self.pvalues)
        for k, (name, p) in enumerate(sorted(self.pvalues, key=lambda t: t[1])):
            if p * (m - k) < ALPHA:
                self.failures.append("KS %s: p = %.3g (Holm, %d tests)" % (name, p, m))
            else:
                break
        for f in self.failures:
            print("FAILED: " + f)
        print("%d checks failed" % len(self.failures) if self.failures else "all passed")
        return 1 if self.failures else 0


def torch_orthogonal(shape, seed):
    torch.manual_seed(seed)
    t = torch.empty(*shape, dtype=torch.float64)
    torch.nn.init.orthogonal_(t)
    return t.numpy()


def orthogonality(q):
    q = q.reshape(q.shape[0], -1)
    g = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    return np.abs(g - np.eye(g.shape[0])).max()


def check_orthogonal(lib, ck):
    # (torch shape, seeds): the entries scaled by sqrt(max side) pooled over seeds
    cases = [((64, 64), 40), ((48, 160), 25), ((160, 48), 25), ((32, 8, 3, 3), 20)]
    for shape, seeds in cases:
        rows, cols = shape[0], int(np.prod(shape[1:]))
        ours, theirs, worst = [], [], 0.0
        for s in range(seeds):
            q = lib.orthogonal(rows, cols, seed=1000 + s)
            worst = max(worst, orthogonality(q))
            ours.append(q.ravel())
            theirs.append(torch_orthogonal(shape, 5000 + s).ravel())
        ck.expect(worst <= 8 * max(rows, cols) * 2.0 ** -53,
                  "orthogonal %s: max |Q^T Q - I| = %.3g" % (shape, worst))
        ck.ks("orthogonal %s entries vs torch.nn.init.orthogonal_" % (shape,),
              stats.ks_2samp(np.concatenate(ours), np.concatenate(theirs)).pvalue)
    # Eigenvalue phases of square matrices. The phases of one matrix are far
    # from independent (conjugate pairs, repulsion), so each matrix gives one
    # value per statistic: the phase of one eigenvalue picked at random, and
    # the smallest positive phase; iid over matrices, KS-testable.
    pick = np.random.default_rng(123)

    def phases(qs):
        one, low = [], []
        for q in qs:
            ph = np.angle(np.linalg.eigvals(q))
            one.append(ph[pick.integers(len(ph))])
            pos = ph[ph > 1e-9]
            low.append(pos.min() if len(pos) else math.pi)
        return np.array(one), np.array(low)

    for n, count in ((24, 400), (64, 300)):
        o1, ol = phases(lib.orthogonal(n, n, seed=77, stream=s) for s in range(count))
        t1, tl = phases(torch_orthogonal((n, n), 99 + s) for s in range(count))
        ck.ks("orthogonal %dx%d random eigenvalue phase vs torch" % (n, n),
              stats.ks_2samp(o1, t1).pvalue)
        ck.ks("orthogonal %dx%d smallest positive phase vs torch" % (n, n),
              stats.ks_2samp(ol, tl).pvalue)
        # the marginal phase density of Haar O(n) is uniform up to O(1/n)
        ck.ks("orthogonal %dx%d random eigenvalue phase vs uniform(-pi, pi)" % (n, n),
              stats.kstest(o1, stats.uniform(loc=-math.pi, scale=2 * math.pi).cdf).pvalue)
    # gain, f32 = the f64 result rounded
    q64 = lib.orthogonal(30, 50, seed=3, gain=2.0)
    q32 = lib.orthogonal(30, 50, seed=3, gain=2.0, dtype=np.float32)
    ck.expect(np.array_equal(q64.astype(np.float32), q32), "orthogonal f32 = RN(f64 result)")
    ck.expect(abs(orthogonality(q64 / 2.0)) < 1e-13, "orthogonal gain 2: rows orthonormal / 2")


def check_axis(lib, ck):
    # JAX: n_cols = shape[axis], rows = the other axes; reshape then moveaxis
    for shape, axis in (((3, 4, 5), 1), ((2, 3, 4, 5), 0), ((6, 7), -2), ((3, 4, 5), -1)):
        t = lib.orthogonal_axis(shape, axis, seed=8, stream=9)
        nc = shape[axis]
        nr = int(np.prod(shape)) // nc
        m = lib.orthogonal(nr, nc, seed=8, stream=9)
        other = tuple(d for i, d in enumerate(shape) if i != (axis % len(shape)))
        want = np.moveaxis(m.reshape(other + (nc,)), -1, axis)
        ck.expect(np.array_equal(t, want), "orthogonal_axis %s axis %d = JAX's reshape+moveaxis"
                  % (shape, axis))


def check_eye_dirac(lib, ck):
    for r, c in ((5, 5), (3, 7), (7, 3), (1, 4)):
        t = torch.empty(r, c)
        torch.nn.init.eye_(t)
        ck.expect(np.array_equal(lib.eye(r, c), t.numpy()), "eye %dx%d = torch.nn.init.eye_" % (r, c))
        ck.expect(np.array_equal(lib.eye(r, c, 0.5), 0.5 * t.numpy()), "eye %dx%d gain 0.5" % (r, c))
    for shape, groups in (((6, 4, 3), 1), ((6, 4, 3), 2), ((6, 4, 3), 3), ((8, 2, 3, 5), 2),
                          ((4, 6, 2, 4), 1), ((6, 3, 3, 2, 5), 3), ((5, 5, 1, 1, 1), 5),
                          ((12, 2, 4, 4), 4)):
        t = torch.empty(*shape)
        torch.nn.init.dirac_(t, groups)
        ck.expect(np.array_equal(lib.dirac(shape, groups), t.numpy()),
                  "dirac %s groups %d = torch.nn.init.dirac_" % (shape, groups))


def check_delta(lib, ck):
    for shape in ((3, 4, 6), (4, 5, 3, 3), (3, 2, 5, 4, 4), (2, 2, 2, 2, 3)):
        for axis in (-1, 0):
            w = lib.delta_orthogonal(shape, axis, seed=4, scale=1.5)
            centre = tuple((k - 1) // 2 for k in shape[:-2])
            m = lib.orthogonal_axis(shape[-2:], axis, seed=4) * 1.5
            rest = w.copy()
            rest[centre] = 0
            ck.expect(np.array_equal(w[centre], m) and not rest.any(),
                      "delta_orthogonal %s axis %d: the centre %s only" % (shape, axis, centre))


def check_sparse(lib, ck):
    for rows, cols, sp in ((100, 30, 0.1), (37, 50, 0.5), (64, 20, 0.9), (10, 10, 0.0), (9, 4, 1.0)):
        ours = lib.sparse(rows, cols, sp, 0.05, seed=12)
        t = torch.empty(rows, cols)
        torch.manual_seed(1)
        torch.nn.init.sparse_(t, sp, 0.05)
        theirs = t.numpy()
        zo, zt = (ours == 0).sum(axis=0), (theirs == 0).sum(axis=0)
        ck.expect(np.array_equal(zo, zt) and (zo == math.ceil(sp * rows)).all(),
                  "sparse %dx%d sparsity %g: zeros per column = torch's (%d)"
                  % (rows, cols, sp, math.ceil(sp * rows)))
    ours = np.concatenate([lib.sparse(200, 100, 0.3, 0.05, seed=s).ravel() for s in range(10)])
    torch.manual_seed(2)
    theirs = []
    for _ in range(10):
        t = torch.empty(200, 100)
        torch.nn.init.sparse_(t, 0.3, 0.05)
        theirs.append(t.numpy().ravel())
    theirs = np.concatenate(theirs)
    ck.ks("sparse nonzero values vs torch.nn.init.sparse_", stats.ks_2samp(ours[ours != 0],
                                                                          theirs[theirs != 0]).pvalue)
    # the zero rows of a column: each row equally likely (chi-square over rows)
    z = np.stack([(lib.sparse(20, 500, 0.25, 1.0, seed=s) == 0) for s in range(4)]).sum(axis=(0, 2))
    ck.ks("sparse zero rows uniform over rows (chi-square)", stats.chisquare(z).pvalue)


def check_cli(lib, cli, ck):
    with tempfile.TemporaryDirectory() as d:
        def run(args):
            out = os.path.join(d, "o.npy")
            subprocess.run([cli, "fill", "--out", out, "--dtype", "f64"] + args, check=True,
                           stdout=subprocess.DEVNULL)
            return np.load(out)
        ck.expect(np.array_equal(run(["--scheme", "orthogonal", "--shape", "12,3,2", "--seed", "5",
                                      "--stream", "6"]),
                                 lib.orthogonal(12, 6, seed=5, stream=6).reshape(12, 3, 2)),
                  "CLI orthogonal (torch flattening) = simdinit_orthogonal")
        ck.expect(np.array_equal(run(["--scheme", "orthogonal", "--shape", "3,4,5", "--seed", "8",
                                      "--stream", "9", "--column-axis", "1"]),
                                 lib.orthogonal_axis((3, 4, 5), 1, seed=8, stream=9)),
                  "CLI orthogonal --column-axis 1 = simdinit_orthogonal_axis")
        t = torch.empty(6, 4, 3, dtype=torch.float64)
        torch.nn.init.dirac_(t, 2)
        ck.expect(np.array_equal(run(["--scheme", "dirac", "--shape", "6,4,3", "--groups", "2"]),
                                 t.numpy()), "CLI dirac = torch.nn.init.dirac_")
        s = run(["--scheme", "sparse", "--shape", "40,9", "--sparsity", "0.3", "--seed", "1"])
        ck.expect(((s == 0).sum(axis=0) == 12).all(), "CLI sparse: 12 zeros per column")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--cli")
    a = ap.parse_args()
    lib = Lib(a.lib)
    ck = Checks()
    check_orthogonal(lib, ck)
    check_axis(lib, ck)
    check_eye_dirac(lib, ck)
    check_delta(lib, ck)
    check_sparse(lib, ck)
    if a.cli:
        check_cli(lib, a.cli, ck)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
