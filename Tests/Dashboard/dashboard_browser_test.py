#!/usr/bin/env python3
"""Drives headless Chromium against a running dashboard (the gateway or mock_dashboard_server.py), stdlib only.

    python3 Tests/Dashboard/dashboard_browser_test.py --base-url http://127.0.0.1:PORT --key KEY --out DIR

For each viewport (390x844 phone, 1440x900 desktop) it opens ``BASE/dashboard#key=KEY`` in a fresh tab, waits for
``document.body.dataset.ready == "1"``, checks that the key left the address bar and that the page does not scroll
sideways, takes a screenshot (``DIR/dashboard-390x844.png``, ``DIR/dashboard-1440x900.png``, plus ``-full`` whole-page
versions) and reads every ``[data-metric]`` element. Console errors/warnings, uncaught exceptions and failed loads
make the run fail. Prints one JSON object on stdout:

    {"ok": true, "metrics": {name: value}, "console": [...], "screenshots": [...], "errors": [...], ...}

``metrics`` are those of the last viewport (desktop); ``metrics_by_viewport`` has both. ``--expect FILE`` (a JSON
object name -> value) additionally requires those metrics to match (numbers within ``--tolerance``). Exit status 0
only if everything passed. Talks the Chrome DevTools Protocol over a websocket implemented here (RFC 6455 client).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

VIEWPORTS = [(390, 844, True), (1440, 900, False)]
READY_TIMEOUT = 20.0
LAUNCH_TIMEOUT = 30.0
CALL_TIMEOUT = 30.0


class TestFailure(Exception):
    pass


# --------------------------------------------------------------------------------------------------------------
# Minimal websocket client (RFC 6455): client-side masking, text frames, fragmentation, ping/pong, close.
# --------------------------------------------------------------------------------------------------------------
class WebSocket:
    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, url: str, timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme != "ws":
            raise TestFailure(f"unsupported websocket url {url!r}")
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        path = parts.path + (("?" + parts.query) if parts.query else "")
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, _, rest = bytes(self.buf).partition(b"\r\n\r\n")
        self.buf = bytearray(rest)
        lines = head.decode("latin-1").split("\r\n")
        if not re.match(r"HTTP/1\.1 101\b", lines[0]):
            raise TestFailure(f"websocket handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        expect = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expect:
            raise TestFailure("websocket handshake: bad Sec-WebSocket-Accept")

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("websocket read timed out")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout as exc:
            raise TimeoutError("websocket read timed out") from exc
        if not chunk:
            raise ConnectionError("websocket closed by peer")
        self.buf += chunk

    def _take(self, n: int, deadline: float) -> bytes:
        while len(self.buf) < n:
            self._fill(deadline)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        header += mask
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, mask)
        self.sock.settimeout(CALL_TIMEOUT)
        self.sock.sendall(bytes(header) + masked)

    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def recv_text(self, deadline: float) -> str:
        """The next complete text message; answers pings; raises ConnectionError on close."""
        message, msg_opcode = bytearray(), None
        while True:
            b0, b1 = self._take(2, deadline)
            fin, opcode, masked, n = b0 & 0x80, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._take(2, deadline))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._take(8, deadline))[0]
            mask = self._take(4, deadline) if masked else None
            data = self._take(n, deadline)
            if mask:
                data = _mask_fast(data, mask)
            if opcode == 0x9:  # ping
                self._send_frame(0xA, data)
                continue
            if opcode == 0xA:  # pong
                continue
            if opcode == 0x8:  # close
                raise ConnectionError("websocket closed by browser")
            if opcode in (0x1, 0x2):
                message, msg_opcode = bytearray(data), opcode
            elif opcode == 0x0 and msg_opcode is not None:
                message += data
            if fin and msg_opcode is not None:
                return message.decode("utf-8", "replace")

    def close(self) -> None:
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


def _mask_fast(data: bytes, mask: bytes) -> bytes:
    n = len(data)
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(data, "big") ^ key).to_bytes(n, "big")


# --------------------------------------------------------------------------------------------------------------
# Chrome DevTools Protocol over that websocket (flattened sessions on the browser endpoint).
# --------------------------------------------------------------------------------------------------------------
class CDP:
    def __init__(self, ws_url: str):
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events: deque[dict] = deque()

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = CALL_TIMEOUT) -> dict:
        self.next_id += 1
        msg_id = self.next_id
        msg = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send_text(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = json.loads(self.ws.recv_text(deadline))
            except TimeoutError as exc:
                raise TestFailure(f"CDP {method} timed out after {timeout:.0f} s") from exc
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise TestFailure(f"CDP {method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while (there is no reply to wait for)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(json.loads(self.ws.recv_text(deadline)))
            except TimeoutError:
                return

    def close(self) -> None:
        self.ws.close()


# --------------------------------------------------------------------------------------------------------------
# Chromium process
# --------------------------------------------------------------------------------------------------------------
def find_chromium(explicit: str | None) -> str:
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise TestFailure("no chromium binary on PATH (install Debian's `chromium` package)")


class Browser:
    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp(prefix="switchyard-dash-chromium-")
        args = [
            binary, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
            "--password-store=basic", "--use-mock-keychain", "--force-color-profile=srgb",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        args.append("about:blank")
        self.stderr_tail: deque[str] = deque(maxlen=60)
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.ws_url: str | None = None
        found = threading.Event()

        def drain() -> None:  # keep reading stderr so Chromium never blocks on a full pipe
            assert self.proc.stderr is not None
            for raw in iter(self.proc.stderr.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip()
                self.stderr_tail.append(line)
                m = re.search(r"DevTools listening on (ws://\S+)", line)
                if m and not found.is_set():
                    self.ws_url = m.group(1)
                    found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(LAUNCH_TIMEOUT) or not self.ws_url:
            raise TestFailure("chromium did not print 'DevTools listening on ws://...' in time; stderr tail:\n"
                              + "\n".join(self.stderr_tail))

    def kill(self, grace: float = 0.0) -> None:
        proc = self.proc
        if grace > 0:
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(proc.pid, sig)  # its own process group (start_new_session): takes the helpers too
                except ProcessLookupError:
                    break
                except PermissionError:
                    proc.send_signal(sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        try:  # helpers that outlived the main process
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------------------------
READY_JS = r"""(() => {
  if (!document.body) return '';
  if (document.body.dataset.ready === '1') return '1';
  const auth = document.getElementById('auth');
  if (auth && !auth.hidden) return 'auth:' + ((document.getElementById('status') || {}).textContent || '');
  return '';
})()"""

EXTRACT_JS = r"""(() => {
  const metrics = {};
  for (const el of document.querySelectorAll('[data-metric]')) metrics[el.dataset.metric] = el.dataset.value;
  const dbg = window.__switchyardDashboard || {};
  return JSON.stringify({
    metrics,
    payload: dbg.payload || null,
    href: location.href,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    status: (document.getElementById('status') || {}).textContent || '',
  });
})()"""


def parse_value(raw: str | None):
    """data-value is the raw number (or a string such as a breaker state, or 'null')."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, (int, float)) or value is None else raw


def values_match(a, b, tolerance: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))
    return a == b


def console_line(event: dict) -> str | None:
    """A human-readable line for a console error/warning/exception event, or None if the event is harmless."""
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
        return f"console.{params['type']}: {text}"
    if method == "Runtime.exceptionThrown":
        d = params.get("exceptionDetails", {})
        desc = (d.get("exception") or {}).get("description") or d.get("text", "")
        return f"uncaught exception: {desc} ({d.get('url', '')}:{d.get('lineNumber', '?')})"
    if method == "Log.entryAdded":
        e = params.get("entry", {})
        if e.get("level") in ("error", "warning"):
            return f"log.{e.get('level')} [{e.get('source')}]: {e.get('text')} {e.get('url', '')}".rstrip()
    if method == "Inspector.targetCrashed":
        return "page crashed"
    return None


def self_check(metrics: dict, payload: dict | None, tolerance: float) -> list[str]:
    """The numbers on screen must be the numbers in the JSON the page rendered."""
    if not isinstance(payload, dict):
        return ["page did not expose the rendered payload (window.__switchyardDashboard.payload)"]
    problems = []
    sections = {"traffic": ["requests_per_second", "error_rate", "latency_p50_ms", "latency_p95_ms", "ttft_p50_ms",
                            "in_flight", "requests_total"],
                "spend": ["today_usd", "month_usd"], "cache": ["hit_rate", "saved_usd"]}
    expected = {}
    for section, names in sections.items():
        for name in names:
            expected[f"{section}.{name}"] = (payload.get(section) or {}).get(name)
    spend = payload.get("spend") or {}
    for t in spend.get("by_tenant") or []:
        expected[f"tenant.{t.get('tenant')}.month_usd"] = t.get("month_usd")
    for m in spend.get("by_model") or []:
        expected[f"model.{m.get('model')}.requests_today"] = m.get("requests_today")
    for d in payload.get("deployments") or []:
        expected[f"deployment.{d.get('id')}.breaker"] = d.get("breaker")
    for name, want in expected.items():
        if name not in metrics:
            problems.append(f"metric {name} is not on the page")
        elif not values_match(metrics[name], want, tolerance):
            problems.append(f"metric {name}: page shows {metrics[name]!r}, payload has {want!r}")
    return problems


def run_viewport(cdp: CDP, url: str, key: str, width: int, height: int, mobile: bool, out: Path,
                 tolerance: float, scale: float, color_scheme: str | None) -> dict:
    label = f"{width}x{height}"
    result: dict = {"viewport": label, "console": [], "errors": [], "screenshots": []}
    target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    try:
        session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            cdp.call(domain, session=session)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}, session=session)
        if color_scheme:
            cdp.call("Emulation.setEmulatedMedia",
                     {"features": [{"name": "prefers-color-scheme", "value": color_scheme}]}, session=session)
        if mobile:
            cdp.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5}, session=session)
        nav = cdp.call("Page.navigate", {"url": url}, session=session)
        if nav.get("errorText"):
            raise TestFailure(f"{label}: navigation failed: {nav['errorText']}")

        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            r = cdp.call("Runtime.evaluate", {"expression": READY_JS, "returnByValue": True}, session=session)
            value = r.get("result", {}).get("value")
            if value == "1":
                break
            if isinstance(value, str) and value.startswith("auth:"):
                raise TestFailure(f"{label}: the page asks for a key (rejected?): {value[5:]!r}")
            if time.monotonic() > deadline:
                status = cdp.call("Runtime.evaluate", {"expression": "(document.getElementById('status')||{}).textContent||''",
                                                       "returnByValue": True}, session=session)
                raise TestFailure(f"{label}: page not ready after {READY_TIMEOUT:.0f} s; status line: "
                                  f"{status.get('result', {}).get('value')!r}")
            cdp.pump(0.2)
        # Stay for more than one poll interval so a second update (and any error it causes) is seen.
        cdp.pump(2.6)

        r = cdp.call("Runtime.evaluate", {"expression": EXTRACT_JS, "returnByValue": True}, session=session)
        if "exceptionDetails" in r:
            raise TestFailure(f"{label}: extracting metrics threw: {r['exceptionDetails'].get('text')}")
        page = json.loads(r["result"]["value"])
        result["metrics"] = {k: parse_value(v) for k, v in page["metrics"].items()}
        result["status_line"] = page["status"]
        if key and key in page["href"]:
            result["errors"].append(f"{label}: the key is still in the address bar ({page['href']})")
        if page["scrollWidth"] > page["innerWidth"] + 1:
            result["errors"].append(f"{label}: page scrolls sideways (content {page['scrollWidth']} px > "
                                    f"viewport {page['innerWidth']} px)")
        result["errors"] += [f"{label}: {p}" for p in self_check(result["metrics"], page["payload"], tolerance)]

        shot = cdp.call("Page.captureScreenshot", {"format": "png"}, session=session)
        path = out / f"dashboard-{label}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        result["screenshots"].append(str(path))
        layout = cdp.call("Page.getLayoutMetrics", session=session)
        size = layout.get("cssContentSize") or layout.get("contentSize") or {}
        full_h = min(int(size.get("height", height)), 20000)
        shot = cdp.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                   "clip": {"x": 0, "y": 0, "width": width, "height": full_h, "scale": 1}},
                        session=session)
        path = out / f"dashboard-{label}-full.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        result["screenshots"].append(str(path))
    except TestFailure as exc:  # keep what was collected (console lines explain most failures)
        result["errors"].append(str(exc))
    finally:
        try:
            cdp.pump(0.1)
            for ev in list(cdp.events):
                line = console_line(ev)
                if line:
                    result["console"].append(f"{label}: {line}")
            cdp.events.clear()
            cdp.call("Target.closeTarget", {"targetId": target}, timeout=5)
        except (TestFailure, OSError, ConnectionError, TimeoutError):
            pass
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080 (the page is BASE/dashboard)")
    ap.add_argument("--key", required=True, help="admin or master key, passed in the URL fragment")
    ap.add_argument("--out", required=True, help="directory for the screenshots")
    ap.add_argument("--chromium", help="browser binary (default: chromium or chromium-browser on PATH)")
    ap.add_argument("--expect", help="JSON file {metric: value} that the page must show")
    ap.add_argument("--tolerance", type=float, default=1e-6, help="relative tolerance for numbers (default 1e-6)")
    ap.add_argument("--scale", type=float, default=1.0, help="device scale factor for screenshots (default 1)")
    ap.add_argument("--color-scheme", choices=["light", "dark"], help="emulate prefers-color-scheme (default: browser's)")
    args = ap.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report: dict = {"ok": False, "metrics": {}, "console": [], "screenshots": [], "errors": [], "metrics_by_viewport": {}}
    browser: Browser | None = None
    cdp: CDP | None = None

    def on_signal(signum, _frame):
        raise TestFailure(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    overall_deadline = time.monotonic() + 180

    try:
        expected = json.loads(Path(args.expect).read_text()) if args.expect else {}
        browser = Browser(find_chromium(args.chromium))
        cdp = CDP(browser.ws_url or "")
        url = args.base_url.rstrip("/") + "/dashboard#key=" + args.key
        for width, height, mobile in VIEWPORTS:
            if time.monotonic() > overall_deadline:
                raise TestFailure("overall time limit exceeded")
            r = run_viewport(cdp, url, args.key, width, height, mobile, out, args.tolerance, args.scale, args.color_scheme)
            report["console"] += r["console"]
            report["errors"] += r["errors"]
            report["screenshots"] += r["screenshots"]
            if "metrics" in r:
                report["metrics_by_viewport"][r["viewport"]] = r["metrics"]
                report["metrics"] = r["metrics"]
            report.setdefault("status_line", {})[r["viewport"]] = r.get("status_line")
        for name, want in expected.items():
            got = report["metrics"].get(name, "<missing>")
            if not values_match(got, want, args.tolerance):
                report["errors"].append(f"expected {name} = {want!r}, page shows {got!r}")
    except (TestFailure, OSError, ConnectionError, TimeoutError, ValueError) as exc:
        report["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        if cdp:
            try:  # a clean exit lets Chromium reap its own helper processes
                cdp.call("Browser.close", timeout=5)
            except (TestFailure, OSError, ConnectionError, TimeoutError):
                pass
            cdp.close()
        if browser:
            if report["errors"] and browser.proc.poll() is not None:
                report["chromium_stderr"] = list(browser.stderr_tail)[-20:]
            browser.kill(grace=5.0 if cdp else 0.0)
    report["console"] = list(dict.fromkeys(report["console"]))
    shots_ok = all(Path(p).is_file() and Path(p).stat().st_size > 0 for p in report["screenshots"])
    report["ok"] = (not report["errors"] and not report["console"] and shots_ok
                    and len(report["metrics_by_viewport"]) == len(VIEWPORTS))
    print(json.dumps(report, indent=None, sort_keys=False))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
