#!/usr/bin/env bash
# run_all.sh — configure from scratch, build, run the test suites CI runs, and
# end with one line "N passed, N failed" (meson tests, counted from
# build/meson-logs/testlog.json). Exit status 0 only when nothing failed.
#
# Usage: bash tests/run_all.sh [--install]
#   --install   first install the build and test dependencies with apt-get
#               (Debian 12; needs root, or sudo)
# Env:  BUILD_DIR (default build), SUITES (default "fast tools"; `long` adds
#       the exhaustive and statistical validation, ~20+ minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
SUITES=${SUITES:-fast tools}

if [[ ${1:-} == --install ]]; then
    SUDO=
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    # Open MPI: the examples/ tests. qemu-user and the aarch64 cross toolchain
    # serve tests/run_aarch64.sh and the qemu suite; harmless where unused.
    $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y \
        meson ninja-build pkg-config gcc g++ libcriterion-dev libbenchmark-dev \
        python3 python3-numpy python3-scipy libopenmpi-dev openmpi-bin \
        qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--install]" >&2
    exit 2
fi

# A clean configure every time: CI must not depend on a stale build folder.
rm -rf "$BUILD_DIR"
if ! meson setup "$BUILD_DIR" || ! ninja -C "$BUILD_DIR"; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

suite_args=()
for s in $SUITES; do
    suite_args+=(--suite "$s")
done
unset SIMDINIT_BACKEND SIMDINIT_NUM_THREADS
set +e
meson test -C "$BUILD_DIR" "${suite_args[@]}" --print-errorlogs
rc=$?
set -e

# Count results; a missing or unreadable log counts as one failure.
counts=$(python3 - "$BUILD_DIR/meson-logs/testlog.json" <<'PY' || echo "0 1"
import json, sys
passed = failed = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result", "ERROR")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result != "SKIP":
            failed += 1
print(passed, failed)
PY
)
read -r passed failed <<<"$counts"
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    failed=1   # meson itself failed (e.g. an unknown suite)
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
