#!/usr/bin/env bash
# Starts the desktop app on a vault, seeding the demo case when the vault does not exist yet.
# Without a display (a server, CI) it runs under Xvfb and says so.
# Usage: scripts/run-desktop.sh BINARY VAULT_DIR
set -euo pipefail
bin=$1
vault=$2
mkdir -p "$(dirname "$vault")"
echo "Casebook: demo vault $vault (passphrase: \"demo harbour lantern oyster\")"
export WEBKIT_DISABLE_DMABUF_RENDERER=${WEBKIT_DISABLE_DMABUF_RENDERER:-1}
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display here: running the app under Xvfb (headless). Use a desktop session to see it." >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$bin" --demo "$vault"
fi
exec "$bin" --demo "$vault"
