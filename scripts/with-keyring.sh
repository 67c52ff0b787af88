#!/usr/bin/env bash
# Runs a command with a real but throwaway secret service: a private D-Bus session bus and an
# unlocked gnome-keyring (secrets component only), so QtKeychain works without a desktop session
# and never waits on an invisible "choose a keyring password" prompt. XDG_RUNTIME_DIR,
# XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME point into a fresh temporary folder that is
# removed afterwards. Exits with the command's exit code. Needs no display.
#
#   bash scripts/with-keyring.sh CMD [ARGS...]
#
# Inside such a session already (KINI_THROWAWAY_KEYRING=1), it just runs CMD.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: with-keyring.sh CMD [ARGS...]" >&2
    exit 2
fi

if [ "${KINI_THROWAWAY_KEYRING:-}" = 1 ]; then
    exec "$@"
fi

# Exports the VAR=value lines gnome-keyring-daemon prints (no eval of its output).
export_lines() {
    local line
    while IFS= read -r line; do
        case "$line" in
            [A-Za-z_]*=*) export "${line?}" ;;
        esac
    done <<<"$1"
}

if [ "${KINI_KEYRING_STAGE:-}" = inside-bus ]; then
    # Second stage, run by dbus-run-session: start the keyring on this private bus, then CMD.
    password=$KINI_KEYRING_PASSWORD
    unset KINI_KEYRING_STAGE KINI_KEYRING_PASSWORD
    log="$XDG_RUNTIME_DIR/gnome-keyring.log"

    # With an empty XDG_DATA_HOME, --unlock creates the "login" keyring with this password and
    # leaves it unlocked; --start then makes this daemon own org.freedesktop.secrets.
    if ! lines=$(printf '%s' "$password" \
        | gnome-keyring-daemon --unlock --components=secrets 2>>"$log"); then
        echo "with-keyring.sh: gnome-keyring-daemon --unlock failed:" >&2
        cat "$log" >&2
        exit 125
    fi
    export_lines "$lines"
    if ! lines=$(gnome-keyring-daemon --start --components=secrets 2>>"$log"); then
        echo "with-keyring.sh: gnome-keyring-daemon --start failed:" >&2
        cat "$log" >&2
        exit 125
    fi
    export_lines "$lines"

    export KINI_THROWAWAY_KEYRING=1
    # The daemon quits by itself when dbus-run-session ends the bus.
    exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null; then
        echo "with-keyring.sh: $tool is missing (run scripts/install-deps.sh)" >&2
        exit 127
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kini-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 "$scratch/runtime" "$scratch/data" "$scratch/config" "$scratch/cache"

export XDG_RUNTIME_DIR="$scratch/runtime"
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"

status=0
KINI_KEYRING_STAGE=inside-bus \
    KINI_KEYRING_PASSWORD="throwaway-$RANDOM$RANDOM$RANDOM" \
    dbus-run-session -- bash "${BASH_SOURCE[0]}" "$@" || status=$?
exit "$status"
