#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan in build-fuzz/ and runs
# each of them for FUZZ_SECONDS, side by side. Prints each target's executions, coverage and
# findings; exits non-zero when a target crashed, broke an invariant or tripped a sanitizer.
#
#   bash scripts/fuzz.sh                          # every target, 30 s each
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh fuzz_jwt
#
# The seeds in tests/fuzz/corpus/ are only read. What a run adds to the corpus is kept in
# fuzz-out/<target>/corpus/ for the next run; a crash input is written as
# fuzz-out/<target>/crash-<sha1> (replay it: build-fuzz/bin/<target> <file>).
# KINI_SKIP_DEPS=1 skips the package check; KINI_JOBS sets the build's parallelism (2).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

seconds=${FUZZ_SECONDS:-30}
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(fuzz_jwt fuzz_tokenresponse)
fi

if [ "${KINI_SKIP_DEPS:-0}" != 1 ]; then
    bash scripts/install-deps.sh
fi

build_dir=build-fuzz
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
CC=clang CXX=clang++ cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINI_BUILD_TESTS=ON -DKINI_FUZZ=ON -DKINI_SANITIZE=OFF
cmake --build "$build_dir" -j "${KINI_JOBS:-2}" --target "${targets[@]}"

# A UBSan report aborts (the targets are built without recovery); its stack helps the reader.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

declare -A pids
for target in "${targets[@]}"; do
    out=fuzz-out/$target
    mkdir -p "$out/corpus"
    echo "fuzz.sh: running $target for $seconds s (log: $out/log.txt)"
    "$build_dir/bin/$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out/corpus" "tests/fuzz/corpus/${target#fuzz_}" \
        >"$out/log.txt" 2>&1 &
    pids[$target]=$!
done

failed=0
for target in "${targets[@]}"; do
    out=fuzz-out/$target
    rc=0
    wait "${pids[$target]}" || rc=$?
    log=$out/log.txt
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    corpus=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 || true)
    echo "fuzz.sh: $target: ${runs:-?} executions (${speed:-?}/s), ${cov:-cov: ?}," \
        "${corpus:-corp: ?}, ${added:-?} new inputs"
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "fuzz.sh: $target FOUND A PROBLEM (exit $rc); its report:" >&2
        grep -E -A 40 'ERROR|broken invariant|runtime error|Test unit written' "$log" \
            | head -n 80 >&2 || tail -n 40 "$log" >&2
    else
        echo "fuzz.sh: $target: no findings"
    fi
done
exit "$failed"
