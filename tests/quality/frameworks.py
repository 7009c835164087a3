#!/usr/bin/python3
"""Cross-check simdinit's init schemes against the frameworks.

For a table of weight shapes, every scheme is drawn from simdinit (ctypes on
libsimdinit.so, simdinit_fill_scheme) and from the framework:
  - PyTorch: torch.nn.init.xavier_uniform_/xavier_normal_/kaiming_uniform_/
    kaiming_normal_ (several a / mode / nonlinearity), nn.Linear / nn.ConvNd
    default weight and bias, on torch tensors of the same shape;
  - Keras 3 / TF / JAX: glorot/he/lecun uniform and (truncated) normal and
    variance_scaling, implemented here from the Keras formulas
    (compute_fans, VarianceScaling; truncated normals are resampled at
    +-2 std, via scipy.stats.truncnorm) on the equivalent Keras shape
    (*kernel, in, out).
For each row it reports the distribution's parameters from simdinit
(simdinit_scheme_dist) and from the framework's formula (for PyTorch computed
with torch's own _calculate_fan_in_and_fan_out and calculate_gain), the sample
standard deviations, the sample extremes against the bound, and a two-sample
Kolmogorov-Smirnov test between the simdinit and the framework samples
(>= 10^6 samples each, pooled over several seeds for small shapes).

Exit status 1 on a mismatch: a parameter differing by more than 1e-12
relative, a sample outside the bound, or a KS p-value below 1e-4 after Holm's
correction over all rows. 77 (skip) when NumPy/SciPy are missing.

usage: /usr/bin/python3 frameworks.py [--lib build/libsimdinit.so] [--cli build/tools/simdinit]
"""
import argparse
import ctypes
import math
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    from scipy import stats
except ImportError as e:  # pragma: no cover
    print("SKIP: NumPy/SciPy not available (%s); use /usr/bin/python3" % e)
    sys.exit(77)
try:
    import torch
    import torch.nn.init as tinit
except ImportError:
    torch = None

N_MIN = 1_000_000          # samples per side and row (at least)
ALPHA = 1e-4               # family-wise, Holm over all KS tests
REL_TOL = 1e-12

# ---- the C API through ctypes ------------------------------------------------

F32 = 0
LAYOUT_TORCH, LAYOUT_KERAS = 0, 1
DIST_UNIFORM, DIST_NORMAL, DIST_TRUNC = 0, 1, 2
(XAVIER_UNIFORM, XAVIER_NORMAL, KAIMING_UNIFORM, KAIMING_NORMAL, TORCH_LINEAR,
 TORCH_LINEAR_BIAS, GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL,
 LECUN_UNIFORM, LECUN_NORMAL, VARIANCE_SCALING) = range(13)
NL = {"linear": 0, "conv1d": 1, "conv2d": 2, "conv3d": 3, "conv_transpose1d": 4,
      "conv_transpose2d": 5, "conv_transpose3d": 6, "sigmoid": 7, "tanh": 8, "relu": 9,
      "leaky_relu": 10, "selu": 11}
MODE = {"fan_in": 0, "fan_out": 1, "fan_avg": 2}
VSD = {"truncated_normal": 0, "untruncated_normal": 1, "uniform": 2}


class Dist(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("low", ctypes.c_double), ("high", ctypes.c_double),
                ("mean", ctypes.c_double), ("std", ctypes.c_double), ("a", ctypes.c_double),
                ("b", ctypes.c_double), ("value", ctypes.c_double)]


class Scheme(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("gain", ctypes.c_double),
                ("nonlinearity", ctypes.c_int), ("a", ctypes.c_double),
                ("mode", ctypes.c_int), ("scale", ctypes.c_double),
                ("distribution", ctypes.c_int)]


class Lib:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        L = self.lib
        L.simdinit_scheme_default.restype = Scheme
        L.simdinit_scheme_default.argtypes = [ctypes.c_int]
        L.simdinit_scheme_dist.restype = ctypes.c_int
        L.simdinit_scheme_dist.argtypes = [ctypes.POINTER(Scheme), ctypes.POINTER(ctypes.c_uint64),
                                           ctypes.c_int, ctypes.c_int, ctypes.POINTER(Dist)]
        L.simdinit_fill_scheme.restype = ctypes.c_int
        L.simdinit_fill_scheme.argtypes = [ctypes.c_void_p, ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_uint64), ctypes.c_int,
                                           ctypes.c_int, ctypes.POINTER(Scheme), ctypes.c_size_t,
                                           ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint64]
        L.simdinit_strerror.restype = ctypes.c_char_p

    def scheme(self, kind, **kw):
        s = self.lib.simdinit_scheme_default(kind)
        for k, v in kw.items():
            setattr(s, k, v)
        return s

    @staticmethod
    def _shape(shape):
        return (ctypes.c_uint64 * max(1, len(shape)))(*shape)

    def dist(self, scheme, shape, layout):
        d = Dist()
        st = self.lib.simdinit_scheme_dist(ctypes.byref(scheme), self._shape(shape), len(shape),
                                           layout, ctypes.byref(d))
        if st != 0:
            raise RuntimeError("simdinit_scheme_dist: %s" % self.lib.simdinit_strerror(st).decode())
        return d

    def fill(self, scheme, shape, layout, n, seed, stream=0):
        out = np.empty(n, dtype=np.float32)
        st = self.lib.simdinit_fill_scheme(out.ctypes.data, F32, self._shape(shape), len(shape),
                                           layout, ctypes.byref(scheme), n, 0, seed, stream)
        if st != 0:
            raise RuntimeError("simdinit_fill_scheme: %s" % self.lib.simdinit_strerror(st).decode())
        return out


# ---- the frameworks' formulas ---------------------------------------------------

TN_STD = 0.87962566103423978   # std of N(0,1) truncated to (-2, 2)


def keras_fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


def keras_vs(shape, scale, mode, distribution):
    """Keras VarianceScaling: ('uniform', limit) or ('normal', std) or ('trunc', std)."""
    fi, fo = keras_fans(shape)
    n = {"fan_in": fi, "fan_out": fo, "fan_avg": (fi + fo) / 2.0}[mode]
    n = max(1.0, n)
    if distribution == "truncated_normal":
        return "trunc", math.sqrt(scale / n) / TN_STD
    if distribution == "untruncated_normal":
        return "normal", math.sqrt(scale / n)
    return "uniform", math.sqrt(3.0 * scale / n)


def keras_draw(kind, p, n, rng):
    if kind == "uniform":
        return rng.uniform(-p, p, n).astype(np.float32)
    if kind == "normal":
        return (rng.standard_normal(n) * p).astype(np.float32)
    return (stats.truncnorm.rvs(-2.0, 2.0, scale=p, size=n, random_state=rng)).astype(np.float32)


def torch_param(fn, shape, **kw):
    """The distribution torch.nn.init would use, from torch's own helpers."""
    t = torch.empty(shape)
    fan_in, fan_out = tinit._calculate_fan_in_and_fan_out(t)
    if fn == "xavier_uniform":
        g = kw.get("gain", 1.0)
        return "uniform", g * math.sqrt(6.0 / float(fan_in + fan_out))
    if fn == "xavier_normal":
        g = kw.get("gain", 1.0)
        return "normal", g * math.sqrt(2.0 / float(fan_in + fan_out))
    a = kw.get("a", 0.0)
    mode = kw.get("mode", "fan_in")
    nl = kw.get("nonlinearity", "leaky_relu")
    fan = fan_in if mode == "fan_in" else fan_out
    std = tinit.calculate_gain(nl, a) / math.sqrt(fan)
    if fn == "kaiming_uniform":
        return "uniform", math.sqrt(3.0) * std
    if fn == "kaiming_normal":
        return "normal", std
    if fn in ("linear", "linear_bias"):
        return "uniform", 1.0 / math.sqrt(fan_in)
    raise ValueError(fn)


def torch_module(shape):
    if len(shape) == 2:
        return torch.nn.Linear(shape[1], shape[0])
    conv = {3: torch.nn.Conv1d, 4: torch.nn.Conv2d, 5: torch.nn.Conv3d}[len(shape)]
    return conv(shape[1], shape[0], tuple(shape[2:]))


def torch_draw(fn, shape, reps, row, **kw):
    out = []
    for r in range(reps):
        torch.manual_seed(1_000_000 * row + r)
        if fn == "linear" or (fn == "linear_bias" and r == 0):
            m = torch_module(shape)
            t = m.weight if fn == "linear" else m.bias
            out.append(t.detach().numpy().ravel().astype(np.float32))
            continue
        if fn == "linear_bias":
            # What nn.Linear/ConvNd.reset_parameters does for the bias, without
            # re-initializing a whole module for every few elements.
            fan_in, _ = tinit._calculate_fan_in_and_fan_out(torch.empty(shape))
            bound = 1.0 / math.sqrt(fan_in)
            t = torch.empty(shape[0])
            tinit.uniform_(t, -bound, bound)
            out.append(t.numpy().copy())
            continue
        t = torch.empty(shape)
        if fn == "xavier_uniform":
            tinit.xavier_uniform_(t, **kw)
        elif fn == "xavier_normal":
            tinit.xavier_normal_(t, **kw)
        elif fn == "kaiming_uniform":
            tinit.kaiming_uniform_(t, **kw)
        elif fn == "kaiming_normal":
            tinit.kaiming_normal_(t, **kw)
        out.append(t.numpy().ravel().copy())
    return np.concatenate(out)


def sim_param(d):
    if d.kind == DIST_UNIFORM:
        return "uniform", d.high, d.low
    if d.kind == DIST_NORMAL:
        return "normal", d.std, None
    return "trunc", d.std, (d.a, d.b)


def holm(pvals, alpha):
    order = sorted(range(len(pvals)), key=lambda i: pvals[i])
    rejected = set()
    m = len(pvals)
    for k, i in enumerate(order):
        if pvals[i] <= alpha / (m - k):
            rejected.add(i)
        else:
            break
    return rejected


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--lib", default=os.path.join(here, "..", "..", "build", "libsimdinit.so"))
    ap.add_argument("--cli", default=None, help="optional: build/tools/simdinit, cross-checked bitwise")
    ap.add_argument("--nmin", type=int, default=N_MIN)
    args = ap.parse_args()
    lib = Lib(args.lib)
    t0 = time.time()

    torch_shapes = [(768, 3072), (64, 3, 7, 7), (128, 64), (10, 20, 3)]
    gain_relu = math.sqrt(2.0)
    torch_rows = [
        # (label, simdinit scheme kwargs, torch function, torch kwargs)
        ("xavier_uniform", dict(kind=XAVIER_UNIFORM), "xavier_uniform", {}),
        ("xavier_uniform gain=relu", dict(kind=XAVIER_UNIFORM, gain=gain_relu), "xavier_uniform",
         {"gain": gain_relu}),
        ("xavier_normal", dict(kind=XAVIER_NORMAL), "xavier_normal", {}),
        ("xavier_normal gain=5/3", dict(kind=XAVIER_NORMAL, gain=5.0 / 3.0), "xavier_normal",
         {"gain": 5.0 / 3.0}),
        ("kaiming_uniform", dict(kind=KAIMING_UNIFORM), "kaiming_uniform", {}),
        ("kaiming_uniform fan_out relu", dict(kind=KAIMING_UNIFORM, mode=MODE["fan_out"],
                                              nonlinearity=NL["relu"]), "kaiming_uniform",
         {"mode": "fan_out", "nonlinearity": "relu"}),
        ("kaiming_uniform a=0.2", dict(kind=KAIMING_UNIFORM, a=0.2), "kaiming_uniform", {"a": 0.2}),
        ("kaiming_normal", dict(kind=KAIMING_NORMAL), "kaiming_normal", {}),
        ("kaiming_normal fan_out relu", dict(kind=KAIMING_NORMAL, mode=MODE["fan_out"],
                                             nonlinearity=NL["relu"]), "kaiming_normal",
         {"mode": "fan_out", "nonlinearity": "relu"}),
        ("kaiming_normal a=0.1 tanh", dict(kind=KAIMING_NORMAL, nonlinearity=NL["tanh"], a=0.1),
         "kaiming_normal", {"a": 0.1, "nonlinearity": "tanh"}),
        ("kaiming_normal selu fan_out", dict(kind=KAIMING_NORMAL, nonlinearity=NL["selu"],
                                             mode=MODE["fan_out"]), "kaiming_normal",
         {"nonlinearity": "selu", "mode": "fan_out"}),
        ("nn.Linear/ConvNd weight", dict(kind=TORCH_LINEAR), "linear", {}),
        ("nn.Linear/ConvNd bias", dict(kind=TORCH_LINEAR_BIAS), "linear_bias", {}),
    ]
    keras_rows = [
        ("glorot_uniform", dict(kind=GLOROT_UNIFORM), (1.0, "fan_avg", "uniform")),
        ("glorot_normal (truncated)", dict(kind=GLOROT_NORMAL), (1.0, "fan_avg", "truncated_normal")),
        ("he_uniform", dict(kind=HE_UNIFORM), (2.0, "fan_in", "uniform")),
        ("he_normal (truncated)", dict(kind=HE_NORMAL), (2.0, "fan_in", "truncated_normal")),
        ("lecun_uniform", dict(kind=LECUN_UNIFORM), (1.0, "fan_in", "uniform")),
        ("lecun_normal (truncated)", dict(kind=LECUN_NORMAL), (1.0, "fan_in", "truncated_normal")),
        ("variance_scaling 0.5 fan_out untrunc",
         dict(kind=VARIANCE_SCALING, scale=0.5, mode=MODE["fan_out"],
              distribution=VSD["untruncated_normal"]), (0.5, "fan_out", "untruncated_normal")),
        ("variance_scaling 3 fan_avg uniform",
         dict(kind=VARIANCE_SCALING, scale=3.0, mode=MODE["fan_avg"], distribution=VSD["uniform"]),
         (3.0, "fan_avg", "uniform")),
        ("variance_scaling 2 fan_in trunc",
         dict(kind=VARIANCE_SCALING, scale=2.0, mode=MODE["fan_in"],
              distribution=VSD["truncated_normal"]), (2.0, "fan_in", "truncated_normal")),
    ]

    rows = []   # dicts with the results
    failures = []

    def compare(family, label, shape, layout, scheme, ref_kind, ref_p, ref_sample_fn, numel):
        d = lib.dist(scheme, shape, layout)
        kind, p, extra = sim_param(d)
        rel = abs(p - ref_p) / ref_p
        ok_param = kind == ref_kind and rel <= REL_TOL
        if kind == "uniform":
            ok_param = ok_param and abs(extra + p) <= REL_TOL * p      # symmetric: low = -high
        if kind == "trunc":
            ok_param = ok_param and abs(extra[0] + 2 * p) <= REL_TOL * p and \
                abs(extra[1] - 2 * p) <= REL_TOL * p
        reps = max(1, -(-args.nmin // numel))
        row = len(rows) + 1     # distinct seeds per row: the KS tests are independent
        sim = np.concatenate([lib.fill(scheme, shape, layout, numel, seed=1000 * row + r, stream=r)
                              for r in range(reps)])
        ref = ref_sample_fn(reps, row)
        lim = p if kind == "uniform" else 2 * p if kind == "trunc" else math.inf
        x = sim.astype(np.float64)
        if kind == "uniform":      # low <= v < high
            ok_bound = bool(np.all((x >= -p) & (x < p)))
        elif kind == "trunc":      # a <= v <= b
            ok_bound = bool(np.all(np.abs(x) <= 2 * p))
        else:
            ok_bound = bool(np.all(np.isfinite(x)))
        ks = stats.ks_2samp(sim, ref)
        theo_std = p / math.sqrt(3.0) if kind == "uniform" else p * TN_STD if kind == "trunc" else p
        r = dict(family=family, label=label, shape=shape, kind=kind, p_sim=p, p_ref=ref_p, rel=rel,
                 n=len(sim), std_theory=theo_std, std_sim=float(np.std(sim, dtype=np.float64)),
                 std_ref=float(np.std(ref, dtype=np.float64)),
                 maxabs=float(np.max(np.abs(sim))), lim=lim, D=ks.statistic, p=ks.pvalue,
                 ok_param=ok_param, ok_bound=ok_bound)
        rows.append(r)
        if not ok_param:
            failures.append("%s %s %s: parameter %r %.17g vs framework %r %.17g (rel %.3g)" %
                            (family, label, shape, kind, p, ref_kind, ref_p, rel))
        if not ok_bound:
            failures.append("%s %s %s: sample outside the bound %.9g (max |x| %.9g)" %
                            (family, label, shape, lim, r["maxabs"]))

    # PyTorch rows
    if torch is None:
        print("NOTE: torch not importable: PyTorch rows skipped "
              "(apt-get install python3-torch, run with /usr/bin/python3)")
    else:
        torch.set_num_threads(1)
        for shape in torch_shapes:
            for label, skw, fn, tkw in torch_rows:
                scheme = lib.scheme(**skw)
                rk, rp = torch_param(fn, shape, **tkw)
                numel = shape[0] if fn == "linear_bias" else math.prod(shape)
                compare("torch", label, shape, LAYOUT_TORCH, scheme, rk, rp,
                        lambda reps, row, fn=fn, shape=shape, tkw=tkw:
                        torch_draw(fn, shape, reps, row, **tkw),
                        numel)
    # Keras rows: the same layers in Keras layout (*kernel, in, out)
    for tshape in torch_shapes:
        shape = tuple(tshape[2:]) + (tshape[1], tshape[0])
        for label, skw, (scale, mode, distr) in keras_rows:
            scheme = lib.scheme(**skw)
            rk, rp = keras_vs(shape, scale, mode, distr)
            numel = math.prod(shape)
            compare("keras", label, shape, LAYOUT_KERAS, scheme, rk, rp,
                    lambda reps, row, rk=rk, rp=rp, numel=numel: keras_draw(
                        rk, rp, reps * numel, np.random.Generator(np.random.PCG64(row))),
                    numel)

    # Holm over all KS p-values
    rej = holm([r["p"] for r in rows], ALPHA)
    for i in sorted(rej):
        r = rows[i]
        failures.append("%s %s %s: two-sample KS p = %.3g (D = %.5f), rejected by Holm at %.0e" %
                        (r["family"], r["label"], r["shape"], r["p"], r["D"], ALPHA))

    # The table
    hdr = ("%-6s %-36s %-16s %-7s %14s %9s %11s %11s %11s %8s %9s %s" %
           ("family", "scheme", "shape", "dist", "bound/std", "rel.diff", "std theory", "std simd",
            "std fw", "KS D", "KS p", "ok"))
    print(hdr)
    print("-" * len(hdr))
    for i, r in enumerate(rows):
        ok = r["ok_param"] and r["ok_bound"] and i not in rej
        print("%-6s %-36s %-16s %-7s %14.9g %9.2g %11.6g %11.6g %11.6g %8.5f %9.3g %s" %
              (r["family"], r["label"], "x".join(map(str, r["shape"])), r["kind"], r["p_sim"],
               r["rel"], r["std_theory"], r["std_sim"], r["std_ref"], r["D"], r["p"],
               "ok" if ok else "MISMATCH"))
    print()
    print("%d rows, %d KS tests; smallest KS p = %.3g; largest parameter rel. difference %.3g; "
          "%.1f s" % (len(rows), len(rows), min(r["p"] for r in rows), max(r["rel"] for r in rows),
                      time.time() - t0))

    # Optional: the CLI writes the same bits as the library.
    if args.cli and os.path.exists(args.cli):
        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "x.npy")
            shape = (64, 3, 7, 7)
            cmd = [args.cli, "fill", "--scheme", "kaiming_normal", "--nonlinearity", "relu",
                   "--mode", "fan_out", "--shape", ",".join(map(str, shape)), "--dtype", "f32",
                   "--seed", "7", "--out", out]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                failures.append("CLI failed: %s" % res.stderr.strip())
            else:
                a = np.load(out).ravel()
                b = lib.fill(lib.scheme(kind=KAIMING_NORMAL, mode=MODE["fan_out"],
                                        nonlinearity=NL["relu"]), shape, LAYOUT_TORCH,
                             math.prod(shape), seed=7)
                same = a.dtype == np.float32 and np.array_equal(a.view(np.uint32), b.view(np.uint32))
                print("CLI cross-check (%s): %s" % (" ".join(cmd[1:-2]), "bitwise equal" if same
                                                   else "DIFFERENT"))
                if not same:
                    failures.append("CLI output differs from the library")

    if failures:
        print("\nMISMATCHES:")
        for f in failures:
            print("  " + f)
        return 1
    print("frameworks: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
