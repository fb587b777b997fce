#!/usr/bin/env python3
"""The HTTP/2 cleartext (h2c, prior knowledge: no Upgrade) twin of trickle-upstream.py, for the slow-streams
benchmark: every request stream (any POST; its body is read to the end first) gets a `text/event-stream`
answer that trickles one `chat.completion.chunk` per INTERVAL seconds, CHUNKS of them, then a finish chunk, a
usage chunk and `data: [DONE]`. Each SSE event is one DATA frame; the last one carries END_STREAM.
Many streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS = MAX_STREAMS), flow control respected,
asyncio + the pure-Python `h2` package (pip install h2), loopback only.

Usage: trickle-upstream-h2.py --port P [--chunks K] [--interval S] [--first-token S] [--max-streams N]
"""

import argparse
import ssl
import asyncio
import collections

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

from trickle_events import event

RESPONSE_HEADERS = [(b":status", b"200"), (b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
WINDOW = 1 << 24  # our receive window, per stream and (after the opening WINDOW_UPDATE) per connection


class Connection(h2.connection.H2Connection):
    """h2 counts open streams by walking all of them (and drops closed ones as it goes) on every new stream,
    which is quadratic at 10k streams. Answer len(streams), an upper bound, while that stays below the limit
    and the table has not doubled since the last real walk; walk only then."""

    def __init__(self, config: h2.config.H2Configuration) -> None:
        super().__init__(config)
        self._walk_at = 0

    def _open_streams(self, remainder: int) -> int:
        if len(self.streams) < self._walk_at:
            return len(self.streams)
        count = super()._open_streams(remainder)
        self._walk_at = min(max(2 * len(self.streams), 1024), self.local_settings.max_concurrent_streams)
        return count


class Trickle(asyncio.Protocol):
    """One HTTP/2 connection: a task per answered stream, DATA frames that do not fit the peer's window wait
    in `pending` (per stream, in order) until a WINDOW_UPDATE or SETTINGS change, and one socket write per
    event-loop turn. An event is never split, so a peer window smaller than one event (~200 bytes) stalls."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.conn = Connection(h2.config.H2Configuration(client_side=False))
        # Replace (not update_settings) so the values hold at once, not only after the client's SETTINGS ACK;
        # h2's own default for MAX_CONCURRENT_STREAMS is 100.
        self.conn.local_settings = h2.settings.Settings(client=False, initial_values={
            h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: args.max_streams,
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: WINDOW,
            h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE: 1 << 16,
        })
        self.tasks: dict[int, asyncio.Task] = {}
        self.pending: dict[int, collections.deque] = {}
        self.transport = None
        self.write_scheduled = False

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window(WINDOW - 65535)
        self.write()

    def connection_lost(self, exc) -> None:
        self.stop()

    def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        self.tasks.clear()
        self.pending.clear()
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:  # h2 has queued a GOAWAY
            self.write()
            self.stop()
            return
        for ev in events:
            if isinstance(ev, h2.events.DataReceived):
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                self.tasks[ev.stream_id] = asyncio.get_running_loop().create_task(self.answer(ev.stream_id))
            elif isinstance(ev, h2.events.StreamReset):
                self.forget(ev.stream_id)
            elif isinstance(ev, h2.events.WindowUpdated) and ev.stream_id:
                self.flush(ev.stream_id)
            elif isinstance(ev, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
                self.flush_all()
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.stop()
                return
        self.write()

    def forget(self, stream_id: int) -> None:
        task = self.tasks.pop(stream_id, None)
        if task:
            task.cancel()
        self.pending.pop(stream_id, None)

    async def answer(self, stream_id: int) -> None:
        chunks, interval = self.args.chunks, self.args.interval
        try:
            if self.args.first_token:
                await asyncio.sleep(self.args.first_token)  # a model's time to first token: no head before it
            self.conn.send_headers(stream_id, RESPONSE_HEADERS)
            self.send(stream_id, event({"role": "assistant", "content": ""}))
            for i in range(chunks):
                await asyncio.sleep(interval)
                self.send(stream_id, event({"content": f" word{i}"}))
            self.send(stream_id, event({}, finish="stop"))
            self.send(stream_id, event({}, usage={"prompt_tokens": 12, "completion_tokens": chunks,
                                                  "total_tokens": 12 + chunks}))
            self.send(stream_id, b"data: [DONE]\n\n", end=True)
        finally:
            self.tasks.pop(stream_id, None)

    def send(self, stream_id: int, data: bytes, end: bool = False) -> None:
        self.pending.setdefault(stream_id, collections.deque()).append((data, end))
        self.flush(stream_id)
        self.schedule_write()

    def flush(self, stream_id: int) -> bool:
        """Send what fits of the stream's pending frames, in order; False if some must still wait."""
        queue = self.pending.get(stream_id)
        while queue:
            data, end = queue[0]
            if len(data) > self.conn.local_flow_control_window(stream_id):
                return False
            self.conn.send_data(stream_id, data, end_stream=end)
            queue.popleft()
        self.pending.pop(stream_id, None)
        return True

    def flush_all(self) -> None:
        for stream_id in list(self.pending):
            if not self.flush(stream_id):
                data, _ = self.pending[stream_id][0]
                if len(data) > self.conn.outbound_flow_control_window:
                    return  # the connection window is what is short: the rest wait for its WINDOW_UPDATE

    def schedule_write(self) -> None:
        if not self.write_scheduled:
            self.write_scheduled = True
            asyncio.get_running_loop().call_soon(self.write)

    def write(self) -> None:
        self.write_scheduled = False
        data = self.conn.data_to_send()
        if data and not self.transport.is_closing():
            self.transport.write(data)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--first-token", type=float, default=0.0)
    parser.add_argument("--max-streams", type=int, default=100000)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve h2 over TLS (ALPN) with this certificate and key")
    args = parser.parse_args()
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        context.set_alpn_protocols(["h2"])
    server = await asyncio.get_running_loop().create_server(
        lambda: Trickle(args), "127.0.0.1", args.port, backlog=16384, ssl=context)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
