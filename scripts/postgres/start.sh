#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the store tests: installs Debian's `postgresql` if missing, initialises a
# cluster in a temporary directory as a non-root user, listens on a free loopback port, creates a database.
# Prints `export SWITCHYARD_TEST_POSTGRES_URL=…` on stdout (logs go to stderr), so use it as:
#   eval "$(scripts/postgres/start.sh)"    ...    scripts/postgres/stop.sh
# The state (data directory, port) is kept in $SWITCHYARD_PG_STATE (default /tmp/switchyard-test-postgres.env).
set -euo pipefail
STATE="${SWITCHYARD_PG_STATE:-/tmp/switchyard-test-postgres.env}"
log() { echo "postgres: $*" >&2; }

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [[ -f "$STATE" ]]; then
    # A previous run left a server: reuse it if it still answers, otherwise clean up.
    # shellcheck disable=SC1090
    source "$STATE"
    if [[ -n "${SWITCHYARD_PG_BIN:-}" ]] && "$SWITCHYARD_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$SWITCHYARD_PG_PORT"; then
        log "reusing the server on port $SWITCHYARD_PG_PORT"
        echo "export SWITCHYARD_TEST_POSTGRES_URL=$SWITCHYARD_TEST_POSTGRES_URL"
        exit 0
    fi
    "$(dirname "$0")/stop.sh" >&2 || true
fi

BIN="$(find_bindir)"
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
    log "installing Debian's postgresql package"
    if [[ "$(id -u)" -ne 0 ]]; then log "not root: install postgresql yourself (apt-get install postgresql)"; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN="$(find_bindir)"
fi

# PostgreSQL refuses to run as root: run it as the `postgres` system user (created by the package) when we are root.
if [[ "$(id -u)" -eq 0 ]]; then
    RUN_AS=(runuser -u postgres --)
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
else
    RUN_AS=()
fi

DIR="$(mktemp -d /tmp/switchyard-pg.XXXXXX)"
chmod 755 "$DIR"
[[ "$(id -u)" -eq 0 ]] && chown postgres "$DIR"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

log "initdb in $DIR (port $PORT)"
"${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U switchyard --auth=trust --encoding=UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100" \
    start >&2 || { cat "$DIR/server.log" >&2; exit 1; }
"${RUN_AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U switchyard switchyard_test

URL="postgres://switchyard@127.0.0.1:$PORT/switchyard_test"
cat >"$STATE" <<STATE_EOF
SWITCHYARD_PG_DIR=$DIR
SWITCHYARD_PG_PORT=$PORT
SWITCHYARD_PG_BIN=$BIN
SWITCHYARD_TEST_POSTGRES_URL=$URL
STATE_EOF
log "ready at $URL"
echo "export SWITCHYARD_TEST_POSTGRES_URL=$URL"
