"""simdinit as a drop-in for torch.nn.init.

    import simdinit.torch as init          # instead of torch.nn.init
    init.kaiming_uniform_(linear.weight, a=math.sqrt(5))
    init.normal_(emb.weight, std=0.02, seed=1234, stream=7)
    simdinit.torch.init_module(model, seed=1234)            # whole model, one call

The functions keep torch.nn.init's names, positional parameters, defaults,
return value (the tensor) and its errors for bad input (SimdinitError is both
a ValueError and a RuntimeError). They add keyword-only parameters:

  seed, stream   name the tensor. Without seed, (seed, stream) are drawn from
                 `generator` (or torch's default generator), so torch.manual_seed
                 makes a script reproducible and successive calls differ, as with
                 torch.nn.init. With seed and no stream, stream is 0.
  offset, offsets, global_shape
                 the tensor is part of a larger one (a shard): see simdinit.numpy.
                 Schemes take their fans from global_shape.
  threads        threads of the library (0: its default).

Bits: element i depends only on (seed, stream, i), the distribution and the
dtype, on every machine, thread count, shard layout and device. Tensors on
another device (CUDA, ...) are filled on the CPU and copied, so they get the
CPU bits. Meta tensors are left alone (a no-op, as in torch). Non-contiguous
tensors receive the values of their logical row-major order. The write is an
in-place modification visible to autograd (the version counter moves, as for
torch.nn.init), done without recording a graph.
"""
import fnmatch
import math
import threading
import warnings

import torch as _torch

from . import _core, _lib
from ._lib import SimdinitError, SimdinitTypeError

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
           "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "identity_", "delta_orthogonal_",
           "variance_scaling_jax_", "scheme_", "init_module", "shard",
           "shard_of", "stream_from_name", "SimdinitError", "SUPPORTED_DTYPES"]

_CODES = {_torch.float32: _lib.DTYPES["f32"], _torch.float64: _lib.DTYPES["f64"],
          _torch.bfloat16: _lib.DTYPES["bf16"], _torch.float16: _lib.DTYPES["f16"]}
SUPPORTED_DTYPES = ("torch.float32", "torch.float64", "torch.bfloat16", "torch.float16")
stream_from_name = _core.stream_from_name


def _dtype_code(t):
    code = _CODES.get(t.dtype)
    if code is None:
        raise SimdinitTypeError(_lib.ERR_BAD_ENUM, "unsupported dtype %s (supported: %s)"
                                % (t.dtype, ", ".join(SUPPORTED_DTYPES)))
    return code


def _seed_stream(seed, stream, generator):
    if seed is not None:
        return _core.u64(seed, "seed"), 0 if stream is None else _core.u64(stream, "stream")
    # Two 63-bit words from the generator (torch's default one when None), so
    # the generator's state moves on as after a torch.nn.init call.
    buf = getattr(_tls, "draw", None)
    if buf is None:
        buf = _tls.draw = _torch.empty(2, dtype=_torch.int64)
    draw = buf.random_(generator=generator).tolist()
    return draw[0], draw[1] if stream is None else _core.u64(stream, "stream")


_tls = threading.local()


def _bump_version(t):
    # An O(1) in-place operation (metadata only) on an alias that shares t's
    # version counter: autograd then sees t as modified in place, as after
    # torch.nn.init. t itself is not touched.
    if t.dim() <= 2:
        t.detach().t_()
    else:
        t.detach().unsqueeze_(0)


def _write(tensor, placement_args, spec, seed, stream, generator, threads, layout="torch"):
    """Fill `tensor` from spec ("dist", Dist) or ("scheme", Scheme)."""
    if (seed is not None and spec[0] == "dist" and placement_args == _WHOLE and
            type(tensor) in _PLAIN and tensor.is_cpu and tensor.is_contiguous() and
            not tensor.is_inference()):
        # The common case in few steps: one library call, which validates
        # everything and writes nothing on error.
        code = _CODES.get(tensor.dtype)
        n = tensor.numel()
        if code is not None and n:
            _core.fill_whole(tensor.data_ptr(), code, n, spec[1], seed,
                             0 if stream is None else stream, threads)
            _bump_version(tensor)
            return tensor
    if not isinstance(tensor, _torch.Tensor):
        raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "expected a torch.Tensor, got %s"
                                % type(tensor).__name__)
    if tensor.is_meta:
        return tensor
    code = _dtype_code(tensor)
    placement = _core.Placement(tensor.shape, *placement_args)
    dist = _core.dist_for(spec, placement, layout)
    _core.validate(dist, code)
    _core.threads_arg(threads)
    if _is_inference(tensor):
        raise SimdinitError(_lib.ERR_BAD_PARAM, "cannot write an inference tensor in place "
                            "outside InferenceMode")
    seed, stream = _seed_stream(seed, stream, generator)
    if tensor.numel() == 0:
        return tensor
    direct = tensor.is_cpu and tensor.is_contiguous()
    if direct:
        _core.fill(tensor.data_ptr(), code, placement, dist, seed, stream, threads)
        _bump_version(tensor)
    else:
        tmp = _torch.empty(tuple(tensor.shape), dtype=tensor.dtype)
        _core.fill(tmp.data_ptr(), code, placement, dist, seed, stream, threads)
        with _torch.no_grad():
            tensor.copy_(tmp)
    return tensor


_WHOLE = (None, None, None)
_PLAIN = (_torch.Tensor, _torch.nn.Parameter)


def _is_inference(t):
    f = getattr(t, "is_inference", None)
    return bool(f and f() and not _torch.is_inference_mode_enabled())


def _place(offset, offsets, global_shape):
    return (global_shape, offset, offsets)


def calculate_gain(nonlinearity, param=None):
    """torch.nn.init.calculate_gain: the same values and the same ValueErrors."""
    if nonlinearity not in _lib.NONLINEARITIES:
        raise SimdinitError(_lib.ERR_BAD_ENUM, "Unsupported nonlinearity {}".format(nonlinearity))
    if nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        elif isinstance(param, bool) or not isinstance(param, (int, float)):
            raise SimdinitError(_lib.ERR_BAD_PARAM,
                                "negative_slope {} not a valid number".format(param))
    g = _core.gain(nonlinearity, 0.0 if param is None or nonlinearity != "leaky_relu" else param)
    # torch returns the int 1 for the linear family and sigmoid.
    return 1 if g == 1.0 and nonlinearity != "leaky_relu" else g


def uniform_(tensor, a=0.0, b=1.0, generator=None, *, seed=None, stream=None, offset=None,
             offsets=None, global_shape=None, threads=0):
    """U[a, b), as torch.nn.init.uniform_."""
    return _write(tensor, _place(offset, offsets, global_shape), ("dist", _core.dist_uniform(a, b)),
                  seed, stream, generator, threads)


def normal_(tensor, mean=0.0, std=1.0, generator=None, *, seed=None, stream=None, offset=None,
            offsets=None, global_shape=None, threads=0):
    """N(mean, std^2), as torch.nn.init.normal_."""
    return _write(tensor, _place(offset, offsets, global_shape),
                  ("dist", _core.dist_normal(mean, std)), seed, stream, generator, threads)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None, *, seed=None,
                  stream=None, offset=None, offsets=None, global_shape=None, threads=0):
    """N(mean, std^2) on the absolute bounds [a, b], as torch.nn.init.trunc_normal_,
    exact in distribution for any a < b (never clamped)."""
    return _write(tensor, _place(offset, offsets, global_shape),
                  ("dist", _core.dist_trunc_normal(mean, std, a, b)), seed, stream, generator,
                  threads)


def constant_(tensor, val):
    """Every element = val, as torch.nn.init.constant_ (any dtype torch can fill)."""
    if isinstance(tensor, _torch.Tensor) and tensor.dtype not in _CODES:
        with _torch.no_grad():
            return tensor.fill_(val)
    return _write(tensor, (None, None, None), ("dist", _core.dist_constant(val)), 0, 0, None, 0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def _structured(tensor, kind, params, seed, stream, generator, threads, offset=None,
                offsets=None, global_shape=None):
    """A whole-tensor initializer of the library (docs/STREAM.md §4). Shards and
    non-contiguous or non-CPU tensors get the slice of the whole tensor's
    values through a temporary."""
    if not isinstance(tensor, _torch.Tensor):
        raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "expected a torch.Tensor, got %s"
                                % type(tensor).__name__)
    placement = _core.Placement(tensor.shape, global_shape, offset, offsets)
    if placement.glob is None:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "a slice (offset=) of a %s tensor needs "
                            "global_shape=" % kind)
    code = _dtype_code(tensor)
    # Validate first (nothing drawn from a generator, nothing written on error).
    fn = _core.structured_call(kind, placement.glob, params, 0, 0, threads)
    total = _core.numel(placement.glob)
    _core.structured_check(fn, code, total, kind)
    if tensor.is_meta or total == 0:
        return tensor
    if kind not in ("eye", "dirac"):
        seed, stream = _seed_stream(seed, stream, generator)
        fn = _core.structured_call(kind, placement.glob, params, seed, stream, threads)
    if placement.kind == "whole" and tensor.is_cpu and tensor.is_contiguous():
        _lib.check(fn(tensor.data_ptr(), code), kind)
        _bump_version(tensor)
        return tensor
    full = _torch.empty(placement.glob, dtype=tensor.dtype)
    _lib.check(fn(full.data_ptr(), code), kind)
    if placement.kind == "whole":
        part = full
    else:
        sel = _core.block_slices(placement)
        part = (full.reshape(-1)[sel[1]:sel[2]].reshape(tensor.shape) if sel[0] == "flat"
                else full[sel[1]])
    with _torch.no_grad():
        tensor.copy_(part)
    return tensor


def eye_(tensor):
    """The 2-D identity, exactly as torch.nn.init.eye_ (no randomness)."""
    if tensor.ndimension() != 2:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 dimensions are supported")
    if tensor.dtype not in _CODES:
        with _torch.no_grad():   # other dtypes, as torch fills them
            return _torch.eye(*tensor.shape, out=tensor)
    return _structured(tensor, "eye", {"gain": 1.0}, 0, 0, None, 0)


def identity_(tensor, gain=1.0):
    """Keras Identity(gain): the 2-D identity times gain."""
    return _structured(tensor, "eye", {"gain": gain}, 0, 0, None, 0)


def dirac_(tensor, groups=1):
    """The Dirac delta of a 3-, 4- or 5-D conv weight, exactly as torch.nn.init.dirac_."""
    dims = tensor.ndimension()
    if dims not in (3, 4, 5):
        raise SimdinitError(_lib.ERR_BAD_SHAPE,
                            "Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.size(0) % groups != 0:
        raise SimdinitError(_lib.ERR_BAD_PARAM, "dim 0 must be divisible by groups")
    if tensor.dtype not in _CODES:
        sizes, per = tensor.size(), tensor.size(0) // groups
        centre = tuple(s // 2 for s in sizes[2:])
        with _torch.no_grad():   # other dtypes, as torch fills them
            tensor.zero_()
            for g in range(groups):
                for d in range(min(per, sizes[1])):
                    tensor[(g * per + d, d) + centre] = 1
        return tensor
    return _structured(tensor, "dirac", {"groups": groups}, 0, 0, None, 0)


def orthogonal_(tensor, gain=1, generator=None, *, column_axis=None, seed=None, stream=None,
                offset=None, offsets=None, global_shape=None, threads=0):
    """A Haar-distributed (semi-)orthogonal matrix times gain, as
    torch.nn.init.orthogonal_ (rows = shape[0], columns = the product of the
    rest); column_axis= gives JAX's flattening (-1: Keras's Orthogonal).
    Shards get the slice of the whole tensor (computed whole, on the CPU)."""
    if tensor.ndimension() < 2:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 or more dimensions are "
                            "supported")
    if tensor.numel() == 0:
        return tensor
    params = {"gain": gain}
    if column_axis is not None:
        params["column_axis"] = column_axis
    return _structured(tensor, "orthogonal", params, seed, stream, generator, threads, offset,
                       offsets, global_shape)


def sparse_(tensor, sparsity, std=0.01, generator=None, *, seed=None, stream=None, offset=None,
            offsets=None, global_shape=None, threads=0):
    """torch.nn.init.sparse_: N(0, std) with ceil(sparsity * rows) zeros in every
    column; which rows are zero comes from (seed, stream) (docs/STREAM.md §4.7)."""
    if tensor.ndimension() != 2:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "Only tensors with 2 dimensions are supported")
    return _structured(tensor, "sparse", {"sparsity": sparsity, "std": std}, seed, stream,
                       generator, threads, offset, offsets, global_shape)


def delta_orthogonal_(tensor, scale=1.0, column_axis=-1, generator=None, *, seed=None,
                      stream=None, threads=0):
    """JAX delta_orthogonal for a 3-, 4- or 5-D (*spatial, in, out) kernel."""
    return _structured(tensor, "delta_orthogonal", {"scale": scale, "column_axis": column_axis},
                       seed, stream, generator, threads)


def variance_scaling_jax_(tensor, scale=1.0, mode="fan_in", distribution="truncated_normal",
                          generator=None, *, in_axis=-2, out_axis=-1, batch_axis=(), seed=None,
                          stream=None, offset=None, offsets=None, global_shape=None, threads=0):
    """jax.nn.initializers.variance_scaling with in_axis, out_axis, batch_axis and the
    fan_geo_avg mode; fans from global_shape (default the tensor's shape)."""
    shape = tuple(tensor.shape) if global_shape is None else tuple(global_shape)
    dist = _core.jax_dist(shape, scale, mode, distribution, in_axis, out_axis, batch_axis)
    return _write(tensor, _place(offset, offsets, global_shape), ("dist", dist), seed, stream,
                  generator, threads)


def _fan_check(tensor):
    if tensor.dim() < 2:
        raise SimdinitError(_lib.ERR_BAD_SHAPE, "Fan in and fan out can not be computed for "
                            "tensor with fewer than 2 dimensions")


def _glob(tensor, global_shape):
    return tuple(tensor.shape) if global_shape is None else tuple(global_shape)


def xavier_uniform_(tensor, gain=1.0, generator=None, *, seed=None, stream=None, offset=None,
                    offsets=None, global_shape=None, threads=0):
    """U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)), as torch.nn.init.xavier_uniform_."""
    _fan_check(tensor)
    return _xavier(tensor, "xavier_uniform", gain, generator, seed, stream, offset, offsets,
                   global_shape, threads)


def xavier_normal_(tensor, gain=1.0, generator=None, *, seed=None, stream=None, offset=None,
                   offsets=None, global_shape=None, threads=0):
    """N(0, gain^2 * 2 / (fan_in + fan_out)), as torch.nn.init.xavier_normal_ (not truncated)."""
    _fan_check(tensor)
    return _xavier(tensor, "xavier_normal", gain, generator, seed, stream, offset, offsets,
                   global_shape, threads)


def _xavier(tensor, kind, gain, generator, seed, stream, offset, offsets, global_shape, threads):
    fi, fo = _core.fans(_glob(tensor, global_shape))
    if fi + fo == 0:
        raise SimdinitError(_lib.ERR_ZERO_FAN,
                            "fan_in + fan_out is 0")
    return _write(tensor, _place(offset, offsets, global_shape),
                  ("scheme", _core.make_scheme(kind, gain=gain)), seed, stream, generator, threads)


def _kaiming(tensor, kind, a, mode, nonlinearity, generator, seed, stream, offset, offsets,
             global_shape, threads):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    _fan_check(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise SimdinitError(_lib.ERR_BAD_ENUM, "Mode {} not supported, please use one of {}"
                            .format(mode, ["fan_in", "fan_out"]))
    calculate_gain(nonlinearity, a)   # torch's checks and messages
    s = _core.make_scheme(kind, nonlinearity=nonlinearity, a=a, mode=mode)
    return _write(tensor, _place(offset, offsets, global_shape), ("scheme", s), seed, stream,
                  generator, threads)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *,
                     seed=None, stream=None, offset=None, offsets=None, global_shape=None,
                     threads=0):
    """U(-b, b), b = sqrt(3) * gain / sqrt(fan), as torch.nn.init.kaiming_uniform_."""
    return _kaiming(tensor, "kaiming_uniform", a, mode, nonlinearity, generator, seed, stream,
                    offset, offsets, global_shape, threads)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *,
                    seed=None, stream=None, offset=None, offsets=None, global_shape=None,
                    threads=0):
    """N(0, gain^2 / fan), as torch.nn.init.kaiming_normal_ (not truncated)."""
    return _kaiming(tensor, "kaiming_normal", a, mode, nonlinearity, generator, seed, stream,
                    offset, offsets, global_shape, threads)


def scheme_(tensor, scheme, *, layout="torch", gain=None, nonlinearity=None, a=None, mode=None,
            scale=None, distribution=None, generator=None, seed=None, stream=None, offset=None,
            offsets=None, global_shape=None, threads=0):
    """Any scheme of the C library by name (simdinit.SCHEMES), including the Keras/JAX
    family (glorot_*, he_*, lecun_*, variance_scaling) and torch_linear. For
    torch_linear_bias pass the weight's shape as global_shape."""
    s = _core.make_scheme(scheme, gain, nonlinearity, a, mode, scale, distribution)
    if s.kind == _lib.SCHEMES["torch_linear_bias"]:
        if global_shape is None:
            raise SimdinitError(_lib.ERR_BAD_SHAPE,
                                "torch_linear_bias needs global_shape= (the weight's shape)")
        return _write(tensor, _place(offset, offsets, None),
                      ("dist", _core.scheme_dist(s, global_shape, layout)), seed, stream,
                      generator, threads, layout)
    return _write(tensor, _place(offset, offsets, global_shape), ("scheme", s), seed, stream,
                  generator, threads, layout)


for _n in _lib.SCHEMES:
    if _n + "_" not in globals():
        def _make(n):
            def f(tensor, **kw):
                return scheme_(tensor, n, **kw)
            f.__name__ = f.__qualname__ = n + "_"
            f.__doc__ = "scheme_(tensor, %r, **kw)" % n
            return f
        globals()[_n + "_"] = _make(_n)
        __all__.append(_n + "_")
del _n


# --- shards ------------------------------------------------------------------

def _dist_rank_world(rank, world_size):
    if rank is None or world_size is None:
        import torch.distributed as dist
        if not (dist.is_available() and dist.is_initialized()):
            raise SimdinitError(_lib.ERR_BAD_PARAM, "pass rank= and world_size=, or initialize "
                                "torch.distributed first")
        rank = dist.get_rank() if rank is None else rank
        world_size = dist.get_world_size() if world_size is None else world_size
    return rank, world_size


def shard(global_shape, dim, rank=None, world_size=None):
    """(offsets, local_shape) of this rank's shard of a tensor split along `dim`
    the way torch.chunk and DTensor's Shard(dim) split it (chunks of
    ceil(size / world_size), the last ones shorter or empty). rank and
    world_size default to torch.distributed's. Row parallelism of a Linear
    weight (out, in) is dim 0, column parallelism dim 1."""
    rank, world_size = _dist_rank_world(rank, world_size)
    return _core.shard(global_shape, dim, rank, world_size)


def shard_of(init_fn, global_shape, dim, *args, rank=None, world_size=None, dtype=None,
             device=None, **kwargs):
    """A new tensor holding this rank's shard (see shard()) of the tensor that
    init_fn(full_tensor, *args, **kwargs) would produce, bit for bit, without
    building the full tensor. init_fn is a simdinit.torch function; pass seed=."""
    offsets, local = shard(global_shape, dim, rank, world_size)
    t = _torch.empty(local, dtype=dtype or _torch.get_default_dtype(), device=device)
    return init_fn(t, *args, offsets=offsets, global_shape=tuple(global_shape), **kwargs)


# --- whole modules ---------------------------------------------------------------

def _torch_linear(weight_shape):
    return ("scheme", _core.make_scheme("torch_linear")), weight_shape


def _default_specs(mod):
    """{local parameter name: spec} for torch's own constructors' init of `mod`.
    A spec is ("dist", Dist), ("scheme", Scheme) or ("bias_of", weight shape)."""
    nn = _torch.nn
    out = {}
    p = dict(mod.named_parameters(recurse=False))
    if isinstance(mod, (nn.Linear, nn.Bilinear, nn.modules.conv._ConvNd)):
        if "weight" in p:
            out["weight"] = ("scheme", _core.make_scheme("torch_linear"))
        if p.get("bias") is not None and "weight" in p:
            out["bias"] = ("bias_of", tuple(p["weight"].shape))
        if isinstance(mod, nn.Bilinear):
            # nn.Bilinear: U(-1/sqrt(in1), 1/sqrt(in1)) for weight and bias.
            bound = 1.0 / math.sqrt(p["weight"].shape[1])
            out = {k: ("dist", _core.dist_uniform(-bound, bound)) for k in p}
    elif isinstance(mod, nn.Embedding) or isinstance(mod, nn.EmbeddingBag):
        out["weight"] = ("dist", _core.dist_normal(0.0, 1.0))
    elif isinstance(mod, (nn.LayerNorm, nn.GroupNorm, nn.modules.batchnorm._NormBase)):
        for k in p:
            out[k] = ("dist", _core.dist_constant(1.0 if k == "weight" else 0.0))
    elif isinstance(mod, nn.MultiheadAttention):
        for k in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            if p.get(k) is not None:
                out[k] = ("scheme", _core.make_scheme("xavier_uniform"))
        if p.get("in_proj_bias") is not None:
            out["in_proj_bias"] = ("dist", _core.dist_constant(0.0))
        for k in ("bias_k", "bias_v"):
            if p.get(k) is not None:
                out[k] = ("scheme", _core.make_scheme("xavier_normal"))
    elif isinstance(mod, nn.modules.rnn.RNNBase):
        bound = 1.0 / math.sqrt(mod.hidden_size) if mod.hidden_size > 0 else 0.0
        for k in p:
            out[k] = ("dist", _core.dist_uniform(-bound, bound))
    elif isinstance(mod, (nn.PReLU,)):
        out["weight"] = ("dist", _core.dist_constant(mod.init))
    return out


def _hf_specs(mod, initializer_range):
    nn = _torch.nn
    p = dict(mod.named_parameters(recurse=False))
    name = type(mod).__name__
    out = {}
    if isinstance(mod, (nn.Linear, nn.Embedding)) or name == "Conv1D":
        if "weight" in p:
            out["weight"] = ("dist", _core.dist_normal(0.0, initializer_range))
        if p.get("bias") is not None:
            out["bias"] = ("dist", _core.dist_constant(0.0))
    elif isinstance(mod, (nn.LayerNorm, nn.GroupNorm, nn.modules.batchnorm._NormBase)) or \
            "Norm" in name:
        for k in p:
            out[k] = ("dist", _core.dist_constant(1.0 if k == "weight" else 0.0))
    return out


def _spec_from_user(rule_value, what):
    """A user rule's value -> spec. Accepts a scheme or distribution name
    ("xavier_uniform", "zeros", "ones", "normal", ...), a dict {"dist": "normal",
    "std": 0.02} or {"scheme": "kaiming_uniform", "a": 2.2, ...}, or "skip"."""
    if rule_value == "skip":
        return "skip"
    if isinstance(rule_value, str) and rule_value in _core.STRUCTURED:
        return ("structured", "eye" if rule_value == "identity" else rule_value, {})
    if isinstance(rule_value, dict) and "init" in rule_value:
        d = dict(rule_value)
        kind = d.pop("init")
        if kind not in _core.STRUCTURED:
            raise SimdinitError(_lib.ERR_BAD_ENUM, "%s: unknown init %r (one of %s)"
                                % (what, kind, ", ".join(_core.STRUCTURED)))
        return ("structured", "eye" if kind == "identity" else kind, d)
    if isinstance(rule_value, str):
        if rule_value in ("zeros", "ones"):
            return ("dist", _core.dist_constant(0.0 if rule_value == "zeros" else 1.0))
        if rule_value in _lib.SCHEMES:
            return ("scheme", _core.make_scheme(rule_value))
        if rule_value in _lib.DIST_KINDS:
            rule_value = {"dist": rule_value}
        else:
            raise SimdinitError(_lib.ERR_BAD_ENUM, "%s: unknown init %r (a scheme of "
                                "simdinit.SCHEMES, uniform, normal, trunc_normal, zeros, ones, "
                                "skip, or a dict)" % (what, rule_value))
    if isinstance(rule_value, dict):
        d = dict(rule_value)
        if "scheme" in d:
            kind = d.pop("scheme")
            layout = d.pop("layout", "torch")
            return ("scheme", _core.make_scheme(kind, **d), layout)
        if "dist" in d:
            d["kind"] = d.pop("dist")
            return ("dist", _core.dist_from_dict(d))
    raise SimdinitTypeError(_lib.ERR_BAD_PARAM, "%s: an init rule value is a name, a dict or "
                            "'skip', got %r" % (what, rule_value))


def init_module(module, seed=0, *, rule=None, preset=None, initializer_range=0.02,
                unknown="error", threads=0, prefix=""):
    """Initialize every parameter of `module` (and reset BatchNorm running
    statistics) in one library call over its threads.

    Which init each parameter gets, first match wins:
      1. `rule`: a callable rule(name, param, module) returning an init or None,
         or a mapping {fnmatch pattern on the qualified name: init}, tried in order;
      2. `preset="hf"`: the Hugging Face convention: normal(0, initializer_range)
         for Linear, Conv1D and Embedding weights, zero biases, ones/zeros for
         norms (weight/bias);
      3. torch's own constructors' defaults (Linear, Bilinear, ConvNd and their
         transposes, Embedding(Bag), LayerNorm, GroupNorm, BatchNorm*/InstanceNorm*,
         MultiheadAttention, RNN/LSTM/GRU, PReLU).
    An init is a scheme name (simdinit.SCHEMES), "uniform"/"normal"/"trunc_normal"
    (their defaults), "zeros", "ones", "skip", a structured initializer
    ("orthogonal", "eye", "dirac", "sparse", "delta_orthogonal"), or a dict such as
    {"dist": "normal", "std": 0.02}, {"scheme": "kaiming_normal", "mode": "fan_out"}
    or {"init": "orthogonal", "gain": 2.0}.
    A parameter no rule covers raises SimdinitError (unknown="error") or is left
    untouched (unknown="skip").

    Each parameter's stream is stream_from_name(prefix + its qualified name),
    so its bits do not depend on the other parameters, their order, or the
    process: a layer initialized alone (with the same prefix) matches the same
    layer inside the model. Embedding rows at padding_idx are zeroed, as torch
    does. Returns the module."""
    if preset not in (None, "hf"):
        raise SimdinitError(_lib.ERR_BAD_ENUM, "unknown preset %r (None or 'hf')" % (preset,))
    if unknown not in ("error", "skip"):
        raise SimdinitError(_lib.ERR_BAD_PARAM, "unknown= must be 'error' or 'skip'")
    seed = _core.u64(seed, "seed")
    threads = _core.threads_arg(threads)
    if isinstance(rule, dict):
        patterns = list(rule.items())
        rule_fn = lambda name, p, m: next((v for pat, v in patterns  # noqa: E731
                                           if fnmatch.fnmatchcase(name, pat)), None)
    else:
        rule_fn = rule
    jobs, post, missing, seen, overrides = [], [], [], set(), {}
    for mname, mod in module.named_modules(prefix=prefix.rstrip(".")):
        defaults = _default_specs(mod)
        if isinstance(mod, _torch.nn.MultiheadAttention) and mod.out_proj.bias is not None:
            # MultiheadAttention._reset_parameters zeroes its out_proj's bias.
            overrides[(mname + "." if mname else "") + "out_proj.bias"] = (
                "dist", _core.dist_constant(0.0))
        hf = _hf_specs(mod, initializer_range) if preset == "hf" else {}
        for pname, param in mod.named_parameters(recurse=False):
            if param is None or id(param) in seen:
                continue
            seen.add(id(param))
            qual = (mname + "." if mname else "") + pname
            spec = None
            if rule_fn is not None:
                v = rule_fn(qual, param, mod)
                if v is not None:
                    spec = _spec_from_user(v, qual)
            if spec is None:
                spec = hf.get(pname) or overrides.get(qual) or defaults.get(pname)
            if spec is None:
                missing.append("%s (%s)" % (qual, type(mod).__name__))
                continue
            if spec == "skip":
                continue
            jobs.append((qual, param, spec))
        if isinstance(mod, (_torch.nn.Embedding,)) and mod.padding_idx is not None:
            post.append(("pad", mod))
        if isinstance(mod, _torch.nn.modules.batchnorm._NormBase):
            post.append(("bn", mod))
    if missing and unknown == "error":
        raise SimdinitError(_lib.ERR_BAD_PARAM, "no init rule for %d parameter(s): %s; pass "
                            "rule= or unknown='skip'" % (len(missing), ", ".join(missing[:8]) +
                                                         (" ..." if len(missing) > 8 else "")))
    structured = [j for j in jobs if j[2][0] == "structured"]
    jobs = [j for j in jobs if j[2][0] != "structured"]
    calls = []
    for qual, param, (_, kind, params) in structured:   # validated before any write
        if param.is_meta:
            continue
        fn = _core.structured_call(kind, tuple(param.shape), params, seed,
                                   _core.stream_from_name(qual), threads)
        try:
            _core.structured_check(fn, _dtype_code(param), param.numel(), kind)
        except SimdinitError as e:
            raise SimdinitError(e.status, "%s (%s)" % (qual, kind)) from None
        calls.append((qual, param, kind, params))
    _init_tensors(jobs, seed, threads)
    for qual, param, kind, params in calls:
        _structured(param, kind, params, seed, _core.stream_from_name(qual), None, threads)
    written = {id(j[1]) for j in jobs} | {id(c[1]) for c in calls}
    with _torch.no_grad():
        for what, mod in post:
            if what == "pad" and id(mod.weight) in written and not mod.weight.is_meta:
                mod.weight[mod.padding_idx].fill_(0)   # as Embedding.reset_parameters
            elif what == "bn" and mod.track_running_stats:
                mod.reset_running_stats()
    return module


def _init_tensors(jobs, seed, threads):
    """All jobs in one simdinit_init_tensors call; validated before any write."""
    import ctypes
    entries, keep, copies = [], [], []
    for qual, param, spec in jobs:
        if param.is_meta:
            continue
        code = _dtype_code(param)
        shape = tuple(param.shape)
        if spec[0] == "bias_of":
            dist = _core.scheme_dist(_core.make_scheme("torch_linear_bias"), spec[1], "torch")
        elif spec[0] == "scheme":
            layout = spec[2] if len(spec) > 2 else "torch"
            if len(shape) < 2 and layout == "torch":
                raise SimdinitError(_lib.ERR_BAD_SHAPE, "%s: scheme %s needs a tensor of 2 or "
                                    "more dimensions, got shape %s"
                                    % (qual, _core._scheme_label(spec[1]), shape))
            dist = _core.scheme_dist(spec[1], shape, layout)
        else:
            dist = spec[1]
        try:
            _core.validate(dist, code)
        except SimdinitError as e:
            raise SimdinitError(e.status, qual) from None
        if param.numel() == 0:
            continue
        if param.device.type == "cpu" and param.is_contiguous():
            target = param
        else:
            target = _torch.empty(shape, dtype=param.dtype)
            copies.append((param, target))
        name = qual.encode()
        keep.append(name)
        t = _lib.Tensor(name=name, out=target.data_ptr(), dtype=code, ndim=len(shape), layout=0,
                        scheme=None, dist=dist, seed=seed, stream=_core.stream_from_name(qual))
        for i, d in enumerate(shape):
            t.shape[i] = d
        if not shape:
            t.ndim = 0
        entries.append((t, param, target))
    if not entries:
        return
    arr = (_lib.Tensor * len(entries))(*[e[0] for e in entries])
    failed = ctypes.c_size_t(0)
    st = _lib.lib.simdinit_init_tensors(arr, len(entries), threads, ctypes.byref(failed))
    if st != _lib.OK:
        raise SimdinitError(st, "init_module: %s" % entries[failed.value][0].name.decode())
    with _torch.no_grad():
        for param, tmp in copies:
            param.copy_(tmp)
    for _, param, target in entries:
        if target is param:
            _bump_version(param)
