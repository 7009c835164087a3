"""simdinit: neural-network initial weights, fast and with the same bits on
every CPU, thread count, shard and process.

    import simdinit                      # needs neither numpy nor torch
    w = simdinit.normal((768, 3072), std=0.02, seed=1)      # numpy (lazy import)
    import simdinit.torch as init        # drop-in for torch.nn.init
    init.kaiming_uniform_(layer.weight, a=math.sqrt(5), seed=1)

Element i of a tensor depends only on (seed, stream, i), the distribution and
the dtype (docs/STREAM.md). docs/PYTHON.md is the guide; simdinit.numpy and
simdinit.torch hold the array and tensor functions. The numpy functions are
also reachable from the package root (simdinit.uniform_, simdinit.normal, ...).
"""
import ctypes as _ctypes

from . import _core, _lib
from ._lib import SimdinitError, SimdinitTypeError, library_path, library_version, stream_version
from ._version import __version__

__all__ = ["__version__", "library_version", "library_path", "stream_version", "SimdinitError",
           "SimdinitTypeError", "stream_from_name", "fans", "gain", "default_threads",
           "set_backend", "active_backend", "backends", "SCHEMES", "NONLINEARITIES", "chunk_range",
           "shard"]

SCHEMES = tuple(_lib.SCHEMES)
NONLINEARITIES = tuple(_lib.NONLINEARITIES)
stream_from_name = _core.stream_from_name
fans = _core.fans
gain = _core.gain
chunk_range = _core.chunk_range
shard = _core.shard


def default_threads():
    """The thread count a fill with threads=0 uses (SIMDINIT_NUM_THREADS or the cores)."""
    return _lib.lib.simdinit_default_threads()


def backends():
    """{name: usable} for every backend the library knows."""
    out, v = {}, 0
    while True:
        n = _lib.lib.simdinit_backend_name(v)
        if n is None:
            return out
        out[n.decode()] = bool(_lib.lib.simdinit_backend_usable(v))
        v += 1


def set_backend(name):
    """Force a backend ("auto", "scalar", "avx2", "avx512", "neon") for the process.
    The bits never depend on it; only the speed does."""
    b = _ctypes.c_int()
    _lib.check(_lib.lib.simdinit_backend_from_name(str(name).encode(), _ctypes.byref(b)),
               "backend %r" % (name,))
    _lib.check(_lib.lib.simdinit_set_backend(b.value), "backend %r" % (name,))


def active_backend():
    return _lib.lib.simdinit_backend_name(_lib.lib.simdinit_active_backend()).decode()


def __getattr__(name):
    # The numpy front end at the package root, imported on first use so that
    # `import simdinit` works without numpy.
    if not name.startswith("_") and name not in ("numpy", "torch"):
        import importlib
        try:
            np_api = importlib.import_module(__name__ + ".numpy")
        except ImportError as e:
            raise AttributeError("simdinit.%s needs numpy (%s)" % (name, e)) from None
        if name in np_api.__all__:
            return getattr(np_api, name)
    raise AttributeError("module 'simdinit' has no attribute %r" % (name,))
