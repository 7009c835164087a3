"""simdinit for NumPy arrays.

In-place functions (name ending in ``_``) fill an existing writable array and
return it; the others return a new array of a shape and dtype. Supported
dtypes: float32, float64, float16, and bfloat16 as uint16 bit patterns (NumPy
has no bfloat16: pass ``dtype="bfloat16"`` with a uint16 array, or to the
array-returning functions, and you get uint16 bits, the upper half of a
float32 rounded to nearest-even).

Every function takes, keyword-only:
  seed, stream    name the tensor (default 0, 0); element i of the tensor is a
                  function of (seed, stream, i), the distribution and the dtype only;
  offset          the array holds global elements [offset, offset + size) in
                  row-major order (a contiguous range of the flattened tensor);
  offsets         the array is the block global[offsets[d] : offsets[d] + shape[d]]
                  of each dimension d (row, column or any N-D shard);
  global_shape    the shape of the whole tensor (default: the array's own);
                  schemes compute their fans from it;
  threads         threads of the library (0 or None: its default).
C-contiguous arrays are written in place; other layouts (Fortran order,
strided views) receive the values of their logical row-major order through a
C-contiguous temporary, copied in at the end. Nothing is written on error.
"""
import numpy as _np

from . import _core, _lib
from ._lib import SimdinitError, SimdinitTypeError

__all__ = ["SUPPORTED_DTYPES", "fill_", "fill"]

SUPPORTED_DTYPES = ("float32", "float64", "float16", "bfloat16 (as uint16)")
_CODES = {_np.dtype(_np.float32): _lib.DTYPES["f32"], _np.dtype(_np.float64): _lib.DTYPES["f64"],
          _np.dtype(_np.float16): _lib.DTYPES["f16"]}
_BF16 = _lib.DTYPES["bf16"]


def _dtype_error(what):
    return SimdinitTypeError(_lib.ERR_BAD_ENUM, "unsupported dtype %s (supported: %s)"
                             % (what, ", ".join(SUPPORTED_DTYPES)))


def _code(arr_dtype, dtype):
    """The simdinit dtype for an array of numpy dtype `arr_dtype`, given the
    user's `dtype` argument (None, or 'bfloat16' for uint16 arrays)."""
    if dtype is not None:
        want = str(dtype).lower()
        if want in ("bfloat16", "bf16"):
            if arr_dtype != _np.dtype(_np.uint16):
                raise SimdinitTypeError(_lib.ERR_BAD_ENUM, "dtype='bfloat16' needs a uint16 "
                                        "array (it holds the bits), got %s" % arr_dtype)
            return _BF16
        try:
            if _np.dtype(dtype) != arr_dtype:
                raise SimdinitTypeError(_lib.ERR_BAD_ENUM, "dtype %s does not match the array's %s"
                                        % (dtype, arr_dtype))
        except TypeError:
            raise _dtype_error(repr(dtype)) from None
    if arr_dtype in _CODES:
        return _CODES[arr_dtype]
    if arr_dtype == _np.dtype(_np.uint16):
        raise SimdinitTypeError(_lib.ERR_BAD_ENUM, "a uint16 array holds bfloat16 bits only when "
                                "you say so: pass dtype='bfloat16'")
    raise _dtype_error(str(arr_dtype))


def _new_dtype(dtype):
    want = str(dtype).lower() if dtype is not None else "float32"
    if want in ("bfloat16", "bf16"):
        return _np.dtype(_np.uint16), _BF16
    try:
        d = _np.dtype(dtype if dtype is not None else _np.float32)
    except TypeError:
        raise _dtype_error(repr(dtype)) from None
    if d not in _CODES:
        raise _dtype_error(str(d))
    return d, _CODES[d]


def _fill_array(out, spec, dtype, seed, stream, offset, offsets, global_shape, threads, layout):
    if not isinstance(out, _np.ndarray):
        raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "out must be a numpy.ndarray, got %s"
                                % type(out).__name__)
    if not out.flags.writeable:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "the array is read-only")
    code = _code(out.dtype, dtype)
    placement = _core.Placement(out.shape, global_shape, offset, offsets)
    dist = _core.dist_for(spec, placement, layout)
    _core.validate(dist, code)
    direct = out.flags.c_contiguous and out.dtype.isnative
    target = out if direct else _np.empty(out.shape, dtype=out.dtype)
    if target.size:
        _core.fill(target.ctypes.data, code, placement, dist, seed, stream, threads)
    if not direct:
        out[...] = target
    return out


def fill_(out, dist, *, dtype=None, seed=0, stream=0, offset=None, offsets=None,
          global_shape=None, threads=0):
    """Fill `out` from a distribution given as a dict: {"kind": "uniform", "low": ..,
    "high": ..}, {"kind": "normal", "mean": .., "std": ..}, {"kind": "trunc_normal",
    "mean": .., "std": .., "a": .., "b": ..} or {"kind": "constant", "value": ..}."""
    return _fill_array(out, ("dist", dist_from_dict(dist)), dtype, seed, stream, offset, offsets,
                       global_shape, threads, "torch")


def fill(shape, dist, *, dtype="float32", **kw):
    """A new array of `shape` and `dtype` from a distribution dict (see fill_)."""
    d, _ = _new_dtype(dtype)
    return fill_(_np.empty(shape, dtype=d), dist, dtype=dtype, **kw)


def dist_from_dict(dist):
    if not isinstance(dist, dict) or "kind" not in dist:
        raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "a distribution is a dict with a 'kind' key")
    kind = dist["kind"]
    rest = {k: v for k, v in dist.items() if k != "kind"}
    makers = {"uniform": (_core.dist_uniform, ("low", "high"), (0.0, 1.0)),
              "normal": (_core.dist_normal, ("mean", "std"), (0.0, 1.0)),
              "trunc_normal": (_core.dist_trunc_normal, ("mean", "std", "a", "b"),
                               (0.0, 1.0, -2.0, 2.0)),
              "constant": (_core.dist_constant, ("value",), (None,))}
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


def _dist_pair(name, maker, params, doc):
    """uniform_/uniform style pair for a distribution."""
    def inplace(out, *args, dtype=None, seed=0, stream=0, offset=None, offsets=None,
                global_shape=None, threads=0, **kwargs):
        vals = _bind(name, params, args, kwargs)
        return _fill_array(out, ("dist", maker(*vals)), dtype, seed, stream, offset, offsets,
                           global_shape, threads, "torch")

    def new(shape, *args, dtype="float32", **kw):
        d, _ = _new_dtype(dtype)
        return inplace(_np.empty(shape, dtype=d), *args, dtype=dtype, **kw)

    inplace.__name__, new.__name__ = name + "_", name
    inplace.__qualname__, new.__qualname__ = name + "_", name
    sig = ", ".join("%s=%r" % p for p in params)
    inplace.__doc__ = "%s_(out, %s, *, seed, stream, ...): fill `out` in place with %s." % (
        name, sig, doc)
    new.__doc__ = "%s(shape, %s, *, dtype='float32', seed, stream, ...): a new array of %s." % (
        name, sig, doc)
    return inplace, new


def _bind(fname, params, args, kwargs):
    if len(args) > len(params):
        raise TypeError("%s takes at most %d positional parameters" % (fname, len(params)))
    vals = [d for _, d in params]
    names = [n for n, _ in params]
    for i, a in enumerate(args):
        vals[i] = a
    for k, v in kwargs.items():
        if k not in names:
            raise TypeError("%s got an unexpected keyword argument %r" % (fname, k))
        if names.index(k) < len(args):
            raise TypeError("%s got multiple values for argument %r" % (fname, k))
        vals[names.index(k)] = v
    for n, v in zip(names, vals):
        if v is _REQUIRED:
            raise TypeError("%s missing required argument %r" % (fname, n))
    return vals


_REQUIRED = object()

uniform_, uniform = _dist_pair("uniform", _core.dist_uniform, (("low", 0.0), ("high", 1.0)),
                               "U[low, high)")
normal_, normal = _dist_pair("normal", _core.dist_normal, (("mean", 0.0), ("std", 1.0)),
                             "N(mean, std^2), not truncated")
trunc_normal_, trunc_normal = _dist_pair(
    "trunc_normal", _core.dist_trunc_normal,
    (("mean", 0.0), ("std", 1.0), ("a", -2.0), ("b", 2.0)),
    "N(mean, std^2) truncated to the absolute bounds [a, b]")
constant_, constant = _dist_pair("constant", _core.dist_constant, (("value", _REQUIRED),),
                                 "the constant `value`")
zeros_, zeros = _dist_pair("zeros", lambda: _core.dist_constant(0.0), (), "zeros")
ones_, ones = _dist_pair("ones", lambda: _core.dist_constant(1.0), (), "ones")


def scheme_(out, scheme, *, layout="torch", gain=None, nonlinearity=None, a=None, mode=None,
            scale=None, distribution=None, dtype=None, seed=0, stream=0, offset=None,
            offsets=None, global_shape=None, threads=0):
    """Fill `out` by an init scheme named as the C library names it
    (simdinit.SCHEMES: xavier_uniform, kaiming_normal, torch_linear, glorot_normal,
    he_uniform, variance_scaling, ...). Fans come from `global_shape` (default the
    array's shape) in `layout` ("torch": (out, in, *kernel); "keras": (*kernel, in,
    out)). torch_linear_bias draws the bias of a weight of `global_shape`: pass
    the weight's shape there and a bias-sized `out` (offset=0)."""
    s = _core.make_scheme(scheme, gain, nonlinearity, a, mode, scale, distribution)
    if _lib.SCHEMES.get("torch_linear_bias") == s.kind:
        if global_shape is None:
            raise SimdinitError(_lib.ERR_BAD_SHAPE, "torch_linear_bias needs global_shape= "
                                "(the weight's shape)")
        dist = _core.scheme_dist(s, global_shape, layout)
        return _fill_array(out, ("dist", dist), dtype, seed, stream, offset, offsets, None,
                           threads, layout)
    return _fill_array(out, ("scheme", s), dtype, seed, stream, offset, offsets, global_shape,
                       threads, layout)


def scheme(shape, scheme, *, dtype="float32", **kw):
    """A new array of `shape` initialized by `scheme` (see scheme_)."""
    d, _ = _new_dtype(dtype)
    return scheme_(_np.empty(shape, dtype=d), scheme, dtype=dtype, **kw)


def _scheme_pair(name):
    def inplace(out, **kw):
        return scheme_(out, name, **kw)

    def new(shape, **kw):
        return scheme(shape, name, **kw)

    inplace.__name__ = inplace.__qualname__ = name + "_"
    new.__name__ = new.__qualname__ = name
    inplace.__doc__ = "scheme_(out, %r, **kw): fill `out` in place by %s." % (name, name)
    new.__doc__ = "scheme(shape, %r, **kw): a new array initialized by %s." % (name, name)
    return inplace, new


for _n in _lib.SCHEMES:
    globals()[_n + "_"], globals()[_n] = _scheme_pair(_n)
    __all__ += [_n + "_", _n]
__all__ += ["uniform_", "uniform", "normal_", "normal", "trunc_normal_", "trunc_normal",
            "constant_", "constant", "zeros_", "zeros", "ones_", "ones", "scheme_", "scheme"]
del _n
