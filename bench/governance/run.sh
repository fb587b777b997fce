#!/usr/bin/env bash
# Governance benchmark: hot-path latency (auth + rate limit + budget) and usage-ledger throughput.
# Release build in .build-governance (a scratch directory of its own: a plain `swift build` in .build-release would
# mix objects built without scripts/build-release.sh's flags into the gateway's), serialised with other release
# builds by a lock; writes
# bench/results/governance-<date>.md. PostgreSQL is measured too when SWITCHYARD_TEST_POSTGRES_URL is set
# (eval "$(scripts/postgres/start.sh)"); it then runs in a fresh database created for the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-bench/results/governance-$(date -u +%F).md}"
flock /tmp/switchyard-release.lock env SWITCHYARD_BENCHMARKS=1 \
    swift build -c release --product GovernanceBenchmark --scratch-path .build-governance
if [[ -n "${SWITCHYARD_TEST_POSTGRES_URL:-}" ]]; then
    DB="bench_$(date +%s)_$$"
    psql -q "$SWITCHYARD_TEST_POSTGRES_URL" -c "CREATE DATABASE $DB"
    export SWITCHYARD_TEST_POSTGRES_URL="${SWITCHYARD_TEST_POSTGRES_URL%/*}/$DB"
fi
export SWITCHYARD_BENCH_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
.build-governance/release/GovernanceBenchmark --output "$OUT"
echo "wrote $OUT" >&2
