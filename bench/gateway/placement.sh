#!/usr/bin/env bash
# Where the scheduler puts the three processes of a c=1 request (wrk, the proxy, nginx) on this machine's two vCPUs,
# and what each placement costs. One nginx upstream, one gateway and bench/floor's relay; then R rounds in which every
# placement is set with `taskset` (every thread of each process) and each of direct, gateway and relay is measured at
# c=1 for D seconds. Prints the medians over rounds of p50 and of the added p50 (target − direct of the same round
# and placement).
#
#   free       no affinity: the kernel's own placement, as bench/run.sh and ab.sh measure
#   packed     all three on CPU 0: no hand-over wakes a vCPU, and nothing runs in parallel
#   together   wrk and the proxy on CPU 0, nginx on CPU 1: two hand-overs per request cross vCPUs
#   crossing   the proxy on CPU 0, wrk and nginx on CPU 1: every hand-over crosses (ab.sh -p)
#
# With guest halt polling off (bench/gateway/halt-poll.sh), a hand-over to the other vCPU wakes it from a halt: a
# round trip through the host. Packed, the latency is the sum of the three processes' work; the proxy's own share
# is what it adds there. A measurement for telling the platform's share of a c=1 figure from the gateway's, not the
# issue's setup (bench/results/gateway-2026-12-05-session24.md).
#
# --trace: also records the scheduler's wake-ups (perf: sched_wakeup, sched_switch, ipi_send_cpu) for 2 s of each
# target at c=1 in the free placement, and prints per request how many hand-overs woke another vCPU (an IPI) and
# how many stayed on the waker's.
#
# Usage: bench/gateway/placement.sh [-r ROUNDS] [-d SECONDS] [--trace] [bin=PATH]   (needs root for taskset/perf)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=$ROOT/bench/gateway
ROUNDS=5 SECONDS_EACH=2 TRACE=0 BIN=$ROOT/.build-release/release/switchyard
while (($#)); do
    case $1 in
        -r) ROUNDS=$2; shift 2 ;;
        -d) SECONDS_EACH=$2; shift 2 ;;
        --trace) TRACE=1; shift ;;
        bin=*) BIN=${1#bin=}; shift ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
relay=$ROOT/bench/floor/.build/release/nio-relay
[[ -x $relay ]] || { echo "placement.sh: build $relay first (swift build -c release --package-path bench/floor)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "placement.sh: no gateway binary at $BIN (scripts/build-release.sh)" >&2; exit 2; }

# shellcheck source=scratch.sh
source "$LIB/scratch.sh"
start_scratch switchyard-placement
UP=$(port) UP_TLS=$(port) UP_H2=$(port) GW=$(port) RL=$(port)
python3 "$LIB/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1 "$UP_TLS" "$UP_H2"
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" &
NGINX=$!
PIDS+=("$NGINX")
# shellcheck source=switchyard-config.sh
source "$LIB/switchyard-config.sh"
write_switchyard_config "$WORK/switchyard.yaml" "$GW" "$UP" "$WORK/switchyard.sqlite"
BENCH_UPSTREAM_KEY=sk-bench "$BIN" serve --config "$WORK/switchyard.yaml" >"$WORK/switchyard.log" 2>&1 &
GATEWAY=$!
PIDS+=("$GATEWAY")
"$relay" "$RL" "$UP" >"$WORK/relay.log" 2>&1 &
RELAY=$!
PIDS+=("$RELAY")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$GW/readyz" && break; sleep 0.1; done
printf '%s' '{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2}' >"$WORK/body.json"

# pin CPUS PID: every thread of the process and of its children (nginx's worker).
pin() { for pid in "$2" $(pgrep -P "$2"); do taskset -a -cp "$1" "$pid" >/dev/null; done; }
# run PORT CPUS SECONDS: wrk at c=1 on CPUS; prints its WRK_JSON line.
run() {
    BENCH_BODY_FILE=$WORK/body.json taskset -c "$2" wrk -t1 -c1 -d"$3s" --latency -s "$LIB/wrk-post.lua" \
        "http://127.0.0.1:$1/v1/chat/completions" 2>/dev/null | sed -n 's/^WRK_JSON //p'
}
place() { # place NAME: sets the affinities, prints wrk's CPUs
    case $1 in
        free) pin 0-1 "$NGINX"; pin 0-1 "$GATEWAY"; pin 0-1 "$RELAY"; echo 0-1 ;;
        packed) pin 0 "$NGINX"; pin 0 "$GATEWAY"; pin 0 "$RELAY"; echo 0 ;;
        together) pin 1 "$NGINX"; pin 0 "$GATEWAY"; pin 0 "$RELAY"; echo 0 ;;
        crossing) pin 1 "$NGINX"; pin 0 "$GATEWAY"; pin 0 "$RELAY"; echo 1 ;;
    esac
}
run "$GW" 0-1 1 >/dev/null # warm-up
run "$RL" 0-1 1 >/dev/null

: >"$WORK/rounds.jsonl"
for ((round = 1; round <= ROUNDS; round++)); do
    for placement in free packed together crossing; do
        cpus=$(place "$placement")
        for target in direct:"$UP" gateway:"$GW" relay:"$RL"; do
            printf '{"round": %d, "placement": "%s", "target": "%s", "wrk": %s}\n' "$round" "$placement" \
                "${target%%:*}" "$(run "${target#*:}" "$cpus" "$SECONDS_EACH")" >>"$WORK/rounds.jsonl"
        done
    done
done
place free >/dev/null

python3 - "$WORK/rounds.jsonl" "$ROUNDS" "$SECONDS_EACH" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"c=1, {sys.argv[2]} rounds of {sys.argv[3]} s per target and placement; medians over rounds (µs)")
try:
    poll = open("/sys/module/haltpoll/parameters/guest_halt_poll_ns").read().strip()
    print(f"guest halt polling: {poll} ns" + (" (every idle vCPU halts)" if poll == "0" else ""))
except OSError:
    pass
p50 = {(r["round"], r["placement"], r["target"]): r["wrk"]["latency_us"]["p50"] for r in rows}
print(f"{'placement':>10} {'direct p50':>11} {'gateway p50':>12} {'added':>7} {'relay p50':>10} {'added':>7}")
for placement in ["free", "packed", "together", "crossing"]:
    rounds = sorted({k[0] for k in p50 if k[1] == placement})
    med = lambda f: statistics.median(f(n) for n in rounds)
    d = med(lambda n: p50[(n, placement, "direct")])
    g = med(lambda n: p50[(n, placement, "gateway")])
    r = med(lambda n: p50[(n, placement, "relay")])
    ga = med(lambda n: p50[(n, placement, "gateway")] - p50[(n, placement, "direct")])
    ra = med(lambda n: p50[(n, placement, "relay")] - p50[(n, placement, "direct")])
    print(f"{placement:>10} {d:11.0f} {g:12.0f} {ga:+7.0f} {r:10.0f} {ra:+7.0f}")
PY

((TRACE)) || exit 0
command -v perf >/dev/null || { echo "placement.sh: --trace needs perf (apt-get install linux-perf)" >&2; exit 2; }
for target in direct:"$UP" gateway:"$GW" relay:"$RL"; do
    BENCH_BODY_FILE=$WORK/body.json wrk -t1 -c1 -d4s -s "$LIB/wrk-post.lua" \
        "http://127.0.0.1:${target#*:}/v1/chat/completions" >/dev/null 2>&1 &
    wrk=$!
    sleep 1
    perf record -q -o "$WORK/sched.data" -e sched:sched_switch -e sched:sched_wakeup -e ipi:ipi_send_cpu -a \
        -- sleep 2 >/dev/null 2>&1
    wait "$wrk"
    perf script -i "$WORK/sched.data" -F comm,pid,tid,cpu,time,event,trace 2>/dev/null |
        python3 "$LIB/wakeups.py" --name "${target%%:*}" --client wrk
done
