#!/usr/bin/env bash
# Where the gateway's CPU goes: the bench/run.sh setup (nginx fake upstream, one OpenAI deployment, governance with
# the SQLite ledger, no cache), wrk at a fixed concurrency, and `perf record -e cpu-clock` on the release binary.
# Prints CPU per request and the hottest symbols (inclusive). Software sampling works in VMs without hardware counters.
#
#   bench/gateway/profile.sh [json|stream] [CONCURRENCY] [SECONDS]
#
# Everything it starts is stopped by PID; scratch files go to bench/.work/profile-<pid>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODE=${1:-json}
C=${2:-1}
SECONDS_=${3:-8}
BIN="$ROOT/.build-release/release/switchyard"
WORK="$ROOT/bench/.work/profile-$$"
mkdir -p "$WORK"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UP=$(port)
SY=$(port)
python3 "$ROOT/bench/gateway/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" &
PIDS+=($!)
# shellcheck source=switchyard-config.sh
source "$ROOT/bench/gateway/switchyard-config.sh"
write_switchyard_config "$WORK/switchyard.yaml" "$SY" "$UP" "$WORK/switchyard.sqlite"
BENCH_UPSTREAM_KEY=sk-bench "$BIN" serve --config "$WORK/switchyard.yaml" >"$WORK/sy.out" 2>"$WORK/sy.log" &
SPID=$!
PIDS+=("$SPID")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$SY/readyz" >/dev/null && break; sleep 0.1; done
MODEL=bench-chat
EXTRA=""
if [[ $MODE == stream ]]; then MODEL=bench-stream; EXTRA=',"stream":true,"stream_options":{"include_usage":true}'; fi
printf '{"model":"%s","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2%s}' \
    "$MODEL" "$EXTRA" >"$WORK/body.json"
URL="http://127.0.0.1:$SY/v1/chat/completions"
cd "$ROOT/bench/gateway"
BENCH_BODY_FILE="$WORK/body.json" wrk -t1 -c"$C" -d2s -s wrk-post.lua "$URL" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }
BENCH_BODY_FILE="$WORK/body.json" wrk -t1 -c"$C" -d"$((SECONDS_ + 2))s" -s wrk-post.lua "$URL" >"$WORK/wrk.txt" &
WPID=$!
sleep 1
before=$(ticks)
perf record -e cpu-clock -F 999 -g -p "$SPID" -o "$WORK/perf.data" -- sleep "$SECONDS_" >/dev/null 2>&1
after=$(ticks)
wait "$WPID"
rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
hz=$(getconf CLK_TCK)
python3 -c "import sys; cpu=(int(sys.argv[2])-int(sys.argv[1]))/int(sys.argv[3]); rps=float(sys.argv[4]); print('mode %s c=%s: %.0f req/s, gateway CPU %.2f cores, %.0f us CPU per request' % (sys.argv[5], sys.argv[6], rps, cpu/float(sys.argv[7]), cpu/float(sys.argv[7])/rps*1e6))" \
    "$before" "$after" "$hz" "$rps" "$MODE" "$C" "$SECONDS_"
perf report -i "$WORK/perf.data" --children --sort symbol -g none 2>/dev/null | grep -v '^#' | grep '%' | head -${TOP:-60} |
    cut -c1-180
echo "perf data: $WORK/perf.data"
