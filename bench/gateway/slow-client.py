#!/usr/bin/env python3
"""Open N concurrent streaming requests (ramped at RATE per second), read each to `data: [DONE]`, and report
errors, how many were open at once, and time to first event. One connection per stream. Loopback only, bounded:
every stream has a deadline.

Usage: slow-client.py --url URL --body FILE --streams N [--rate R] [--deadline S]
Prints one JSON object.
"""

import argparse
import asyncio
import re
import json
import sys
import time
from collections import Counter
from urllib.parse import urlsplit


class State:
    def __init__(self) -> None:
        self.open = 0
        self.max_open = 0
        self.streaming = 0
        self.max_streaming = 0
        self.completed = 0
        self.errors = Counter()
        self.first_event = []
        self.total = []


async def one(state: State, host: str, port: int, request: bytes, deadline: float) -> None:
    started = time.perf_counter()
    writer = None
    counted_streaming = False
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=30)
        state.open += 1
        state.max_open = max(state.max_open, state.open)
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=deadline)
        status = int(head.split(b" ", 2)[1])
        if status != 200:
            # Name the gateway's error code too (http_502:upstream_unreachable), from the JSON error body.
            try:
                rest = await asyncio.wait_for(reader.read(4096), timeout=5)
            except (asyncio.TimeoutError, OSError):
                rest = b""
            code = re.search(rb'"code"\s*:\s*"([A-Za-z0-9_]+)"', head + rest)
            state.errors[f"http_{status}" + (":" + code.group(1).decode() if code else "")] += 1
            return
        seen = b""
        while b"data: [DONE]" not in seen:
            remaining = deadline - (time.perf_counter() - started)
            if remaining <= 0:
                state.errors["deadline"] += 1
                return
            data = await asyncio.wait_for(reader.read(65536), timeout=remaining)
            if not data:
                state.errors["closed_early"] += 1
                return
            if not counted_streaming and b"data: " in data:
                counted_streaming = True
                state.first_event.append(time.perf_counter() - started)
                state.streaming += 1
                state.max_streaming = max(state.max_streaming, state.streaming)
            if b"upstream_stream_interrupted" in data or b'"error"' in data:
                state.errors["error_event"] += 1
                return
            seen = (seen + data)[-64:]
        state.completed += 1
        state.total.append(time.perf_counter() - started)
    except asyncio.TimeoutError:
        state.errors["timeout"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
        state.errors[type(error).__name__] += 1
    finally:
        if counted_streaming:
            state.streaming -= 1
        if writer is not None:
            state.open -= 1
            writer.close()


def pct(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q / 100 * (len(ordered) - 1) + 0.5))], 3)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--rate", type=float, default=1000.0, help="new streams per second")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds one stream may take")
    args = parser.parse_args()
    url = urlsplit(args.url)
    with open(args.body, "rb") as f:
        body = f.read()
    request = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    state = State()
    started = time.perf_counter()
    tasks = []
    for i in range(args.streams):
        due = started + i / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(state, url.hostname, url.port, request, args.deadline)))
    await asyncio.gather(*tasks)
    json.dump({
        "streams": args.streams, "completed": state.completed, "errors": sum(state.errors.values()),
        "errors_by_kind": dict(state.errors), "max_connections_open": state.max_open,
        "max_streams_receiving": state.max_streaming,
        "first_event_s": {"p50": pct(state.first_event, 50), "p99": pct(state.first_event, 99)},
        "total_s": {"p50": pct(state.total, 50), "p99": pct(state.total, 99), "max": pct(state.total, 100)},
        "wall_s": round(time.perf_counter() - started, 1),
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    asyncio.run(main())
