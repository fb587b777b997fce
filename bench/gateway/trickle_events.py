"""The `chat.completion.chunk` server-sent events both trickle upstreams send (trickle-upstream.py over HTTP/1.1,
trickle-upstream-h2.py over h2c): one `data:` event per call, as bytes."""

import json
import time


def event(delta: dict, finish=None, usage=None) -> bytes:
    body = {
        "id": "chatcmpl-trickle", "object": "chat.completion.chunk", "created": int(time.time()),
        "model": "gpt-4o-mini", "choices": [] if usage else [
            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    if usage:
        body["usage"] = usage
    return ("data: " + json.dumps(body, separators=(",", ":")) + "\n\n").encode()
