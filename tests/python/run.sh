#!/usr/bin/env bash
# run.sh — install the Python package the way a user does (`pip install .`
# into a fresh venv that sees Debian's numpy and torch), then run the pytest
# suite in tests/python against that installed copy, from outside the source
# tree; and `meson install -Dpython=enabled` into a scratch prefix, which
# test_package.py imports from. Needs the `simdinit` program built in BUILD_DIR
# (the independent reference the tests compare with).
#
# Usage: bash tests/python/run.sh [BUILD_DIR]     (default: build)
# Prints pytest's summary; exit status 0 only when every test passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
[[ $build = /* ]] || build=$root/$build
py=/usr/bin/python3
venv=$build/pyvenv
rm -rf "$venv"
"$py" -m venv --system-site-packages "$venv"
# No PyPI here: meson-python, numpy and torch come from Debian's packages.
"$venv/bin/pip" install --quiet --no-build-isolation --no-index --no-deps "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The other way in: `meson install` with -Dpython=enabled into a scratch
# prefix (test_package.py imports the package from there).
prefix=$work/prefix
meson setup "$work/mesonbuild" "$root" --prefix "$prefix" -Dpython=enabled -Dtools=disabled \
    -Dtests=disabled -Dbench=disabled -Dexamples=disabled >"$work/meson-setup.log" 2>&1 ||
    { cat "$work/meson-setup.log"; exit 1; }
meson install -C "$work/mesonbuild" >"$work/meson-install.log" 2>&1 ||
    { cat "$work/meson-install.log"; exit 1; }
cd "$work"
SIMDINIT_CLI=$build/tools/simdinit SIMDINIT_INCLUDE=$root/include SIMDINIT_MESON_PREFIX=$prefix \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q "$root/tests/python"
