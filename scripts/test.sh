#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test suite with CTest. The exit code
# is CTest's. Arguments go to CTest (e.g. -L integration, -R tst_jwt).
#
#   bash scripts/test.sh [CTEST ARGS...]
#   KINI_SANITIZE=1 bash scripts/test.sh    # AddressSanitizer + UBSan build in build-asan/
#
# KINI_SKIP_DEPS=1 skips the package check; KINI_JOBS sets the build's parallelism (2).
# KINI_CI_FUZZ_SECONDS=N adds a short fuzzing run at the end (see below).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if [ "${KINI_SKIP_DEPS:-0}" != 1 ]; then
    bash scripts/install-deps.sh
fi

build_dir=build
sanitize=OFF
if [ "${KINI_SANITIZE:-0}" = 1 ]; then
    build_dir=build-asan
    sanitize=ON
fi

# The generator can only be chosen when the build folder is new.
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINI_SANITIZE="$sanitize"
cmake --build "$build_dir" -j "${KINI_JOBS:-2}"

# Every test sets QT_QPA_PLATFORM=offscreen itself; the keychain suites wrap themselves in
# scripts/with-keyring.sh, so no display and no desktop session are needed.
status=0
(cd "$build_dir" && ctest --output-on-failure "$@") || status=$?

# No token or test password may be left in the app's folders or in the test logs.
bash scripts/scan-secrets.sh "$build_dir" || status=$?

# KINI_CI_FUZZ_SECONDS=N also builds the fuzz targets with clang (build-fuzz/) and runs each for
# N seconds (scripts/fuzz.sh); off unless set.
if [ -n "${KINI_CI_FUZZ_SECONDS:-}" ]; then
    FUZZ_SECONDS="$KINI_CI_FUZZ_SECONDS" bash scripts/fuzz.sh || status=$?
fi
exit "$status"
