"""Fixtures for the Python package's tests (tests/python/run.sh runs them
against the package installed by `pip install .`).

SIMDINIT_CLI: the `simdinit` program of the same checkout (default: build/tools/simdinit);
its .npy output is the independent reference the binding is compared with.
SIMDINIT_INCLUDE: the folder of simdinit.h (default: include/ of this checkout)."""
import os
import subprocess

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("SIMDINIT_CLI", os.path.join(ROOT, "build", "tools", "simdinit"))
    if not os.access(path, os.X_OK):
        pytest.fail("no simdinit program at %s: build it, or set SIMDINIT_CLI" % path)
    return path


@pytest.fixture()
def cli_fill(cli, tmp_path):
    """cli_fill(dtype, *args) -> the array `simdinit fill` writes (bf16 as uint16)."""
    counter = [0]

    def run(dtype, *args):
        counter[0] += 1
        out = tmp_path / ("ref%d.npy" % counter[0])
        cmd = [cli, "fill", "--dtype", dtype, "--out", str(out)]
        cmd += [str(a) for a in args]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return np.load(out)
    return run


@pytest.fixture(scope="session")
def include_dir():
    return os.environ.get("SIMDINIT_INCLUDE", os.path.join(ROOT, "include"))
