#!/usr/bin/env bash
# Where a request's time goes at concurrency 1, leg by leg, across the three processes it passes: wrk, the proxy and
# nginx. perf records every system call's entry and exit on the machine (tracepoints: this VM has no hardware
# counters) for a few seconds of a wrk run at c=1; legs.py then follows each request from wrk's write to wrk's read
# of the answer, and prints the medians of its legs:
#
#   wake proxy      wrk's write of the request until the proxy's epoll_wait returns with it
#   proxy before    until the proxy writes the upstream request (parse, authenticate, route, encode)
#   wake upstream   until nginx's epoll_wait returns
#   upstream        nginx's work, until its write
#   wake proxy      until the proxy's epoll_wait returns with the answer
#   proxy answer    until the proxy writes the response (decode, usage, headers, encode)
#   wake client     until wrk's next system call returns after that write
#
# and, after the answer, when the proxy's thread is back in epoll_wait and how often wrk's next request came first
# (legs.py says how to read it: at c=1 the whole request runs on one vCPU at a time, the relay's included).
#
# Tracing adds about a microsecond to every system call, and it changes when the CPUs go idle, so the total is not the
# latency wrk reports without it (bench/gateway/ab.sh measures that). The legs are for comparing where the time
# goes: a proxy's own work (before, answer) against the kernel's hops, and against the references.
#
# Usage: bench/gateway/legs.sh [-d SECONDS] TARGET   (in the package's directory; needs root for perf)
#   TARGET: bin=PATH (a gateway binary with bench/gateway/switchyard-config.sh's configuration), relay (bench/floor's
#   nio-relay; build it first), or nginx-proxy (nginx as a plain reverse proxy).
#   e.g. bench/gateway/legs.sh bin=.build-release/release/switchyard
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=$ROOT/bench/gateway
SECONDS_=2
while getopts "d:" opt; do
    case $opt in
        d) SECONDS_=$OPTARG ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
(($# == 1)) || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
TARGET=$1
command -v perf >/dev/null || { echo "legs.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "legs.sh: needs wrk and nginx" >&2; exit 2; }

# shellcheck source=scratch.sh
source "$LIB/scratch.sh"
start_scratch switchyard-legs
UP=$(port) UP_TLS=$(port) UP_H2=$(port) PROXY=$(port)
python3 "$LIB/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1 "$UP_TLS" "$UP_H2"
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" &
PIDS+=($!)
case $TARGET in
    relay)
        relay=$ROOT/bench/floor/.build/release/nio-relay
        [[ -x $relay ]] || { echo "legs.sh: build $relay first (swift build -c release --package-path bench/floor)" >&2; exit 2; }
        "$relay" "$PROXY" "$UP" >"$WORK/proxy.log" 2>&1 &
        PROXY_PID=$! ;;
    nginx-proxy)
        mkdir -p "$WORK/proxy"
        start_nginx_proxy "$WORK/proxy" "$PROXY" "$UP"
        PROXY_PID=$! ;;
    bin=*)
        # shellcheck source=switchyard-config.sh
        source "$LIB/switchyard-config.sh"
        write_switchyard_config "$WORK/switchyard.yaml" "$PROXY" "$UP" "$WORK/switchyard.sqlite"
        BENCH_UPSTREAM_KEY=sk-bench "${TARGET#bin=}" serve --config "$WORK/switchyard.yaml" >"$WORK/proxy.log" 2>&1 &
        PROXY_PID=$! ;;
    *) echo "legs.sh: unknown target '$TARGET'" >&2; exit 2 ;;
esac
PIDS+=("$PROXY_PID")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PROXY/readyz" && break; sleep 0.1; done
printf '%s' '{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2}' >"$WORK/body.json"
wrk_run() { BENCH_BODY_FILE=$WORK/body.json wrk -t1 -c1 -d"$1s" --latency -s "$LIB/wrk-post.lua" "http://127.0.0.1:$PROXY/v1/chat/completions"; }
wrk_run 2 >/dev/null 2>&1 # warm-up
wrk_run $((SECONDS_ + 3)) >"$WORK/wrk.txt" 2>&1 &
WRK=$!
sleep 1
# The proxy: the process itself, or nginx-proxy's worker; the upstream: the nginx workers serving it.
proxy_pids=$(printf '%s\n' "$PROXY_PID" $(pgrep -P "$PROXY_PID") | paste -sd,)
upstream_pids=$(pgrep -P "${PIDS[0]}" | paste -sd,)
wrk_pid=$(pgrep -P "$WRK" -x wrk || pgrep -n -x wrk)
perf record -q -o "$WORK/perf.data" -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit -a -- sleep "$SECONDS_" \
    >/dev/null 2>&1
wait "$WRK"
perf script -i "$WORK/perf.data" -F pid,tid,time,event,trace 2>/dev/null |
    python3 "$LIB/legs.py" --proxy "$proxy_pids" --upstream "$upstream_pids" --client "$wrk_pid"
echo "wrk (traced): $(grep -E '^\s+50%' "$WORK/wrk.txt" | awk '{print $2}') p50, $(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt") requests/s"
