#!/usr/bin/env python3
"""A slow OpenAI-compatible streaming upstream for the slow-streams benchmark: every POST .../chat/completions
gets a `text/event-stream` answer (chunked) that trickles one `chat.completion.chunk` per INTERVAL seconds,
CHUNKS of them, then a usage chunk and `data: [DONE]`. Keep-alive, asyncio, loopback only.

Usage: trickle-upstream.py --port P [--chunks K] [--interval S] [--first-token S]
"""

import argparse
import ssl
import asyncio

from trickle_events import event


def chunk(delta: dict, finish=None, usage=None) -> bytes:
    data = event(delta, finish, usage)
    return b"%x\r\n%s\r\n" % (len(data), data)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, chunks: int, interval: float,
                 first_token: float) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            if first_token:
                await asyncio.sleep(first_token)  # a model's time to first token: no response head before it
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                b"transfer-encoding: chunked\r\n\r\n" + chunk({"role": "assistant", "content": ""}))
            await writer.drain()
            for i in range(chunks):
                await asyncio.sleep(interval)
                writer.write(chunk({"content": f" word{i}"}))
                await writer.drain()
            writer.write(chunk({}, finish="stop"))
            writer.write(chunk({}, usage={"prompt_tokens": 12, "completion_tokens": chunks,
                                          "total_tokens": 12 + chunks}))
            done = b"data: [DONE]\n\n"
            writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(done), done))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--first-token", type=float, default=0.0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS with this certificate and key")
    args = parser.parse_args()
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        context.set_alpn_protocols(["http/1.1"])
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args.chunks, args.interval, args.first_token), "127.0.0.1", args.port, backlog=16384,
        ssl=context)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
