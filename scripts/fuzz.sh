#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (see fuzz/README.md), each for SECONDS seconds.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS defaults to $FUZZ_SECONDS, else 10; no TARGET means every target (`cargo fuzz list`).
# Seeds come from fuzz/corpus/<target> (read only); what the fuzzer finds goes to a work corpus
# under $FUZZ_WORK_DIR (default ~/.cache/partnerforge/fuzz-work), kept between runs so longer
# runs build on earlier ones. Exits non-zero if any target crashes, leaks, times out on one
# input (-timeout, 10 s) or runs out of memory, printing the artifact (cargo-fuzz puts it in
# fuzz/artifacts/<target>/, ignored by git) and the command that reproduces it.
#
# Toolchain: `cargo +nightly fuzz` when rustup has a nightly toolchain, else the stable compiler
# with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags; no toolchain download needed);
# FUZZ_TOOLCHAIN=stable forces the latter.
# Environment: FUZZ_SECONDS, FUZZ_TARGET_DIR (build dir, default
# ~/.cache/partnerforge/fuzz-target), FUZZ_WORK_DIR, FUZZ_SANITIZER (address by default; `none`
# builds faster and finds panics only), FUZZ_JOBS (parallel fuzzing processes per target, default 1; the
# run counts then cover the first process only).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

seconds="${FUZZ_SECONDS:-10}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
    seconds="$1"
    shift
fi
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/partnerforge/fuzz-target}"
work="${FUZZ_WORK_DIR:-$HOME/.cache/partnerforge/fuzz-work}"
sanitizer="${FUZZ_SANITIZER:-address}"
# FUZZ_RUNS=N: a reproducible run instead of a timed one: N inputs per target from a fixed seed
# (FUZZ_SEED, default 1). CI uses it with a fresh work dir, so its verdict does not depend on
# luck or on corpora grown by earlier runs; timed runs (the default) explore.
runs_limit="${FUZZ_RUNS:-}"
seed="${FUZZ_SEED:-1}"
jobs="${FUZZ_JOBS:-1}"

log() { printf '==> %s\n' "$*" >&2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    log "cargo: installing cargo-fuzz (about 4 minutes on 2 cores)"
    cargo install cargo-fuzz --locked
fi

if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
    toolchain="nightly"
else
    # The stable compiler accepts cargo-fuzz's -Z flags with RUSTC_BOOTSTRAP; it ships the
    # AddressSanitizer runtime on x86_64 Linux.
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
    toolchain="stable with RUSTC_BOOTSTRAP=1"
fi
build_flags=(--sanitizer "$sanitizer")

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <("${fuzz[@]}" list)
fi

# Longest input per target: enough for a real body of that kind, small enough to stay fast.
max_len() {
    case "$1" in
        domain) echo 1024 ;;
        sync_bodies) echo 8192 ;;
        csv_import) echo 16384 ;;
        website | fingerprint) echo 65536 ;;
        *) echo 32768 ;;
    esac
}

log "building ${#targets[@]} fuzz targets ($toolchain, sanitizer $sanitizer) in $CARGO_TARGET_DIR"
mkdir -p "$work"
: >"$work/build.log"
build_start=$(date +%s)
if [ $# -gt 0 ]; then
    builds=("${targets[@]}")
else
    builds=("") # one build of every target
fi
for b in "${builds[@]}"; do
    if ! "${fuzz[@]}" build "${build_flags[@]}" ${b:+"$b"} >>"$work/build.log" 2>&1; then
        tail -n 80 "$work/build.log" >&2
        log "fuzz build failed; full log: $work/build.log"
        exit 1
    fi
done
log "build took $(($(date +%s) - build_start)) s"

summary=()
failed=0
for t in "${targets[@]}"; do
    seeds="fuzz/corpus/$t"
    grown="$work/corpus/$t"
    mkdir -p "$grown"
    dirs=("$grown")
    [ -d "$seeds" ] && dirs+=("$seeds")
    if [ -n "$runs_limit" ]; then
        budget=(-runs="$runs_limit" -seed="$seed")
        log "fuzzing $t for $runs_limit inputs (seed $seed)"
    else
        budget=(-max_total_time="$seconds")
        log "fuzzing $t for ${seconds} s"
    fi
    out="$work/$t.log"
    start=$(date +%s)
    status=0
    parallel=()
    [ "$jobs" -gt 1 ] && parallel=(--jobs "$jobs")
    "${fuzz[@]}" run "${build_flags[@]}" ${parallel[@]+"${parallel[@]}"} "$t" "${dirs[@]}" -- \
        "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -print_final_stats=1 >"$out" 2>&1 || status=$?
    took=$(($(date +%s) - start))
    runs=$(awk '/^stat::number_of_executed_units:/ { n += $NF } END { print n + 0 }' "$out")
    if [ "$status" -eq 0 ]; then
        summary+=("$(printf '%-14s %10s runs %5s s  ok' "$t" "$runs" "$took")")
    else
        failed=1
        summary+=("$(printf '%-14s %10s runs %5s s  FAILED (exit %s)' "$t" "$runs" "$took" "$status")")
        tail -n 60 "$out" >&2
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out" | tail -n 1)
        log "$t failed; full log: $out"
        if [ -n "$artifact" ]; then
            log "crash artifact: $artifact"
            log "reproduce: CARGO_TARGET_DIR=$CARGO_TARGET_DIR${RUSTC_BOOTSTRAP:+ RUSTC_BOOTSTRAP=1} ${fuzz[*]} run --sanitizer $sanitizer $t $artifact"
        fi
    fi
done

printf '\n%-14s %15s %7s  result\n' target executed seconds
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    log "fuzzing found a problem (see above)"
    exit 1
fi
