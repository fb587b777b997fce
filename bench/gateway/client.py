#!/usr/bin/env python3
"""A sequential HTTP/1.1 keep-alive client for the gateway benchmark: exactly COUNT POSTs, one at a time.

Used for what wrk cannot do:
  * time to first byte on streams: the time from sending a request to its first response byte (`head`) and to its
    first body byte (`first_body`, the first SSE event), and to the end of the body (`total`);
  * a fixed number of requests (the callgrind run needs a count, not a duration).

Prints one JSON object: count, errors, and p50/p90/p99 in microseconds of head, first_body and total.

Usage: client.py --url http://127.0.0.1:PORT/path --body FILE [--count N] [--warmup N]
"""

import argparse
import json
import socket
import sys
import time
from urllib.parse import urlsplit


class Connection:
    def __init__(self, host: str, port: int, path: str, body: bytes, timeout: float) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self.request = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer sk-bench\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        self.sock = None
        self.buffer = b""

    def connect(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _recv(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by peer")
        self.buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._recv()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _read_exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._recv()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def exchange(self):
        """Sends one request; returns (status, head_s, first_body_s, total_s, body)."""
        if self.sock is None:
            self.connect()
        start = time.perf_counter()
        self.sock.sendall(self.request)
        if not self.buffer:
            self._recv()
        head_at = time.perf_counter()
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        first_body_at = None
        body = b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = self._read_until(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    self._read_until(b"\r\n")
                    break
                if first_body_at is None:
                    first_body_at = time.perf_counter()
                body += self._read_exact(size)
                self._read_exact(2)
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if length > 0:
                if not self.buffer:
                    self._recv()
                first_body_at = time.perf_counter()
                body = self._read_exact(length)
        else:
            while True:
                try:
                    self._recv()
                except ConnectionError:
                    break
                if first_body_at is None:
                    first_body_at = time.perf_counter()
            body, self.buffer = self.buffer, b""
            self.close()
        end = time.perf_counter()
        if headers.get("connection", "").lower() == "close":
            self.close()
        first_body_at = first_body_at or end
        return status, head_at - start, first_body_at - start, end - start, body


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--expect", default="", help="a byte string every successful body must contain")
    args = parser.parse_args()
    url = urlsplit(args.url)
    with open(args.body, "rb") as f:
        body = f.read()
    conn = Connection(url.hostname, url.port or 80, url.path, body, args.timeout)
    expect = args.expect.encode()
    samples = {"head": [], "first_body": [], "total": []}
    errors = 0
    last_error = None
    for i in range(args.warmup + args.count):
        try:
            status, head, first, total, answer = conn.exchange()
            ok = 200 <= status < 300 and expect in answer
        except (OSError, ValueError, IndexError) as error:
            conn.close()
            ok, last_error = False, f"{type(error).__name__}: {error}"
        if i < args.warmup:
            continue
        if not ok:
            errors += 1
            continue
        samples["head"].append(head)
        samples["first_body"].append(first)
        samples["total"].append(total)
    conn.close()
    result = {"count": args.count, "errors": errors, "last_error": last_error}
    for name, values in samples.items():
        result[name + "_us"] = {
            f"p{q}": (round(percentile(values, q) * 1e6, 1) if values else None) for q in (50, 90, 99)
        }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
