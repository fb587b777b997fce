#!/usr/bin/env bash
# Instructions per request (issue 8): the gateway under `valgrind --tool=callgrind`, counting every instruction its
# threads execute (user space), which is the same from run to run where wall time is not. Same setup as profile.sh
# and bench/run.sh: nginx as the fake upstream (make-upstream.py), the gateway configuration of
# switchyard-config.sh (one OpenAI deployment, governance with the SQLite ledger, no cache), the release binary.
#
#   bench/gateway/callgrind.sh [--requests N] [--stream-requests N] [--repeat R] [--ledger-flush-ms MS|as-configured]
#                              [--top K] [--json FILE] [--bin PATH] [--log-level LEVEL] [--keep-work]
#                              [--transport async-http-client] [--upstream tls|h2] [--phases] [--cache-sim]
#
# For each mode (non-streaming `json`, then `stream`) it sends warm-up requests, then R phases of N sequential
# keep-alive requests (gateway/client.py, one connection per phase; every answer is checked), zeroing the counters
# before each phase and dumping them after (callgrind_control). Instructions per request = the median over the
# phases of Ir / N; the spread of the phases is printed with it. Where they go: self instructions per request per
# function and per object file, from the median phase. Prints the report; --json also writes a summary (bench/run.sh
# --callgrind uses it).
#
# --phases: instead, where one JSON request's instructions fall along its way: callgrind dumps before every
# epoll_wait and after every write (instrumented only for the N counted requests, after the warm-up), and
# phases-report.py splits each request into "before" (up to the upstream write), "waiting", "answer" (up to the
# response write) and "after" (what runs once the response is written), with the modules and functions of each.
#
# --cache-sim: callgrind also simulates a 32 KB first-level instruction cache and data cache (8-way, 64-byte lines,
# the size of this machine's), and cache-misses.py prints each mode's misses per request by module and library, from
# its middle phase. A request that runs through more code than the cache holds misses on most of its code lines
# every time: the part of its cost that the instruction count does not show (session 19).
#
# The usage ledger normally writes its buffer every 200 ms, so its share per request depends on how many requests
# arrive in 200 ms, i.e. on wall time (under callgrind about 6: ~150,000 instructions per request, varying by
# +-10% with the machine's load). By default this script sets `governance.ledger_flush_ms` to an hour, so the
# count is the request path alone and stable to about 0.5%; `--ledger-flush-ms as-configured` keeps the 200 ms of
# profile.sh and run.sh.
#
# Two things make valgrind work on the Swift binary (valgrind 3.19, Debian 12):
#  * valgrind's rt_sigsuspend wrapper removes its own signal from the caller's mask *in place*; libdispatch's main
#    thread (dispatch_main) parks in sigsuspend() on a `static const sigset_t` in read-only memory, so valgrind
#    takes a SIGSEGV inside itself ("the 'impossible' happened"). A tiny LD_PRELOAD shim copies the mask to the
#    stack first (built here with cc into the scratch directory);
#  * valgrind 3.19 cannot read the binary's DWARF 5 ("unhandled dwarf2 abbrev form code 0x25", "Possibly
#    corrupted debuginfo file"), so it runs a copy without debug info (strip --strip-debug keeps the symbols).
#
# Under callgrind the gateway is ~50x slower (one thread at a time); a run takes about 2 minutes with the defaults.
# Everything it starts is stopped by PID; scratch files go to bench/.work/callgrind-<pid>/ (deleted unless
# --keep-work or on failure).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB="$ROOT/bench/gateway"
REQUESTS=200
STREAM_REQUESTS=80
REPEAT=3
LEDGER_FLUSH_MS=3600000
WARMUP=100
STREAM_WARMUP=30
TOP=25
JSON_OUT=""
BIN="$ROOT/.build-release/release/switchyard"
LOG_LEVEL="" TRANSPORT="" UPSTREAM_KIND=""
KEEP=0 PHASES=0 CACHE_SIM=0
while (($#)); do
    case "$1" in
        --requests) REQUESTS=$2; shift 2 ;;
        --stream-requests) STREAM_REQUESTS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --ledger-flush-ms) LEDGER_FLUSH_MS=$2; shift 2 ;;
        --top) TOP=$2; shift 2 ;;
        --json) JSON_OUT=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        --log-level) LOG_LEVEL=$2; shift 2 ;;
        --transport) TRANSPORT=$2; shift 2 ;;
        --upstream) UPSTREAM_KIND=$2; shift 2 ;;
        --keep-work) KEEP=1; shift ;;
        --phases) PHASES=1; shift ;;
        --cache-sim) CACHE_SIM=1; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
PATH="$PATH:/usr/sbin"
for tool in valgrind callgrind_control nginx python3 curl strip readelf cc; do
    command -v "$tool" >/dev/null || { echo "callgrind.sh: $tool not found (apt-get install valgrind nginx gcc binutils)" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "callgrind.sh: no binary at $BIN (build it: see bench/README.md)" >&2; exit 1; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$ROOT/bench/.work"
WORK=$(mktemp -d "$ROOT/bench/.work/callgrind-$$.XXXX")
chmod 755 "$WORK" # nginx workers (an unprivileged user) read the bodies from here
PIDS=()
OK=0
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if ((OK == 1 && KEEP == 0)); then rm -rf "$WORK"; else log "scratch files kept in $WORK"; fi
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { # wait_ready URL SECONDS PID
    for _ in $(seq $(($2 * 10))); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# The sigsuspend shim and the binary without DWARF.
cat >"$WORK/sigsuspend-shim.c" <<'EOF'
/* valgrind's rt_sigsuspend wrapper edits the mask in place; libdispatch passes a read-only one. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
EOF
cc -O2 -shared -fPIC -o "$WORK/sigsuspend-shim.so" "$WORK/sigsuspend-shim.c"
SY_BIN="$WORK/switchyard"
BIN_DESC="$BIN (modified $(date -r "$BIN" '+%Y-%m-%d %H:%M:%S'), build ID $(readelf -n "$BIN" | awk '/Build ID/ {print $3}'))"
strip --strip-debug -o "$SY_BIN" "$BIN"

# The fake upstream and the gateway configuration (as profile.sh).
UP=$(port) UP_TLS=$(port) UP_H2=$(port)
SY=$(port)
python3 "$LIB/make-upstream.py" "$ROOT/Sources/SwitchyardTesting/Fixtures/openai" "$WORK/up" "$UP" 1 "$UP_TLS" "$UP_H2"
nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/nginx-error.log" >"$WORK/up/nginx.out" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$UP/healthz" 10 "${PIDS[0]}" || { echo "callgrind.sh: nginx did not start" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=switchyard-config.sh
source "$LIB/switchyard-config.sh"
write_switchyard_config "$WORK/switchyard.yaml" "$SY" "$UP" "$WORK/switchyard.sqlite"
if [[ -n $UPSTREAM_KIND ]]; then # nginx over TLS (HTTP/1.1 only, or offering HTTP/2), as a hosted provider
    tls_port=$UP_TLS
    [[ $UPSTREAM_KIND == h2 ]] && tls_port=$UP_H2
    sed -i "s|http://127.0.0.1:$UP/|https://localhost:$tls_port/|; s|^server:\$|server:\n  upstream_ca_file: $WORK/up/cert.pem|" \
        "$WORK/switchyard.yaml"
    # --transport then picks the TLS transport (server.tls_upstreams)
    [[ -n $TRANSPORT ]] && sed -i "s/^server:\$/server:\n  tls_upstreams: $TRANSPORT/" "$WORK/switchyard.yaml"
elif [[ -n $TRANSPORT ]]; then # server.plain_http_upstreams
    sed -i "s/^server:\$/server:\n  plain_http_upstreams: $TRANSPORT/" "$WORK/switchyard.yaml"
fi
if [[ $LEDGER_FLUSH_MS != as-configured ]]; then
    printf 'governance:\n  ledger_flush_ms: %d\n' "$LEDGER_FLUSH_MS" >>"$WORK/switchyard.yaml"
fi
body() { # body MODEL EXTRA: the request body of profile.sh and run.sh
    printf '{"model":"%s","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2%s}\n' "$1" "$2"
}
body bench-chat "" >"$WORK/body-json.json"
body bench-stream ',"stream":true,"stream_options":{"include_usage":true}' >"$WORK/body-stream.json"

# The gateway under callgrind. valgrind execs the tool in place, so $! is the process callgrind_control talks to.
log "starting switchyard under $(valgrind --version) --tool=callgrind (about 10 s)"
extra=() phase_dumps=() cache_sim=()
if ((CACHE_SIM)); then cache_sim=(--cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 --LL=33554432,16,64); fi
if [[ -n $LOG_LEVEL ]]; then extra=(--log-level "$LOG_LEVEL"); fi
if ((PHASES)); then phase_dumps=(--instr-atstart=no --dump-before=epoll_wait --dump-after=write); fi
BENCH_UPSTREAM_KEY=sk-bench LD_PRELOAD="$WORK/sigsuspend-shim.so" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out.%p" --dump-instr=no "${phase_dumps[@]}" "${cache_sim[@]}" \
    "$SY_BIN" serve --config "$WORK/switchyard.yaml" "${extra[@]}" >"$WORK/switchyard.out" 2>"$WORK/switchyard.log" &
SPID=$!
PIDS+=("$SPID")
if ! wait_ready "http://127.0.0.1:$SY/readyz" 180 "$SPID"; then
    echo "callgrind.sh: switchyard did not start under valgrind:" >&2
    grep -m3 -E 'INTERNAL ERROR|impossible|Giving up|Faulting' "$WORK/switchyard.log" >&2 || tail -5 "$WORK/switchyard.log" >&2
    exit 1
fi

client() { # client MODE COUNT OUT
    local expect='"chat.completion"'
    [[ $1 == stream ]] && expect='data: [DONE]'
    python3 "$LIB/client.py" --url "http://127.0.0.1:$SY/v1/chat/completions" --body "$WORK/body-$1.json" \
        --count "$2" --warmup 0 --expect "$expect" --timeout 60 >"$3"
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit("%s errors: %s" % (r["errors"], r["last_error"]) if r["errors"] else 0)' "$3"
}
DUMPS=0
dump() { # dump NAME: dump the counters since the last zero to $WORK/NAME.out
    DUMPS=$((DUMPS + 1))
    callgrind_control --dump="$1" "$SPID" >"$WORK/control.log" 2>&1 || { cat "$WORK/control.log" >&2; exit 1; }
    for _ in $(seq 300); do [[ -s "$WORK/callgrind.out.$SPID.$DUMPS" ]] && break; sleep 0.1; done
    sleep 0.5 # the file is written in one go, but give it a moment
    grep -q "^desc: Trigger: dump $1\$" "$WORK/callgrind.out.$SPID.$DUMPS" ||
        { echo "callgrind.sh: dump $DUMPS is not '$1'" >&2; exit 1; }
    mv "$WORK/callgrind.out.$SPID.$DUMPS" "$WORK/$1.out"
}
count() { # count MODE COUNT NAME
    callgrind_control --zero "$SPID" >"$WORK/control.log" 2>&1 || { cat "$WORK/control.log" >&2; exit 1; }
    client "$1" "$2" "$WORK/client-$3.json"
    dump "$3"
}

if ((PHASES)); then
    log "json: $WARMUP warm-up requests, then $REQUESTS counted, phase by phase"
    client json "$WARMUP" "$WORK/client-json-warmup.json"
    callgrind_control --instr=on "$SPID" >"$WORK/control.log" 2>&1 || { cat "$WORK/control.log" >&2; exit 1; }
    client json "$REQUESTS" "$WORK/client-json-phases.json"
    callgrind_control --instr=off "$SPID" >"$WORK/control.log" 2>&1 || { cat "$WORK/control.log" >&2; exit 1; }
    sleep 1 # the last dumps
    echo "switchyard instructions per request, phase by phase: $(valgrind --version) --tool=callgrind, all threads"
    echo "binary: $BIN_DESC, run without DWARF; repository HEAD $(git -C "$ROOT" rev-parse --short HEAD)"
    echo
    python3 "$LIB/phases-report.py" --top "$TOP" "$WORK/callgrind.out.$SPID"
    OK=1
    exit 0
fi

phases=()
for mode in json stream; do
    if [[ $mode == json ]]; then n=$REQUESTS; w=$WARMUP; else n=$STREAM_REQUESTS; w=$STREAM_WARMUP; fi
    ((n > 0)) || continue
    log "$mode: $w warm-up requests, then $REPEAT x $n counted"
    client "$mode" "$w" "$WORK/client-$mode-warmup.json"
    dumps=()
    for r in $(seq "$REPEAT"); do
        count "$mode" "$n" "$mode-$r"
        dumps+=("$WORK/$mode-$r.out")
    done
    phases+=("$mode:$n:$(IFS=,; echo "${dumps[*]}")")
done
log "idle: 5 s without requests"
callgrind_control --zero "$SPID" >"$WORK/control.log" 2>&1 || { cat "$WORK/control.log" >&2; exit 1; }
sleep 5
dump idle

echo "switchyard instructions per request: $(valgrind --version) --tool=callgrind, all threads, $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "binary: $BIN_DESC, run without DWARF; repository HEAD $(git -C "$ROOT" rev-parse --short HEAD)"
echo "executor: ${SWITCHYARD_EXECUTOR:-NIO event loops (default)}; log level: ${LOG_LEVEL:-info (default)}; ledger flush: $([[ $LEDGER_FLUSH_MS == as-configured ]] && echo 'every 200 ms (as configured)' || echo "every $LEDGER_FLUSH_MS ms")"
echo
python3 "$LIB/callgrind-report.py" --top "$TOP" --idle "$WORK/idle.out" 5 ${JSON_OUT:+--json "$JSON_OUT"} \
    --meta "how=$(valgrind --version) --tool=callgrind on the release binary (without DWARF, sigsuspend shim), all threads; sequential keep-alive requests after a warm-up; per request = median over $REPEAT phases of Ir / N; ledger flush $LEDGER_FLUSH_MS ms (bench/gateway/callgrind.sh)" \
    "${phases[@]}"
if ((CACHE_SIM)); then
    echo
    middle=$(((REPEAT + 1) / 2))
    specs=()
    for mode in json stream; do
        if [[ $mode == json ]]; then n=$REQUESTS; else n=$STREAM_REQUESTS; fi
        ((n > 0)) && specs+=("$mode:$n:$WORK/$mode-$middle.out")
    done
    python3 "$LIB/cache-misses.py" "${specs[@]}"
fi
OK=1
