#!/bin/sh
# Builds the JSON-reader fuzz harness (tests/fuzz/fuzz_json.c over tools/json.c)
# with clang's libFuzzer, ASan and UBSan, and runs it for a bounded time on a
# copy of the committed corpus (tests/fuzz/corpus_json is never modified).
#   usage: tests/fuzz/run_fuzz_json.sh [SECONDS [BUILD_DIR]]   (default 60 s, /tmp/simdinit-fuzz-json)
# Exit status: 0 when the run ended without a finding, else libFuzzer's status
# (the crashing input is left in BUILD_DIR as crash-* / leak-* / timeout-*).
set -eu
secs=${1:-60}
out=${2:-/tmp/simdinit-fuzz-json}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${CLANG:-clang-14}
mkdir -p "$out/corpus"
cp "$here"/corpus_json/* "$out/corpus/"
"$cc" -std=c11 -Wall -Wextra -Werror -g -O1 -ffp-contract=off -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -fsanitize=float-cast-overflow \
    -I"$root/tools" "$here/fuzz_json.c" "$root/tools/json.c" -lm -o "$out/fuzz_json"
cd "$out"
exec ./fuzz_json -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 corpus
