# shellcheck shell=bash
# Sourced by bench/run.sh for --interleaved-rounds N (default 15): the added latency at concurrency 1, measured as
# N rounds of --interleaved-seconds (2) directly and as long through a fresh Switchyard, alternating, non-streaming.
#
# Why: a point of the main table is one five-second run, minutes away from the direct run it is subtracted from. On
# a shared 2-core virtual machine the host's noise moves p99 at c=1 by a millisecond from one minute to the next
# (direct p99 0.16-1.2 ms across runs), which is the size of the target itself. Alternating one-second runs see the
# same noise on both sides (rounds of two seconds, not one: a hiccup that recurs every few seconds must still land in
# some rounds); the per-round differences and their median are reported in interleaved.json, next to
# the main table, not in place of it.
# Uses run.sh's helpers and variables (start_switchyard, wait_http, run_wrk, PIDS, WORK, RESULTS, UP_PORT, ...).

interleaved_c1() {
    local port config direct_url sy_url round out
    port=$(free_port)
    config="$WORK/switchyard-interleaved.yaml"
    write_switchyard_config "$config" "$port" "$UP_PORT" "$WORK/switchyard-interleaved.sqlite"
    start_switchyard "$config" "$port" switchyard-interleaved
    if ! wait_http "http://127.0.0.1:$port/readyz" 30 "$SY_PID"; then
        note "interleaved c=1: Switchyard did not start: $(tail -c 400 "$WORK/switchyard-interleaved.log")"
        stop_pid "$SY_PID"
        forget_pid "$SY_PID"
        return 0
    fi
    direct_url="http://127.0.0.1:$UP_PORT/v1/chat/completions"
    sy_url="http://127.0.0.1:$port/v1/chat/completions"
    log "interleaved c=1: $INTERLEAVED_ROUNDS rounds of $INTERLEAVED_SECONDS s direct, $INTERLEAVED_SECONDS s through Switchyard (pid $SY_PID)"
    run_wrk 16 1 "$sy_url" json >/dev/null 2>&1 || true
    run_wrk 1 1 "$direct_url" json >/dev/null 2>&1 || true
    : >"$WORK/interleaved.jsonl"
    for ((round = 1; round <= INTERLEAVED_ROUNDS; round++)); do
        for side in direct switchyard; do
            out="$WORK/interleaved-$side-$round.txt"
            if [[ $side == direct ]]; then url=$direct_url; else url=$sy_url; fi
            run_wrk 1 "$INTERLEAVED_SECONDS" "$url" json >"$out" 2>&1 || true
            python3 -c 'import json, sys
lines = [l for l in open(sys.argv[3], errors="replace") if l.startswith("WRK_JSON ")]
r = json.loads(lines[-1][len("WRK_JSON "):]) if lines else {"failed": True}
r.update({"round": int(sys.argv[1]), "side": sys.argv[2]})
print(json.dumps(r))' "$round" "$side" "$out" >>"$WORK/interleaved.jsonl"
        done
    done
    stop_pid "$SY_PID"
    forget_pid "$SY_PID"
    python3 - "$WORK/interleaved.jsonl" "$INTERLEAVED_SECONDS" >"$RESULTS/interleaved.json" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    if "failed" not in r:
        by.setdefault(r["round"], {})[r["side"]] = r
rounds = []
for n in sorted(by):
    d, s = by[n].get("direct"), by[n].get("switchyard")
    if not d or not s:
        continue
    errors = sum(s["errors"].values()) + sum(d["errors"].values())
    rounds.append({
        "round": n, "errors": errors,
        "direct_us": {q: d["latency_us"][q] for q in ("p50", "p99")},
        "switchyard_us": {q: s["latency_us"][q] for q in ("p50", "p99")},
        "added_us": {q: s["latency_us"][q] - d["latency_us"][q] for q in ("p50", "p99")},
    })
def quartiles(values):
    values = sorted(values)
    if not values:
        return None
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {"q1": q[0], "median": statistics.median(values), "q3": q[2], "min": values[0], "max": values[-1]}
summary = {
    "rounds": len(rounds),
    "seconds_per_side": int(sys.argv[2]),
    "errors": sum(r["errors"] for r in rounds),
    "added_p50_us": quartiles([r["added_us"]["p50"] for r in rounds]),
    "added_p99_us": quartiles([r["added_us"]["p99"] for r in rounds]),
    "direct_p50_us": quartiles([r["direct_us"]["p50"] for r in rounds]),
    "direct_p99_us": quartiles([r["direct_us"]["p99"] for r in rounds]),
    "per_round": rounds,
}
print(json.dumps(summary))
PY
    log "interleaved c=1: $(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
print("added p50 median %s us, added p99 median %s us over %d rounds" % (s["added_p50_us"] and s["added_p50_us"]["median"], s["added_p99_us"] and s["added_p99_us"]["median"], s["rounds"]))' "$RESULTS/interleaved.json")"
}

interleaved_c1
