#!/usr/bin/env bash
# Runs a command on a private D-Bus session with an unlocked gnome-keyring, so keytar has a real
# Secret Service. The keyring lives in a temp dir that is removed afterwards.
set -euo pipefail
# Only Linux reaches its keychain through a D-Bus Secret Service; elsewhere keytar uses the OS's own.
if [ "$(uname -s)" != "Linux" ]; then exec "$@"; fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-secret-service: dbus-run-session and gnome-keyring-daemon are needed (run: sudo npm run setup:system)." >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentdesk-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
mkdir -p "$tmp/data" "$tmp/runtime" "$tmp/cache"
chmod 700 "$tmp/runtime"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" XDG_CACHE_HOME="$tmp/cache"
export AGENTDESK_SECRET_SERVICE=1
# The keyring password only protects this throwaway keyring.
dbus-run-session -- bash -c 'echo -n agentdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' bash "$@"
