#!/usr/bin/env bash
# Stops the server started by scripts/postgres/start.sh and removes its temporary directory.
set -euo pipefail
STATE="${SWITCHYARD_PG_STATE:-/tmp/switchyard-test-postgres.env}"
[[ -f "$STATE" ]] || { echo "postgres: nothing to stop" >&2; exit 0; }
# shellcheck disable=SC1090
source "$STATE"
if [[ "$(id -u)" -eq 0 ]]; then RUN_AS=(runuser -u postgres --); else RUN_AS=(); fi
if [[ -d "${SWITCHYARD_PG_DIR:-}/data" ]]; then
    "${RUN_AS[@]}" "$SWITCHYARD_PG_BIN/pg_ctl" -D "$SWITCHYARD_PG_DIR/data" -m fast -w stop >&2 || true
fi
[[ -n "${SWITCHYARD_PG_DIR:-}" && "$SWITCHYARD_PG_DIR" == /tmp/switchyard-pg.* ]] && rm -rf "$SWITCHYARD_PG_DIR"
rm -f "$STATE"
echo "postgres: stopped" >&2
