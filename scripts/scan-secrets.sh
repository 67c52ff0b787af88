#!/usr/bin/env bash
# After a test run: no token and no test password may sit in the app's config, data or cache
# folders or in the test logs. A token is anything shaped like a JWT (two base64url JSON
# segments); the passwords are the ones the tests sign in with.
#
#   bash scripts/scan-secrets.sh BUILD_DIR
set -euo pipefail

build_dir=${1:-build}
config=${XDG_CONFIG_HOME:-$HOME/.config}
data=${XDG_DATA_HOME:-$HOME/.local/share}
cache=${XDG_CACHE_HOME:-$HOME/.cache}

places=()
for dir in "$config/Kini" "$data/Kini" "$cache/Kini" "$build_dir/Testing/Temporary"; do
    [ -e "$dir" ] && places+=("$dir")
done
if [ "${#places[@]}" -eq 0 ]; then
    echo "scan-secrets.sh: nothing to scan"
    exit 0
fi

# A JWT header and payload both start with '{"', which base64url spells "eyJ".
jwt='eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}'
passwords='demo-password|Pa55-word-under-test'
found=0
for pattern in "$jwt" "$passwords"; do
    if hits=$(grep -rlE -- "$pattern" "${places[@]}" 2>/dev/null); then
        echo "scan-secrets.sh: secrets found (pattern '$pattern') in:" >&2
        echo "$hits" >&2
        found=1
    fi
done
if [ "$found" -ne 0 ]; then
    exit 1
fi
echo "scan-secrets.sh: no token or test password in: ${places[*]}"
