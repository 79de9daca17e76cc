#!/usr/bin/env bash
# Installs what is missing, builds the UI and the desktop app, and launches PartnerForge on the
# embedded default: a local encrypted store (key in the OS keyring) seeded with sample accounts,
# free sources only, no sync server, no API keys. Extra arguments go to the app (e.g. --data-dir).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/partnerforge/target}"

bash scripts/install-deps.sh
trunk build --config ui/Trunk.toml
cargo build --bin partnerforge-desktop --features custom-protocol
exec "$CARGO_TARGET_DIR/debug/partnerforge-desktop" "$@"
