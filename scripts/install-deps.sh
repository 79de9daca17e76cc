#!/usr/bin/env bash
# Installs what building, running and testing PartnerForge needs on Debian 12 / Ubuntu,
# each piece only when it is missing. Safe to run again; takes ~15 minutes on a fresh 2-core machine
# (trunk is the slow one), seconds afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '==> %s\n' "$*" >&2; }

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# System packages: WebKitGTK for the Tauri window, SQLCipher's libcrypto, Xvfb + WebKitWebDriver
# for headless UI tests, gnome-keyring + keyutils + D-Bus for the real OS keyring, and
# `prometheus` for `promtool check metrics` on every /metrics text the tests produce.
APT_PACKAGES=(
    build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev
    xvfb xauth webkit2gtk-driver dbus keyutils gnome-keyring sqlite3 binaryen prometheus
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
    echo "Rust is not installed: install it with rustup (https://rustup.rs) and run this again." >&2
    exit 1
fi

for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || { log "rustup: adding $component"; rustup component add "$component"; }
done
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    log "rustup: adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if ! command -v trunk >/dev/null; then
    log "cargo: installing trunk 0.21.14 (about 11 minutes on 2 cores)"
    cargo install trunk --version 0.21.14 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -n "$wb_version" ] && [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
    log "cargo: installing wasm-bindgen-cli $wb_version"
    cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

if ! command -v tauri-driver >/dev/null; then
    log "cargo: installing tauri-driver 2"
    cargo install tauri-driver --version '^2' --locked
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    log "cargo: installing cargo-fuzz (about 4 minutes on 2 cores)"
    cargo install cargo-fuzz --locked
fi
log "dependencies are in place"
