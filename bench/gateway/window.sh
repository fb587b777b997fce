#!/usr/bin/env bash
# What HTTP/2 flow control costs against an upstream a few milliseconds away (issue 8): nginx over TLS with HTTP/2 as
# the upstream, behind delay-proxy.py (DELAY_MS each way), answering a ~1 MiB chat completion; each gateway variant
# relays it to curl, one request at a time on one keep-alive connection. Prints, per variant, the median and the
# slowest of N requests' total times (curl's time_total), after one warm-up request that opens the upstream
# connection. "direct" is curl itself over the same delayed path to nginx, with curl's own (large) windows: the floor.
#
# At 64 KiB of window per round trip, a 1 MiB answer takes 16 round trips; with a window as large as the answer, one
# or two. A measurement, not a test.
#
# Usage: bench/gateway/window.sh [-n REQUESTS] [-d DELAY_MS] NAME=SPEC [NAME=SPEC ...]
#   SPEC is a comma-separated list of: bin=PATH (default .build-release/release/switchyard), http2=false
#   e.g. bench/gateway/window.sh -n 20 -d 10 before=bin=/tmp/sy-before after=bin=/tmp/sy-after
# Everything it starts is stopped by PID; scratch files go to a temporary directory (KEEP_WORK=1 keeps it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=$ROOT/bench/gateway
REQUESTS=20 DELAY_MS=10
while getopts "n:d:" opt; do
    case $opt in
        n) REQUESTS=$OPTARG ;;
        d) DELAY_MS=$OPTARG ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
(($# > 0)) || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

# shellcheck source=scratch.sh
source "$LIB/scratch.sh"
start_scratch switchyard-window

UP=$(port) UP_TLS=$(port) UP_H2=$(port) PROXY=$(port) PROXY_TLS=$(port)
python3 "$LIB/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1 "$UP_TLS" "$UP_H2"
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" &
PIDS+=($!)
python3 "$LIB/delay-proxy.py" "$PROXY" "$UP_H2" "$DELAY_MS" &
PIDS+=($!)
python3 "$LIB/delay-proxy.py" "$PROXY_TLS" "$UP_TLS" "$DELAY_MS" &
PIDS+=($!)

NAMES=() PORTS=()
for spec in "$@"; do
    name=${spec%%=*} options=${spec#*=} bin=$ROOT/.build-release/release/switchyard tls_http2=true
    IFS=',' read -ra parts <<<"$options"
    for part in "${parts[@]}"; do
        case $part in
            bin=*) bin=${part#bin=} ;;
            http2=false) tls_http2=false ;;
            "") ;;
            *) echo "unknown option '$part' in $spec" >&2; exit 2 ;;
        esac
    done
    # HTTP/1.1 alone: the nginx port that offers only HTTP/1.1, so no connection is thrown away.
    proxy=$PROXY
    [[ $tls_http2 == false ]] && proxy=$PROXY_TLS
    gw_port=$(port) dir=$WORK/${#NAMES[@]}
    mkdir -p "$dir"
    cat >"$dir/switchyard.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $gw_port
  upstream_ca_file: $WORK/up/cert.pem
  tls_http2: $tls_http2
store:
  sqlite: $dir/switchyard.sqlite
providers:
  far:
    kind: openai
    api_key: env:BENCH_UPSTREAM_KEY
    base_url: https://localhost:$proxy/big/v1
models:
  - name: bench-big
    deployments:
      - provider: far
        model: gpt-4o-mini
YAML
    BENCH_UPSTREAM_KEY=sk-bench "$bin" serve --config "$dir/switchyard.yaml" >"$dir/out.log" 2>"$dir/err.log" &
    PIDS+=($!) NAMES+=("$name") PORTS+=("$gw_port")
done
for gw_port in "${PORTS[@]}"; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gw_port/readyz" >/dev/null && break; sleep 0.1; done
done
BODY=$WORK/body.json
printf '%s' '{"model":"bench-big","messages":[{"role":"user","content":"Write a long text."}]}' >"$BODY"

# measure NAME URL [curl options...]: one warm-up and REQUESTS timed requests on one connection.
measure() {
    local name=$1 url=$2
    shift 2
    local urls=()
    for ((i = 0; i <= REQUESTS; i++)); do urls+=(-o /dev/null "$url"); done
    curl -s -w '%{http_code} %{size_download} %{time_total}\n' "$@" -H 'content-type: application/json' \
        --data-binary "@$BODY" "${urls[@]}" >"$WORK/$name.times"
    python3 - "$name" "$WORK/$name.times" <<'PY'
import statistics, sys
name, path = sys.argv[1], sys.argv[2]
rows = [line.split() for line in open(path)][1:]
bad = [r for r in rows if r[0] != "200"]
times = sorted(float(r[2]) * 1000 for r in rows)
size = sum(int(r[1]) for r in rows) / max(1, len(rows))
print(f"{name:>14}  median {statistics.median(times):8.1f} ms  slowest {times[-1]:8.1f} ms  "
      f"{size / 1024:7.0f} KiB each  errors {len(bad)}")
PY
}
echo "one-way delay $DELAY_MS ms (round trip $((2 * DELAY_MS)) ms), $REQUESTS requests after one warm-up"
measure direct "https://localhost:$PROXY/big/v1/chat/completions" --http2 --cacert "$WORK/up/cert.pem"
for i in "${!NAMES[@]}"; do
    measure "${NAMES[$i]}" "http://127.0.0.1:${PORTS[$i]}/v1/chat/completions"
done
