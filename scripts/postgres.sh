#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the sync server's tests and benches (Debian's `postgresql`
# package, installed if missing). The cluster lives in a temporary directory, runs as a non-root
# user, listens on a free port on 127.0.0.1 only, and has a role `pf` (password auth, CREATEDB)
# that tests use to create a fresh database each. `pf` may also CHECKPOINT and read the data
# directory's setting: the erasure test reads the table files to check no erased value is left.
#
# Sourced:   source scripts/postgres.sh
#            pf_postgres_start          # exports PF_POSTGRES_URL (and PF_POSTGRES_DIR)
#            export PF_TEST_DATABASE_URL="$PF_POSTGRES_URL"
#            ...
#            pf_postgres_stop           # stops the cluster and deletes its directory
# Run:       bash scripts/postgres.sh start   # prints the URL, then `export ...` lines, on stdout
#            bash scripts/postgres.sh stop DIR
#
# PF_POSTGRES_FSYNC=on keeps fsync on (for benchmark figures); by default the throwaway cluster
# runs with fsync off, which is safe for data that is deleted afterwards and makes tests faster.

pf_postgres__log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# The directory of PostgreSQL's server programs (initdb, pg_ctl), installing the package if needed.
pf_postgres__bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            pf_postgres__log "PostgreSQL is not installed; run as root or: sudo apt-get install -y postgresql"
            return 1
        fi
        pf_postgres__log "installing Debian's postgresql package"
        apt-get update -qq >&2 || return 1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -x "$dir/initdb" ] || { pf_postgres__log "no initdb under /usr/lib/postgresql/*/bin"; return 1; }
    printf '%s\n' "$dir"
}

# A TCP port on 127.0.0.1 that nothing listens on.
pf_postgres__free_port() {
    local port tries=0
    while [ $tries -lt 200 ]; do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
        tries=$(( tries + 1 ))
    done
    return 1
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
pf_postgres__as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Starts a cluster; exports PF_POSTGRES_URL, PF_POSTGRES_DIR, PF_POSTGRES_BIN.
pf_postgres_start() {
    local bin dir port password attempt
    bin=$(pf_postgres__bindir) || return 1
    if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres || return 1
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/pf-postgres.XXXXXX") || return 1
    chmod 0755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    if ! pf_postgres__as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
        pf_postgres__log "initdb failed:"; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
    fi
    local fsync="${PF_POSTGRES_FSYNC:-off}"
    for attempt in 1 2 3 4 5; do
        port=$(pf_postgres__free_port) || { pf_postgres__log "no free port"; rm -rf "$dir"; return 1; }
        if pf_postgres__as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 \
                -c fsync=$fsync -c synchronous_commit=$fsync -c full_page_writes=$fsync \
                -c shared_buffers=128MB" start >"$dir/pg_ctl.log" 2>&1; then
            break
        fi
        pf_postgres__log "start on port $port failed (attempt $attempt)"
        port=""
    done
    if [ -z "$port" ]; then
        cat "$dir/server.log" >&2 2>/dev/null; rm -rf "$dir"; return 1
    fi
    if ! pf_postgres__as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE pf LOGIN CREATEDB PASSWORD '$password'" \
        -c "GRANT pg_checkpoint, pg_read_all_settings TO pf" >&2; then
        pf_postgres__log "creating the role failed"
        pf_postgres__as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$dir"; return 1
    fi
    export PF_POSTGRES_DIR="$dir"
    export PF_POSTGRES_BIN="$bin"
    export PF_POSTGRES_URL="postgres://pf:$password@127.0.0.1:$port/postgres"
    pf_postgres__log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir, fsync $fsync)"
}

# Stops the cluster started by pf_postgres_start (or the one in DIR) and deletes its directory.
pf_postgres_stop() {
    local dir="${1:-${PF_POSTGRES_DIR:-}}" bin
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    bin="${PF_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
    if [ -f "$dir/data/postmaster.pid" ]; then
        pf_postgres__as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            pf_postgres__as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    fi
    rm -rf "$dir"
    [ "$dir" = "${PF_POSTGRES_DIR:-}" ] && unset PF_POSTGRES_DIR PF_POSTGRES_URL
    return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pf_postgres_start
            printf '%s\n' "$PF_POSTGRES_URL"
            printf 'export PF_POSTGRES_DIR=%q PF_POSTGRES_URL=%q\n' "$PF_POSTGRES_DIR" "$PF_POSTGRES_URL"
            ;;
        stop)
            pf_postgres_stop "${2:?usage: $0 stop DIR}"
            ;;
        *)
            echo "usage: $0 start | stop DIR   (or source it and call pf_postgres_start / pf_postgres_stop)" >&2
            exit 2
            ;;
    esac
fi
