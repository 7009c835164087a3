"""Loading libsimdinit through ctypes, its prototypes, and the error type.

The library is found, in this order:
  1. the path in the environment variable SIMDINIT_LIBRARY (when it is set,
     nothing else is tried: a wrong path is an error, not a silent fallback);
  2. a copy installed beside the package: simdinit/libsimdinit.so*, or the
     folder a meson-python wheel bundles it in (.simdinit.mesonpy.libs/);
  3. the library directory recorded by `meson install -Dpython=enabled`
     (simdinit/_build_config.py);
  4. the system's loader (the soname libsimdinit.so.0.MINOR, libsimdinit.so,
     ctypes.util.find_library).
ctypes releases the GIL for the duration of every call into a CDLL, so fills
from several Python threads run at the same time.
"""
import ctypes
import ctypes.util
import glob
import os
import warnings

from ._version import __version__

MAX_NDIM = 16


class SimdinitError(ValueError, RuntimeError):
    """Every error of simdinit, in C or in the binding.

    It derives from ValueError and from RuntimeError, so code written for
    torch.nn.init (which raises one or the other for bad input) catches it.
    ``status`` is the simdinit_status value (an int), ``status_name`` its
    enum name and ``reason`` simdinit_strerror's text. Nothing was written to
    the output when it is raised.
    """

    def __init__(self, status, detail=None):
        self.status = int(status)
        self.status_name = STATUS_NAMES.get(self.status, "SIMDINIT_ERR_%d" % self.status)
        self.reason = strerror(self.status)
        self.detail = detail
        msg = self.reason if not detail else "%s: %s" % (detail, self.reason)
        super().__init__("%s [%s]" % (msg, self.status_name))


class SimdinitTypeError(SimdinitError, TypeError):
    """An unsupported dtype or object type (also a TypeError)."""


STATUS_NAMES = {
    0: "SIMDINIT_OK", 1: "SIMDINIT_ERR_NULL", 2: "SIMDINIT_ERR_NONFINITE",
    3: "SIMDINIT_ERR_NEGATIVE_STD", 4: "SIMDINIT_ERR_LOW_GT_HIGH",
    5: "SIMDINIT_ERR_EMPTY_TRUNC", 6: "SIMDINIT_ERR_BAD_ENUM", 7: "SIMDINIT_ERR_ZERO_FAN",
    8: "SIMDINIT_ERR_OVERFLOW", 9: "SIMDINIT_ERR_RANGE", 10: "SIMDINIT_ERR_BAD_SHAPE",
    11: "SIMDINIT_ERR_OUT_OF_TENSOR", 12: "SIMDINIT_ERR_BAD_PARAM",
    13: "SIMDINIT_ERR_BACKEND_UNAVAILABLE", 14: "SIMDINIT_ERR_BAD_ENV",
    15: "SIMDINIT_ERR_NOMEM",
}
OK, ERR_NULL, ERR_BAD_ENUM, ERR_ZERO_FAN, ERR_OVERFLOW = 0, 1, 6, 7, 8
ERR_BAD_SHAPE, ERR_OUT_OF_TENSOR, ERR_BAD_PARAM = 10, 11, 12


class Dist(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("low", ctypes.c_double), ("high", ctypes.c_double),
                ("mean", ctypes.c_double), ("std", ctypes.c_double), ("a", ctypes.c_double),
                ("b", ctypes.c_double), ("value", ctypes.c_double)]


class Scheme(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("gain", ctypes.c_double),
                ("nonlinearity", ctypes.c_int), ("a", ctypes.c_double), ("mode", ctypes.c_int),
                ("scale", ctypes.c_double), ("distribution", ctypes.c_int)]


class Tensor(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("out", ctypes.c_void_p), ("dtype", ctypes.c_int),
                ("shape", ctypes.c_uint64 * MAX_NDIM), ("ndim", ctypes.c_int),
                ("layout", ctypes.c_int), ("scheme", ctypes.POINTER(Scheme)), ("dist", Dist),
                ("seed", ctypes.c_uint64), ("stream", ctypes.c_uint64)]


class Axes(ctypes.Structure):
    _fields_ = [("in_axes", ctypes.c_int * MAX_NDIM), ("n_in", ctypes.c_int),
                ("out_axes", ctypes.c_int * MAX_NDIM), ("n_out", ctypes.c_int),
                ("batch_axes", ctypes.c_int * MAX_NDIM), ("n_batch", ctypes.c_int)]


# The library's soname (meson.build's ABI policy: 0.MINOR while the version is 0.x).
_V = __version__.split(".")
_SONAME = "libsimdinit.so." + ("0." + _V[1] if _V[0] == "0" else _V[0])


def _candidates():
    """[(how it was found, path or soname)] in search order."""
    env = os.environ.get("SIMDINIT_LIBRARY")
    if env:
        return [("SIMDINIT_LIBRARY", env)]
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for d in (here, os.path.join(os.path.dirname(here), ".simdinit.mesonpy.libs")):
        for p in sorted(glob.glob(os.path.join(d, "libsimdinit.so*")), key=len):
            found.append(("beside the package", p))
    try:
        from . import _build_config  # written by meson install -Dpython=enabled
        for p in sorted(glob.glob(os.path.join(_build_config.LIBDIR, "libsimdinit.so*")), key=len):
            found.append(("meson install libdir", p))
    except ImportError:
        pass
    found += [("system loader", _SONAME), ("system loader", "libsimdinit.so")]
    util = ctypes.util.find_library("simdinit")
    if util:
        found.append(("ctypes.util.find_library", util))
    return found


def _load():
    tried = []
    for how, path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("  %s: %s (%s)" % (how, path, e))
    raise ImportError(
        "simdinit: cannot load libsimdinit. Tried:\n" + "\n".join(tried) +
        "\nFix: `pip install .` from a simdinit checkout (it bundles the library), or build it "
        "(meson setup build && ninja -C build) and set "
        "SIMDINIT_LIBRARY=/path/to/build/libsimdinit.so, or install it where the system's "
        "loader finds it (meson install; ldconfig).")


lib, library_path = _load()

_u64, _i, _d = ctypes.c_uint64, ctypes.c_int, ctypes.c_double
_sz, _vp = ctypes.c_size_t, ctypes.c_void_p
_P = ctypes.POINTER
_PROTOS = {
    "simdinit_strerror": (ctypes.c_char_p, [_i]),
    "simdinit_version": (ctypes.c_char_p, []),
    "simdinit_stream_version": (_i, []),
    "simdinit_dtype_size": (_sz, [_i]),
    "simdinit_dtype_name": (ctypes.c_char_p, [_i]),
    "simdinit_dist_check": (_i, [_P(Dist), _i]),
    "simdinit_fill": (_i, [_vp, _i, _sz, _u64, _u64, _u64, _P(Dist)]),
    "simdinit_fill_mt": (_i, [_vp, _i, _sz, _u64, _u64, _u64, _P(Dist), _i]),
    "simdinit_constant": (_i, [_vp, _i, _sz, _d]),
    "simdinit_fans": (_i, [_P(_u64), _i, _i, _P(_u64), _P(_u64)]),
    "simdinit_numel": (_i, [_P(_u64), _i, _P(_u64)]),
    "simdinit_gain": (_i, [_i, _d, _P(_d)]),
    "simdinit_nonlinearity_name": (ctypes.c_char_p, [_i]),
    "simdinit_scheme_name": (ctypes.c_char_p, [_i]),
    "simdinit_scheme_default": (Scheme, [_i]),
    "simdinit_scheme_dist_fans": (_i, [_P(Scheme), _u64, _u64, _P(Dist)]),
    "simdinit_scheme_dist": (_i, [_P(Scheme), _P(_u64), _i, _i, _P(Dist)]),
    "simdinit_fill_scheme_mt": (_i, [_vp, _i, _P(_u64), _i, _i, _P(Scheme), _sz, _u64, _u64,
                                     _u64, _i]),
    "simdinit_init_tensors": (_i, [_P(Tensor), _sz, _i, _P(_sz)]),
    "simdinit_fill_shard": (_i, [_vp, _sz, _i, _u64, _u64, _u64, _u64, _u64, _u64, _u64, _u64,
                                 _P(Dist)]),
    "simdinit_stream_from_name": (_i, [ctypes.c_char_p, _P(_u64)]),
    "simdinit_default_threads": (_i, []),
    "simdinit_orthogonal": (_i, [_vp, _i, _u64, _u64, _d, _u64, _u64, _i]),
    "simdinit_orthogonal_axis": (_i, [_vp, _i, _P(_u64), _i, _i, _d, _u64, _u64, _i]),
    "simdinit_eye": (_i, [_vp, _i, _u64, _u64, _d]),
    "simdinit_dirac": (_i, [_vp, _i, _P(_u64), _i, _u64]),
    "simdinit_delta_orthogonal": (_i, [_vp, _i, _P(_u64), _i, _i, _d, _u64, _u64, _i]),
    "simdinit_sparse": (_i, [_vp, _i, _u64, _u64, _d, _d, _u64, _u64, _i]),
    "simdinit_fans_axes": (_i, [_P(_u64), _i, _P(Axes), _P(_d), _P(_d)]),
    "simdinit_variance_scaling_jax": (_i, [_d, _i, _i, _d, _d, _P(Dist)]),
    "simdinit_backend_name": (ctypes.c_char_p, [_i]),
    "simdinit_backend_from_name": (_i, [ctypes.c_char_p, _P(_i)]),
    "simdinit_backend_usable": (_i, [_i]),
    "simdinit_set_backend": (_i, [_i]),
    "simdinit_active_backend": (_i, []),
    "simdinit_env_status": (_i, []),
}
for _name, (_res, _args) in _PROTOS.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError:
        raise ImportError("simdinit: %s (loaded from %s) lacks %s: it is older than this "
                          "package (%s); rebuild or reinstall both from one checkout"
                          % ("libsimdinit", library_path, _name, __version__)) from None
    _f.restype, _f.argtypes = _res, _args


def strerror(status):
    return lib.simdinit_strerror(int(status)).decode()


def check_versions(package_version, lib_version, path):
    """Warn (RuntimeWarning) when the package and the library it loaded differ."""
    if lib_version != package_version:
        warnings.warn("simdinit: the Python package is %s but the library it loaded (%s) is %s; "
                      "reinstall both from one checkout" % (package_version, path, lib_version),
                      RuntimeWarning, stacklevel=3)
        return False
    return True


library_version = lib.simdinit_version().decode()
# The bit stream's version (docs/STREAM.md): a seed names the same values under
# every library of the same stream version.
stream_version = lib.simdinit_stream_version()
check_versions(__version__, library_version, library_path)


def check(status, detail=None):
    if status != OK:
        raise SimdinitError(status, detail)


def _names(fn):
    """{name: value} of a C enum from its _name() function (values 0, 1, ... until NULL)."""
    out, v = {}, 0
    while True:
        n = fn(v)
        if n is None:
            return out
        out[n.decode()] = v
        v += 1


DTYPES = _names(lib.simdinit_dtype_name)               # f32, f64, bf16, f16
NONLINEARITIES = _names(lib.simdinit_nonlinearity_name)
SCHEMES = _names(lib.simdinit_scheme_name)
# Enums the C library has no name functions for (include/simdinit.h).
DIST_KINDS = {"uniform": 0, "normal": 1, "trunc_normal": 2, "constant": 3}
LAYOUTS = {"torch": 0, "keras": 1}
FAN_MODES = {"fan_in": 0, "fan_out": 1, "fan_avg": 2}
JAX_FAN_MODES = {"fan_in": 0, "fan_out": 1, "fan_avg": 2, "fan_geo_avg": 3}
VS_DISTRIBUTIONS = {"truncated_normal": 0, "untruncated_normal": 1, "uniform": 2}
