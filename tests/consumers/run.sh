#!/usr/bin/env bash
# run.sh — simdinit as a dependency: install a build into a scratch folder
# (meson install --destdir), then build tests/consumers/consumer.c
#   1. with `pkg-config --cflags --libs simdinit`,
#   2. as a CMake project (pkg_check_modules ... IMPORTED_TARGET),
#   3. as a meson project with simdinit as a subproject (which must build the
#      library only: no tools, tests, benchmarks or examples),
# run each, and compare what it writes with `simdinit fill` of the build.
# Also checks the installed files: the header, the pkg-config file, the
# soname (libsimdinit.so.0.MINOR while the version is 0.x).
#
# Usage: bash tests/consumers/run.sh [BUILD_DIR]    (default build; it must
# have been built with the tools). Last line: "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
[[ $build = /* ]] || build=$root/$build
here=$root/tests/consumers
passed=0 failed=0
ok()  { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/dest

# The reference: the same elements from the build's own program.
if ! "$build/tools/simdinit" fill --dist normal --dtype f32 --seed 7 --stream 3 \
        --offset 12345 --count 1000 --out "$work/ref.npy" >/dev/null; then
    bad "simdinit fill (reference)"; finish
fi
/usr/bin/python3 - "$work/ref.npy" "$work/ref.bin" <<'PY' || { bad "reading ref.npy"; finish; }
import struct, sys
b = open(sys.argv[1], "rb").read()
(hlen,) = struct.unpack("<H", b[8:10])
open(sys.argv[2], "wb").write(b[10 + hlen:])
PY

check_out() {   # LABEL PROGRAM [ENV...]
    local label=$1 prog=$2
    shift 2
    local out=$work/$label.bin
    if ! v=$(env "$@" "$prog" "$out"); then
        bad "$label: the program failed"
    elif ! cmp -s "$out" "$work/ref.bin"; then
        bad "$label: values differ from simdinit fill"
    elif [[ $v != "$version" ]]; then
        bad "$label: simdinit_version() is '$v', want '$version'"
    else
        ok "$label: same bits as simdinit fill (library $v)"
    fi
}

if ! meson install -C "$build" --destdir "$dest" --no-rebuild >"$work/install.log" 2>&1; then
    tail -n 20 "$work/install.log"; bad "meson install --destdir"; finish
fi
version=$(meson introspect "$build" --projectinfo | /usr/bin/python3 -c \
    'import json, sys; print(json.load(sys.stdin)["version"])')
minor=$(echo "$version" | cut -d. -f2)
pc=$(find "$dest" -name simdinit.pc | head -n 1)
hdr=$(find "$dest" -path '*/include/simdinit.h' | head -n 1)
[[ -n $pc ]] && ok "installed pkg-config file ${pc#$dest}" || bad "no simdinit.pc installed"
[[ -n $hdr ]] && ok "installed header ${hdr#$dest}" || bad "no simdinit.h installed"
so=$(find "$dest" -name 'libsimdinit.so.*.*.*' | head -n 1)
soname=$(objdump -p "$so" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
if [[ ${version%%.*} == 0 ]]; then want_soname=libsimdinit.so.0.$minor; else want_soname=libsimdinit.so.${version%%.*}; fi
[[ $soname == "$want_soname" ]] && ok "soname $soname" || bad "soname '$soname', want $want_soname"
[[ -n $pc ]] || finish
export PKG_CONFIG_PATH=$(dirname "$pc")
# The .pc names the configured prefix; the files lie under $dest (--destdir).
pcargs=--define-variable=prefix=$dest$(pkg-config --variable=prefix simdinit)
libdir=$(pkg-config "$pcargs" --variable=libdir simdinit)

# 1. pkg-config
if cc -std=c11 -Wall -Werror "$here/consumer.c" $(pkg-config "$pcargs" --cflags --libs simdinit) \
        -o "$work/c_pkgconfig" 2>"$work/pc.log"; then
    check_out pkg-config "$work/c_pkgconfig" LD_LIBRARY_PATH="$libdir"
else
    cat "$work/pc.log"; bad "pkg-config build"
fi

# 2. CMake
if command -v cmake >/dev/null; then
    if cmake -S "$here" -B "$work/cmake" "-DPKG_CONFIG_ARGN=$pcargs" >"$work/cmake.log" 2>&1 &&
            cmake --build "$work/cmake" >>"$work/cmake.log" 2>&1; then
        check_out cmake "$work/cmake/consumer" LD_LIBRARY_PATH="$libdir"
    else
        tail -n 20 "$work/cmake.log"; bad "CMake build"
    fi
else
    bad "cmake not installed (apt-get install cmake)"
fi

# 3. meson subproject
sub=$work/sub
mkdir -p "$sub/subprojects"
cp "$here/meson.build.in" "$sub/meson.build"
cp "$here/consumer.c" "$sub/"
ln -s "$root" "$sub/subprojects/simdinit"
if meson setup "$work/subbuild" "$sub" >"$work/sub.log" 2>&1 &&
        ninja -C "$work/subbuild" >>"$work/sub.log" 2>&1; then
    check_out meson-subproject "$work/subbuild/consumer"
    extra=$(find "$work/subbuild/subprojects" -type f -perm -u+x \( -name simdinit -o -name 'test_*' \
            -o -name bench_fill -o -name conformance \) | head -n 3)
    [[ -z $extra ]] && ok "meson subproject: only the library is built" ||
        bad "meson subproject built more than the library: $extra"
else
    tail -n 20 "$work/sub.log"; bad "meson subproject build"
fi
finish
