#!/usr/bin/env bash
# run_all.sh — configure from scratch, build, run the test suites CI runs, and
# end with one line "N passed, N failed" (meson tests, counted from
# build/meson-logs/testlog.json). Exit status 0 only when nothing failed.
#
# Usage: bash tests/run_all.sh [--install]
#   --install   first install the build and test dependencies with apt-get
#               (Debian 12; needs root, or sudo)
# Env:  BUILD_DIR (default build), SUITES (default "fast tools qemu": qemu runs
#       the conformance executable under qemu-x86_64 -cpu Nehalem; `long` adds
#       the exhaustive and statistical validation, ~20+ minutes),
#       AARCH64 (default 1: also cross-build for aarch64 and run the NEON and
#       scalar conformance and checkasm under qemu-aarch64, tests/run_aarch64.sh),
#       PYTHON (default 1: `pip install .` into a venv and run the pytest suite
#       of tests/python against it, tests/python/run.sh),
#       SANITIZERS (default 1: tests/run_sanitizers.sh and tests/fuzz/run_fuzz.sh),
#       FUZZ_SECONDS (default 90 per libFuzzer harness)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
SUITES=${SUITES:-fast tools qemu}

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
        qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
        python3-venv python3-pip python3-mesonpy python3-pytest python3-torch \
        clang-14 llvm-14 valgrind cmake
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
echo "meson tests: $passed passed, $failed failed"

# run_step LABEL COMMAND...: run a script that ends with "N passed, N failed",
# show its output, and add its counts to the totals (no such line, or a
# non-zero exit with no failure counted, is one failure).
run_step() {
    local label=$1 log rc line p f
    shift
    log=$(mktemp)
    set +e
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
    rm -f "$log"
    if [[ -n $line ]]; then
        read -r p _ f _ <<<"$line"
    else
        p=0 f=1
    fi
    if [[ $rc -ne 0 && $f -eq 0 ]]; then
        f=1
    fi
    echo "$label: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
}

# The Python package, installed as users install it, and its pytest suite.
if [[ ${PYTHON:-1} == 1 ]]; then
    run_step python bash tests/python/run.sh "$BUILD_DIR"
fi

# The library as a dependency: installed, then built against with pkg-config,
# CMake and as a meson subproject (tests/consumers/run.sh).
run_step consumers bash tests/consumers/run.sh "$BUILD_DIR"

# Cross-architecture: the same golden bits on aarch64 (NEON and scalar).
if [[ ${AARCH64:-1} == 1 ]]; then
    run_step aarch64 env BUILD_DIR="${AARCH64_BUILD_DIR:-build-aarch64}" \
        X86_BUILD_DIR="$BUILD_DIR" sh tests/run_aarch64.sh
fi

# Sanitizers (ASan+UBSan fast and tools suites, TSan threaded and fork tests,
# valgrind CLI runs) and every libFuzzer harness of tests/fuzz/ for
# FUZZ_SECONDS each.
if [[ ${SANITIZERS:-1} == 1 ]]; then
    run_step sanitizers sh tests/run_sanitizers.sh "$BUILD_DIR"
    run_step fuzz env FUZZ_BUILD="$BUILD_DIR-fuzz" sh tests/fuzz/run_fuzz.sh "${FUZZ_SECONDS:-90}"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
