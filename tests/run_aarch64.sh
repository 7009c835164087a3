#!/bin/sh
# run_aarch64.sh — cross-build simdinit for AArch64 and prove it under qemu-user.
#
# What it checks (each line counts as one check in the final tally):
#  1. a fresh cross build (cross/aarch64-linux-gnu.ini) of the library,
#     tests/conformance and tests/checkasm/checkasm;
#  2. fused multiply-add (FMLA/FMLS/FMADD/FMSUB/FNMADD/FNMSUB) only where the
#     value path writes it: every compile has -ffp-contract=off (GCC would fuse
#     on its own otherwise) and no object but the scalar and NEON kernels
#     holds a fused instruction;
#  3. conformance (golden vectors pinned on x86 + split invariance, every
#     usable backend) with automatic dispatch on a Cortex-A72 — which must pick
#     neon — then with SIMDINIT_BACKEND=scalar (--full: also on qemu's `max`
#     CPU, SVE present, where dispatch must still pick neon);
#  4. checkasm: NEON against the scalar reference, bit for bit, over lengths
#     0..1100, block-crossing offsets and misaligned outputs with guard pages
#     and canaries.
# Exits nonzero on any failure; the last line is "N passed, N failed", where a
# program's own checks are added to the tally.
#
# Usage: tests/run_aarch64.sh [--full]
#        --full: also checkasm's large fills and the `max` CPU run (about 5 more
#        minutes). Default: ~5 minutes of qemu CPU time on an idle x86 core.
# Env:   BUILD_DIR (default build-aarch64), X86_BUILD_DIR (default build: its
#        tests/structured_hash is compared with the aarch64 one), QEMU (default qemu-aarch64),
#        TEST_TIMEOUT (seconds per program under qemu, default 1800),
#        SYSROOT (default /usr/aarch64-linux-gnu), CROSS_PREFIX (aarch64-linux-gnu-)
# Needs: gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, binutils, qemu-user, meson, ninja.
set -u
unset SIMDINIT_BACKEND SIMDINIT_NUM_THREADS

cd "$(dirname "$0")/.." || exit 1
BUILD_DIR=${BUILD_DIR:-build-aarch64}
QEMU=${QEMU:-qemu-aarch64}
SYSROOT=${SYSROOT:-/usr/aarch64-linux-gnu}
CROSS_PREFIX=${CROSS_PREFIX:-aarch64-linux-gnu-}
TEST_TIMEOUT=${TEST_TIMEOUT:-1800}
CHECKASM_ARGS=--no-large
FULL=0
case "${1:-}" in
    --full) FULL=1 CHECKASM_ARGS= ;;
    "") ;;
    *) echo "usage: $0 [--full]" >&2; exit 2 ;;
esac

passed=0
failed=0
t0=$(date +%s)

ok()   { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
    echo "run_aarch64: $(($(date +%s) - t0)) s"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# Run a test program under qemu; add its "N passed, N failed" line to the tally
# (or count one failure when it has none). $1: label, $2: log file name,
# $3: QEMU_CPU, $4: extra environment ("" or VAR=value), rest: command.
run_prog() {
    label=$1 log="$BUILD_DIR/$2" cpu=$3 extra=$4
    shift 4
    s=$(date +%s)
    timeout "$TEST_TIMEOUT" env QEMU_CPU="$cpu" $extra "$QEMU" -L "$SYSROOT" "$@" >"$log" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "$label: killed after $TEST_TIMEOUT s (hang?)"
    grep -E '^(FAIL|.*FAILED)' "$log" | head -n 20
    tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$tally" ]; then
        fail "$label: exit $rc, no result line (log: $log)"
        tail -n 5 "$log"
        return 1
    fi
    p=$(echo "$tally" | cut -d' ' -f1)
    f=$(echo "$tally" | cut -d' ' -f3)
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        fail "$label: exit $rc despite '$tally'"
    fi
    echo "$label: $tally, exit $rc ($(($(date +%s) - s)) s)"
    return "$rc"
}

for tool in "${CROSS_PREFIX}gcc" "${CROSS_PREFIX}objdump" "$QEMU" meson ninja timeout; do
    command -v "$tool" >/dev/null 2>&1 || { fail "$tool not found"; finish; }
done

# ---- 1. build ------------------------------------------------------------------
rm -rf "$BUILD_DIR"
setup_log=$(mktemp)
if ! meson setup "$BUILD_DIR" --cross-file cross/aarch64-linux-gnu.ini \
        -Dbench=disabled -Dtests=auto -Dneon=enabled >"$setup_log" 2>&1; then
    tail -n 20 "$setup_log"
    rm -f "$setup_log"
    fail "meson setup"
    finish
fi
mv "$setup_log" "$BUILD_DIR/setup.log"
# Only what runs here: the CLI and the Criterion suites are not needed.
checkasm="$BUILD_DIR/tests/checkasm/checkasm"
if ! ninja -C "$BUILD_DIR" tests/conformance tests/checkasm/checkasm tests/structured_hash \
        >"$BUILD_DIR/build.log" 2>&1; then
    grep -E 'error|FAILED' "$BUILD_DIR/build.log" | head -n 20
    fail "cross build (log: $BUILD_DIR/build.log)"
    finish
fi
ok "cross build"
grep -E 'warning:' "$BUILD_DIR/build.log" | sort -u | head -n 10

# ---- 2. fused multiply-add only where written ------------------------------------
# The value path uses fma explicitly (SI_F_FMA/SI_D_FMA in src/simd_math.h,
# docs/STREAM.md §3.1); everything else must be separately rounded IEEE ops,
# and GCC would fuse on its own without -ffp-contract=off. So: every C compile
# has -ffp-contract=off, and no object other than the two that instantiate the
# value path (the scalar and the NEON kernels) holds a fused instruction.
if grep '"command"' "$BUILD_DIR/compile_commands.json" | grep -v -- '-ffp-contract=off' | grep -q .; then
    fail "a compile without -ffp-contract=off (see $BUILD_DIR/compile_commands.json)"
else
    ok "every compile has -ffp-contract=off"
fi
objs=$(find "$BUILD_DIR" -path '*libsimdinit*.p/*' -name '*.o' ! -name '*kernels_scalar.c.o' ! -name '*kernels_neon.c.o')
if [ -z "$objs" ]; then
    fail "no library object found in $BUILD_DIR"
else
    fused=$("${CROSS_PREFIX}objdump" -d $objs |
            grep -cE '[[:space:]](fmla|fmls|fmadd|fmsub|fnmadd|fnmsub|bfmlal[bt]?)[[:space:]]')
    if [ "$fused" -eq 0 ]; then
        ok "no fused multiply-add outside the value path ($(echo $objs | wc -w) object files)"
    else
        fail "$fused fused multiply-add instructions outside the value path:"
        "${CROSS_PREFIX}objdump" -d $objs | grep -E '[[:space:]](fmla|fmls|fmadd|fmsub|fnmadd|fnmsub)[[:space:]]' | head -n 5
    fi
fi

# ---- 3. conformance ---------------------------------------------------------------
conf="$BUILD_DIR/tests/conformance"
# $1: label, $2: log, $3: QEMU_CPU, $4: extra env, $5: backend dispatch must pick
conformance() {
    run_prog "$1" "$2" "$3" "$4" "$conf"
    if grep -q "^automatic dispatch picks $5\$" "$BUILD_DIR/$2"; then
        ok "$1: automatic dispatch picks $5"
    else
        fail "$1: dispatch must pick $5, got: $(grep -m1 'automatic dispatch' "$BUILD_DIR/$2")"
    fi
}
conformance "conformance auto (cortex-a72)" conformance-auto.log cortex-a72 "" neon
conformance "conformance SIMDINIT_BACKEND=scalar" conformance-scalar.log cortex-a72 \
    SIMDINIT_BACKEND=scalar scalar
if [ "$FULL" -eq 1 ]; then
    conformance "conformance auto (max: SVE present)" conformance-max.log max "" neon
fi

# ---- 4. NEON vs scalar, bit for bit --------------------------------------------------
run_prog "checkasm $CHECKASM_ARGS" checkasm.log cortex-a72 "" \
    "$checkasm" $CHECKASM_ARGS

# The structured initializers (orthogonal, sparse, ...): the hashes printed on
# aarch64 (NEON and scalar, every thread count) must be the x86-64 build's.
x86_hash=${X86_BUILD_DIR:-build}/tests/structured_hash
if [ -x "$x86_hash" ]; then
    a64_log="$BUILD_DIR/structured-hash.log" x86_log="$BUILD_DIR/structured-hash-x86.log"
    timeout "$TEST_TIMEOUT" env QEMU_CPU=cortex-a72 "$QEMU" -L "$SYSROOT" \
        "$BUILD_DIR/tests/structured_hash" >"$a64_log" 2>&1
    a64_rc=$?
    "$x86_hash" >"$x86_log" 2>&1
    grep '^case' "$a64_log" >"$a64_log.cases"
    grep '^case' "$x86_log" >"$x86_log.cases"
    if [ "$a64_rc" -eq 0 ] && [ -s "$a64_log.cases" ] && cmp -s "$a64_log.cases" "$x86_log.cases"
    then
        ok "structured_hash: aarch64 prints the x86-64 hashes ($(wc -l <"$a64_log.cases") cases)"
    else
        fail "structured_hash: exit $a64_rc, or aarch64 and x86-64 hashes differ ($a64_log, $x86_log)"
    fi
else
    echo "structured_hash: no x86-64 build at $x86_hash to compare with (set X86_BUILD_DIR)"
fi

finish
