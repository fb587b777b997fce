#!/usr/bin/env bash
# Resilience scenario (issue 3): three deployments of one model, one failing 30% of requests, one slow.
# Reports the success rate, p50/p99 latency added over a single healthy deployment, and each deployment's traffic
# share, per routing strategy. Uses the built-in simulator as the upstreams, so it needs no network.
# Usage: bench/resilience/run.sh [--duration SECONDS] [--connections N]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=10
connections=16
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
flock /tmp/switchyard-release.lock scripts/build-release.sh --scratch-path .build-release 2>&1 | tail -1
binary=.build-release/release/switchyard
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

strategies="weighted least_inflight lowest_latency"
{
    echo "server: { host: 127.0.0.1, port: 0 }"
    echo "routing: { circuit_breaker: { consecutive_failures: 5, cooldown_ms: 2000 } }"
    echo "providers:"
    echo "  healthy: { kind: simulator, simulator: { latency_ms: 20 } }"
    echo "  flaky:   { kind: simulator, simulator: { latency_ms: 20, error_rate: 0.3 } }"
    echo "  slow:    { kind: simulator, simulator: { latency_ms: 250 } }"
    echo "models:"
    echo "  - name: baseline"
    echo "    deployments: [ { provider: healthy, model: sim } ]"
    for strategy in $strategies; do
        echo "  - name: resilient-$strategy"
        echo "    strategy: $strategy"
        echo "    deployments:"
        echo "      - { provider: healthy, model: sim }"
        echo "      - { provider: flaky, model: sim }"
        echo "      - { provider: slow, model: sim }"
    done
} > "$work/config.yaml"

"$binary" serve --config "$work/config.yaml" --port 0 > "$work/out" 2> "$work/log" &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/out" | head -1)

measure() {
    MODEL=$1 wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/resilience/post.lua "$url/v1/chat/completions" \
        | grep '^RESULT'
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

date_tag=$(date -u +%Y-%m-%d)
out="bench/results/resilience-$date_tag.md"
mkdir -p bench/results
baseline=$(measure baseline)
base_p50=$(field "$baseline" p50_us); base_p99=$(field "$baseline" p99_us)
{
    echo "# Resilience scenario, $date_tag"
    echo
    echo "Three simulator deployments behind one model: \`healthy\` (20 ms), \`flaky\` (20 ms, 30% of requests fail with"
    echo "503) and \`slow\` (250 ms). Baseline: the healthy deployment alone. wrk, $connections connections, ${duration} s per"
    echo "strategy, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))."
    echo "Command: \`bench/resilience/run.sh --duration $duration --connections $connections\`."
    echo
    echo "Baseline: $(field "$baseline" requests) requests, p50 $((base_p50 / 1000)) ms, p99 $((base_p99 / 1000)) ms."
    echo
    echo "| strategy | requests | success rate | p50 added | p99 added | share healthy | share flaky | share slow | flaky attempts failed |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$out"
for strategy in $strategies; do
    result=$(measure "resilient-$strategy")
    deployments=$(curl -s "$url/admin/v1/deployments")
    python3 - "$strategy" "$result" "$deployments" "$base_p50" "$base_p99" >> "$out" <<'PY'
import json, sys
strategy, result, deployments, base_p50, base_p99 = sys.argv[1:]
fields = dict(item.split("=") for item in result.split()[1:])
rows = {row["provider"]: row for row in json.loads(deployments)["data"] if row["model"] == f"resilient-{strategy}"}
ok = [rows[name]["attempts"] - rows[name]["failures"] for name in ("healthy", "flaky", "slow")]
served = sum(ok) or 1
requests = int(fields["requests"])
success = int(fields["ok"]) / max(1, requests)
flaky = rows["flaky"]
print(f"| {strategy} | {requests} | {success:.2%} | {(int(fields['p50_us']) - int(base_p50)) / 1000:.1f} ms "
      f"| {(int(fields['p99_us']) - int(base_p99)) / 1000:.1f} ms | {ok[0] / served:.1%} | {ok[1] / served:.1%} "
      f"| {ok[2] / served:.1%} | {flaky['failures']} of {flaky['attempts']} |")
PY
done
{
    echo
    echo "Shares count successful answers per deployment. A failed attempt on \`flaky\` fails over to another deployment"
    echo "(no backoff), and five failures in a row open its breaker for 2 s, so clients see the failures only when every"
    echo "deployment of the group fails in the same request."
} >> "$out"
cat "$out"
