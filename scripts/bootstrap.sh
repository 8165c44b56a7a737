#!/usr/bin/env bash
# Brings a fresh clone to a runnable state: checks Node, installs system packages (as root),
# then npm packages from the lockfile when node_modules is missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj < 20 || (maj === 20 && min < 19)) {
    console.error(`AgentDesk needs Node.js 20.19 or newer; this is ${process.version}.`);
    process.exit(1);
  }'
bash scripts/install-system-deps.sh
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "Installing npm packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
