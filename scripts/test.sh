#!/usr/bin/env bash
# The README's test command, and what CI runs: installs what is missing, builds, and runs every
# test suite with CTest, then looks for secrets left behind. By default it does this twice, in a
# normal build (build/) and in an ASan + UBSan build (build-asan/), and then fuzzes the JWT
# decoder and the token-response parser briefly (scripts/fuzz.sh, build-fuzz/). Exits non-zero
# if anything failed. Arguments go to CTest (e.g. -L integration, -R tst_jwt).
#
#   bash scripts/test.sh [CTEST ARGS...]
#   KINI_QUICK=1 bash scripts/test.sh       # the normal build only
#   KINI_SANITIZE=1 bash scripts/test.sh    # the ASan + UBSan build only
#
# KINI_SKIP_DEPS=1 skips the package check; KINI_JOBS sets the build's parallelism (2);
# KINI_FUZZ_SECONDS sets the fuzzing time per target (20; 0 skips it).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if [ "${KINI_SKIP_DEPS:-0}" != 1 ]; then
    bash scripts/install-deps.sh
fi

status=0

# suite BUILD_DIR SANITIZE [CTEST ARGS...]
suite() {
    local build_dir=$1 sanitize=$2
    shift 2
    echo "== test suite in $build_dir (sanitizers: $sanitize)"
    # The generator can only be chosen when the build folder is new.
    local generator=()
    if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
        generator=(-G Ninja)
    fi
    cmake -S . -B "$build_dir" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINI_SANITIZE="$sanitize" || return 1
    cmake --build "$build_dir" -j "${KINI_JOBS:-2}" || return 1

    # Every test sets QT_QPA_PLATFORM=offscreen itself; the keychain suites wrap themselves in
    # scripts/with-keyring.sh, so no display and no desktop session are needed.
    local result=0
    (cd "$build_dir" && ctest --output-on-failure "$@") || result=$?

    # No token or test password may be left in the app's folders or in the test logs.
    bash scripts/scan-secrets.sh "$build_dir" || result=$?
    return "$result"
}

if [ "${KINI_SANITIZE:-0}" = 1 ]; then
    # A UBSan finding fails its test instead of scrolling past in a passing one.
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        suite build-asan ON "$@" || status=$?
    exit "$status"
fi

suite build OFF "$@" || status=$?

if [ "${KINI_QUICK:-0}" != 1 ]; then
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        suite build-asan ON "$@" || status=$?
    fuzz_seconds=${KINI_FUZZ_SECONDS:-20}
    if [ "$fuzz_seconds" != 0 ]; then
        echo "== fuzzing, $fuzz_seconds s per target"
        KINI_SKIP_DEPS=1 FUZZ_SECONDS="$fuzz_seconds" bash scripts/fuzz.sh || status=$?
    fi
fi
exit "$status"
