#!/usr/bin/env bash
# Runs the desktop end-to-end test: the real binary under Xvfb, driven by WebDriver, inside a new
# network namespace where only loopback exists (the app must work with no network at all).
# Usage: scripts/e2e.sh [tests/e2e/desktop.mjs]
set -euo pipefail
cd "$(dirname "$0")/.."
test_file=${1:-tests/e2e/desktop.mjs}
export PATH="$HOME/.cargo/bin:$PATH"
export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1
# The file chooser keeps its settings in memory here (no session bus for dconf under Xvfb).
export GSETTINGS_BACKEND=memory
# As root a plain network namespace; otherwise a user namespace too, which lets a user make one.
ns=(--net)
if [ "$(id -u)" -ne 0 ]; then ns=(--net --map-root-user); fi
exec unshare "${ns[@]}" -- bash -c '
  set -euo pipefail
  ip link set lo up
  if ip route get 1.1.1.1 >/dev/null 2>&1; then echo "e2e: a route out exists; refusing to run" >&2; exit 1; fi
  exec xvfb-run -a -s "-screen 0 1280x800x24" node "$0"
' "$test_file"
