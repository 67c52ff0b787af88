#!/usr/bin/env bash
# Installs the Debian 12 packages Kini Explorer needs to build, test and run its demo, and only
# those that are missing: on a machine that has everything, apt is not run at all.
#
#   bash scripts/install-deps.sh
set -euo pipefail

packages=(
    # Build
    cmake g++ make ninja-build
    # Qt 6 and QtKeychain (Qt6Gui's CMake package needs the GL headers)
    qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libgl-dev qtkeychain-qt6-dev
    # Fontconfig's headers: start-up warms it up on a thread (optional; Qt pulls them in too)
    libfontconfig-dev
    # A real secret service without a desktop session (scripts/with-keyring.sh)
    libsecret-1-0 libsecret-tools gnome-keyring dbus dbus-x11
    # A virtual screen for the demo and for screenshots
    xvfb xauth imagemagick fonts-dejavu-core
    # Self-signed certificates for the HTTPS tests (tests/common/TestCertificate)
    openssl
    # Time zones, for the test that changes the local zone under the countdowns
    tzdata
    # The demo and reference server (tests/server), run with Debian's python3
    python3 python3-django python3-djangorestframework python3-djangorestframework-simplejwt
    # Fuzzing (scripts/fuzz.sh): clang, and its runtime libraries with libFuzzer and the sanitizers
    clang libclang-rt-dev
)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "install-deps.sh: not a Debian-like system; install the equivalents of:" >&2
    echo "  ${packages[*]}" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    if [ "${status:0:2}" != ii ]; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps.sh: all ${#packages[@]} packages are installed"
    exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "install-deps.sh: not root and no sudo; as root, run:" >&2
        echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
