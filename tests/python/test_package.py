"""The package itself: loading, versions, struct layouts, imports without
numpy or torch, the error type, enums read from the library."""
import ctypes
import os
import subprocess
import sys
import textwrap

import pytest

import simdinit
from simdinit import _lib


def run_py(code, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=e, cwd="/")


def test_versions_match():
    assert simdinit.__version__ == simdinit.library_version
    assert os.path.exists(simdinit.library_path)


def test_stream_version_is_the_librarys():
    from simdinit import _lib
    assert simdinit.stream_version == _lib.lib.simdinit_stream_version()
    assert isinstance(simdinit.stream_version, int) and simdinit.stream_version >= 1


def test_import_needs_neither_numpy_nor_torch():
    r = run_py("""
        import sys
        sys.modules['numpy'] = None; sys.modules['torch'] = None
        import simdinit
        print(simdinit.stream_from_name('a'), sorted(simdinit.backends()))
        try:
            simdinit.normal
        except AttributeError as e:
            print('needs numpy' in str(e))
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == str(0xaf63dc4c8601ec8c)
    assert r.stdout.strip().endswith("True")


def test_bad_library_path_is_an_import_error_that_says_what_was_tried():
    r = run_py("import simdinit", {"SIMDINIT_LIBRARY": "/nonexistent/libsimdinit.so"})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "SIMDINIT_LIBRARY: /nonexistent/libsimdinit.so" in r.stderr
    assert "Fix:" in r.stderr


def test_library_from_environment_is_used(tmp_path):
    r = run_py("import simdinit; print(simdinit.library_path)",
               {"SIMDINIT_LIBRARY": simdinit.library_path})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == simdinit.library_path


def test_meson_install_with_python_option():
    """`meson install -Dpython=enabled` (tests/python/run.sh installs into a scratch
    prefix): the package imports from there and loads the library it installed,
    found through the recorded libdir, with no SIMDINIT_LIBRARY."""
    prefix = os.environ.get("SIMDINIT_MESON_PREFIX")
    if not prefix:
        pytest.skip("set SIMDINIT_MESON_PREFIX (tests/python/run.sh does)")
    pkgs = [root for root, dirs, files in os.walk(prefix)
            if os.path.basename(root) == "simdinit" and "__init__.py" in files]
    assert len(pkgs) == 1, pkgs
    env = {"PYTHONPATH": os.path.dirname(pkgs[0]), "SIMDINIT_LIBRARY": ""}
    r = subprocess.run(["/usr/bin/python3", "-c",
                        "import simdinit, simdinit.numpy as n; print(simdinit.library_path); "
                        "print(n.normal((5,), seed=3).tobytes().hex())"],
                       capture_output=True, text=True, env=dict(os.environ, **env), cwd="/")
    assert r.returncode == 0, r.stderr
    path, values = r.stdout.split()
    assert os.path.realpath(path).startswith(os.path.realpath(prefix))
    import simdinit.numpy as snp
    assert values == snp.normal((5,), seed=3).tobytes().hex()


def test_version_mismatch_is_reported():
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert not _lib.check_versions("9.9.9", simdinit.library_version, simdinit.library_path)
        assert _lib.check_versions(simdinit.__version__, simdinit.library_version, "x")
    assert len(w) == 1 and w[0].category is RuntimeWarning
    assert "9.9.9" in str(w[0].message) and simdinit.library_path in str(w[0].message)
    r = run_py("import warnings; warnings.simplefilter('error'); import simdinit")
    assert r.returncode == 0, r.stderr


C_LAYOUT = r"""
#include <stddef.h>
#include <stdio.h>
#include <simdinit.h>
#define P(T, f) printf(#T "." #f " %zu\n", offsetof(T, f))
int main(void) {
    printf("dist %zu\nscheme %zu\ntensor %zu\n", sizeof(simdinit_dist), sizeof(simdinit_scheme),
           sizeof(simdinit_tensor));
    P(simdinit_dist, kind); P(simdinit_dist, low); P(simdinit_dist, high); P(simdinit_dist, mean);
    P(simdinit_dist, std); P(simdinit_dist, a); P(simdinit_dist, b); P(simdinit_dist, value);
    P(simdinit_scheme, kind); P(simdinit_scheme, gain); P(simdinit_scheme, nonlinearity);
    P(simdinit_scheme, a); P(simdinit_scheme, mode); P(simdinit_scheme, scale);
    P(simdinit_scheme, distribution);
    P(simdinit_tensor, name); P(simdinit_tensor, out); P(simdinit_tensor, dtype);
    P(simdinit_tensor, shape); P(simdinit_tensor, ndim); P(simdinit_tensor, layout);
    P(simdinit_tensor, scheme); P(simdinit_tensor, dist); P(simdinit_tensor, seed);
    P(simdinit_tensor, stream);
    printf("maxndim %d\n", SIMDINIT_MAX_NDIM);
    return 0;
}
"""


def test_struct_layouts_match_the_header(tmp_path, include_dir):
    src = tmp_path / "layout.c"
    src.write_text(C_LAYOUT)
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", "-I", include_dir, str(src), "-o", str(exe)], check=True)
    got = dict(line.split() for line in subprocess.check_output([str(exe)], text=True).splitlines())
    assert int(got["dist"]) == ctypes.sizeof(_lib.Dist)
    assert int(got["scheme"]) == ctypes.sizeof(_lib.Scheme)
    assert int(got["tensor"]) == ctypes.sizeof(_lib.Tensor)
    assert int(got["maxndim"]) == _lib.MAX_NDIM
    for cname, py in (("simdinit_dist", _lib.Dist), ("simdinit_scheme", _lib.Scheme),
                      ("simdinit_tensor", _lib.Tensor)):
        for field, _ in py._fields_:
            assert int(got["%s.%s" % (cname, field)]) == getattr(py, field).offset, field


def test_error_type():
    with pytest.raises(simdinit.SimdinitError) as e:
        simdinit.gain("nope")
    assert isinstance(e.value, ValueError) and isinstance(e.value, RuntimeError)
    assert e.value.status == 6 and e.value.status_name == "SIMDINIT_ERR_BAD_ENUM"
    assert e.value.reason == _lib.strerror(6)
    with pytest.raises(simdinit.SimdinitError) as e:
        simdinit.fans((3,), "torch")
    assert e.value.status_name == "SIMDINIT_ERR_BAD_SHAPE"


def test_enums_come_from_the_library():
    assert "xavier_uniform" in simdinit.SCHEMES and "variance_scaling" in simdinit.SCHEMES
    assert "leaky_relu" in simdinit.NONLINEARITIES
    for i, n in enumerate(simdinit.SCHEMES):
        assert _lib.lib.simdinit_scheme_name(i).decode() == n


def test_stream_from_name():
    # Published FNV-1a 64 test vectors.
    assert simdinit.stream_from_name("") == 0xcbf29ce484222325
    assert simdinit.stream_from_name("foobar") == 0x85944171f73967e8
    with pytest.raises(simdinit.SimdinitError):
        simdinit.stream_from_name("a\0b")


def test_backends_and_set_backend():
    b = simdinit.backends()
    assert b["scalar"] and b["auto"]
    with pytest.raises(simdinit.SimdinitError):
        simdinit.set_backend("avx1024")


def test_fans_and_gain_match_the_formulas():
    assert simdinit.fans((20, 30, 3, 3)) == (30 * 9, 20 * 9)
    assert simdinit.fans((3, 3, 30, 20), "keras") == (30 * 9, 20 * 9)
    import math
    assert simdinit.gain("relu") == math.sqrt(2.0)
    assert simdinit.gain("leaky_relu", 0.2) == math.sqrt(2.0 / (1 + 0.2 ** 2))
