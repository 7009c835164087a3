#!/bin/sh
# Build every libFuzzer harness tests/fuzz/fuzz_*.c with clang and run each for
# a bounded time, one process on one core.
#
#   tests/fuzz/run_fuzz.sh [SECONDS_PER_HARNESS]      (default 30)
#
# Harness convention (tests/fuzz/README.md has the long form): a file
# names its extra sources, relative to the repository root, on one line
#   // fuzz-sources: tools/json.c
# (empty after the colon when the library is all it needs); the library
# (src/, with the AVX2/avx512 kernels on x86-64) is always linked in. A file
# without the line is skipped. The committed corpus tests/fuzz/corpus/NAME/ is
# read first (its units are regression inputs: the reproducers of fixed
# defects) and never written to; new units go under the build folder.
#
# Sanitizers: -fsanitize=fuzzer,address,undefined plus float-cast-overflow
# (not part of clang's "undefined" group), nothing recoverable. Exits 1 if a
# harness fails to build or finds a crash, leak, timeout or sanitizer report.
# Environment: FUZZ_BUILD (default build-fuzz), CC_FUZZ (default clang-14),
# FUZZ_ONLY=NAME to run one harness. Last line: "N passed, N failed".
set -u
secs=${1:-30}
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_HARNESS]" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CC_FUZZ:-clang-14}
build=${FUZZ_BUILD:-$root/build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$build/obj" "$build/bin" || exit 1
passed=0
failed=0

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "FAIL: $cc not found (apt-get install clang-14)"
    echo "0 passed, 1 failed"
    exit 1
fi

san="-fsanitize=address,undefined -fsanitize=float-cast-overflow -fno-sanitize-recover=all"
# The project's value-path flags (top-level meson.build) and the test build's.
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -ffp-contract=off -fno-math-errno \
-fno-trapping-math -Wall -Wno-unused-function -I$root/include -I$root/src -I$root/tests \
-I$root/tools -DSIMDINIT_BUILDING=1"
arch=$(uname -m)
isa=""
if [ "$arch" = x86_64 ]; then
    isa="-DSIMDINIT_HAVE_AVX2=1 -DSIMDINIT_HAVE_AVX512=1"
fi

# ---- the library, instrumented for coverage (fuzzer-no-link) ----------------
libobjs=""
build_obj() {   # source, extra flags
    o="$build/obj/$(echo "$1" | tr '/' '_').o"
    # shellcheck disable=SC2086
    $cc $cflags $isa $san -fsanitize=fuzzer-no-link $2 -c "$root/$1" -o "$o" || return 1
    libobjs="$libobjs $o"
}
lib_ok=1
# The library's sources as the top-level meson.build lists them (lib_src).
srcs=$(sed -n '/^lib_src = files(/,/)/p' "$root/meson.build" | grep -o "'src/[^']*\.c'" | tr -d "'")
if [ -z "$srcs" ]; then
    echo "FAIL: no lib_src list in $root/meson.build"
    echo "0 passed, 1 failed"
    exit 1
fi
# The per-element code (kernels, the inverse CDF) without comparison tracing:
# its data-dependent compares cost most of the run time and add no coverage.
hot="-fno-sanitize-coverage=trace-cmp"
for f in $srcs; do
    case $f in
    src/tnorm.c|src/scalar/*) build_obj "$f" "$hot" || lib_ok=0 ;;
    *) build_obj "$f" "" || lib_ok=0 ;;
    esac
done
# The ISA libraries: the .c files their meson.build files name, with their flags.
isa_srcs() { grep -o "'[^']*\.c'" "$root/src/$1/meson.build" | tr -d "'"; }
if [ "$arch" = x86_64 ]; then
    for f in $(isa_srcs avx2); do
        build_obj "src/avx2/$f" "$hot -mavx2 -mfma -mf16c" || lib_ok=0
    done
    for f in $(isa_srcs avx512); do
        build_obj "src/avx512/$f" "$hot -mavx2 -mfma -mf16c -mavx512f -mavx512vl -mavx512dq" ||
            lib_ok=0
    done
fi
if [ $lib_ok = 0 ]; then
    echo "FAIL: the library does not build with $cc and the sanitizers"
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- each harness ------------------------------------------------------------
for h in "$root"/tests/fuzz/fuzz_*.c; do
    [ -e "$h" ] || continue
    name=$(basename "$h" .c)
    short=${name#fuzz_}
    if [ -n "${FUZZ_ONLY:-}" ] && [ "$FUZZ_ONLY" != "$short" ] && [ "$FUZZ_ONLY" != "$name" ]; then
        continue
    fi
    line=$(grep -m1 '^// fuzz-sources:' "$h")
    if [ -z "$line" ]; then
        echo "SKIP $name: no '// fuzz-sources:' line"
        continue
    fi
    extra=""
    for s in ${line#// fuzz-sources:}; do
        extra="$extra $root/$s"
    done
    bin="$build/bin/$name"
    # shellcheck disable=SC2086
    if ! $cc $cflags $isa $san -fsanitize=fuzzer "$h" $extra $libobjs -lm -lpthread -o "$bin" \
            > "$build/$name.build.log" 2>&1; then
        echo "FAIL $name: build failed (see $build/$name.build.log)"
        cat "$build/$name.build.log"
        failed=$((failed + 1))
        continue
    fi
    work="$build/corpus/$short"
    art="$build/artifacts/$short/"
    mkdir -p "$work" "$art"
    seeds="$root/tests/fuzz/corpus/$short"
    [ -d "$seeds" ] || seeds=""
    dict=""
    [ -f "$root/tests/fuzz/$short.dict" ] && dict="-dict=$root/tests/fuzz/$short.dict"
    log="$build/$name.log"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -print_final_stats=1 -artifact_prefix="$art" $dict "$work" $seeds > "$log" 2>&1
    rc=$?
    t1=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "PASS $name: ${execs:-?} execs in $((t1 - t0)) s"
        passed=$((passed + 1))
    else
        echo "FAIL $name: exit $rc after ${execs:-?} execs (log $log, artifacts in $art)"
        grep -m5 -E 'ERROR|runtime error|fuzz_[a-z0-9_]*\.c:[0-9]+:|SUMMARY|Test unit written' "$log"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
