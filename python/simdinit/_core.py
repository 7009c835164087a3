"""What the numpy and torch front ends share: parsing of names and
parameters into the C structs, and the fill planner that turns (a buffer, a
placement in a global tensor, a distribution or scheme) into library calls.
Nothing here imports numpy or torch."""
import ctypes
from concurrent.futures import ThreadPoolExecutor

from . import _lib
from ._lib import Dist, SimdinitError, check

_u64 = ctypes.c_uint64


def enum_value(table, value, what):
    """A C enum value from its name (or the int itself)."""
    if isinstance(value, str):
        key = value.lower()
        if key in table:
            return table[key]
    elif isinstance(value, int) and not isinstance(value, bool) and value in table.values():
        return value
    raise SimdinitError(_lib.ERR_BAD_ENUM, "unknown %s %r (expected one of: %s)"
                        % (what, value, ", ".join(sorted(table))))


def _float(x, what):
    if type(x) is float:
        return x
    if not isinstance(x, (str, bytes, complex)):
        try:
            return float(x)
        except (TypeError, ValueError):
            pass
    raise _lib.SimdinitTypeError(_lib.ERR_BAD_PARAM, "%s must be a real number, got %r"
                                 % (what, type(x).__name__))


_TWO64 = 1 << 64


def u64(x, what):
    if type(x) is int and 0 <= x < _TWO64:   # the common case, first
        return x
    if isinstance(x, bool) or not isinstance(x, int) and not hasattr(x, "__index__"):
        raise _lib.SimdinitTypeError(_lib.ERR_BAD_PARAM, "%s must be an integer, got %r"
                                     % (what, type(x).__name__))
    x = int(x.__index__()) if not isinstance(x, int) else x
    if not 0 <= x < 1 << 64:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "%s must be in [0, 2^64), got %d" % (what, x))
    return x


def threads_arg(threads):
    if type(threads) is int and threads >= 0:
        return threads
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise SimdinitError(_lib.ERR_BAD_PARAM,
                            "threads must be an int >= 0 (0 = the library's default), got %r"
                            % (threads,))
    return threads


# --- distributions and schemes ----------------------------------------------

# Dist fields in order: kind, low, high, mean, std, a, b, value.
def dist_uniform(low, high):
    return Dist(0, _float(low, "low"), _float(high, "high"))


def dist_normal(mean, std):
    return Dist(1, 0.0, 0.0, _float(mean, "mean"), _float(std, "std"))


def dist_trunc_normal(mean, std, a, b):
    return Dist(2, 0.0, 0.0, _float(mean, "mean"), _float(std, "std"), _float(a, "a"),
                _float(b, "b"))


def dist_constant(value):
    return Dist(3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, _float(value, "value"))


def dist_from_dict(dist):
    if not isinstance(dist, dict) or "kind" not in dist:
        raise _lib.SimdinitTypeError(_lib.ERR_BAD_PARAM,
                                     "a distribution is a dict with a 'kind' key")
    kind = dist["kind"]
    rest = {k: v for k, v in dist.items() if k != "kind"}
    makers = {"uniform": (dist_uniform, ("low", "high"), (0.0, 1.0)),
              "normal": (dist_normal, ("mean", "std"), (0.0, 1.0)),
              "trunc_normal": (dist_trunc_normal, ("mean", "std", "a", "b"),
                               (0.0, 1.0, -2.0, 2.0)),
              "constant": (dist_constant, ("value",), (None,))}
    if kind not in makers:
        raise SimdinitError(_lib.ERR_BAD_ENUM, "unknown distribution kind %r (expected one of: %s)"
                            % (kind, ", ".join(makers)))
    fn, names, defaults = makers[kind]
    unknown = set(rest) - set(names)
    if unknown:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "%s takes %s, not %s"
                            % (kind, ", ".join(names), ", ".join(sorted(unknown))))
    args = []
    for n, dft in zip(names, defaults):
        if n not in rest and dft is None:
            raise SimdinitError(_lib.ERR_BAD_PARAM, "%s needs %s" % (kind, n))
        args.append(rest.get(n, dft))
    return fn(*args)


def make_scheme(kind, gain=None, nonlinearity=None, a=None, mode=None, scale=None,
                distribution=None):
    """A simdinit_scheme with the C defaults, overridden by the given fields."""
    k = enum_value(_lib.SCHEMES, kind, "scheme")
    s = _lib.lib.simdinit_scheme_default(k)
    if gain is not None:
        s.gain = _float(gain, "gain")
    if nonlinearity is not None:
        s.nonlinearity = enum_value(_lib.NONLINEARITIES, nonlinearity, "nonlinearity")
    if a is not None:
        s.a = _float(a, "a")
    if mode is not None:
        s.mode = enum_value(_lib.FAN_MODES, mode, "fan mode")
    if scale is not None:
        s.scale = _float(scale, "scale")
    if distribution is not None:
        s.distribution = enum_value(_lib.VS_DISTRIBUTIONS, distribution,
                                    "variance-scaling distribution")
    return s


def shape_array(shape, what="shape"):
    shape = tuple(shape)
    if len(shape) > _lib.MAX_NDIM:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "%s has %d dimensions (at most %d)"
                            % (what, len(shape), _lib.MAX_NDIM))
    return (_u64 * max(1, len(shape)))(*[u64(d, what) for d in shape]), len(shape)


def scheme_dist(scheme, shape, layout):
    """The distribution a scheme draws from for a tensor of `shape`."""
    arr, nd = shape_array(shape)
    d = Dist()
    check(_lib.lib.simdinit_scheme_dist(ctypes.byref(scheme), arr, nd,
                                        enum_value(_lib.LAYOUTS, layout, "layout"),
                                        ctypes.byref(d)),
          "scheme %s for shape %s" % (_scheme_label(scheme), tuple(shape)))
    return d


def _scheme_label(scheme):
    for n, v in _lib.SCHEMES.items():
        if v == scheme.kind:
            return n
    return str(scheme.kind)


def fans(shape, layout="torch"):
    arr, nd = shape_array(shape)
    fi, fo = _u64(), _u64()
    check(_lib.lib.simdinit_fans(arr, nd, enum_value(_lib.LAYOUTS, layout, "layout"),
                                 ctypes.byref(fi), ctypes.byref(fo)), "fans of %s" % (shape,))
    return fi.value, fo.value


def gain(nonlinearity, param=0.0):
    g = ctypes.c_double()
    check(_lib.lib.simdinit_gain(enum_value(_lib.NONLINEARITIES, nonlinearity, "nonlinearity"),
                                 _float(param, "param"), ctypes.byref(g)), "gain")
    return g.value


def stream_from_name(name):
    """The stream of a named tensor (docs/STREAM.md §1.1: FNV-1a 64 of the UTF-8 name)."""
    if not isinstance(name, str):
        raise _lib.SimdinitTypeError(_lib.ERR_BAD_PARAM, "name must be a str")
    b = name.encode("utf-8")
    if b"\0" in b:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "name contains a NUL character")
    s = _u64()
    check(_lib.lib.simdinit_stream_from_name(b, ctypes.byref(s)))
    return s.value


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


# --- placement ---------------------------------------------------------------

class Placement:
    """Where a local buffer of shape `local` lies in the global tensor.

    kind "whole": the buffer is the whole tensor; "flat": its elements are
    global elements [offset, offset + numel) in row-major order; "block": it is
    the block global[offsets[d] : offsets[d] + local[d]] of every dimension d."""

    def __init__(self, local, global_shape=None, offset=None, offsets=None):
        self.local = tuple(int(d) for d in local)
        if offset is not None and offsets is not None:
            raise SimdinitError(_lib.ERR_BAD_PARAM, "give offset= (a flat element offset) or "
                                "offsets= (a start per dimension), not both")
        self.glob = self.local if global_shape is None else tuple(
            u64(d, "global_shape") for d in global_shape)
        n_local, n_glob = numel(self.local), numel(self.glob)
        self.offset = 0
        self.offsets = None
        if offsets is not None:
            offs = tuple(u64(o, "offsets") for o in offsets)
            if len(offs) != len(self.local) or len(self.glob) != len(self.local):
                raise SimdinitError(_lib.ERR_BAD_SHAPE,
                                    "offsets %s, global_shape %s and the local shape %s must "
                                    "have the same number of dimensions"
                                    % (offs, self.glob, self.local))
            for d, (o, n, g) in enumerate(zip(offs, self.local, self.glob)):
                if o + n > g:
                    raise SimdinitError(_lib.ERR_OUT_OF_TENSOR,
                                        "dimension %d: [%d, %d) exceeds global size %d"
                                        % (d, o, o + n, g))
            self.kind = "block"
            self.offsets = offs
        elif offset is not None:
            self.offset = u64(offset, "offset")
            if global_shape is None:
                # A slice of a tensor of unstated size (as simdinit_fill takes it):
                # fine for a distribution; a scheme needs the shape for its fans.
                self.glob = None
                if self.offset + n_local > 1 << 64:
                    raise SimdinitError(_lib.ERR_OVERFLOW, "the last element, offset + size - 1, "
                                        "exceeds 2^64 - 1")
            elif self.offset + n_local > n_glob:
                raise SimdinitError(_lib.ERR_OUT_OF_TENSOR,
                                    "elements [%d, %d) exceed the global tensor's %d"
                                    % (self.offset, self.offset + n_local, n_glob))
            self.kind = "flat"
        else:
            if global_shape is not None and n_local != n_glob:
                raise SimdinitError(_lib.ERR_OUT_OF_TENSOR,
                                    "a tensor of shape %s is not the whole of global_shape %s: "
                                    "pass offset= or offsets=" % (self.local, self.glob))
            self.kind = "whole"


def dist_for(spec, placement, layout):
    """spec: ("dist", Dist) or ("scheme", Scheme). Scheme fans come from the global shape."""
    if spec[0] == "dist":
        return spec[1]
    if placement.glob is None:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "a slice (offset=) of a scheme-initialized "
                            "tensor needs global_shape=: the scheme's fans come from it")
    return scheme_dist(spec[1], placement.glob, layout)


def validate(dist, dtype):
    check(_lib.lib.simdinit_dist_check(ctypes.byref(dist), dtype))


def fill_whole(ptr, dtype, n, dist, seed, stream, threads):
    """Elements [0, n) of (seed, stream) at `ptr`: one library call, which
    validates everything and writes nothing on error."""
    st = _lib.lib.simdinit_fill_mt(ptr, dtype, n, 0, u64(seed, "seed"), u64(stream, "stream"),
                                   ctypes.byref(dist), threads_arg(threads))
    if st:
        raise SimdinitError(st)


def fill(ptr, dtype, placement, dist, seed, stream, threads):
    """Fill the buffer at `ptr` (C-contiguous, placement.local) as placed.
    Validates everything before the first write."""
    validate(dist, dtype)
    seed, stream = u64(seed, "seed"), u64(stream, "stream")
    threads = threads_arg(threads)
    n = numel(placement.local)
    if n == 0:
        return
    L = _lib.lib
    dref = ctypes.byref(dist)
    if placement.kind != "block" or len(placement.glob) <= 1:
        off = placement.offset
        if placement.kind == "block" and placement.offsets:
            off = placement.offsets[0]
        check(L.simdinit_fill_mt(ptr, dtype, n, off, seed, stream, dref, threads))
        return
    esize = L.simdinit_dtype_size(dtype)
    g, loc, offs = placement.glob, placement.local, placement.offsets
    cols = g[-1]
    rows = numel(g[:-1])
    # Each index of the leading dimensions (all but the last two) is one 2-D
    # shard of the (rows x cols) view of the global tensor.
    lead_local = loc[:-2]
    nblock = numel(lead_local)
    plane = loc[-2] * loc[-1]
    jobs = []
    for j in range(nblock):
        idx, rem = [], j
        for d in reversed(lead_local):
            idx.append(rem % d)
            rem //= d
        idx.reverse()
        lin = 0
        for d, i in enumerate(idx):
            lin = lin * g[d] + offs[d] + i
        r0 = lin * g[-2] + offs[-2]
        jobs.append((ptr + j * plane * esize, r0, r0 + loc[-2]))
    c0, c1 = offs[-1], offs[-1] + loc[-1]
    if c0 == 0 and c1 == cols:
        # Whole rows: each job is a contiguous range, threaded by the library.
        for p, r0, r1 in jobs:
            check(L.simdinit_fill_mt(p, dtype, (r1 - r0) * cols, r0 * cols, seed, stream, dref,
                                     threads))
        return
    # Column shards: split the rows over Python threads (ctypes drops the GIL).
    nt = threads or L.simdinit_default_threads()
    pieces = []
    total_rows = sum(r1 - r0 for _, r0, r1 in jobs)
    per = max(1, -(-total_rows // max(1, nt)))
    for p, r0, r1 in jobs:
        r = r0
        while r < r1:
            e = min(r1, r + per)
            pieces.append((p + (r - r0) * loc[-1] * esize, r, e))
            r = e

    def run(piece):
        p, r0, r1 = piece
        return L.simdinit_fill_shard(p, loc[-1], dtype, rows, cols, r0, r1, c0, c1, seed, stream,
                                     dref)

    if nt <= 1 or len(pieces) == 1:
        results = [run(pc) for pc in pieces]
    else:
        with ThreadPoolExecutor(max_workers=min(nt, len(pieces))) as ex:
            results = list(ex.map(run, pieces))
    for st in results:
        check(st)


def chunk_range(size, rank, world_size):
    """[start, stop) of `rank`'s part when `size` is split into `world_size`
    parts the way torch.chunk and DTensor's Shard placement split a
    dimension: parts of ceil(size / world_size), the last ones shorter or empty."""
    size, rank, world_size = int(size), int(rank), int(world_size)
    if world_size <= 0 or not 0 <= rank < world_size or size < 0:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "need 0 <= rank < world_size and size >= 0")
    step = -(-size // world_size) if size else 0
    start = min(size, rank * step)
    return start, min(size, start + step)


def shard(global_shape, dim, rank, world_size):
    """(offsets, local_shape) of `rank`'s shard of a tensor split along `dim`."""
    g = tuple(int(d) for d in global_shape)
    if not -len(g) <= dim < len(g):
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "dim %d out of range for shape %s" % (dim, g))
    dim %= len(g)
    s, e = chunk_range(g[dim], rank, world_size)
    offs = [0] * len(g)
    offs[dim] = s
    loc = list(g)
    loc[dim] = e - s
    return tuple(offs), tuple(loc)


# --- structured initializers (whole tensors; docs/STREAM.md §4) ----------------

STRUCTURED = ("orthogonal", "eye", "identity", "dirac", "delta_orthogonal", "sparse")


def _int(x, what):
    if isinstance(x, bool) or not hasattr(x, "__index__"):
        raise _lib.SimdinitTypeError(_lib.ERR_BAD_PARAM, "%s must be an integer, got %r"
                                     % (what, type(x).__name__))
    return int(x.__index__())


def _rows_cols(shape):
    if len(shape) < 2:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 or more dimensions are "
                            "supported")
    return shape[0], numel(shape[1:])


def structured_call(kind, shape, params, seed, stream, threads):
    """A function ptr -> status that writes the whole tensor of `shape` by the
    structured initializer `kind` with `params` (a dict); arguments are
    checked here, so the later call can only fail in the library itself."""
    L = _lib.lib
    shape = tuple(shape)
    seed, stream, threads = u64(seed, "seed"), u64(stream, "stream"), threads_arg(threads)
    p = dict(params)

    def take(name, default, conv=_float):
        v = p.pop(name, default)
        return conv(v, name)

    if kind == "orthogonal":
        gain = take("gain", 1.0)
        axis = p.pop("column_axis", None)
        if axis is None:
            rows, cols = _rows_cols(shape)
            fn = lambda ptr, code: L.simdinit_orthogonal(ptr, code, rows, cols, gain,  # noqa
                                                         seed, stream, threads)
        else:
            axis = _int(axis, "column_axis")
            arr, nd = shape_array(shape)
            fn = lambda ptr, code: L.simdinit_orthogonal_axis(ptr, code, arr, nd, axis,  # noqa
                                                              gain, seed, stream, threads)
    elif kind in ("eye", "identity"):
        if len(shape) != 2:
            raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 dimensions are "
                                "supported")
        gain = take("gain", 1.0)
        fn = lambda ptr, code: L.simdinit_eye(ptr, code, shape[0], shape[1], gain)  # noqa
    elif kind == "dirac":
        groups = take("groups", 1, _int)
        if groups <= 0:
            raise SimdinitError(_lib.ERR_BAD_PARAM, "groups must be >= 1")
        arr, nd = shape_array(shape)
        fn = lambda ptr, code: L.simdinit_dirac(ptr, code, arr, nd, groups)  # noqa
    elif kind == "delta_orthogonal":
        scale = take("scale", 1.0)
        axis = take("column_axis", -1, _int)
        arr, nd = shape_array(shape)
        fn = lambda ptr, code: L.simdinit_delta_orthogonal(ptr, code, arr, nd, axis, scale,  # noqa
                                                           seed, stream, threads)
    elif kind == "sparse":
        if len(shape) != 2:
            raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 dimensions are "
                                "supported")
        if "sparsity" not in p:
            raise SimdinitError(_lib.ERR_BAD_PARAM, "sparse needs sparsity")
        sparsity, std = take("sparsity", None), take("std", 0.01)
        fn = lambda ptr, code: L.simdinit_sparse(ptr, code, shape[0], shape[1], sparsity,  # noqa
                                                 std, seed, stream, threads)
    else:
        raise SimdinitError(_lib.ERR_BAD_ENUM, "unknown structured initializer %r (one of %s)"
                            % (kind, ", ".join(STRUCTURED)))
    if p:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "%s does not take %s"
                            % (kind, ", ".join(sorted(p))))
    return fn


def structured_check(fn, dtype, n, what):
    """Validate a structured call without writing: the library checks out == NULL
    after every other argument (include/simdinit.h)."""
    st = fn(None, dtype)
    if n == 0 or st != _lib.ERR_NULL:
        # (a zero-element tensor is a no-op in the library: its status is final)
        check(st, what)


def jax_dist(shape, scale, mode, distribution, in_axis, out_axis, batch_axis):
    """The distribution of JAX's variance_scaling with these axes (fans from `shape`)."""
    def axes_list(v, what):
        v = (v,) if isinstance(v, int) and not isinstance(v, bool) else tuple(v)
        if len(v) > _lib.MAX_NDIM:
            raise SimdinitError(_lib.ERR_BAD_PARAM, "too many %s" % what)
        return [_int(a, what) for a in v]

    ax = _lib.Axes()
    for field, count, v in (("in_axes", "n_in", axes_list(in_axis, "in_axis")),
                            ("out_axes", "n_out", axes_list(out_axis, "out_axis")),
                            ("batch_axes", "n_batch", axes_list(batch_axis, "batch_axis"))):
        arr = getattr(ax, field)
        for i, a in enumerate(v):
            arr[i] = a
        setattr(ax, count, len(v))
    sarr, nd = shape_array(shape)
    fi, fo = ctypes.c_double(), ctypes.c_double()
    check(_lib.lib.simdinit_fans_axes(sarr, nd, ctypes.byref(ax), ctypes.byref(fi),
                                      ctypes.byref(fo)), "fans of %s" % (tuple(shape),))
    d = Dist()
    check(_lib.lib.simdinit_variance_scaling_jax(
        _float(scale, "scale"), enum_value(_lib.JAX_FAN_MODES, mode, "fan mode"),
        enum_value(_lib.VS_DISTRIBUTIONS, distribution, "variance-scaling distribution"),
        fi.value, fo.value, ctypes.byref(d)), "variance_scaling_jax")
    return d


def block_slices(placement):
    """Index of the local block in the global tensor, for slicing a full temporary:
    ("flat", start, stop) or ("block", (slice, ...))."""
    if placement.kind == "flat":
        return ("flat", placement.offset, placement.offset + numel(placement.local))
    return ("block", tuple(slice(o, o + n) for o, n in zip(placement.offsets, placement.local)))
