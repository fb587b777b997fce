#!/usr/bin/env python3
"""Check an h2c (HTTP/2 cleartext, prior knowledge) SSE upstream such as trickle-upstream-h2.py: open ONE
connection, wait for the server's SETTINGS, start N concurrent POST .../chat/completions streams (small JSON
body each), read every stream to END_STREAM and check it got `200 text/event-stream` and exactly CHUNKS + 4
DATA frames of one SSE event each: role, CHUNKS content chunks, finish, usage, `data: [DONE]`.
The client keeps h2's default 64 KiB receive windows, so the server's flow-control waits get exercised.
Loopback only, bounded by a deadline; needs the `h2` package (pip install h2).

Usage: h2-check.py --port P [--streams N] [--chunks K] [--deadline S]
Prints one JSON object; exits 1 if any stream failed.
"""

import argparse
import asyncio
import json
import sys
import time
from collections import Counter

import h2.config
import h2.connection
import h2.events

BODY = json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]}).encode()


class Stream:
    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.frames: list[bytes] = []
        self.ended = False
        self.reset = False


def verdict(stream: Stream, chunks: int) -> str:
    """'ok' or the first thing wrong with the stream."""
    if stream.reset or not stream.ended:
        return "reset" if stream.reset else "unfinished"
    if stream.headers.get(b":status") != b"200" or stream.headers.get(b"content-type") != b"text/event-stream":
        return "bad headers"
    if any(not f.startswith(b"data: ") or f.find(b"\n\n") != len(f) - 2 for f in stream.frames):
        return "not one event per DATA frame"
    if len(stream.frames) != chunks + 4 or stream.frames[-1] != b"data: [DONE]\n\n":
        return f"{len(stream.frames)} events, last {stream.frames[-1:]!r}"[:80]
    events = [json.loads(f[6:]) for f in stream.frames[:-1]]
    contents = [e["choices"][0]["delta"].get("content") for e in events[1:-2]]
    if contents != [f" word{i}" for i in range(chunks)] or events[-1]["usage"]["completion_tokens"] != chunks:
        return "wrong content"
    return "ok"


class Client(h2.connection.H2Connection):
    """h2 counts open streams by walking all of them on every new one: quadratic, seconds at 10k streams.
    Nothing here is ever dropped from `streams` (that walk is what drops closed ones), so its length is an
    upper bound, and exact while the streams are being opened: they all are, at once, at the start."""

    @property
    def open_outbound_streams(self) -> int:
        return len(self.streams)


def open_streams(conn: Client, streams: dict, args: argparse.Namespace) -> list[int]:
    headers = [(":method", "POST"), (":scheme", "http"), (":authority", f"127.0.0.1:{args.port}"),
               (":path", "/v1/chat/completions"), ("content-type", "application/json"),
               ("content-length", str(len(BODY)))]
    for _ in range(args.streams):
        stream_id = conn.get_next_available_stream_id()
        conn.send_headers(stream_id, headers)
        streams[stream_id] = Stream()
    return list(streams)


def send_bodies(conn: Client, unsent: list[int]) -> list[int]:
    """Send the bodies that fit the server's windows, in order; return the streams still waiting."""
    for i, stream_id in enumerate(unsent):
        if len(BODY) > conn.local_flow_control_window(stream_id):
            return unsent[i:]
        conn.send_data(stream_id, BODY, end_stream=True)
    return []


async def check(args: argparse.Namespace) -> dict:
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    conn = Client(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    streams: dict[int, Stream] = {}
    unsent: list[int] = []  # streams whose body waits for the server's flow-control window
    deadline = time.monotonic() + args.deadline
    start, running = None, 1  # nothing is started before the server's SETTINGS arrive
    while running:
        try:
            data = await asyncio.wait_for(reader.read(1 << 16), deadline - time.monotonic())
        except TimeoutError:
            break
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RemoteSettingsChanged) and start is None:
                start = time.monotonic()
                unsent = open_streams(conn, streams, args)
                running = len(streams)
            elif isinstance(ev, h2.events.ResponseReceived):
                streams[ev.stream_id].headers = dict(ev.headers)
            elif isinstance(ev, h2.events.DataReceived):
                streams[ev.stream_id].frames.append(ev.data)
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                streams[ev.stream_id].ended = True
                running -= 1
            elif isinstance(ev, h2.events.StreamReset):
                streams[ev.stream_id].reset = True
                running -= 1
        unsent = send_bodies(conn, unsent)
        writer.write(conn.data_to_send())
    seconds = time.monotonic() - start if start else None
    conn.close_connection()
    writer.write(conn.data_to_send())
    writer.close()
    verdicts = Counter(verdict(s, args.chunks) for s in streams.values())
    return {"streams": len(streams), "ok": verdicts.pop("ok", 0), "errors": dict(verdicts),
            "seconds": seconds and round(seconds, 3),
            "server_max_concurrent_streams": conn.remote_settings.max_concurrent_streams}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=120.0)
    args = parser.parse_args()
    result = asyncio.run(check(args))
    print(json.dumps(result))
    sys.exit(0 if result["ok"] == args.streams else 1)


if __name__ == "__main__":
    main()
