#!/usr/bin/env bash
# Installs what is missing, builds Kini Explorer, starts the demo SimpleJWT server on
# 127.0.0.1:8000 (or the next free port) and opens the explorer on it. The server stops when the
# explorer exits.
#
#   bash scripts/demo.sh
#
# KINI_DEMO_PORT picks another first port; KINI_USER / KINI_PASSWORD another demo account;
# KINI_DATA_DIR another server data folder (default build/demo-server, kept between runs, so a
# session saved in a keychain that itself lasts, the desktop's, survives a restart; without a
# D-Bus session the keyring is a throwaway one and nothing is resumed next time);
# KINI_SKIP_DEPS=1 skips the package check.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
python=${KINI_PYTHON:-/usr/bin/python3} # Debian's, with Django; the first on PATH may not be

if [ "${KINI_SKIP_DEPS:-0}" != 1 ]; then
    bash scripts/install-deps.sh
fi

generator=()
if [ ! -f build/CMakeCache.txt ] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "${KINI_JOBS:-2}" --target kini-explorer
app=build/bin/kini-explorer
if [ ! -x "$app" ]; then
    echo "demo.sh: $app was not built" >&2
    exit 1
fi

export KINI_USER=${KINI_USER:-demo}
export KINI_PASSWORD=${KINI_PASSWORD:-demo-password}
export KINI_DATA_DIR=${KINI_DATA_DIR:-$repo/build/demo-server}
mkdir -p "$KINI_DATA_DIR"
server_log="$KINI_DATA_DIR/server.log"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kini-demo.XXXXXX")
server_pid=
# shellcheck disable=SC2317 # reached through the EXIT trap
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
        echo "Demo server stopped."
    fi
    rm -rf "$scratch"
}
app_pid=
# On Ctrl-C or TERM, end the explorer's whole process group (xvfb-run, Xvfb, the private D-Bus
# session and keyring included), then the EXIT trap stops the server.
# shellcheck disable=SC2317 # reached through the INT and TERM traps
stop_app() {
    if [ -n "$app_pid" ]; then
        kill -TERM -- "-$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
    fi
    exit "$1"
}
trap stop_server EXIT
trap 'stop_app 130' INT
trap 'stop_app 143' TERM

# serve.py prints one line, "KINI-SERVER-LISTENING <port>", once it accepts connections. Read it
# through a FIFO kept open for the server's lifetime; EOF means the server gave up.
mkfifo "$scratch/stdout"
"$python" tests/server/serve.py --port "${KINI_DEMO_PORT:-8000}" --fallback-ports 20 \
    >"$scratch/stdout" 2>>"$server_log" &
server_pid=$!
exec 3<"$scratch/stdout"
line=
read -r -t 60 -u 3 line || true
port=${line#KINI-SERVER-LISTENING }
if [ -z "$line" ] || [ "$port" = "$line" ]; then
    echo "demo.sh: the demo server did not start; the end of $server_log:" >&2
    tail -n 20 "$server_log" >&2
    exit 1
fi
url="http://127.0.0.1:$port/api/"

cat <<BANNER

  Kini demo server (Django REST framework + SimpleJWT)
    URL:      $url
    username: $KINI_USER
    password: $KINI_PASSWORD
    log:      $server_log

BANNER

launch=()
# libdbus also finds a session bus at $XDG_RUNTIME_DIR/bus without the variable.
session_bus=${DBUS_SESSION_BUS_ADDRESS:-}
if [ -z "$session_bus" ] && [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/bus" ]; then
    session_bus="unix:path=$XDG_RUNTIME_DIR/bus"
fi
if [ -z "$session_bus" ]; then
    echo "No D-Bus session bus: this run uses a throwaway keyring (nothing is kept after exit)."
    launch+=(bash scripts/with-keyring.sh)
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display (DISPLAY is unset): running the explorer under xvfb-run on a virtual"
    echo "1280x800 screen; its window will not be visible."
    launch+=(xvfb-run -a -s '-screen 0 1280x800x24')
fi

echo "Starting: $app --server $url --user $KINI_USER"
# In the background, as its own process group (job control on), so that a signal to this
# script is handled at once instead of after the explorer exits.
set -m
"${launch[@]}" "$app" --server "$url" --user "$KINI_USER" &
app_pid=$!
set +m
status=0
wait "$app_pid" || status=$?
app_pid=
exit "$status"
