#!/usr/bin/env python3
"""A stand-in for the gateway while working on the dashboard page (stdlib only).

Serves ``Sources/SwitchyardServer/Dashboard/dashboard.html`` at ``GET /dashboard`` (re-read on every request, so
edits show up on reload) and made-up, slowly changing data in the shape of ``GET /admin/v1/dashboard``, which
needs ``Authorization: Bearer <key>`` (default ``test-key``).

    python3 Tests/Dashboard/mock_dashboard_server.py 0            # prints the chosen port on the first line
    python3 Tests/Dashboard/mock_dashboard_server.py 8099 --key k --flaky 5 --empty

``--flaky N`` answers every Nth data request with 503 (to see the page's error line); ``--empty`` returns zeros
and empty lists (to see the empty states).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HTML_PATH = Path(__file__).resolve().parents[2] / "Sources" / "SwitchyardServer" / "Dashboard" / "dashboard.html"
STARTED = time.time()

TENANTS = [
    # name, monthly budget (None = no budget), typical daily spend
    ("acme", 100.0, 2.6),
    ("globex", 50.0, 2.1),
    ("initech", None, 0.9),
    ("umbrella-research-and-development", 400.0, 6.5),
]
MODELS = [("gpt-4o", 0.012), ("claude-3-5-sonnet", 0.010), ("llama-3.1-70b", 0.002), ("text-embedding-3-small", 0.00002)]
DEPLOYMENTS = [
    ("gpt-4o/oai#0", "gpt-4o", "oai", "us"),
    ("gpt-4o/azure-eu#1", "gpt-4o", "azure", "eu-west"),
    ("claude-3-5-sonnet/anthropic#0", "claude-3-5-sonnet", "anthropic", "us"),
    ("llama-3.1-70b/local#0", "llama-3.1-70b", "vllm", None),
    ("text-embedding-3-small/oai#0", "text-embedding-3-small", "oai", "us"),
]
REASONS = [
    "lowest_latency: {dep} p50 {a} ms < {other} p50 {b} ms; 2 of 3 candidates healthy",
    "cost_optimised: {dep} $0.0021 per 1k tokens, cheapest deployment meeting the quality floor",
    "fallback: primary {other} breaker open -> {dep}",
    "weighted: {dep} weight 3 of 5 (random draw 0.41)",
    "region_affinity: caller region eu-west -> {dep}",
]


def noise(seed: float, scale: float = 1.0) -> float:
    """Deterministic noise in [-scale, scale] for a given seed (so a point in time always looks the same)."""
    return (random.Random(int(seed)).random() * 2 - 1) * scale


def traffic_at(t: float) -> dict:
    wave = math.sin(t / 90.0)
    rps = max(0.0, 12 + 5 * wave + noise(t, 1.5))
    err = max(0.0, 0.012 + 0.01 * math.sin(t / 47.0) + noise(t + 1, 0.004))
    p50 = 380 + 60 * wave + noise(t + 2, 25)
    p95 = p50 * 3.1 + noise(t + 3, 80)
    ttft = p50 * 0.42 + noise(t + 4, 10)
    return {"rps": round(rps, 2), "error_rate": round(err, 4), "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1), "ttft_p50_ms": round(ttft, 1)}


def payload(now: float, empty: bool) -> dict:
    generated = datetime.fromtimestamp(now, timezone.utc).replace(microsecond=0)
    if empty:
        return {
            "generated_at": generated.isoformat().replace("+00:00", "Z"),
            "traffic": {"requests_per_second": 0, "error_rate": 0, "latency_p50_ms": 0, "latency_p95_ms": 0,
                        "ttft_p50_ms": 0, "in_flight": 0, "requests_total": 0, "errors_total": 0},
            "series": [],
            "spend": {"today_usd": 0, "month_usd": 0, "saved_today_usd": 0, "by_tenant": [], "by_model": []},
            "cache": {"lookups": 0, "hits": 0, "semantic_hits": 0, "hit_rate": 0, "saved_usd": 0},
            "deployments": [],
            "decisions": [],
        }

    bucket = int(now // 5) * 5
    series = []
    for i in range(59, -1, -1):
        t = bucket - i * 5
        series.append({"t": t, **traffic_at(t)})
    cur = traffic_at(now)
    elapsed = now - STARTED
    requests_total = 1200 + int(elapsed * 12)
    errors_total = int(requests_total * 0.011)

    today = generated.date()
    month_start = today.replace(day=1)
    days_in_month = ((month_start + timedelta(days=32)).replace(day=1) - month_start).days
    hour_frac = (generated.hour * 3600 + generated.minute * 60 + generated.second) / 86400
    by_tenant = []
    for idx, (name, budget, daily_mean) in enumerate(TENANTS):
        daily = []
        for d in range(today.day):
            day = month_start + timedelta(days=d)
            usd = daily_mean * (1 + 0.35 * math.sin(d / 2.0 + idx)) + noise(day.toordinal() * 7 + idx, daily_mean * 0.2)
            if day == today:
                usd = usd * max(0.05, hour_frac) + elapsed * 0.0004 * (idx + 1)
            daily.append({"day": day.isoformat(), "usd": round(max(0.0, usd), 4)})
        month = sum(x["usd"] for x in daily)
        rate = month / max(1.0, today.day - 1 + hour_frac)
        forecast = month + rate * (days_in_month - today.day + 1 - hour_frac)
        width = forecast * (0.08 + 0.02 * idx)
        by_tenant.append({
            "tenant": name,
            "today_usd": daily[-1]["usd"],
            "month_usd": round(month, 4),
            "budget_usd": budget,
            "forecast_usd": None if name == "initech" else round(forecast, 2),
            "forecast_low_usd": None if name == "initech" else round(forecast - width, 2),
            "forecast_high_usd": None if name == "initech" else round(forecast + width, 2),
            "daily": daily,
        })
    today_usd = round(sum(t["today_usd"] for t in by_tenant), 4)
    month_usd = round(sum(t["month_usd"] for t in by_tenant), 4)
    shares = [0.55, 0.3, 0.12, 0.03]
    by_model = []
    for (model, per_req), share in zip(MODELS, shares):
        t_usd = today_usd * share
        by_model.append({"model": model, "today_usd": round(t_usd, 4), "month_usd": round(month_usd * share, 4),
                         "requests_today": int(t_usd / per_req) if per_req else 0})

    lookups = 400 + int(elapsed * 3)
    hits = int(lookups * 0.21)
    sem = int(lookups * 0.09)
    cache = {"lookups": lookups, "hits": hits, "semantic_hits": sem, "hit_rate": round((hits + sem) / lookups, 4),
             "saved_usd": round((hits + sem) * 0.0031, 4)}

    phase = int(now // 20) % 3
    deployments = []
    for i, (dep_id, model, provider, region) in enumerate(DEPLOYMENTS):
        breaker = "closed"
        if i == 1:
            breaker = ("closed", "open", "half_open")[phase]
        lat = None if i == 3 and phase == 0 else round(cur["p50_ms"] * (0.8 + 0.15 * i) + noise(now + i, 20), 1)
        deployments.append({"id": dep_id, "model": model, "provider": provider, "region": region,
                            "breaker": breaker, "in_flight": max(0, int(2 + noise(now * 3 + i, 2.5))),
                            "latency_ms": lat, "error_rate": 1.0 if breaker == "open" else round(abs(noise(now + i * 11, 0.02)), 4)})

    decisions = []
    newest = int(now)
    for i in range(20):
        ts = newest - i * 3
        rng = random.Random(ts)
        dep_id, model, _, _ = DEPLOYMENTS[rng.randrange(len(DEPLOYMENTS))]
        other = DEPLOYMENTS[(DEPLOYMENTS.index(next(d for d in DEPLOYMENTS if d[0] == dep_id)) + 1) % len(DEPLOYMENTS)][0]
        reason = REASONS[rng.randrange(len(REASONS))].format(dep=dep_id, other=other, a=rng.randint(200, 400), b=rng.randint(401, 900))
        attempts = 2 if reason.startswith("fallback") else 1
        outcome = rng.choices(["ok", "fallback_ok", "error"], weights=[90, 7, 3])[0] if attempts == 1 else "fallback_ok"
        decisions.append({
            "request_id": f"req_{ts:x}{i:02d}",
            "time": datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z"),
            "model": model, "deployment": dep_id, "reason": reason, "attempts": attempts, "outcome": outcome,
        })

    return {
        "generated_at": generated.isoformat().replace("+00:00", "Z"),
        "traffic": {"requests_per_second": cur["rps"], "error_rate": cur["error_rate"],
                    "latency_p50_ms": cur["p50_ms"], "latency_p95_ms": cur["p95_ms"], "ttft_p50_ms": cur["ttft_p50_ms"],
                    "in_flight": max(0, int(3 + noise(now * 5, 3))), "requests_total": requests_total,
                    "errors_total": errors_total},
        "series": series,
        "spend": {"today_usd": today_usd, "month_usd": month_usd, "saved_today_usd": round(cache["saved_usd"] * 0.6, 4),
                  "by_tenant": by_tenant, "by_model": by_model},
        "cache": cache,
        "deployments": deployments,
        "decisions": decisions,
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "mock-switchyard/1"
    key = "test-key"
    flaky = 0
    empty = False
    html_path = HTML_PATH
    api_calls = 0
    lock = threading.Lock()

    def log_message(self, fmt: str, *args) -> None:  # keep stdout clean (the port is printed there)
        if self.server.verbose:  # type: ignore[attr-defined]
            sys.stderr.write("mock: " + (fmt % args) + "\n")

    def send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error_json(self, status: int, message: str, extra: dict | None = None) -> None:
        body = json.dumps({"error": {"message": message, "type": "authentication_error" if status == 401 else "error"}})
        self.send(status, body.encode(), "application/json", extra)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path == "/dashboard":
            try:
                body = self.html_path.read_bytes()
            except OSError as exc:
                self.error_json(500, f"cannot read {self.html_path}: {exc}")
                return
            self.send(200, body, "text/html; charset=utf-8",
                      {"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"})
        elif path == "/admin/v1/dashboard":
            auth = self.headers.get("Authorization", "")
            if auth != f"Bearer {self.key}":
                self.error_json(401, "missing or invalid admin key", {"WWW-Authenticate": "Bearer"})
                return
            with Handler.lock:
                Handler.api_calls += 1
                n = Handler.api_calls
            if self.flaky and n % self.flaky == 0:
                self.error_json(503, "simulated outage")
                return
            body = json.dumps(payload(time.time(), self.empty), separators=(",", ":")).encode()
            self.send(200, body, "application/json")
        else:
            self.error_json(404, "not found")

    do_HEAD = do_GET


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", type=int, nargs="?", default=0, help="port on 127.0.0.1 (0 = any free port)")
    ap.add_argument("--key", default="test-key", help="the bearer key the data endpoint accepts")
    ap.add_argument("--flaky", type=int, default=0, metavar="N", help="fail every Nth data request with 503")
    ap.add_argument("--empty", action="store_true", help="serve zeros and empty lists")
    ap.add_argument("--html", type=Path, default=HTML_PATH, help="page to serve (default: the gateway's dashboard.html)")
    ap.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = ap.parse_args()

    Handler.key, Handler.flaky, Handler.empty, Handler.html_path = args.key, args.flaky, args.empty, args.html
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    httpd.verbose = args.verbose  # type: ignore[attr-defined]
    print(httpd.server_address[1], flush=True)

    def stop(*_):
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.25)
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
