#!/usr/bin/python3
"""simdinit against the initializers people already use, one thread each.

Times simdinit_fill / simdinit_fill_scheme (through ctypes on the built shared
library) against NumPy's Generator and PyTorch's in-place initializers on the
same number of elements, best of N calls after a warm-up, and prints Gelem/s
and the ratio simdinit / peer.

    /usr/bin/python3 bench/peers.py [--lib build/libsimdinit.so] [--size 67108864]
                                    [--repeat 3] [--backend auto|scalar|avx2|avx512|neon]
                                    [--clock wall|cpu]

Missing NumPy: a note and exit 0. Missing PyTorch: a note, NumPy rows only.
Use Debian's /usr/bin/python3 (python3-numpy, python3-torch); another python3
first on PATH may lack them.
"""
import argparse
import ctypes
import glob
import math
import os
import sys
import time

# ---------------------------------------------------------------------------
# The C API (include/simdinit.h)
# ---------------------------------------------------------------------------

F32, F64, BF16, F16 = 0, 1, 2, 3
UNIFORM, NORMAL, TRUNC_NORMAL, CONSTANT = 0, 1, 2, 3
BACKENDS = {"auto": 0, "scalar": 1, "avx2": 2, "neon": 3, "avx512": 4}
# simdinit_scheme_kind
XAVIER_UNIFORM, XAVIER_NORMAL, KAIMING_UNIFORM, KAIMING_NORMAL, TORCH_LINEAR = 0, 1, 2, 3, 4
LAYOUT_TORCH = 0


class Dist(ctypes.Structure):
    """struct simdinit_dist: an int-sized enum, then 7 doubles (4 bytes of
    padding after `kind`; ctypes lays it out as the C compiler does)."""
    _fields_ = [("kind", ctypes.c_int),
                ("low", ctypes.c_double), ("high", ctypes.c_double),
                ("mean", ctypes.c_double), ("std", ctypes.c_double),
                ("a", ctypes.c_double), ("b", ctypes.c_double),
                ("value", ctypes.c_double)]


class Scheme(ctypes.Structure):
    """struct simdinit_scheme."""
    _fields_ = [("kind", ctypes.c_int), ("gain", ctypes.c_double),
                ("nonlinearity", ctypes.c_int), ("a", ctypes.c_double),
                ("mode", ctypes.c_int), ("scale", ctypes.c_double),
                ("distribution", ctypes.c_int)]


assert ctypes.sizeof(Dist) == 64 and Dist.low.offset == 8, "simdinit_dist layout"
assert ctypes.sizeof(Scheme) == 56, "simdinit_scheme layout"


def find_lib(explicit):
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    cands = [os.path.join(root, "build", "libsimdinit.so")]
    cands += sorted(glob.glob(os.path.join(root, "build*", "libsimdinit.so")))
    cands += sorted(glob.glob(os.path.join(root, "build*", "libsimdinit.so.*")))
    cands += [os.path.join(os.getcwd(), "libsimdinit.so")]
    for c in cands:
        if os.path.exists(c):
            return c
    return None


def load(path):
    lib = ctypes.CDLL(path)
    u64, sz, vp = ctypes.c_uint64, ctypes.c_size_t, ctypes.c_void_p
    lib.simdinit_fill.argtypes = [vp, ctypes.c_int, sz, u64, u64, u64, ctypes.POINTER(Dist)]
    lib.simdinit_fill.restype = ctypes.c_int
    lib.simdinit_fill_scheme.argtypes = [vp, ctypes.c_int, ctypes.POINTER(u64), ctypes.c_int,
                                         ctypes.c_int, ctypes.POINTER(Scheme), sz, u64, u64, u64]
    lib.simdinit_fill_scheme.restype = ctypes.c_int
    lib.simdinit_scheme_default.argtypes = [ctypes.c_int]
    lib.simdinit_scheme_default.restype = Scheme
    lib.simdinit_set_backend.argtypes = [ctypes.c_int]
    lib.simdinit_set_backend.restype = ctypes.c_int
    lib.simdinit_active_backend.restype = ctypes.c_int
    lib.simdinit_backend_name.argtypes = [ctypes.c_int]
    lib.simdinit_backend_name.restype = ctypes.c_char_p
    lib.simdinit_strerror.argtypes = [ctypes.c_int]
    lib.simdinit_strerror.restype = ctypes.c_char_p
    lib.simdinit_version.restype = ctypes.c_char_p
    return lib


def dist(kind, **kw):
    d = Dist()
    d.kind = kind
    for k, v in kw.items():
        setattr(d, k, v)
    return d


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------

CLOCK = time.perf_counter


def best_of(fn, repeat):
    fn()  # warm-up: pages faulted, code and tables hot
    best = math.inf
    for _ in range(repeat):
        t0 = CLOCK()
        fn()
        best = min(best, CLOCK() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", help="path to libsimdinit.so (default: build*/libsimdinit.so)")
    ap.add_argument("--size", type=int, default=64 << 20, help="elements per fill (64 Mi)")
    ap.add_argument("--repeat", type=int, default=3, help="timed calls, best kept (3)")
    ap.add_argument("--backend", default="auto", choices=sorted(BACKENDS))
    ap.add_argument("--clock", default="wall", choices=("wall", "cpu"),
                    help="wall: time.perf_counter (default); cpu: time.process_time, "
                         "for a machine busy with other work (every peer runs 1 thread)")
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.perf_counter if args.clock == "wall" else time.process_time

    try:
        import numpy as np
    except ImportError:
        print("peers.py: NumPy is not installed for %s; nothing to compare, skipping "
              "(apt-get install python3-numpy, or run /usr/bin/python3)" % sys.executable)
        return 0
    try:
        import torch
    except ImportError:
        torch = None
        print("peers.py: PyTorch is not installed for %s; PyTorch rows skipped "
              "(apt-get install python3-torch)" % sys.executable)

    path = find_lib(args.lib)
    if path is None:
        print("peers.py: libsimdinit.so not found (build with `meson setup build && ninja -C "
              "build`, or pass --lib); skipping")
        return 0
    try:
        lib = load(path)
    except OSError as e:
        print("peers.py: cannot load %s: %s" % (path, e), file=sys.stderr)
        return 1
    st = lib.simdinit_set_backend(BACKENDS[args.backend])
    if st != 0:
        print("peers.py: backend %s: %s" % (args.backend, lib.simdinit_strerror(st).decode()),
              file=sys.stderr)
        return 1

    n = args.size
    rows_n = max(1, n // 1024) if n % 1024 == 0 else n
    cols_n = n // rows_n
    shape2 = (rows_n, cols_n)  # the 2-D weight of the scheme rows
    if torch is not None:
        torch.set_num_threads(1)
    np_rng = np.random.default_rng(1)

    # One buffer per dtype, pre-faulted; NumPy and PyTorch share it where
    # they can (torch.from_numpy), so all three write the same pages.
    bufs = {}

    def buf(dt):
        if dt not in bufs:
            npdt = {F32: np.float32, F64: np.float64, BF16: np.uint16, F16: np.float16}[dt]
            a = np.empty(n, dtype=npdt)
            a.fill(0)
            bufs[dt] = a
        return bufs[dt]

    tbufs = {}

    def tbuf(dt, shape=None):
        key = (dt, shape)
        if key not in tbufs:
            if dt == BF16:
                t = torch.zeros(n, dtype=torch.bfloat16)
            else:
                t = torch.from_numpy(buf(dt))
            tbufs[key] = t.view(*shape) if shape else t
        return tbufs[key]

    def si_fill(dt, d):
        a = buf(dt)
        ptr = a.ctypes.data
        dd = d

        def run():
            s = lib.simdinit_fill(ptr, dt, n, 0, 1, 0, ctypes.byref(dd))
            if s != 0:
                raise RuntimeError("simdinit_fill: %s" % lib.simdinit_strerror(s).decode())
        return run

    def si_scheme(dt, kind, **kw):
        a = buf(dt)
        ptr = a.ctypes.data
        sch = lib.simdinit_scheme_default(kind)
        for k, v in kw.items():
            setattr(sch, k, v)
        shp = (ctypes.c_uint64 * 2)(*shape2)

        def run():
            s = lib.simdinit_fill_scheme(ptr, dt, shp, 2, LAYOUT_TORCH, ctypes.byref(sch), n, 0,
                                         1, 0)
            if s != 0:
                raise RuntimeError("simdinit_fill_scheme: %s" % lib.simdinit_strerror(s).decode())
        return run

    rows = []  # (operation, simdinit fn, [(peer name, peer fn)])

    u01 = dist(UNIFORM, low=0.0, high=1.0)
    n01 = dist(NORMAL, mean=0.0, std=1.0)
    tn = dist(TRUNC_NORMAL, mean=0.0, std=1.0, a=-2.0, b=2.0)
    c01 = dist(CONSTANT, value=0.1)

    def np_peer(label, f):
        return (label, f)

    def t_peer(label, f):
        return (label, f) if torch is not None else None

    rows.append(("uniform [0,1) f32", si_fill(F32, u01), [
        np_peer("numpy Generator.random(float32)",
                lambda: np_rng.random(dtype=np.float32, out=buf(F32))),
        t_peer("torch uniform_ float32", lambda: tbuf(F32).uniform_()),
    ]))
    rows.append(("normal(0,1) f32", si_fill(F32, n01), [
        np_peer("numpy Generator.standard_normal(float32)",
                lambda: np_rng.standard_normal(dtype=np.float32, out=buf(F32))),
        t_peer("torch normal_ float32", lambda: tbuf(F32).normal_()),
    ]))
    rows.append(("uniform [0,1) f64", si_fill(F64, u01), [
        np_peer("numpy Generator.random(float64)",
                lambda: np_rng.random(dtype=np.float64, out=buf(F64))),
        t_peer("torch uniform_ float64", lambda: tbuf(F64).uniform_()),
    ]))
    rows.append(("normal(0,1) f64", si_fill(F64, n01), [
        np_peer("numpy Generator.standard_normal(float64)",
                lambda: np_rng.standard_normal(dtype=np.float64, out=buf(F64))),
        t_peer("torch normal_ float64", lambda: tbuf(F64).normal_()),
    ]))
    rows.append(("trunc_normal(0,1,-2,2) f32", si_fill(F32, tn), [
        t_peer("torch.nn.init.trunc_normal_ float32",
               lambda: torch.nn.init.trunc_normal_(tbuf(F32))),
    ]))
    rows.append(("normal(0,1) bf16", si_fill(BF16, n01), [
        t_peer("torch normal_ bfloat16", lambda: tbuf(BF16).normal_()),
    ]))
    rows.append(("uniform [0,1) bf16", si_fill(BF16, u01), [
        t_peer("torch uniform_ bfloat16", lambda: tbuf(BF16).uniform_()),
    ]))
    rows.append(("normal(0,1) f16", si_fill(F16, n01), [
        t_peer("torch normal_ float16", lambda: tbuf(F16).normal_()),
    ]))
    rows.append(("xavier_uniform f32 %dx%d" % shape2, si_scheme(F32, XAVIER_UNIFORM), [
        t_peer("torch.nn.init.xavier_uniform_", lambda: torch.nn.init.xavier_uniform_(
            tbuf(F32, shape2))),
    ]))
    rows.append(("xavier_normal f32 %dx%d" % shape2, si_scheme(F32, XAVIER_NORMAL), [
        t_peer("torch.nn.init.xavier_normal_", lambda: torch.nn.init.xavier_normal_(
            tbuf(F32, shape2))),
    ]))
    rows.append(("kaiming_normal f32 %dx%d" % shape2, si_scheme(F32, KAIMING_NORMAL), [
        t_peer("torch.nn.init.kaiming_normal_", lambda: torch.nn.init.kaiming_normal_(
            tbuf(F32, shape2))),
    ]))
    rows.append(("nn.Linear default f32 %dx%d" % shape2, si_scheme(F32, TORCH_LINEAR), [
        t_peer("kaiming_uniform_(a=sqrt(5))", lambda: torch.nn.init.kaiming_uniform_(
            tbuf(F32, shape2), a=math.sqrt(5))),
    ]))
    rows.append(("constant 0.1 f32", si_fill(F32, c01), [
        np_peer("numpy ndarray.fill(0.1)", lambda: buf(F32).fill(0.1)),
        t_peer("torch fill_ / constant_", lambda: tbuf(F32).fill_(0.1)),
    ]))

    be = lib.simdinit_backend_name(lib.simdinit_active_backend()).decode()
    print("simdinit %s (%s, backend %s, 1 thread) vs NumPy %s%s" % (
        lib.simdinit_version().decode(), path, be, np.__version__,
        "" if torch is None else ", PyTorch %s (%d thread)" % (torch.__version__,
                                                               torch.get_num_threads())))
    print("%d elements per fill, best of %d after a warm-up, %s-clock Gelem/s (higher is better)\n"
          % (n, args.repeat, args.clock))
    hdr = "%-34s %9s   %-42s %9s %9s" % ("operation", "simdinit", "peer", "peer", "ratio")
    print(hdr)
    print("-" * len(hdr))
    sys.stdout.flush()
    for op, si_fn, peers in rows:
        si_rate = n / best_of(si_fn, args.repeat) * 1e-9
        peers = [p for p in peers if p is not None]
        if not peers:
            print("%-34s %9.3f   %-42s" % (op, si_rate, "(no peer available)"))
            continue
        for i, (pname, pfn) in enumerate(peers):
            try:
                pr = n / best_of(pfn, args.repeat) * 1e-9
                print("%-34s %9s   %-42s %9.3f %8.1fx" % (op if i == 0 else "",
                      "%.3f" % si_rate if i == 0 else "", pname, pr, si_rate / pr))
            except Exception as e:  # e.g. an op a dtype does not implement on CPU
                print("%-34s %9s   %-42s %9s   (%s)" % (op if i == 0 else "",
                      "%.3f" % si_rate if i == 0 else "", pname, "n/a",
                      str(e).splitlines()[0][:60]))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
