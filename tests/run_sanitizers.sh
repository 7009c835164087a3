#!/bin/sh
# Sanitizer and memory-checker runs (issue 15), each reported as one check:
#  1. ASan + UBSan (clang, plus -fsanitize=float-cast-overflow, which clang's
#     "undefined" group leaves out, and -fno-sanitize-recover=all so any report
#     fails the test): meson's fast and tools suites.
#  2. TSan (clang): the plain-C threaded tests (Criterion's runner does not
#     work under TSan): concurrent first calls from many user threads, fork
#     after the pool started (and during another thread's fill), and the
#     hardening regressions (threaded fills, SIMDINIT_NUM_THREADS).
#  3. valgrind memcheck of CLI runs on the scalar and AVX2 backends (valgrind
#     cannot run AVX-512), from a plain -O1 -g build.
#
#   tests/run_sanitizers.sh [BUILD_PREFIX]     (default: build; folders
#                                               BUILD_PREFIX-asan, -tsan, -vg)
# Environment: CC_SAN (default clang-14), SAN_JOBS (meson test processes,
# default 2). Needs: clang-14, valgrind, meson, ninja, python3 (the tools
# suite), Criterion for the fast suite's Criterion programs.
# Last line: "N passed, N failed"; exit status 1 when anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-build}
case $prefix in /*) ;; *) prefix=$root/$prefix ;; esac
cc=${CC_SAN:-clang-14}
jobs=${SAN_JOBS:-2}
passed=0
failed=0
t_start=$(date +%s)

ok() { passed=$((passed + 1)); echo "PASS $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
stamp() { echo "  [$(( $(date +%s) - t_start )) s] $1"; }

# Options shared by the three builds: no benchmarks, examples (MPI) or Python
# package, and the tests built even when the build type would not.
common="-Dbench=disabled -Dexamples=disabled -Dpython=disabled -Dtests=enabled"

setup() {   # dir, then meson options
    dir=$1
    shift
    if [ -d "$dir" ]; then
        meson setup --reconfigure "$dir" "$@" > "$dir.setup.log" 2>&1 ||
            meson setup --wipe "$dir" "$@" > "$dir.setup.log" 2>&1
    else
        meson setup "$dir" "$@" > "$dir.setup.log" 2>&1
    fi
}

# ---- 1. ASan + UBSan ------------------------------------------------------------
asan=$prefix-asan
san_extra="-fsanitize=float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer"
stamp "ASan+UBSan build ($asan)"
if ! command -v "$cc" > /dev/null 2>&1; then
    bad "asan-ubsan: $cc not found (apt-get install clang-14)"
elif CC=$cc setup "$asan" $common -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false -Dc_args="$san_extra" -Dc_link_args="$san_extra" &&
     ninja -C "$asan" > "$asan.build.log" 2>&1; then
    # The fast and tools tests, except those that dlopen libsimdinit.so into an
    # uninstrumented interpreter (ctypes): an ASan library cannot load there
    # (its runtime lives in the instrumented executables). They run in the
    # plain build; the library code they reach runs here through the C tests.
    names=$(meson introspect --tests "$asan" | python3 -c '
import json, re, sys
for t in json.load(sys.stdin):
    suites = {s.split(":")[-1] for s in t["suite"]}
    if suites & {"fast", "tools"}:
        loads_lib = any(re.search(r"libsimdinit[^/]*\.so", c) for c in t["cmd"][1:])
        print(("skip " if loads_lib else "") + t["name"])
')
    run_names=$(echo "$names" | grep -v '^skip ' | tr '\n' ' ')
    skipped=$(echo "$names" | sed -n 's/^skip //p' | tr '\n' ' ')
    [ -n "$skipped" ] && echo "  (not under ASan, they load the .so into Python: $skipped)"
    stamp "ASan+UBSan: meson test (fast + tools suites)"
    # detect_leaks: the fill paths must not leak either.
    # shellcheck disable=SC2086
    if [ -n "$run_names" ] && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
       UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       meson test -C "$asan" $run_names --num-processes "$jobs" \
            --timeout-multiplier 4 --print-errorlogs > "$asan.test.log" 2>&1; then
        ok "asan-ubsan: fast + tools suites ($(grep -c '^ *[0-9]*/[0-9]* .* OK ' "$asan.test.log") tests)"
    else
        bad "asan-ubsan: fast + tools suites (log $asan.test.log)"
        grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)|runtime error|ERROR: AddressSanitizer|SUMMARY' \
            "$asan.test.log" | head -20
    fi
else
    bad "asan-ubsan: build failed (logs $asan.setup.log, $asan.build.log)"
    tail -20 "$asan.build.log" 2>/dev/null
fi

# ---- 2. TSan -----------------------------------------------------------------------
tsan=$prefix-tsan
stamp "TSan build ($tsan)"
tsan_tests="test_concurrent test_fork test_hardening"
if ! command -v "$cc" > /dev/null 2>&1; then
    bad "tsan: $cc not found"
elif CC=$cc setup "$tsan" $common -Dtools=disabled -Dbuildtype=debugoptimized \
        -Db_sanitize=thread -Db_lundef=false &&
     ninja -C "$tsan" $(for t in $tsan_tests; do printf 'tests/%s ' "$t"; done) \
        > "$tsan.build.log" 2>&1; then
    for t in $tsan_tests; do
        # die_after_fork=0: the fork test forks a multi-threaded process on
        # purpose; the child then only uses what the library re-creates.
        if TSAN_OPTIONS=halt_on_error=1:die_after_fork=0:second_deadlock_stack=1 \
           timeout 600 "$tsan/tests/$t" > "$tsan/$t.log" 2>&1; then
            ok "tsan: $t ($(tail -1 "$tsan/$t.log"))"
        else
            bad "tsan: $t (log $tsan/$t.log)"
            grep -E 'WARNING: ThreadSanitizer|FAIL|SUMMARY' "$tsan/$t.log" | head -10
        fi
    done
else
    bad "tsan: build failed (logs $tsan.setup.log, $tsan.build.log)"
    tail -20 "$tsan.build.log" 2>/dev/null
fi

# ---- 3. valgrind memcheck of the CLI ------------------------------------------------
vg=$prefix-vg
stamp "valgrind build ($vg)"
if ! command -v valgrind > /dev/null 2>&1; then
    bad "valgrind: not found (apt-get install valgrind)"
elif setup "$vg" $common -Dbuildtype=debugoptimized -Dtests=disabled &&
     ninja -C "$vg" tools/simdinit > "$vg.build.log" 2>&1; then
    tmp=$(mktemp -d) || exit 1
    exe="$vg/tools/simdinit"
    n=0
    # Each run: several distributions, dtypes, threads, a scheme, a shard, and
    # bad input (an error path must not leak or read uninitialized memory).
    for be in scalar avx2; do
        if [ "$be" = avx2 ] && ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
            echo "  (no AVX2 on this CPU: the avx2 runs are skipped)"
            continue
        fi
        while IFS='|' read -r what args want; do
            [ -n "$what" ] || continue
            n=$((n + 1))
            # shellcheck disable=SC2086
            SIMDINIT_BACKEND=$be valgrind -q --error-exitcode=99 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
                --track-origins=yes \
                "$exe" $args > "$tmp/out.$n" 2>&1
            rc=$?
            if [ $rc -eq "$want" ] && ! grep -q '^==[0-9]*==' "$tmp/out.$n"; then
                ok "valgrind $be: $what"
            else
                bad "valgrind $be: $what (exit $rc, want $want)"
                head -30 "$tmp/out.$n"
            fi
        done <<EOF
normal f32, 2 threads|fill --dist normal --dtype f32 --seed 1 --count 100000 --threads 2 --out $tmp/a.npy|0
trunc_normal f64 tail|fill --dist trunc_normal --dtype f64 --seed 2 --count 5000 --a 2 --b 3 --out $tmp/b.npy|0
uniform bf16 offset|fill --dist uniform --dtype bf16 --seed 3 --low -1 --high 1 --offset 1000 --count 70000 --out $tmp/c.npy|0
scheme he_normal f16|fill --scheme he_normal --shape 256,300 --dtype f16 --seed 4 --threads 3 --out $tmp/d.npy|0
shard of kaiming_uniform|fill --scheme kaiming_uniform --shape 64,100 --rows 8:40 --cols 10:90 --dtype f32 --seed 5 --out $tmp/e.npy|0
tiny std trunc_normal|fill --dist trunc_normal --dtype f64 --seed 1 --count 4 --std 1e-310 --a 1 --b 2 --out $tmp/f.npy|0
out-of-range interval (error)|fill --dist trunc_normal --dtype f16 --seed 1 --count 4 --a 7e4 --b 8e4 --out $tmp/g.npy|2
info|info|0
EOF
    done
    rm -rf "$tmp"
else
    bad "valgrind: build failed (logs $vg.setup.log, $vg.build.log)"
fi

stamp "done"
echo "sanitizers: wall time $(( $(date +%s) - t_start )) s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
