#!/usr/bin/env bash
# Compares Switchyard variants (binaries, environments, configuration keys) at one concurrency, interleaved: one nginx
# upstream, one gateway per variant running side by side, then R rounds in which each is measured for D seconds
# right after the upstream directly. Prints, per variant, the medians over rounds of p50, p99, requests/s, CPU per
# request (from /proc; the kernel's part of it in brackets), and of the per-round added latency (variant − direct of the same
# round), and the errors (socket errors and non-2xx answers) over all rounds.
#
# Why interleaved: on this shared 2-core VM the host's noise moves p99 at c=1 by a millisecond from one minute to the
# next. Two variants measured minutes apart differ by that much for no reason; alternated second by second, they see
# the same noise. Used in session 11 for the ledger's priority and the request parser
# (bench/results/gateway-2026-12-03-session11.md). A measurement, not a test.
#
# Usage: bench/gateway/ab.sh [-r ROUNDS] [-d SECONDS] [-c CONCURRENCY] [-s] [-f] [-p] NAME=SPEC [NAME=SPEC ...]
#   -s                    streamed requests (SSE, 20 chunks + usage) instead of JSON
#   -f                    failing requests: every gateway gets a model `bench-fail` whose one deployment is a path
#                         nginx answers 404, and the requests ask for it; each is answered with the gateway's error
#                         (counted under errors). For the cost of a failure: its latency and CPU per request
#   -p                    pinned: wrk and the nginx upstream on CPU 1, every gateway and reference on CPU 0
#                         (`taskset`), so that the proxy under test never shares a CPU with the load generator or the
#                         upstream. Not the issue's setup (a machine shared with the load generator): for telling
#                         how much of a figure is the scheduler's placement (bench/results/gateway-2026-12-05-session21.md)
#   SPEC is a comma-separated list of:
#     bin=PATH            the binary (default .build-release/release/switchyard)
#     flush=MS            governance.ledger_flush_ms
#     trim=SECONDS        server.heap_trim_seconds
#     transport=NAME      server.plain_http_upstreams (`pooled` or `async-http-client`)
#     upstream=tls|h2     the upstream over TLS, HTTP/1.1 only (`tls`), or on an nginx port that offers HTTP/2 by ALPN
#                         (`h2`): nginx with a self-signed certificate, trusted through server.upstream_ca_file; the
#                         stand-in for a hosted provider. The direct measurement stays plain HTTP.
#     http2=false         server.tls_http2: false (HTTP/1.1 alone offered to TLS upstreams)
#     tls=NAME            server.tls_upstreams (`pooled` or `async-http-client`)
#     ENV_NAME=value      an environment variable for the gateway (upper-case names)
#   or, instead of a gateway, one of two references for the same upstream:
#     nginx-proxy         nginx as a plain reverse proxy (proxy_pass, keep-alive upstream connections, one worker):
#                         the brief's bar
#     relay               bench/floor's nio-relay, a SwiftNIO byte relay with no HTTP (build it first:
#                         swift build -c release --package-path bench/floor): the least a SwiftNIO proxy can add
#     relay:IN:OUT:AFTER  the relay busy for IN µs before it forwards a request, OUT µs before it forwards an answer
#                         and AFTER µs after (any may be empty for 0): a relay that spends a gateway's CPU, to tell
#                         what CPU per request costs at c=1 from what the gateway's structure costs
#                         (bench/results/gateway-2026-12-05-session25.md)
#   e.g. bench/gateway/ab.sh -r 12 before=bin=/tmp/sy-before after=bin=/tmp/sy-after idle=flush=3600000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=$ROOT/bench/gateway
ROUNDS=12 SECONDS_EACH=1 CONCURRENCY=1 STREAM=0 FAIL=0
PINNED=0
while getopts "r:d:c:sfp" opt; do
    case $opt in
        r) ROUNDS=$OPTARG ;;
        d) SECONDS_EACH=$OPTARG ;;
        c) CONCURRENCY=$OPTARG ;;
        s) STREAM=1 ;;
        f) FAIL=1 ;;
        p) PINNED=1 ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
(($# > 0)) || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

# shellcheck source=scratch.sh
source "$LIB/scratch.sh"
start_scratch switchyard-ab

UP=$(port) UP_TLS=$(port) UP_H2=$(port)
python3 "$LIB/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1 "$UP_TLS" "$UP_H2"
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" &
PIDS+=($!)
# shellcheck source=switchyard-config.sh
source "$LIB/switchyard-config.sh"

NAMES=() PORTS=() GATEWAYS=()
index=0
for spec in "$@"; do
    name=${spec%%=*} options=${spec#*=} bin=$ROOT/.build-release/release/switchyard envs=()
    gw_port=$(port) dir=$WORK/$index
    mkdir -p "$dir"
    if [[ $options == nginx-proxy ]]; then
        start_nginx_proxy "$dir" "$gw_port" "$UP"
        PIDS+=($!) GATEWAYS+=($!) NAMES+=("$name") PORTS+=("$gw_port")
        index=$((index + 1))
        continue
    elif [[ $options == relay || $options == relay:* ]]; then
        IFS=: read -r _ burn_in burn_out burn_after <<<"$options"
        relay=$ROOT/bench/floor/.build/release/nio-relay
        [[ -x $relay ]] || { echo "ab.sh: build $relay first (swift build -c release --package-path bench/floor)" >&2; exit 2; }
        RELAY_BURN_IN=${burn_in:-0} RELAY_BURN_OUT=${burn_out:-0} RELAY_BURN_AFTER=${burn_after:-0} \
            "$relay" "$gw_port" "$UP" >"$dir/out.log" 2>"$dir/err.log" &
        PIDS+=($!) GATEWAYS+=($!) NAMES+=("$name") PORTS+=("$gw_port")
        index=$((index + 1))
        continue
    fi
    write_switchyard_config "$dir/switchyard.yaml" "$gw_port" "$UP" "$dir/switchyard.sqlite"
    if ((FAIL)); then
        printf '  - name: bench-fail\n    deployments:\n      - provider: missing\n        model: gpt-4o-mini\n' \
            >>"$dir/switchyard.yaml"
        sed -i "s|^providers:\$|providers:\n  missing:\n    kind: openai\n    api_key: env:BENCH_UPSTREAM_KEY\n    base_url: http://127.0.0.1:$UP/missing/v1|" \
            "$dir/switchyard.yaml"
    fi
    IFS=',' read -ra parts <<<"$options"
    for part in "${parts[@]}"; do
        case $part in
            bin=*) bin=${part#bin=} ;;
            flush=*) printf 'governance:\n  ledger_flush_ms: %d\n' "${part#flush=}" >>"$dir/switchyard.yaml" ;;
            trim=*) sed -i "s/^server:\$/server:\n  heap_trim_seconds: ${part#trim=}/" "$dir/switchyard.yaml" ;;
            transport=*) sed -i "s/^server:\$/server:\n  plain_http_upstreams: ${part#transport=}/" "$dir/switchyard.yaml" ;;
            http2=false) sed -i "s/^server:\$/server:\n  tls_http2: false/" "$dir/switchyard.yaml" ;;
            tls=*) sed -i "s/^server:\$/server:\n  tls_upstreams: ${part#tls=}/" "$dir/switchyard.yaml" ;;
            upstream=tls | upstream=h2)
                tls_port=$UP_TLS
                [[ $part == upstream=h2 ]] && tls_port=$UP_H2
                sed -i "s|http://127.0.0.1:$UP/|https://localhost:$tls_port/|; s|^server:\$|server:\n  upstream_ca_file: $WORK/up/cert.pem|" \
                    "$dir/switchyard.yaml" ;;
            [A-Z]*=*) envs+=("$part") ;;
            "") ;;
            *) echo "unknown option '$part' in $spec" >&2; exit 2 ;;
        esac
    done
    env BENCH_UPSTREAM_KEY=sk-bench "${envs[@]}" "$bin" serve --config "$dir/switchyard.yaml" \
        >"$dir/out.log" 2>"$dir/err.log" &
    PIDS+=($!) GATEWAYS+=($!) NAMES+=("$name") PORTS+=("$gw_port")
    index=$((index + 1))
done
for gw_port in "${PORTS[@]}"; do # a gateway's /readyz; a reference answers with the upstream's 404
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$gw_port/readyz" && break; sleep 0.1; done
done
WRK=(wrk)
if ((PINNED)); then
    # Every thread of each process and of its children (nginx's workers): the upstream on CPU 1 with wrk, the proxies
    # on CPU 0.
    pin() { for pid in "$2" $(pgrep -P "$2"); do taskset -a -cp "$1" "$pid" >/dev/null; done; }
    pin 1 "${PIDS[0]}"
    for pid in "${GATEWAYS[@]}"; do pin 0 "$pid"; done
    WRK=(taskset -c 1 wrk)
fi
BODY=$WORK/body.json
if ((STREAM)); then
    printf '%s' '{"model":"bench-stream","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2,"stream":true,"stream_options":{"include_usage":true}}' >"$BODY"
else
    printf '%s' '{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2}' >"$BODY"
fi
if ((FAIL)); then
    sed -i 's/"model":"bench-[a-z]*"/"model":"bench-fail"/' "$BODY"
fi
run() { # run PORT SECONDS -> the WRK_JSON line (the upstream's own port: its streaming path when -s)
    local path=/v1/chat/completions
    ((STREAM)) && [[ $1 == "$UP" ]] && path=/stream/v1/chat/completions
    ((FAIL)) && [[ $1 == "$UP" ]] && path=/missing/v1/chat/completions  # nginx's own 404, as the gateway gets it
    BENCH_BODY_FILE=$BODY "${WRK[@]}" -t1 -c"$CONCURRENCY" -d"$2s" --latency -s "$LIB/wrk-post.lua" \
        "http://127.0.0.1:$1$path" 2>/dev/null | sed -n 's/^WRK_JSON //p'
}
# CPU ticks of a process and its children (nginx's workers), user + system, and system alone.
cpu_ticks() { for pid in "$1" $(pgrep -P "$1"); do cat "/proc/$pid/stat"; done | awk '{t += $14 + $15} END {print t}'; }
sys_ticks() { for pid in "$1" $(pgrep -P "$1"); do cat "/proc/$pid/stat"; done | awk '{t += $15} END {print t}'; }
for gw_port in "${PORTS[@]}"; do run "$gw_port" 1 >/dev/null; done

: >"$WORK/rounds.jsonl"
for ((round = 1; round <= ROUNDS; round++)); do
    printf '{"round": %d, "name": "direct", "wrk": %s}\n' "$round" "$(run "$UP" "$SECONDS_EACH")" >>"$WORK/rounds.jsonl"
    for i in "${!NAMES[@]}"; do
        before=$(cpu_ticks "${GATEWAYS[$i]}") sys_before=$(sys_ticks "${GATEWAYS[$i]}")
        result=$(run "${PORTS[$i]}" "$SECONDS_EACH")
        after=$(cpu_ticks "${GATEWAYS[$i]}") sys_after=$(sys_ticks "${GATEWAYS[$i]}")
        printf '{"round": %d, "name": "%s", "ticks": %d, "sys_ticks": %d, "wrk": %s}\n' \
            "$round" "${NAMES[$i]}" "$((after - before))" "$((sys_after - sys_before))" "$result" >>"$WORK/rounds.jsonl"
    done
done

python3 - "$WORK/rounds.jsonl" "$(getconf CLK_TCK)" "$CONCURRENCY" "$ROUNDS" "$SECONDS_EACH" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
tick_us = 1e6 / int(sys.argv[2])
print(f"c={sys.argv[3]}, {sys.argv[4]} rounds of {sys.argv[5]} s per side; medians over rounds (µs)")
try:  # how idle vCPUs wait: at 0 every idle halts, most of a c=1 figure here (bench/gateway/halt-poll.sh)
    poll = open("/sys/module/haltpoll/parameters/guest_halt_poll_ns").read().strip()
    print(f"guest halt polling: {poll} ns" + (" (every idle vCPU halts)" if poll == "0" else ""))
except OSError:
    pass
direct = {r["round"]: r["wrk"] for r in rows if r["name"] == "direct"}
names = list(dict.fromkeys(r["name"] for r in rows))
for name in names:
    own = [r for r in rows if r["name"] == name]
    p50 = [r["wrk"]["latency_us"]["p50"] for r in own]
    p99 = [r["wrk"]["latency_us"]["p99"] for r in own]
    rps = [r["wrk"]["requests"] / r["wrk"]["duration_us"] * 1e6 for r in own]
    line = f"{name:>12}  p50 {statistics.median(p50):7.0f}  p99 {statistics.median(p99):7.0f}  req/s {statistics.median(rps):8.0f}"
    if name != "direct":
        cpu = [r["ticks"] * tick_us / max(1, r["wrk"]["requests"]) for r in own]
        a50 = [r["wrk"]["latency_us"]["p50"] - direct[r["round"]]["latency_us"]["p50"] for r in own]
        a99 = [r["wrk"]["latency_us"]["p99"] - direct[r["round"]]["latency_us"]["p99"] for r in own]
        kernel = [r["sys_ticks"] * tick_us / max(1, r["wrk"]["requests"]) for r in own]
        line += f"  cpu/req {statistics.median(cpu):6.1f} (kernel {statistics.median(kernel):5.1f})  added p50 {statistics.median(a50):+6.0f}  added p99 {statistics.median(a99):+6.0f}"
    # Socket errors and non-2xx answers over all rounds: a variant that fails fast is not a fast variant.
    errors = sum(sum(r["wrk"]["errors"].values()) for r in own)
    line += f"  errors {errors}"
    print(line)
PY
