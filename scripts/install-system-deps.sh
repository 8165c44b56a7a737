#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the tests and the demo need. As root it installs them;
# otherwise it names them and stops. Safe to run again: it installs only what is missing.
#   libsecret-1-dev         keytar builds against it (OS keychain on Linux)
#   gnome-keyring dbus dbus-x11   a real Secret Service for the keychain tests
#   chromium xvfb           end-to-end tests and screenshots
#   redis-server postgresql the cluster's live and durable stores (cluster tests and demo)
#   haproxy nginx-light     the load balancers and TLS-terminating proxies the deployment docs test
#   openssl                 test CAs and certificates for the TLS tests
set -euo pipefail
# macOS and Windows keep secrets in their own keychains and need none of these.
[ "$(uname -s)" = "Linux" ] || exit 0
packages=(libsecret-1-dev gnome-keyring dbus dbus-x11 xvfb redis-server postgresql haproxy nginx-light openssl)
# The tests' browser: Debian's Chromium, unless AGENTDESK_CHROMIUM names another Chromium-based
# browser (CI runners ship Google Chrome).
if [ -z "${AGENTDESK_CHROMIUM:-}" ] || [ ! -x "${AGENTDESK_CHROMIUM}" ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "AgentDesk needs these system packages (Debian/Ubuntu names): ${missing[*]}. Install them with your package manager, then run the command again." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "AgentDesk needs these Debian/Ubuntu packages: ${missing[*]}." >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}   (or: sudo npm run setup:system)" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "System packages installed."
