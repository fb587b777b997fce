"""Drives a running Switchyard with the official OpenAI Python SDK, unmodified.

Usage: python openai_sdk_e2e.py BASE_URL
Exits non-zero, with a message, on the first expectation that fails.
"""
import json
import sys

import openai
from openai import OpenAI

base_url = sys.argv[1]
client = OpenAI(base_url=base_url, api_key="sk-anything", max_retries=0, timeout=20)
EXPECTED = "Hello! How can I help you today?"
checks = []


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}", file=sys.stderr)
        sys.exit(1)
    checks.append(name)


# Non-streaming, through three different wire protocols.
for model in ["gpt", "claude", "gemini"]:
    completion = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Hello"}], temperature=0.2
    )
    check(f"chat {model} text", completion.choices[0].message.content == EXPECTED, completion)
    check(f"chat {model} usage", completion.usage.completion_tokens == 9, completion.usage)
    check(f"chat {model} finish", completion.choices[0].finish_reason == "stop", completion)

# The raw response carries the gateway's headers.
raw = client.chat.completions.with_raw_response.create(
    model="claude", messages=[{"role": "user", "content": "Hello"}], extra_headers={"x-request-id": "sdk-req-42"}
)
check("request id echoed", raw.headers.get("x-request-id") == "sdk-req-42", dict(raw.headers))
check("provider header", raw.headers.get("x-switchyard-provider") == "claude", dict(raw.headers))
check("upstream model header", raw.headers.get("x-switchyard-upstream-model") == "claude-plain", dict(raw.headers))

# Streaming, with usage.
for model in ["gpt", "claude", "gemini"]:
    text, usage, finish = "", None, None
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    check(f"stream {model} text", text == EXPECTED, text)
    check(f"stream {model} usage", usage is not None and usage.completion_tokens == 9, usage)
    check(f"stream {model} finish", finish == "stop", finish)

# Tool calls, non-streaming and streaming.
tools = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather",
            "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
        },
    }
]
for model in ["gpt-tools", "claude-tools", "gemini-tools"]:
    completion = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=tools
    )
    call = completion.choices[0].message.tool_calls[0]
    check(f"tools {model} name", call.function.name == "get_weather", call)
    check(f"tools {model} args", json.loads(call.function.arguments) == {"location": "Paris", "unit": "celsius"}, call)
    check(f"tools {model} finish", completion.choices[0].finish_reason == "tool_calls", completion)

    calls = {}
    for chunk in client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=tools, stream=True
    ):
        for choice in chunk.choices:
            for delta in choice.delta.tool_calls or []:
                entry = calls.setdefault(delta.index, {"name": "", "arguments": ""})
                if delta.function and delta.function.name:
                    entry["name"] = delta.function.name
                if delta.function and delta.function.arguments:
                    entry["arguments"] += delta.function.arguments
    check(f"stream tools {model} name", calls.get(0, {}).get("name") == "get_weather", calls)
    check(
        f"stream tools {model} args",
        json.loads(calls[0]["arguments"]) == {"location": "Paris", "unit": "celsius"},
        calls,
    )

# Multi-turn with a tool result.
completion = client.chat.completions.create(
    model="claude",
    messages=[
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temperature": 22}'},
    ],
    tools=tools,
)
check("multi-turn tool result", completion.choices[0].message.content == EXPECTED, completion)

# Embeddings: the SDK asks for base64 by default and decodes it.
embedding = client.embeddings.create(model="embed", input=["first", "second"])
check("embeddings count", len(embedding.data) == 2, embedding)
check("embeddings dims", len(embedding.data[0].embedding) == 8, embedding.data[0])
floats = client.embeddings.create(model="embed", input="first", encoding_format="float")
check(
    "embeddings float equals base64",
    all(abs(a - b) < 1e-6 for a, b in zip(floats.data[0].embedding, embedding.data[0].embedding)),
    (floats.data[0].embedding, embedding.data[0].embedding),
)

# Models.
models = {m.id: m.owned_by for m in client.models.list()}
check("models listed", models.get("claude") == "anthropic" and models.get("gemini") == "gemini", models)

# Errors surface as the SDK's typed exceptions with the gateway's codes.
try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    check("unknown model raises", False)
except openai.NotFoundError as error:
    check("unknown model code", error.code == "model_not_found", error.body)

try:
    client.chat.completions.create(model="rate-limited", messages=[{"role": "user", "content": "hi"}])
    check("rate limit raises", False)
except openai.RateLimitError as error:
    check("rate limit code", error.code == "rate_limited", error.body)
    check("rate limit retry-after", error.response.headers.get("retry-after") == "7", dict(error.response.headers))

try:
    client.chat.completions.create(model="claude", messages=[{"role": "user", "content": "hi"}], seed=3)
    check("unsupported parameter raises", False)
except openai.BadRequestError as error:
    check("unsupported parameter code", error.code == "unsupported_parameter" and error.param == "seed", error.body)

# A stream cut by the upstream ends with an error the SDK raises.
try:
    for _ in client.chat.completions.create(
        model="cut", messages=[{"role": "user", "content": "hi"}], stream=True
    ):
        pass
    check("cut stream raises", False)
except openai.APIError as error:
    check("cut stream code", "upstream_stream_interrupted" in str(error.body), error.body)

print(json.dumps({"passed": len(checks), "checks": checks}))
