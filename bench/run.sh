#!/usr/bin/env bash
# Gateway benchmark (issue 8): the fake upstream directly, then through Switchyard, then through LiteLLM's proxy,
# each at several concurrencies, non-streaming and streaming, in one run on this machine. Writes
# bench/results/gateway-<date>.md and .json. A benchmark, not a test: nothing here asserts a time.
#
#   bench/run.sh                 # full run, 10 s per point
#   bench/run.sh --duration 5    # shorter
#   bench/run.sh --help          # every option
#
# Everything it starts (nginx, switchyard, litellm, helpers) is stopped by PID when it exits. Scratch files go to
# bench/.work/ (git-ignored); the LiteLLM venv is kept there between runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
LIB="$BENCH/gateway"
COMMAND="bench/run.sh$(printf ' %q' "$@")"

DURATION=10
WARMUP=2
CONCURRENCY="1 16 64 256"
THREADS=2
MODES="json stream"
TARGETS="direct switchyard litellm"
LITELLM_WORKERS="1 2"
LITELLM_SPEC="litellm[proxy]"
BUILD=1
SY_LOG_LEVEL=info
NGINX_WORKERS=1
WRK_TIMEOUT=30s
TTFB_COUNT=300
INTERLEAVED_ROUNDS=15
INTERLEAVED_SECONDS=2
SLOW_STREAMS=0
SLOW_CHUNKS=30
SLOW_INTERVAL=1
SLOW_UPSTREAM=trickle
SLOW_TRANSPORT=pooled
SLOW_PROMPT_BYTES=0
SLOW_FIRST_TOKEN=0
CALLGRIND=0
CALLGRIND_REQUESTS=200
OUT=""
KEEP_WORK=0
SOURCE=worktree

usage() {
    cat <<EOF
Usage: bench/run.sh [options]

Measures a fake OpenAI upstream (nginx) directly, through Switchyard and through LiteLLM with wrk, and writes
bench/results/gateway-<YYYY-MM-DD>.md and .json.

  --duration S            seconds per measured point (default $DURATION)
  --warmup S              seconds of unmeasured load before each target and mode (default $WARMUP)
  --concurrency "LIST"    wrk connection counts (default "$CONCURRENCY")
  --threads N             wrk threads (default $THREADS; 1 when the concurrency is 1)
  --modes "LIST"          json and/or stream (default "$MODES")
  --targets "LIST"        direct, switchyard, switchyard-ahc (plain-HTTP upstreams through AsyncHTTPClient),
                          switchyard-hb (client connections served by Hummingbird's HTTP1Channel instead of the
                          gateway's own connection handler), switchyard-tls and switchyard-tls-h2 (the upstream over
                          TLS, HTTP/1.1 or HTTP/2 by ALPN, as a hosted provider; the direct figure they are compared
                          with stays plain HTTP), litellm (default "$TARGETS")
  --litellm-workers "L"   LiteLLM worker counts to try (default "$LITELLM_WORKERS")
  --no-litellm            same as --targets "direct switchyard"
  --skip-build            use the existing .build-release binary
  --bin PATH              use this Switchyard binary (implies --skip-build; e.g. an earlier build, for a before/after)
  --source worktree|head  build the work tree as it is (default), or the committed HEAD exported with git archive
                          to bench/.work/src-<commit> (same scratch path), when the work tree is mid-edit
  --log-level LEVEL       Switchyard's log level (default $SY_LOG_LEVEL, as shipped: one access line per request)
  --nginx-workers N       nginx worker processes (default $NGINX_WORKERS)
  --timeout T             wrk request timeout (default $WRK_TIMEOUT)
  --ttfb-requests N       sequential streaming requests for time-to-first-byte (default $TTFB_COUNT; 0 skips)
  --interleaved-rounds N  c=1 added latency again as N alternating rounds, direct then Switchyard (default
                          $INTERLEAVED_ROUNDS; 0 skips); medians and quartiles of the per-round differences
  --interleaved-seconds S seconds per side of a round (default $INTERLEAVED_SECONDS)
  --slow-streams N        also hold N concurrent slow streams through Switchyard (off by default; e.g. 10000)
  --slow-chunks K         chunks per slow stream (default $SLOW_CHUNKS)
  --slow-interval S       seconds between a slow stream's chunks (default $SLOW_INTERVAL)
  --slow-upstream KIND    trickle (a Python upstream sending a chunk a second; default) or simulator
  --slow-transport T      how Switchyard reaches the trickle upstream: pooled (HTTP/1.1, default), async-http-client,
                          or h2c (HTTP/2 with prior knowledge to trickle-upstream-h2.py; pip-installs h2 into
                          bench/.work/h2-venv); over TLS, as to a hosted provider: tls (HTTP/1.1, pooled), tls-h2
                          (HTTP/2 by ALPN, pooled, server.tls_http2) or tls-ahc (AsyncHTTPClient, HTTP/1.1);
                          several, quoted ("pooled tls-h2"), one after the other
  --slow-prompt-bytes N   give each slow stream's request a system prompt of N bytes (default 0: a 200-byte request)
  --slow-first-token S    the trickle upstream answers each slow stream only after S seconds, a model's time to first
                          token (default 0); with S longer than the ramp, the peak RSS is every stream waiting for it
  --callgrind             also count instructions per request under valgrind --tool=callgrind (gateway/callgrind.sh)
  --callgrind-requests N  non-streaming requests per counted phase under callgrind (3 phases, default
                          $CALLGRIND_REQUESTS; 2/5 as many streaming ones)
  --out NAME              results base name in bench/results (default gateway-<date>, or gateway-<date>-<HHMM>
                          when that exists)
  --keep-work             keep the scratch directory (logs, configs) after a successful run
EOF
}

while (($#)); do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --modes) MODES=$2; shift 2 ;;
        --targets) TARGETS=$2; shift 2 ;;
        --litellm-workers) LITELLM_WORKERS=$2; shift 2 ;;
        --no-litellm) TARGETS="direct switchyard"; shift ;;
        --skip-build) BUILD=0; shift ;;
        --bin) BIN_OVERRIDE=$2; BUILD=0; shift 2 ;;
        --source) SOURCE=$2; shift 2 ;;
        --log-level) SY_LOG_LEVEL=$2; shift 2 ;;
        --nginx-workers) NGINX_WORKERS=$2; shift 2 ;;
        --timeout) WRK_TIMEOUT=$2; shift 2 ;;
        --ttfb-requests) TTFB_COUNT=$2; shift 2 ;;
        --interleaved-rounds) INTERLEAVED_ROUNDS=$2; shift 2 ;;
        --interleaved-seconds) INTERLEAVED_SECONDS=$2; shift 2 ;;
        --slow-streams) SLOW_STREAMS=$2; shift 2 ;;
        --slow-chunks) SLOW_CHUNKS=$2; shift 2 ;;
        --slow-interval) SLOW_INTERVAL=$2; shift 2 ;;
        --slow-upstream) SLOW_UPSTREAM=$2; shift 2 ;;
        --slow-transport) SLOW_TRANSPORT=$2; shift 2 ;;
        --slow-prompt-bytes) SLOW_PROMPT_BYTES=$2; shift 2 ;;
        --slow-first-token) SLOW_FIRST_TOKEN=$2; shift 2 ;;
        --callgrind) CALLGRIND=1; shift ;;
        --callgrind-requests) CALLGRIND_REQUESTS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --keep-work) KEEP_WORK=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has() { [[ " $1 " == *" $2 "* ]]; }

# ---------------------------------------------------------------------------------------------------------------
# Processes: every one we start is recorded and stopped by PID (LiteLLM by its own process group, since uvicorn
# forks workers).

PIDS=()
GROUPS_STARTED=()
WORK=""
STATUS=1
STATUS_KEEP=0 # set when something failed that the scratch logs explain

stop_pid() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_group() {
    local pgid=$1
    kill -TERM -- "-$pgid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 -- "-$pgid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${GROUPS_STARTED[@]}"; do stop_group "$pid"; done
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        if [[ $STATUS -eq 0 && $KEEP_WORK -eq 0 && $STATUS_KEEP -eq 0 ]]; then
            rm -rf "$WORK"
        else
            log "scratch files kept in $WORK"
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
    local pid=$1 kept=() p
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    PIDS=("${kept[@]}")
}

forget_group() {
    local pid=$1 kept=() p
    for p in "${GROUPS_STARTED[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    GROUPS_STARTED=("${kept[@]}")
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS PID: poll until URL answers 2xx, the process dies, or time runs out.
wait_http() {
    local url=$1 seconds=$2 pid=$3
    for _ in $(seq $((seconds * 10))); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites

need_install=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_install+=(nginx)
command -v wrk >/dev/null || need_install+=(wrk)
if [[ $CALLGRIND -eq 1 ]] && ! command -v valgrind >/dev/null; then need_install+=(valgrind); fi
if ((${#need_install[@]})); then
    log "installing ${need_install[*]} with apt-get"
    if [[ $(id -u) -ne 0 ]]; then die "need root (or install ${need_install[*]} yourself)"; fi
    apt-get install -y -q "${need_install[@]}" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q "${need_install[@]}" >/dev/null; } ||
        die "apt-get install ${need_install[*]} failed"
fi
PATH="$PATH:/usr/sbin"
for tool in nginx wrk python3 curl swift; do command -v "$tool" >/dev/null || die "$tool not found"; done

# Enough file descriptors for 256 connections per side, or for the slow streams (client + upstream side each).
want_fds=4096
if ((SLOW_STREAMS > 0)); then want_fds=$((SLOW_STREAMS * 2 + 4096)); fi
if (($(ulimit -Hn) < want_fds)); then ulimit -Hn "$want_fds" 2>/dev/null || true; fi
if (($(ulimit -Hn) >= want_fds)); then ulimit -n "$want_fds"; else ulimit -n "$(ulimit -Hn)"; fi
log "file descriptor limit: $(ulimit -n)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$BENCH/.work" "$BENCH/results"
WORK=$(mktemp -d "$BENCH/.work/run.XXXXXX")
chmod 755 "$WORK" # nginx workers (an unprivileged user) read the stream body from here
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
: >"$RESULTS/points.jsonl"
: >"$RESULTS/notes.jsonl"
: >"$RESULTS/checks.jsonl"
: >"$RESULTS/ttfb.jsonl"
: >"$RESULTS/rss.jsonl"
: >"$RESULTS/descriptors.jsonl"

note() { python3 -c 'import json, sys; print(json.dumps({"note": sys.argv[1]}))' "$1" >>"$RESULTS/notes.jsonl"; log "note: $1"; }

# ---------------------------------------------------------------------------------------------------------------
# 1. Build

SY_BIN="$ROOT/.build-release/release/switchyard"
case $SOURCE in
    worktree)
        PKG="$ROOT"
        SOURCE_DESC="work tree at $(git -C "$ROOT" rev-parse --short HEAD)"
        if [[ -n $(git -C "$ROOT" status --porcelain -- Sources Package.swift) ]]; then
            SOURCE_DESC="$SOURCE_DESC + uncommitted changes"
        fi
        ;;
    head)
        commit=$(git -C "$ROOT" rev-parse --short HEAD)
        PKG="$BENCH/.work/src-$commit"
        SOURCE_DESC="commit $commit (git archive HEAD)"
        if [[ ! -f "$PKG/Package.swift" ]]; then
            rm -rf "$PKG.tmp"
            mkdir -p "$PKG.tmp"
            git -C "$ROOT" archive HEAD | tar -x -C "$PKG.tmp"
            # Same dependency versions as the work tree's resolution, so the shared scratch path stays warm.
            if [[ -f "$ROOT/Package.resolved" ]]; then cp "$ROOT/Package.resolved" "$PKG.tmp/"; fi
            mv "$PKG.tmp" "$PKG"
        fi
        ;;
    *) die "--source must be worktree or head" ;;
esac
if [[ $BUILD -eq 1 ]]; then
    log "building the release binary from the $SOURCE_DESC (flock /tmp/switchyard-release.lock)"
    (cd "$PKG" && flock /tmp/switchyard-release.lock \
        "$ROOT/scripts/build-release.sh" --scratch-path "$ROOT/.build-release") >"$WORK/build.log" 2>&1 ||
        { tail -30 "$WORK/build.log" >&2; die "release build failed (log: $WORK/build.log)"; }
elif [[ -n ${BIN_OVERRIDE:-} ]]; then
    SY_BIN=$(realpath "$BIN_OVERRIDE")
    SOURCE_DESC="prebuilt binary $SY_BIN (--bin; its source is not recorded)"
else
    SOURCE_DESC="prebuilt binary (--skip-build), $SOURCE_DESC"
fi
if has "$TARGETS" switchyard || has "$TARGETS" switchyard-ahc || has "$TARGETS" switchyard-hb ||
    has "$TARGETS" switchyard-tls || has "$TARGETS" switchyard-tls-h2 || ((SLOW_STREAMS > 0 || CALLGRIND == 1)); then
    [[ -x "$SY_BIN" ]] || die "no release binary at $SY_BIN (drop --skip-build)"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. The fake upstream

UP_PORT=$(free_port) UP_TLS_PORT=$(free_port) UP_H2_PORT=$(free_port)
UP_DIR="$WORK/upstream"
# Also over TLS (HTTP/1.1 only, and offering HTTP/2), for the switchyard-tls targets.
python3 "$LIB/make-upstream.py" "$PKG/Sources/SwitchyardTesting/Fixtures/openai" "$UP_DIR" "$UP_PORT" "$NGINX_WORKERS" \
    "$UP_TLS_PORT" "$UP_H2_PORT"
nginx -p "$UP_DIR" -c "$UP_DIR/nginx.conf" -e "$UP_DIR/nginx-error.log" >"$UP_DIR/nginx.out" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$UP_PORT/healthz" 10 "$NGINX_PID" ||
    { cat "$UP_DIR/nginx-error.log" >&2 || true; die "nginx did not start"; }
log "fake upstream (nginx, $NGINX_WORKERS worker) on 127.0.0.1:$UP_PORT"

BODY_JSON="$WORK/body-json.json"
BODY_STREAM="$WORK/body-stream.json"
cat >"$BODY_JSON" <<'EOF'
{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2}
EOF
cat >"$BODY_STREAM" <<'EOF'
{"model":"bench-stream","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2,"stream":true,"stream_options":{"include_usage":true}}
EOF

body_for() { if [[ $1 == json ]]; then echo "$BODY_JSON"; else echo "$BODY_STREAM"; fi; }
expect_for() { if [[ $1 == json ]]; then echo '"chat.completion"'; else echo 'data: [DONE]'; fi; }

# ---------------------------------------------------------------------------------------------------------------
# 3. Measuring

# check TARGET MODE URL: one request with curl; the answer must be 2xx and look right. Returns non-zero if not.
check() {
    local target=$1 mode=$2 url=$3 code ok=true out="$WORK/check-$1-$2.txt"
    code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 30 -H 'content-type: application/json' \
        -H 'authorization: Bearer sk-bench' --data-binary "@$(body_for "$mode")" "$url" 2>"$out.err") || code=000
    if [[ $code != 2* ]] || ! grep -qF "$(expect_for "$mode")" "$out"; then ok=false; fi
    python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[1], "mode": sys.argv[2], "status": sys.argv[3],
"ok": sys.argv[4] == "true", "sample": open(sys.argv[5], errors="replace").read(300)}))' \
        "$target" "$mode" "$code" "$ok" "$out" >>"$RESULTS/checks.jsonl"
    if [[ $ok != true ]]; then
        log "check failed for $target/$mode: HTTP $code: $(head -c 300 "$out")"
        return 1
    fi
}

run_wrk() { # run_wrk CONCURRENCY SECONDS URL MODE -> wrk's output on stdout
    local c=$1 seconds=$2 url=$3 mode=$4 threads=$THREADS
    ((c < threads)) && threads=$c
    BENCH_BODY_FILE=$(body_for "$mode") wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout "$WRK_TIMEOUT" \
        --latency -s "$LIB/wrk-post.lua" "$url"
}

# measure TARGET MODE CONCURRENCY URL [PID]: one wrk point, appended to points.jsonl; with PID, its RSS is sampled.
measure() {
    local target=$1 mode=$2 c=$3 url=$4 pid=${5:-} sampler="" out rss="$WORK/rss-sample.json"
    out="$WORK/wrk-$target-$mode-c$c.txt"
    rm -f "$rss"
    if [[ -n $pid ]]; then
        python3 "$LIB/rss.py" sample "$pid" "$rss" &
        sampler=$!
        PIDS+=("$sampler")
    fi
    run_wrk "$c" "$DURATION" "$url" "$mode" >"$out" 2>&1 || log "wrk exited non-zero for $target/$mode/c$c"
    if [[ -n $sampler ]]; then
        stop_pid "$sampler"
        forget_pid "$sampler"
    fi
    python3 - "$target" "$mode" "$c" "$out" "$rss" >>"$RESULTS/points.jsonl" <<'EOF'
import json, os, sys
target, mode, c, out, rss = sys.argv[1:6]
record = {"target": target, "mode": mode, "concurrency": int(c)}
lines = [l for l in open(out, errors="replace") if l.startswith("WRK_JSON ")]
if lines:
    record.update(json.loads(lines[-1][len("WRK_JSON "):]))
else:
    record["failed"] = open(out, errors="replace").read()[-500:]
if os.path.exists(rss):
    record["rss"] = json.load(open(rss))
print(json.dumps(record))
EOF
    local summary
    summary=$(tail -1 "$RESULTS/points.jsonl" | python3 -c 'import json, sys
r = json.load(sys.stdin)
if "failed" in r: print("FAILED"); sys.exit()
e = sum(r["errors"].values()); l = r["latency_us"]
print("%8.0f req/s  p50 %8.3f ms  p99 %8.3f ms  errors %d" % (r["requests"] / r["duration_us"] * 1e6, l["p50"] / 1e3, l["p99"] / 1e3, e))')
    log "$(printf '%-14s %-6s c=%-4s %s' "$target" "$mode" "$c" "$summary")"
}

# ttfb TARGET URL: sequential streaming requests; time to first byte and to the end.
ttfb() {
    local target=$1 url=$2
    ((TTFB_COUNT > 0)) || return 0
    python3 "$LIB/client.py" --url "$url" --body "$BODY_STREAM" --count "$TTFB_COUNT" --warmup 20 \
        --expect 'data: [DONE]' >"$WORK/ttfb-$target.json" 2>"$WORK/ttfb-$target.err" ||
        { log "ttfb client failed for $target"; return 0; }
    python3 -c 'import json, sys; r = json.load(open(sys.argv[2])); r["target"] = sys.argv[1]; print(json.dumps(r))' \
        "$target" "$WORK/ttfb-$target.json" >>"$RESULTS/ttfb.jsonl"
}

rss_record() { # rss_record TARGET WHEN PID
    local kb
    kb=$(python3 "$LIB/rss.py" once "$3")
    python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[1], "when": sys.argv[2], "kb": int(sys.argv[3])}))' \
        "$1" "$2" "$kb" >>"$RESULTS/rss.jsonl"
    log "RSS $1 $2: $((kb / 1024)) MB"
}

fd_record() { # fd_record TARGET WHEN PID PORT: the process's open descriptors, and its sockets in CLOSE_WAIT
    local open closewait
    open=$(find "/proc/$3/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    closewait=$(ss -Htn state close-wait "( sport = :$4 )" 2>/dev/null | wc -l)
    python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[1], "when": sys.argv[2], "open": int(sys.argv[3]), "close_wait": int(sys.argv[4])}))' \
        "$1" "$2" "$open" "$closewait" >>"$RESULTS/descriptors.jsonl"
    log "descriptors $1 $2: $open open, $closewait in CLOSE_WAIT"
}

# measure_target TARGET BASE_JSON_URL BASE_STREAM_URL [PID]
measure_target() {
    local target=$1 json_url=$2 stream_url=$3 pid=${4:-} mode url c
    for mode in $MODES; do
        if [[ $mode == json ]]; then url=$json_url; else url=$stream_url; fi
        if ! check "$target" "$mode" "$url"; then
            note "$target $mode: the check request failed, not measured (see checks)"
            continue
        fi
        if ((WARMUP > 0)); then run_wrk 16 "$WARMUP" "$url" "$mode" >/dev/null 2>&1 || true; fi
        for c in $CONCURRENCY; do measure "$target" "$mode" "$c" "$url" "$pid"; done
        if [[ $mode == stream ]]; then ttfb "$target" "$url"; fi
    done
}

# (a) direct
if has "$TARGETS" direct; then
    measure_target direct "http://127.0.0.1:$UP_PORT/v1/chat/completions" \
        "http://127.0.0.1:$UP_PORT/stream/v1/chat/completions"
fi

# (b) Switchyard
SY_PORT=$(free_port)
SY_CONFIG="$WORK/switchyard.yaml"
# shellcheck source=gateway/switchyard-config.sh
source "$LIB/switchyard-config.sh"
write_switchyard_config "$SY_CONFIG" "$SY_PORT" "$UP_PORT" "$WORK/switchyard.sqlite"

start_switchyard() { # start_switchyard CONFIG PORT LOGNAME [prefix command...]; sets SY_PID
    local config=$1 port=$2 name=$3
    shift 3
    BENCH_UPSTREAM_KEY=sk-bench "$@" "$SY_BIN" serve --config "$config" --port "$port" --log-level "$SY_LOG_LEVEL" \
        >"$WORK/$name.out" 2>"$WORK/$name.log" &
    SY_PID=$!
    PIDS+=("$SY_PID")
}

# measure_switchyard TARGET CONFIG: one Switchyard configuration at every point, with its RSS idle, under load and
# at its peak.
measure_switchyard() {
    local target=$1 config=$2 hwm
    shift 2
    start_switchyard "$config" "$SY_PORT" "$target" "$@"
    if wait_http "http://127.0.0.1:$SY_PORT/readyz" 30 "$SY_PID"; then
        log "$target (pid $SY_PID) on 127.0.0.1:$SY_PORT, log level $SY_LOG_LEVEL"
        sleep 1
        rss_record "$target" idle "$SY_PID"
        fd_record "$target" idle "$SY_PID" "$SY_PORT"
        measure_target "$target" "http://127.0.0.1:$SY_PORT/v1/chat/completions" \
            "http://127.0.0.1:$SY_PORT/v1/chat/completions" "$SY_PID"
        sleep 1
        rss_record "$target" after-load "$SY_PID"
        fd_record "$target" after-load "$SY_PID" "$SY_PORT"
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SY_PID/status")
        python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[2], "when": "peak (VmHWM)", "kb": int(sys.argv[1])}))' \
            "$hwm" "$target" >>"$RESULTS/rss.jsonl"
    else
        note "$target did not start: $(tail -c 400 "$WORK/$target.log")"
    fi
    stop_pid "$SY_PID"
    forget_pid "$SY_PID"
}

if has "$TARGETS" switchyard; then
    measure_switchyard switchyard "$SY_CONFIG"
fi
# The added latency at c=1 again, alternating 1 s direct and 1 s through Switchyard (gateway/interleaved.sh).
: >"$RESULTS/interleaved.json"
if has "$TARGETS" switchyard && has "$TARGETS" direct && ((INTERLEAVED_ROUNDS > 0)) && has "$MODES" json; then
    # shellcheck source=gateway/interleaved.sh
    source "$LIB/interleaved.sh"
fi
# The same gateway with plain-HTTP upstreams sent through AsyncHTTPClient instead of the pooled HTTP/1.1 transport:
# what the transport alone is worth, in the same run.
if has "$TARGETS" switchyard-ahc; then
    cp "$SY_CONFIG" "$WORK/switchyard-ahc.yaml"
    sed -i 's/^server:$/server:\n  plain_http_upstreams: async-http-client/' "$WORK/switchyard-ahc.yaml"
    measure_switchyard switchyard-ahc "$WORK/switchyard-ahc.yaml"
fi
# The same gateway with the upstream over TLS, as every hosted provider is reached: nginx with a self-signed
# certificate (trusted through server.upstream_ca_file), on a port that speaks HTTP/1.1 only and on one that offers
# HTTP/2 by ALPN. Its added latency is against the plain direct figure, so it includes nginx's side of TLS.
for tls_target in switchyard-tls switchyard-tls-h2; do
    has "$TARGETS" "$tls_target" || continue
    tls_port=$UP_TLS_PORT
    [[ $tls_target == switchyard-tls-h2 ]] && tls_port=$UP_H2_PORT
    sed "s|http://127.0.0.1:$UP_PORT/|https://localhost:$tls_port/|; s|^server:\$|server:\n  upstream_ca_file: $UP_DIR/cert.pem|" \
        "$SY_CONFIG" >"$WORK/$tls_target.yaml"
    measure_switchyard "$tls_target" "$WORK/$tls_target.yaml"
done
# The same gateway with its client connections served by Hummingbird's HTTP1Channel (a task and a NIOAsyncChannel per
# connection), as before session 9: what the gateway's own connection handler is worth, in the same run.
if has "$TARGETS" switchyard-hb; then
    measure_switchyard switchyard-hb "$SY_CONFIG" env SWITCHYARD_HTTP1=hummingbird
fi

# (c) LiteLLM
LITELLM_VENV="$BENCH/.work/litellm-venv"
LITELLM_VERSION=""
install_litellm() {
    if [[ -x "$LITELLM_VENV/bin/litellm" ]]; then return 0; fi
    log "installing LiteLLM into $LITELLM_VENV (pip install '$LITELLM_SPEC')"
    rm -rf "$LITELLM_VENV"
    python3 -m venv "$LITELLM_VENV" >"$WORK/litellm-install.log" 2>&1 &&
        "$LITELLM_VENV/bin/pip" install -q --upgrade pip >>"$WORK/litellm-install.log" 2>&1 &&
        "$LITELLM_VENV/bin/pip" install -q "$LITELLM_SPEC" >>"$WORK/litellm-install.log" 2>&1
}

if has "$TARGETS" litellm; then
    if install_litellm; then
        LITELLM_VERSION=$("$LITELLM_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null || echo unknown)
        LL_CONFIG="$WORK/litellm.yaml"
        cat >"$LL_CONFIG" <<EOF
model_list:
  - model_name: bench-chat
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$UP_PORT/v1
      api_key: sk-bench
  - model_name: bench-stream
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$UP_PORT/stream/v1
      api_key: sk-bench
litellm_settings:
  telemetry: false
  set_verbose: false
  drop_params: true
general_settings:
  disable_spend_logs: true
EOF
        for workers in $LITELLM_WORKERS; do
            LL_PORT=$(free_port)
            target="litellm-w$workers"
            (
                unset DATABASE_URL
                export LITELLM_LOG=ERROR LITELLM_TELEMETRY=False LITELLM_LOCAL_MODEL_COST_MAP=True \
                    LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY=true \
                    DISABLE_ADMIN_UI=True NO_DOCS=True PYTHONUNBUFFERED=1
                exec setsid "$LITELLM_VENV/bin/litellm" --config "$LL_CONFIG" --host 127.0.0.1 --port "$LL_PORT" \
                    --num_workers "$workers"
            ) >"$WORK/$target.log" 2>&1 &
            LL_PID=$!
            GROUPS_STARTED+=("$LL_PID")
            if wait_http "http://127.0.0.1:$LL_PORT/health/liveliness" 180 "$LL_PID"; then
                log "LiteLLM $LITELLM_VERSION with $workers worker(s) (pid $LL_PID) on 127.0.0.1:$LL_PORT"
                sleep 2
                rss_record "$target" idle "$LL_PID"
                measure_target "$target" "http://127.0.0.1:$LL_PORT/v1/chat/completions" \
                    "http://127.0.0.1:$LL_PORT/v1/chat/completions" "$LL_PID"
            else
                note "LiteLLM ($workers workers) did not start: $(tail -c 400 "$WORK/$target.log" | tr -d '\r')"
            fi
            stop_group "$LL_PID"
            forget_group "$LL_PID"
        done
    else
        note "LiteLLM could not be installed (pip install '$LITELLM_SPEC' failed): $(tail -c 300 "$WORK/litellm-install.log")"
    fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 4. Optional extras

: >"$RESULTS/slow.json"
if ((SLOW_STREAMS > 0)); then
    # shellcheck source=gateway/slow-streams.sh
    source "$LIB/slow-streams.sh"
fi
: >"$RESULTS/callgrind.json"
if ((CALLGRIND == 1)); then
    # Its own nginx and gateway under valgrind (gateway/callgrind.sh), one at a time like the rest.
    log "callgrind: counting instructions per request (about 2 minutes)"
    if "$LIB/callgrind.sh" --bin "$SY_BIN" --requests "$CALLGRIND_REQUESTS" \
        --stream-requests "$((CALLGRIND_REQUESTS * 2 / 5))" --log-level "$SY_LOG_LEVEL" \
        --json "$RESULTS/callgrind.json" >"$WORK/callgrind.txt" 2>"$WORK/callgrind.log"; then
        log "callgrind: $(grep -E '^(json|stream): ' "$WORK/callgrind.txt" | cut -d'(' -f1 | sed 's/ *$//' | paste -sd';')"
    else
        : >"$RESULTS/callgrind.json"
        note "callgrind: bench/gateway/callgrind.sh failed: $(tail -c 300 "$WORK/callgrind.log")"
        STATUS_KEEP=1
    fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 5. Results

stop_pid "$NGINX_PID"
forget_pid "$NGINX_PID"

LOAD_START="$LOAD_START" LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)" SOURCE_DESC="$SOURCE_DESC" COMMAND="$COMMAND" LITELLM_VERSION="$LITELLM_VERSION" DURATION="$DURATION" WARMUP="$WARMUP" \
    CONCURRENCY="$CONCURRENCY" THREADS="$THREADS" WRK_TIMEOUT="$WRK_TIMEOUT" MODES="$MODES" \
    NGINX_WORKERS="$NGINX_WORKERS" SY_LOG_LEVEL="$SY_LOG_LEVEL" LITELLM_WORKERS="$LITELLM_WORKERS" \
    TTFB_COUNT="$TTFB_COUNT" TARGETS="$TARGETS" python3 "$LIB/meta.py" >"$RESULTS/meta.json"

if [[ -z $OUT ]]; then
    OUT="gateway-$(date +%Y-%m-%d)"
    [[ -e "$BENCH/results/$OUT.md" ]] && OUT="$OUT-$(date +%H%M)"
fi
python3 "$LIB/report.py" "$RESULTS" "$BENCH/results/$OUT"
log "wrote bench/results/$OUT.md and bench/results/$OUT.json"
STATUS=0
