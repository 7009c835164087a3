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
from ctypes import addressof as _addressof, c_char as _c_char

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


def _check_out(out):
    if not isinstance(out, _np.ndarray):
        raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "out must be a numpy.ndarray, got %s"
                                % type(out).__name__)
    if not out.flags.writeable:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "the array is read-only")


def _fill_array(out, spec, dtype, seed, stream, offset, offsets, global_shape, threads, layout):
    if (offset is None and offsets is None and global_shape is None and dtype is None and
            spec[0] == "dist" and type(out) is _np.ndarray):
        # The common case in few steps: a whole native C-contiguous writable array.
        flags = out.flags
        code = _CODES.get(out.dtype)
        if code is not None and flags.c_contiguous and flags.writeable and out.size:
            # (the buffer's address: cheaper than out.ctypes.data)
            ptr = _addressof(_c_char.from_buffer(out))
            _core.fill_whole(ptr, code, out.size, spec[1], seed, stream, threads)
            return out
    _check_out(out)
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
    return _fill_array(out, ("dist", _core.dist_from_dict(dist)), dtype, seed, stream, offset,
                       offsets, global_shape, threads, "torch")


def fill(shape, dist, *, dtype="float32", **kw):
    """A new array of `shape` and `dtype` from a distribution dict (see fill_)."""
    return fill_(_new(shape, dtype), dist, dtype=_arg_dtype(dtype), **kw)


def uniform_(out, low=0.0, high=1.0, *, dtype=None, seed=0, stream=0, offset=None,
             offsets=None, global_shape=None, threads=0):
    """Fill `out` in place with U[low, high)."""
    return _fill_array(out, ("dist", _core.dist_uniform(low, high)), dtype, seed, stream, offset,
                       offsets, global_shape, threads, "torch")


def normal_(out, mean=0.0, std=1.0, *, dtype=None, seed=0, stream=0, offset=None,
            offsets=None, global_shape=None, threads=0):
    """Fill `out` in place with N(mean, std^2) (not truncated)."""
    return _fill_array(out, ("dist", _core.dist_normal(mean, std)), dtype, seed, stream, offset,
                       offsets, global_shape, threads, "torch")


def trunc_normal_(out, mean=0.0, std=1.0, a=-2.0, b=2.0, *, dtype=None, seed=0, stream=0,
                  offset=None, offsets=None, global_shape=None, threads=0):
    """Fill `out` in place with N(mean, std^2) truncated to the absolute bounds [a, b]."""
    return _fill_array(out, ("dist", _core.dist_trunc_normal(mean, std, a, b)), dtype, seed,
                       stream, offset, offsets, global_shape, threads, "torch")


def constant_(out, value, *, dtype=None, threads=0):
    """Fill `out` in place with `value` (rounded to nearest-even in the dtype)."""
    return _fill_array(out, ("dist", _core.dist_constant(value)), dtype, 0, 0, None, None, None,
                       threads, "torch")


def zeros_(out, *, dtype=None, threads=0):
    return constant_(out, 0.0, dtype=dtype, threads=threads)


def ones_(out, *, dtype=None, threads=0):
    return constant_(out, 1.0, dtype=dtype, threads=threads)


def _new(shape, dtype):
    d, _ = _new_dtype(dtype)
    return _np.empty(shape, dtype=d)


def uniform(shape, low=0.0, high=1.0, *, dtype="float32", **kw):
    """A new array of U[low, high) (keywords as uniform_)."""
    return uniform_(_new(shape, dtype), low, high, dtype=_arg_dtype(dtype), **kw)


def normal(shape, mean=0.0, std=1.0, *, dtype="float32", **kw):
    """A new array of N(mean, std^2) (keywords as normal_)."""
    return normal_(_new(shape, dtype), mean, std, dtype=_arg_dtype(dtype), **kw)


def trunc_normal(shape, mean=0.0, std=1.0, a=-2.0, b=2.0, *, dtype="float32", **kw):
    """A new array of N(mean, std^2) on [a, b] (keywords as trunc_normal_)."""
    return trunc_normal_(_new(shape, dtype), mean, std, a, b, dtype=_arg_dtype(dtype), **kw)


def constant(shape, value, *, dtype="float32", **kw):
    return constant_(_new(shape, dtype), value, dtype=_arg_dtype(dtype), **kw)


def zeros(shape, *, dtype="float32", **kw):
    return constant(shape, 0.0, dtype=dtype, **kw)


def ones(shape, *, dtype="float32", **kw):
    return constant(shape, 1.0, dtype=dtype, **kw)


def _arg_dtype(dtype):
    # What the in-place function needs to hear: only bfloat16 must be said.
    return "bfloat16" if str(dtype).lower() in ("bfloat16", "bf16") else None


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
    return scheme_(_new(shape, dtype), scheme, dtype=_arg_dtype(dtype), **kw)


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


# --- structured initializers (whole-tensor values; docs/STREAM.md §4) -----------

def _structured(out, kind, params, dtype, seed, stream, offset, offsets, global_shape,
                threads):
    _check_out(out)
    code = _code(out.dtype, dtype)
    placement = _core.Placement(out.shape, global_shape, offset, offsets)
    if placement.glob is None:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "a slice (offset=) of a %s tensor needs "
                            "global_shape=" % kind)
    fn = _core.structured_call(kind, placement.glob, params, seed, stream, threads)
    total = _core.numel(placement.glob)
    _core.structured_check(fn, code, total, kind)
    if total == 0:
        return out
    if placement.kind == "whole" and out.flags.c_contiguous and out.dtype.isnative:
        _lib.check(fn(out.ctypes.data, code), kind)
        return out
    # Shards and other layouts: the whole tensor in a temporary, then the slice.
    full = _np.empty(placement.glob, dtype=out.dtype)
    _lib.check(fn(full.ctypes.data, code), kind)
    sel = _core.block_slices(placement) if placement.kind != "whole" else None
    if sel is None:
        out[...] = full
    elif sel[0] == "flat":
        out[...] = full.reshape(-1)[sel[1]:sel[2]].reshape(out.shape)
    else:
        out[...] = full[sel[1]]
    return out


def orthogonal_(out, gain=1.0, *, column_axis=None, dtype=None, seed=0, stream=0, offset=None,
                offsets=None, global_shape=None, threads=0):
    """A (semi-)orthogonal matrix times gain, Haar-distributed, as
    torch.nn.init.orthogonal_ (rows = shape[0], columns = the product of the
    rest); with column_axis (JAX orthogonal(scale, column_axis); -1 is Keras's
    Orthogonal), the columns are that axis. Shards get the slice of the whole
    tensor's values (computed whole, in a temporary)."""
    params = {"gain": gain}
    if column_axis is not None:
        params["column_axis"] = column_axis
    return _structured(out, "orthogonal", params, dtype, seed, stream, offset, offsets,
                       global_shape, threads)


def eye_(out, gain=1.0, *, dtype=None):
    """The 2-D identity times gain (torch eye_, Keras Identity(gain))."""
    return _structured(out, "eye", {"gain": gain}, dtype, 0, 0, None, None, None, 0)


identity_ = eye_


def dirac_(out, groups=1, *, dtype=None):
    """torch.nn.init.dirac_ for a 3-, 4- or 5-D (out, in, *kernel) weight."""
    return _structured(out, "dirac", {"groups": groups}, dtype, 0, 0, None, None, None, 0)


def delta_orthogonal_(out, scale=1.0, column_axis=-1, *, dtype=None, seed=0, stream=0,
                      threads=0):
    """JAX delta_orthogonal for a 3-, 4- or 5-D (*spatial, in, out) kernel."""
    return _structured(out, "delta_orthogonal", {"scale": scale, "column_axis": column_axis},
                       dtype, seed, stream, None, None, None, threads)


def sparse_(out, sparsity, std=0.01, *, dtype=None, seed=0, stream=0, offset=None, offsets=None,
            global_shape=None, threads=0):
    """torch.nn.init.sparse_: N(0, std) with ceil(sparsity * rows) zeros per
    column, the zero rows chosen by the stream (docs/STREAM.md §4.7)."""
    return _structured(out, "sparse", {"sparsity": sparsity, "std": std}, dtype, seed, stream,
                       offset, offsets, global_shape, threads)


def variance_scaling_jax_(out, scale=1.0, mode="fan_in", distribution="truncated_normal", *,
                          in_axis=-2, out_axis=-1, batch_axis=(), dtype=None, seed=0, stream=0,
                          offset=None, offsets=None, global_shape=None, threads=0):
    """jax.nn.initializers.variance_scaling(scale, mode, distribution, in_axis,
    out_axis, batch_axis), modes fan_in, fan_out, fan_avg, fan_geo_avg; fans
    from global_shape (default the array's shape)."""
    shape = out.shape if global_shape is None else global_shape
    dist = _core.jax_dist(shape, scale, mode, distribution, in_axis, out_axis, batch_axis)
    return _fill_array(out, ("dist", dist), dtype, seed, stream, offset, offsets, global_shape,
                       threads, "torch")


def _structured_new(name, inplace):
    def new(shape, *args, dtype="float32", **kw):
        return inplace(_new(shape, dtype), *args, dtype=_arg_dtype(dtype), **kw)
    new.__name__ = new.__qualname__ = name
    new.__doc__ = "A new array of `shape` by %s (arguments as %s_)." % (name, name)
    return new


orthogonal = _structured_new("orthogonal", orthogonal_)
eye = _structured_new("eye", eye_)
identity = eye
dirac = _structured_new("dirac", dirac_)
delta_orthogonal = _structured_new("delta_orthogonal", delta_orthogonal_)
sparse = _structured_new("sparse", sparse_)
variance_scaling_jax = _structured_new("variance_scaling_jax", variance_scaling_jax_)
__all__ += ["orthogonal_", "orthogonal", "eye_", "eye", "identity_", "identity", "dirac_",
            "dirac", "delta_orthogonal_", "delta_orthogonal", "sparse_", "sparse",
            "variance_scaling_jax_", "variance_scaling_jax"]
