#!/usr/bin/env python3
"""Turn one benchmark run's raw records into bench/results/<name>.md and <name>.json.

Usage: report.py RESULTS_DIR OUT_BASE   (writes OUT_BASE.md and OUT_BASE.json)

Inputs in RESULTS_DIR (written by bench/run.sh): meta.json, points.jsonl (one wrk point each), checks.jsonl,
ttfb.jsonl, rss.jsonl, notes.jsonl, and optionally slow.json and callgrind.json.
"""

import json
import os
import sys

LABELS = {"direct": "direct (nginx)", "switchyard": "Switchyard",
          "switchyard-ahc": "Switchyard, upstream via AsyncHTTPClient",
          "switchyard-hb": "Switchyard, connections via Hummingbird's HTTP1Channel",
          "switchyard-tls": "Switchyard, upstream over TLS (HTTP/1.1)",
          "switchyard-tls-h2": "Switchyard, upstream over TLS (HTTP/2 by ALPN)"}
MODES = {"json": "non-streaming", "stream": "streaming (SSE, 20 chunks + usage)"}


def label(target: str) -> str:
    if target.startswith("litellm-w"):
        n = target[len("litellm-w"):]
        return f"LiteLLM, {n} worker{'s' if n != '1' else ''}"
    return LABELS.get(target, target)


def jsonl(path: str) -> list:
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def optional_json(path: str):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as f:
        return json.load(f)


def ms(us) -> str:
    return "–" if us is None else f"{us / 1000:.3f}"


def added(us) -> str:
    return "–" if us is None else f"{us / 1000:+.3f}"


def mb(kb) -> str:
    return "–" if kb is None else f"{kb / 1024:.1f} MB"


def main() -> None:
    results, out = sys.argv[1], sys.argv[2]
    meta = optional_json(os.path.join(results, "meta.json")) or {}
    raw = jsonl(os.path.join(results, "points.jsonl"))
    checks = jsonl(os.path.join(results, "checks.jsonl"))
    ttfb = jsonl(os.path.join(results, "ttfb.jsonl"))
    rss = jsonl(os.path.join(results, "rss.jsonl"))
    descriptors = jsonl(os.path.join(results, "descriptors.jsonl"))
    notes = [n["note"] for n in jsonl(os.path.join(results, "notes.jsonl"))]
    slow = optional_json(os.path.join(results, "slow.json"))
    callgrind = optional_json(os.path.join(results, "callgrind.json"))
    interleaved = optional_json(os.path.join(results, "interleaved.json"))

    points = []
    for r in raw:
        p = {"target": r["target"], "mode": r["mode"], "concurrency": r["concurrency"]}
        if "failed" in r:
            p["failed"] = r["failed"]
            points.append(p)
            continue
        if r["requests"] == 0:
            p["failed"] = "no request completed within the duration"
            p["errors"] = sum(r["errors"].values())
            points.append(p)
            continue
        seconds = r["duration_us"] / 1e6
        lat = r["latency_us"]
        p.update({
            "requests": r["requests"],
            "requests_per_s": round(r["requests"] / seconds, 1) if seconds else None,
            "p50_us": lat["p50"], "p90_us": lat["p90"], "p99_us": lat["p99"], "p999_us": lat["p999"],
            "mean_us": lat["mean"], "max_us": lat["max"],
            "errors": sum(r["errors"].values()), "errors_detail": r["errors"],
            "bytes_per_request": round(r["bytes"] / r["requests"]) if r["requests"] else None,
        })
        if "rss" in r:
            p["rss_peak_kb"] = r["rss"].get("peak_kb")
        points.append(p)

    def find(target, mode, c):
        for p in points:
            if p["target"] == target and p["mode"] == mode and p["concurrency"] == c and "failed" not in p:
                return p
        return None

    for p in points:
        d = find("direct", p["mode"], p["concurrency"])
        if p["target"] != "direct" and d and "failed" not in p:
            for q in ("p50", "p90", "p99"):
                p[f"added_{q}_us"] = p[f"{q}_us"] - d[f"{q}_us"]

    targets = []
    for p in points:
        if p["target"] not in targets:
            targets.append(p["target"])
    litellm_targets = [t for t in targets if t.startswith("litellm-w")]

    def best_litellm(mode):
        best = None
        for t in litellm_targets:
            p = find(t, mode, 64)
            if p and (best is None or p["requests_per_s"] > best["requests_per_s"]):
                best = p
        return best

    headline = {}
    for mode in ("json", "stream"):
        sy1, sy64 = find("switchyard", mode, 1), find("switchyard", mode, 64)
        d64, ll64 = find("direct", mode, 64), best_litellm(mode)
        h = {}
        if sy1 and "added_p50_us" in sy1:
            h["added_p50_us_c1"] = sy1["added_p50_us"]
            h["added_p99_us_c1"] = sy1["added_p99_us"]
        if d64:
            h["direct_rps_c64"] = d64["requests_per_s"]
        if sy64:
            h["switchyard_rps_c64"] = sy64["requests_per_s"]
        if ll64:
            h["litellm_best_rps_c64"] = ll64["requests_per_s"]
            h["litellm_best_target"] = ll64["target"]
        if sy64 and d64:
            h["ratio_switchyard_over_direct_c64"] = round(sy64["requests_per_s"] / d64["requests_per_s"], 3)
        if sy64 and ll64 and ll64["requests_per_s"]:
            h["ratio_switchyard_over_litellm_c64"] = round(sy64["requests_per_s"] / ll64["requests_per_s"], 1)
        if h:
            headline[mode] = h

    sy_rss = {r["when"]: r["kb"] for r in rss if r["target"] == "switchyard"}
    sy_loaded = [p["rss_peak_kb"] for p in points if p["target"] == "switchyard" and p.get("rss_peak_kb")]
    memory = {
        "switchyard_idle_kb": sy_rss.get("idle"),
        "switchyard_under_load_peak_kb": max(sy_loaded) if sy_loaded else None,
        "switchyard_after_load_kb": sy_rss.get("after-load"),
        "switchyard_vmhwm_kb": sy_rss.get("peak (VmHWM)"),
        "others": [r for r in rss if r["target"] != "switchyard"],
    }
    for t in litellm_targets:
        loaded = [p["rss_peak_kb"] for p in points if p["target"] == t and p.get("rss_peak_kb")]
        memory[f"{t}_under_load_peak_kb"] = max(loaded) if loaded else None

    ttfb_by_target = {t["target"]: t for t in ttfb}
    direct_ttfb = ttfb_by_target.get("direct")
    for t in ttfb:
        if direct_ttfb and t is not direct_ttfb and t["first_body_us"]["p50"] is not None:
            t["added_first_body_us"] = {
                q: (t["first_body_us"][q] - direct_ttfb["first_body_us"][q])
                if direct_ttfb["first_body_us"][q] is not None else None
                for q in ("p50", "p90", "p99")
            }

    document = {
        "meta": meta, "headline": headline, "points": points, "memory": memory, "descriptors": descriptors,
        "ttfb": ttfb,
        "checks": checks, "notes": notes, "slow_streams": slow, "callgrind": callgrind,
        "interleaved_c1": interleaved,
    }
    with open(out + ".json", "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")

    # ---- Markdown
    lines = []
    w = lines.append
    date = meta.get("date", "")
    w(f"# Gateway benchmark, {date[:10]}")
    w("")
    w("Issue 8: a fake OpenAI upstream (nginx) measured directly, through Switchyard and through LiteLLM's proxy, "
      "in one run on one machine, with wrk as the load generator on the same cores. A benchmark, not a test.")
    w("")
    w(f"- Command: `{meta.get('command', '?')}`")
    w(f"- Date: {date}")
    m = meta.get("machine", {})
    w(f"- Machine: {m.get('nproc', '?')} cores (`nproc`), {m.get('cpu', '?')}, {m.get('memory', '?')} memory, "
      f"Linux {m.get('kernel', '?')}; load generator, upstream and gateway share the cores; load average "
      f"{m.get('load_average_start', '?')} at the start, {m.get('load_average_end', '?')} at the end")
    idle = m.get("cpu_idle")
    if idle:
        poll = idle.get("guest_halt_poll_ns")
        poll_text = "not available" if poll is None else f"{poll} ns" + (" (every idle vCPU halts)" if poll == 0 else "")
        w(f"- Idle vCPUs: cpuidle driver {idle.get('driver') or '?'}, governor {idle.get('governor') or '?'}; guest "
          f"halt polling {poll_text}")
    v = meta.get("versions", {})
    w(f"- Versions: Switchyard {v.get('switchyard', '?')}; {v.get('swift', '?')}; nginx {v.get('nginx', '?')}; "
      f"{v.get('wrk', '?')}; LiteLLM {v.get('litellm', '?')}; Python {v.get('python', '?')}")
    s = meta.get("settings", {})
    w(f"- Settings: {s.get('duration_s', '?')} s per point after a {s.get('warmup_s', '?')} s warm-up per target "
      f"and mode; wrk `-t{s.get('wrk_threads', '?')}` (`-t1` at c=1) `--timeout {s.get('wrk_timeout', '?')}`; "
      f"nginx {s.get('nginx_workers', '?')} worker; Switchyard log level `{s.get('switchyard_log_level', '?')}`; "
      f"LiteLLM workers tried: {', '.join(str(x) for x in s.get('litellm_workers', []))}")
    w("")

    w("## Headline")
    w("")
    for mode, h in headline.items():
        w(f"**{MODES[mode]}**")
        w("")
        if "added_p50_us_c1" in h:
            w(f"- Added latency through Switchyard at c=1: p50 {h['added_p50_us_c1']:+d} µs, "
              f"p99 {h['added_p99_us_c1']:+d} µs" +
              (" (issue 8 target: p50 ≤ 100 µs, p99 ≤ 1000 µs)" if mode == "json" else ""))
        if mode == "json" and interleaved and interleaved.get("rounds"):
            a50, a99 = interleaved["added_p50_us"], interleaved["added_p99_us"]
            w(f"- The same, interleaved ({interleaved['rounds']} alternating rounds of "
              f"{interleaved.get('seconds_per_side', 1)} s a side, median [q1–q3]): "
              f"p50 {a50['median']:+.0f} µs [{a50['q1']:+.0f} – {a50['q3']:+.0f}], "
              f"p99 {a99['median']:+.0f} µs [{a99['q1']:+.0f} – {a99['q3']:+.0f}]")
        parts = []
        if "direct_rps_c64" in h:
            parts.append(f"direct {h['direct_rps_c64']:.0f}")
        if "switchyard_rps_c64" in h:
            parts.append(f"Switchyard {h['switchyard_rps_c64']:.0f}")
        if "litellm_best_rps_c64" in h:
            parts.append(f"LiteLLM {h['litellm_best_rps_c64']:.0f} (best: {label(h['litellm_best_target'])})")
        if parts:
            w(f"- Throughput at c=64, requests/s: {', '.join(parts)}")
        ratios = []
        if "ratio_switchyard_over_direct_c64" in h:
            ratios.append(f"Switchyard/direct {h['ratio_switchyard_over_direct_c64']:.2f}")
        if "ratio_switchyard_over_litellm_c64" in h:
            ratios.append(f"Switchyard/LiteLLM {h['ratio_switchyard_over_litellm_c64']:.1f}×" +
                          (" (target ≥ 10×)" if mode == "json" else ""))
        if ratios:
            w(f"- Ratios at c=64: {', '.join(ratios)}")
        w("")
    w(f"**Memory (Switchyard, VmRSS)**: idle {mb(memory['switchyard_idle_kb'])}, under load peak "
      f"{mb(memory['switchyard_under_load_peak_kb'])}, after load {mb(memory['switchyard_after_load_kb'])}, "
      f"VmHWM {mb(memory['switchyard_vmhwm_kb'])} (target: ≤ 64 MB idle)")
    w("")
    sy_ttfb = ttfb_by_target.get("switchyard")
    if sy_ttfb and "added_first_body_us" in sy_ttfb:
        a = sy_ttfb["added_first_body_us"]
        w(f"**Time to first byte added on streams** (c=1, sequential): p50 {a['p50']:+.0f} µs, "
          f"p99 {a['p99']:+.0f} µs")
        w("")
    if notes:
        w("**Notes from the run**: " + " ".join(f"{n}." if not n.endswith(".") else n for n in notes))
        w("")

    for mode in ("json", "stream"):
        rows = [p for p in points if p["mode"] == mode]
        if not rows:
            continue
        w(f"## {MODES[mode][0].upper() + MODES[mode][1:]}")
        w("")
        w("Latency in ms; added = through − direct at the same concurrency; errors = socket errors + non-2xx "
          f"(wrk counts status ≥ 400). wrk records only requests that complete within the point's duration and its "
          f"`--timeout {s.get('wrk_timeout', '?')}`, so latencies near those limits are censored (a lower bound).")
        w("")
        w("| target | c | req/s | p50 | p90 | p99 | errors | added p50 | added p99 | bytes/resp |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for t in targets:
            for p in rows:
                if p["target"] != t:
                    continue
                if "failed" in p:
                    w(f"| {label(t)} | {p['concurrency']} | 0: {p['failed']} | | | | {p.get('errors', '')} | | | |")
                    continue
                w(f"| {label(t)} | {p['concurrency']} | {p['requests_per_s']:.0f} | {ms(p['p50_us'])} | "
                  f"{ms(p['p90_us'])} | {ms(p['p99_us'])} | {p['errors']} | {added(p.get('added_p50_us'))} | "
                  f"{added(p.get('added_p99_us'))} | {p['bytes_per_request']} |")
        w("")

    if ttfb:
        w("## Streams: time to first byte (c=1, sequential keep-alive client)")
        w("")
        w("`head` = first response byte, `first event` = first body byte (the first SSE event), `total` = "
          "`data: [DONE]` received; µs. The fake upstream sends the whole stream at once, so this measures what "
          "the gateway adds before the first event, not upstream pacing.")
        w("")
        w("| target | requests | errors | head p50 | first event p50 | first event p99 | total p50 | total p99 | "
          "added first event p50 | added p99 |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for t in ttfb:
            a = t.get("added_first_body_us", {})

            def f(x):
                return "–" if x is None else f"{x:.0f}"
            w(f"| {label(t['target'])} | {t['count']} | {t['errors']} | {f(t['head_us']['p50'])} | "
              f"{f(t['first_body_us']['p50'])} | {f(t['first_body_us']['p99'])} | {f(t['total_us']['p50'])} | "
              f"{f(t['total_us']['p99'])} | {f(a.get('p50'))} | {f(a.get('p99'))} |")
        w("")

    w("## Memory")
    w("")
    w("VmRSS from /proc (summed over child processes for LiteLLM's workers); under load = peak of 5 Hz samples "
      "during the measured points.")
    w("")
    w("| process | idle | under load (peak) |")
    w("| --- | ---: | ---: |")
    w(f"| Switchyard | {mb(memory['switchyard_idle_kb'])} | {mb(memory['switchyard_under_load_peak_kb'])} |")
    for t in litellm_targets:
        idle = next((r["kb"] for r in rss if r["target"] == t and r["when"] == "idle"), None)
        w(f"| {label(t)} | {mb(idle)} | {mb(memory.get(f'{t}_under_load_peak_kb'))} |")
    w("")

    if descriptors:
        w("## Descriptors")
        w("")
        w("Open file descriptors of each Switchyard process (`/proc/PID/fd`), idle and one second after its last "
          "point, and its sockets in CLOSE_WAIT then (`ss`). Every wrk point opens its own connections and closes "
          "them at its end: after the load the count is the idle one plus the upstream connections the pool keeps "
          "alive (at most the highest concurrency), and a client connection the gateway failed to close stays in "
          "CLOSE_WAIT (session 12 fixed such a leak: 38 of them after a 16- and a 64-connection point).")
        w("")
        w("| process | idle | after load | CLOSE_WAIT after load |")
        w("| --- | ---: | ---: | ---: |")
        for t in dict.fromkeys(d["target"] for d in descriptors):
            rows = {d["when"]: d for d in descriptors if d["target"] == t}
            idle, after = rows.get("idle", {}), rows.get("after-load", {})
            w(f"| {label(t)} | {idle.get('open', '–')} | {after.get('open', '–')} | {after.get('close_wait', '–')} |")
        w("")

    if interleaved and interleaved.get("rounds"):
        w("## Added latency at c=1, interleaved")
        w("")
        secs = interleaved.get("seconds_per_side", 1)
        w(f"{interleaved['rounds']} rounds of {secs} s directly, then {secs} s through a fresh Switchyard, alternating "
          "(non-streaming, `bench/gateway/interleaved.sh`); added = through − direct within each round. Both sides "
          "of a round see the same host noise, which a single 5 s point minutes from its direct run does not. "
          f"Errors: {interleaved['errors']}.")
        w("")
        w("| µs | min | q1 | median | q3 | max |")
        w("| --- | ---: | ---: | ---: | ---: | ---: |")
        for key, name in (("added_p50_us", "added p50"), ("added_p99_us", "added p99"),
                          ("direct_p50_us", "direct p50"), ("direct_p99_us", "direct p99")):
            q = interleaved.get(key)
            if q:
                w(f"| {name} | {q['min']:.0f} | {q['q1']:.0f} | {q['median']:.0f} | {q['q3']:.0f} | {q['max']:.0f} |")
        w("")
    if slow:
        w("## Slow streams")
        w("")
        # One run, or one per upstream transport (--slow-transport "pooled tls-h2"), each listed in turn.
        for run in slow if isinstance(slow, list) else [slow]:
            for key, value in run.items():
                w(f"- {key}: {value}")
            w("")
    if callgrind:
        w("## Instructions per request (callgrind)")
        w("")
        blocks = []
        for key, value in callgrind.items():
            if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
                blocks.append((key, value))
            else:
                w(f"- {key}: {value}")
        w("")
        for key, value in blocks:
            w(f"<details><summary>{key}</summary>")
            w("")
            w("```")
            w("\n".join(value))
            w("```")
            w("</details>")
            w("")

    failed_checks = [c for c in checks if not c.get("ok")]
    w("## Setup")
    w("")
    w("- Fake upstream: nginx on 127.0.0.1, `POST /v1/chat/completions` returns the fixture "
      "`Sources/SwitchyardTesting/Fixtures/openai/chat.json` (compact), `POST /stream/v1/chat/completions` a "
      "fixed SSE body built from `stream-text.sse` (20 `chat.completion.chunk` events, a usage chunk, "
      "`data: [DONE]`, `text/event-stream`). Access log off, keep-alive.")
    w("- Switchyard: `.build-release/release/switchyard serve`, provider kind `openai` with `base_url` at nginx "
      "(`/v1` and, for the streaming model, `/stream/v1`).")
    w("- LiteLLM: `litellm --config … --num_workers N` from a pip venv in bench/.work, `model: openai/gpt-4o-mini` "
      "with `api_base` at nginx, no database, `LITELLM_LOG=ERROR`, telemetry off, no master key (Switchyard has no "
      "client authentication either, so both do the same work).")
    w("- Request: a system and a user message, `max_tokens`, `temperature`; streaming adds `stream: true` and "
      "`stream_options.include_usage`. Every target answered a check request before it was measured"
      + (f"; failed checks: {', '.join(c['target'] + '/' + c['mode'] for c in failed_checks)}."
         if failed_checks else "."))
    w("")
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
