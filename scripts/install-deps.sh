#!/usr/bin/env bash
# Installs the system packages Casebook needs to build and test, and only those missing.
# Idempotent: a second run with everything present does nothing and needs no network.
# Usage: scripts/install-deps.sh [core|desktop]   (default: core)
set -euo pipefail

want_core=(build-essential pkg-config libssl-dev age minisign zstd tar coreutils python3-venv)
want_desktop=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev file patchelf xvfb xauth webkit2gtk-driver imagemagick xdotool chromium
  iproute2 util-linux)

set_name=${1:-core}
pkgs=("${want_core[@]}")
if [ "$set_name" = desktop ]; then pkgs+=("${want_desktop[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

tools() {
  # tauri-driver bridges WebDriver to WebKitWebDriver for the desktop end-to-end test.
  if [ "$set_name" = desktop ] && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "install-deps: cargo install tauri-driver" >&2
    cargo install tauri-driver --locked --version 2.1.0
  fi
}

# Node.js may come from elsewhere (this fleet has NodeSource's 20, which bundles npm); Debian's
# packages only when there is none.
if [ "$set_name" = desktop ] && ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  tools
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
tools
