#!/usr/bin/env bash
# run.sh — install the Python package the way a user does (`pip install .`
# into a fresh venv that sees Debian's numpy and torch), then run the pytest
# suite in tests/python against that installed copy, from outside the source
# tree; and `meson install -Dpython=enabled` into a scratch prefix, which
# test_package.py imports from. Needs the `simdinit` program built in BUILD_DIR
# (the independent reference the tests compare with).
#
# Usage: bash tests/python/run.sh [BUILD_DIR]     (default: build)
# Prints pytest's output, then "N passed, N failed"; exit status 0 only when
# every test passed.
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
set +e
SIMDINIT_CLI=$build/tools/simdinit SIMDINIT_INCLUDE=$root/include SIMDINIT_MESON_PREFIX=$prefix \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q "$root/tests/python" | tee "$work/pytest.log"
rc=${PIPESTATUS[0]}
set -e
# pytest's summary ("3 failed, 120 passed, 1 skipped in 9.1s") as the plain
# closing line tests/run_all.sh adds up; errors count as failures.
"$py" - "$work/pytest.log" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1], errors="replace").read().splitlines()
         if re.search(r"\d+ (passed|failed|errors?)\b", l) and " in " in l]
p = f = 0
for n, what in re.findall(r"(\d+) (passed|failed|errors?)", lines[-1] if lines else ""):
    if what == "passed":
        p = int(n)
    else:
        f += int(n)
print("%d passed, %d failed" % (p, f))
PY
exit "$rc"
