#!/usr/bin/env bash
# Regenerates the release build's link order, scripts/link-order.txt: the functions a proxied request runs (JSON and
# streamed), hottest first, from callgrind (bench/gateway/callgrind.sh) run on a release binary.
#
#   bench/gateway/link-order.sh [--bin PATH] [--out FILE]      (in the package's directory)
#
# scripts/build-release.sh compiles every function into a section of its own and has lld place the listed ones first,
# in this order, so that a request's code sits together (bench/results/gateway-2026-12-05-session21.md: −10% CPU per
# request and −10 µs added p50 at c=1). Names that no longer exist are skipped, and new functions are placed after
# the listed ones, so an old list stays correct and only loses effect: regenerate it after changes to the request
# path, then rebuild (scripts/build-release.sh) and compare (bench/gateway/ab.sh).
# Takes about a minute. Scratch files go to callgrind.sh's directory and are deleted.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN="$ROOT/.build-release/release/switchyard"
OUT="$ROOT/scripts/link-order.txt"
while (($# > 0)); do
    case $1 in
        --bin) BIN=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$ROOT/bench/gateway/callgrind.sh" --bin "$BIN" --repeat 1 --requests 200 --stream-requests 40 --keep-work >"$log" 2>&1 ||
    { cat "$log" >&2; exit 1; }
work=$(sed -n 's/.*scratch files kept in //p' "$log" | tail -1)
[[ -d $work ]] || { cat "$log" >&2; echo "link-order.sh: callgrind.sh kept no scratch directory" >&2; exit 1; }
python3 "$ROOT/bench/gateway/link-order.py" --binary "$BIN" --out "$OUT" "$work/json-1.out" "$work/stream-1.out"
rm -rf "$work"
