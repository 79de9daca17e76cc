#!/usr/bin/env bash
# Runs every check and test of PartnerForge: formatting, clippy (host and wasm), the UI build, and
# the whole test suite including the keyring tests (a real gnome-keyring over D-Bus and the kernel
# keyring) and the WebDriver test of the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/partnerforge/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Incremental artifacts are of no use to a one-shot run and filled the disk once: off.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

bash scripts/install-deps.sh

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "build the UI (trunk, wasm)"
trunk build --config ui/Trunk.toml

step "clippy (host, all targets)"
cargo clippy --workspace --all-targets --features partnerforge-desktop/custom-protocol -- -D warnings
step "clippy (ui, wasm32)"
cargo clippy -p ui --target wasm32-unknown-unknown -- -D warnings

# Tests run inside a fresh kernel keyring session and a private D-Bus session with an unlocked
# gnome-keyring (the Secret Service), under a virtual X display for the app window.
keyring_home=$(mktemp -d)
test_log=$(mktemp)
# Screenshots of the real window (accounts list, brief, usage...) for people to look at.
export PF_SCREENSHOT_DIR="${PF_SCREENSHOT_DIR:-$PWD/artifacts/screenshots}"
# A throwaway PostgreSQL (Debian's package) for the sync server's tests on its second backend.
step "start PostgreSQL for the sync server's second backend"
source scripts/postgres.sh
pf_postgres_start
export PF_TEST_DATABASE_URL="$PF_POSTGRES_URL"
trap 'pf_postgres_stop; rm -rf "$keyring_home" "$test_log"' EXIT
step "cargo test (every test, including the keyring, PostgreSQL and WebDriver ones)"
XDG_DATA_HOME="$keyring_home" keyctl session - dbus-run-session -- bash -c '
    set -euo pipefail
    printf "%s" "partnerforge-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    xvfb-run -a -s "-screen 0 1280x800x24" \
        cargo test --workspace --features partnerforge-desktop/custom-protocol -- --include-ignored
' 2>&1 | tee "$test_log"

step "fuzz every target briefly (reproducible: ${FUZZ_RUNS:-15000} inputs each from a fixed seed; explore longer on demand: scripts/fuzz.sh 600 [TARGET...])"
fuzz_work=$(mktemp -d)
FUZZ_RUNS="${FUZZ_RUNS:-15000}" FUZZ_WORK_DIR="$fuzz_work" bash scripts/fuzz.sh
rm -rf "$fuzz_work"

# One closing line for the whole suite (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, i }' "$test_log"
