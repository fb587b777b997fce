# shellcheck shell=bash
# Sourced by bench/run.sh for --slow-streams N: N concurrent slow streams through a fresh Switchyard, from a
# trickling upstream (one chunk a second, over real HTTP) or from the built-in simulator (inter_chunk_ms: $((SLOW_INTERVAL * 1000))).
# Reports errors, how many streams were open at once, time to first event and Switchyard's RSS to slow.json: one
# object, or with several transports in --slow-transport (run one after the other, each through a fresh gateway) a
# list of them, in that order.
# Uses run.sh's helpers and variables (start_switchyard, wait_http, PIDS, WORK, RESULTS, ...).

slow_streams() {
    local port config upstream_pid="" upstream_port sampler client_out idle_kb
    port=$(free_port)
    config="$WORK/switchyard-slow.yaml"
    if [[ $SLOW_UPSTREAM == simulator ]]; then
        cat >"$config" <<EOF
server:
  host: 127.0.0.1
  port: $port
providers:
  sim:
    kind: simulator
    simulator:
      inter_chunk_ms: $((SLOW_INTERVAL * 1000))
models:
  - name: bench-slow
    deployments:
      - provider: sim
        model: switchyard-simulator
EOF
    else
        upstream_port=$(free_port)
        local trickle="$LIB/trickle-upstream.py" python=python3 transport=$SLOW_TRANSPORT h2_line="" tls_args=()
        local scheme=http host=127.0.0.1 tls_lines=""
        if [[ $SLOW_TRANSPORT == tls* ]]; then
            # Over TLS, as to a hosted provider: a self-signed certificate the gateway trusts (server.upstream_ca_file).
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/trickle-key.pem" \
                -out "$WORK/trickle-cert.pem" -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
                >/dev/null 2>&1
            tls_args=(--tls "$WORK/trickle-cert.pem" "$WORK/trickle-key.pem")
            scheme=https host=localhost transport=pooled
            tls_lines="  upstream_ca_file: $WORK/trickle-cert.pem"$'\n'"  tls_upstreams: pooled"
            [[ $SLOW_TRANSPORT == tls ]] && tls_lines+=$'\n'"  tls_http2: false"
            [[ $SLOW_TRANSPORT == tls-ahc ]] && tls_lines="${tls_lines%pooled}async-http-client"
        fi
        if [[ $SLOW_TRANSPORT == h2c || $SLOW_TRANSPORT == tls-h2 ]]; then
            # HTTP/2 with prior knowledge: the streams share a few upstream connections (pure-Python h2 upstream).
            local venv="$ROOT/bench/.work/h2-venv"
            if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import h2' 2>/dev/null; then
                log "installing h2 into $venv"
                python3 -m venv "$venv" && "$venv/bin/pip" install --quiet h2
            fi
            trickle="$LIB/trickle-upstream-h2.py" python="$venv/bin/python" transport=pooled
            h2_line="    http2_prior_knowledge: true"
            [[ $SLOW_TRANSPORT == tls-h2 ]] && h2_line=""
        fi
        "$python" "$trickle" --port "$upstream_port" --chunks "$SLOW_CHUNKS" --interval "$SLOW_INTERVAL" \
            --first-token "$SLOW_FIRST_TOKEN" "${tls_args[@]}" \
            >"$WORK/trickle.log" 2>&1 &
        upstream_pid=$!
        PIDS+=("$upstream_pid")
        local _
        for _ in $(seq 50); do
            if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
                "$upstream_port" 2>/dev/null; then break; fi
            sleep 0.1
        done
        cat >"$config" <<EOF
server:
  host: 127.0.0.1
  port: $port
  plain_http_upstreams: $transport
$tls_lines
providers:
  trickle:
    kind: openai
    api_key: env:BENCH_UPSTREAM_KEY
    base_url: $scheme://$host:$upstream_port/v1
$h2_line
models:
  - name: bench-slow
    deployments:
      - provider: trickle
        model: gpt-4o-mini
EOF
    fi
    local body="$WORK/body-slow.json"
    # With --slow-prompt-bytes N, a system prompt of N bytes goes first (real requests carry one; its size decides
    # how much a connection reads and keeps).
    python3 - "$SLOW_PROMPT_BYTES" >"$body" <<'EOF'
import json, sys
n = int(sys.argv[1])
messages = [{"role": "system", "content": ("You are a patient storyteller. " * (n // 31 + 1))[:n]}] if n > 0 else []
messages.append({"role": "user", "content": "Tell me a long story, slowly, one word at a time, for as long as you can."})
print(json.dumps({"model": "bench-slow", "messages": messages, "stream": True,
                  "stream_options": {"include_usage": True}}, separators=(",", ":")), end="")
EOF
    start_switchyard "$config" "$port" switchyard-slow
    if ! wait_http "http://127.0.0.1:$port/readyz" 30 "$SY_PID"; then
        note "slow streams: switchyard did not start"
        stop_pid "$SY_PID"
        forget_pid "$SY_PID"
        return 0
    fi
    sleep 1
    idle_kb=$(python3 "$LIB/rss.py" once "$SY_PID")
    log "slow streams: $SLOW_STREAMS streams through Switchyard from the $SLOW_UPSTREAM upstream (idle RSS $((idle_kb / 1024)) MB)"
    python3 "$LIB/rss.py" sample "$SY_PID" "$WORK/rss-slow.json" &
    sampler=$!
    PIDS+=("$sampler")
    client_out="$WORK/slow-client.json"
    # RSS with every stream open, once the ramp is over and the gateway has settled: 10 s after the last stream
    # opened (the peak above includes what opening them at ${SLOW_RATE:-1000}/s takes). Only when the streams last
    # long enough that none has ended by then.
    local ramp=$(((SLOW_STREAMS + ${SLOW_RATE:-1000} - 1) / ${SLOW_RATE:-1000})) open_pid=""
    rm -f "$WORK/rss-open.txt"
    if ((${SLOW_FIRST_TOKEN%.*} + SLOW_CHUNKS * SLOW_INTERVAL > ramp + 15)); then
        (sleep $((ramp + 10)) && python3 "$LIB/rss.py" once "$SY_PID" >"$WORK/rss-open.txt") &
        open_pid=$!
        PIDS+=("$open_pid")
    fi
    python3 "$LIB/slow-client.py" --url "http://127.0.0.1:$port/v1/chat/completions" --body "$body" \
        --streams "$SLOW_STREAMS" --rate "${SLOW_RATE:-1000}" --deadline 300 >"$client_out" 2>"$WORK/slow-client.err" ||
        log "slow-client exited non-zero (see $WORK/slow-client.err)"
    stop_pid "$sampler"
    forget_pid "$sampler"
    if [[ -n $open_pid ]]; then
        wait "$open_pid" 2>/dev/null || true
        forget_pid "$open_pid"
    fi
    python3 - "$client_out" "$WORK/rss-slow.json" "$idle_kb" "$SLOW_UPSTREAM" "$SLOW_CHUNKS" "${SLOW_RATE:-1000}" \
        "$SLOW_INTERVAL" "$SLOW_TRANSPORT" "$(wc -c <"$body")" "$WORK/rss-open.txt" "$SLOW_FIRST_TOKEN" \
        >"$RESULTS/slow-$SLOW_TRANSPORT.json" <<'EOF'
import json, os, sys
client, rss, idle, upstream, chunks, rate, interval, transport, body_bytes, rss_open, first_token = sys.argv[1:12]
result = {"upstream": "trickle (Python, %sa chunk every %s s, %s chunks, over HTTP or TLS; upstream transport %s)"
          % ("first token after %s s, then " % first_token if float(first_token) > 0 else "", interval, chunks,
             transport)
          if upstream != "simulator" else "Switchyard simulator (inter_chunk_ms %d)" % (int(interval) * 1000),
          "ramp": "%s new streams/s" % rate, "request_body_bytes": int(body_bytes),
          "first_token_s": float(first_token)}
try:
    result.update(json.load(open(client)))
except (OSError, ValueError) as e:
    result["client"] = "failed: %s" % e
result["switchyard_rss_idle_mb"] = round(int(idle) / 1024, 1)
if os.path.exists(rss):
    r = json.load(open(rss))
    result["switchyard_rss_peak_mb"] = round(r["peak_kb"] / 1024, 1) if r.get("peak_kb") else None
if os.path.exists(rss_open) and open(rss_open).read().strip():
    result["switchyard_rss_all_open_mb"] = round(int(open(rss_open).read()) / 1024, 1)
print(json.dumps(result))
EOF
    log "slow streams: $(cat "$RESULTS/slow-$SLOW_TRANSPORT.json")"
    stop_pid "$SY_PID"
    forget_pid "$SY_PID"
    if [[ -n $upstream_pid ]]; then
        stop_pid "$upstream_pid"
        forget_pid "$upstream_pid"
    fi
}

SLOW_TRANSPORTS=$SLOW_TRANSPORT
for SLOW_TRANSPORT in $SLOW_TRANSPORTS; do
    slow_streams
done
SLOW_TRANSPORT=$SLOW_TRANSPORTS
# shellcheck disable=SC2086 # one file per transport, in order
python3 - "$RESULTS" $SLOW_TRANSPORTS >"$RESULTS/slow.json" <<'EOF'
import json, os, sys
runs = []
for transport in sys.argv[2:]:
    try:
        runs.append(json.load(open(os.path.join(sys.argv[1], "slow-%s.json" % transport))))
    except (OSError, ValueError) as e:
        runs.append({"upstream_transport": transport, "result": "missing: %s" % e})
print(json.dumps(runs[0] if len(runs) == 1 else runs))
EOF
