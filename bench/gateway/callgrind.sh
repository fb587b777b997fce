# shellcheck shell=bash
# Sourced by bench/run.sh for --callgrind: runs the release binary under valgrind --tool=callgrind against the
# nginx upstream, warms it up, then counts the instructions (Ir, all threads) spent on exactly N sequential
# non-streaming requests and N/4 streaming ones, and writes instructions per request plus the top functions by
# self cost to callgrind.json. Instruction counts are stable from run to run, unlike wall time.
# Uses run.sh's helpers and variables (start_switchyard, wait_http, PIDS, WORK, RESULTS, SY_CONFIG, ...).

callgrind_phase() { # callgrind_phase PID NAME BODY COUNT PORT -> prints instructions per request
    local pid=$1 name=$2 body=$3 count=$4 port=$5 expect before after dump
    if [[ $name == json ]]; then expect='"chat.completion"'; else expect='data: [DONE]'; fi
    python3 "$LIB/client.py" --url "http://127.0.0.1:$port/v1/chat/completions" --body "$body" --count 100 \
        --warmup 0 --expect "$expect" >/dev/null
    callgrind_control --zero "$pid" >/dev/null
    python3 "$LIB/client.py" --url "http://127.0.0.1:$port/v1/chat/completions" --body "$body" --count "$count" \
        --warmup 0 --expect "$expect" >"$WORK/callgrind-client-$name.json"
    before=$(find "$WORK" -maxdepth 1 -name "callgrind.out.$pid*" | wc -l)
    callgrind_control --dump="$name" "$pid" >/dev/null
    for _ in $(seq 100); do
        after=$(find "$WORK" -maxdepth 1 -name "callgrind.out.$pid*" | wc -l)
        ((after > before)) && break
        sleep 0.2
    done
    dump=$(find "$WORK" -maxdepth 1 -name "callgrind.out.$pid*" -newer "$WORK/callgrind-client-$name.json" | sort |
        tail -1)
    cp "$dump" "$WORK/callgrind-$name.out"
    callgrind_annotate --inclusive=no "$WORK/callgrind-$name.out" 2>/dev/null | head -45 >"$WORK/callgrind-$name.top"
    python3 - "$WORK/callgrind-$name.out" "$count" "$WORK/callgrind-client-$name.json" <<'EOF'
import json, sys
path, count, client = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
total = None
for line in open(path):
    if line.startswith("summary:") or line.startswith("totals:"):
        total = int(line.split()[1])
print(json.dumps({"instructions": total, "requests": count, "errors": client["errors"],
                  "per_request": round(total / count) if total else None}))
EOF
}

callgrind_run() {
    local port pid json stream
    command -v valgrind >/dev/null || { note "callgrind: valgrind not installed"; return 0; }
    port=$(free_port)
    # Without DWARF: valgrind reads the symbol table only, faster, and older valgrinds choke on Swift's debug info.
    local SY_BIN="$WORK/switchyard-nodebug"
    strip --strip-debug -o "$SY_BIN" "$ROOT/.build-release/release/switchyard"
    start_switchyard "$SY_CONFIG" "$port" switchyard-callgrind valgrind --tool=callgrind \
        --callgrind-out-file="$WORK/callgrind.out.%p" --dump-instr=no
    pid=$SY_PID
    if ! wait_http "http://127.0.0.1:$port/readyz" 180 "$pid"; then
        note "callgrind: switchyard did not start under $(valgrind --version): $(grep -m1 -E 'INTERNAL ERROR|impossible|Giving up' "$WORK/switchyard-callgrind.log" || tail -c 200 "$WORK/switchyard-callgrind.log") (log kept in the scratch directory)"
        # shellcheck disable=SC2034 # read by run.sh, which sources this file
        STATUS_KEEP=1
        stop_pid "$pid"
        forget_pid "$pid"
        return 0
    fi
    log "callgrind: counting $CALLGRIND_REQUESTS non-streaming and $((CALLGRIND_REQUESTS / 4)) streaming requests"
    json=$(callgrind_phase "$pid" json "$BODY_JSON" "$CALLGRIND_REQUESTS" "$port")
    stream=$(callgrind_phase "$pid" stream "$BODY_STREAM" "$((CALLGRIND_REQUESTS / 4))" "$port")
    stop_pid "$pid"
    forget_pid "$pid"
    python3 - "$json" "$stream" "$WORK/callgrind-json.top" "$WORK/callgrind-stream.top" >"$RESULTS/callgrind.json" <<'EOF'
import json, sys
json_phase, stream_phase = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def top(path):
    lines = [l.rstrip() for l in open(path) if "Ir" in l or ":" in l]
    return [l for l in lines if l.strip() and not l.startswith("--")][:30]
print(json.dumps({
    "non-streaming instructions per request": json_phase["per_request"],
    "streaming instructions per request": stream_phase["per_request"],
    "requests counted (non-streaming, streaming)": [json_phase["requests"], stream_phase["requests"]],
    "client errors (non-streaming, streaming)": [json_phase["errors"], stream_phase["errors"]],
    "how": "valgrind --tool=callgrind on the release binary, all threads; sequential keep-alive requests after "
           "a 100-request warm-up; callgrind_control --zero before and --dump after",
    "top functions by self cost, non-streaming": top(sys.argv[3]),
    "top functions by self cost, streaming": top(sys.argv[4]),
}))
EOF
    log "callgrind: $(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["non-streaming instructions per request"], "instructions per non-streaming request,", r["streaming instructions per request"], "per streaming request")' "$RESULTS/callgrind.json")"
}

callgrind_run
