import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import SwitchyardTesting
import Testing

/// An OpenAI client in front of an OpenAI deployment: the body goes up with only `model` rewritten, and the answer
/// comes back as the upstream wrote it, fields the gateway does not model included.
@Suite struct PassThroughTests {
    @Test func forwardsTheClientBodyAndTheUpstreamAnswerUnchanged() async throws {
        try await GatewayHarness.withGateway { client, upstream in
            let body = #"{"model": "gpt", "messages": [{"role": "user", "content": "Hello"}], "store": false,"#
                + #" "prediction": {"type": "content", "content": "Hi"}}"#
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-switchyard-upstream-model")!] == "gpt-plain")
                #expect(Data(buffer: response.body) == (try Fixtures.data("openai/chat.json")))
                let object = try GatewayHarness.object(response)
                #expect(object["service_tier"] as? String == "default")
                #expect(object["system_fingerprint"] as? String == "fp_44709d6fcb")
            }
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.body == body.replacingOccurrences(of: #""model": "gpt""#, with: #""model": "gpt-plain""#))
        }
    }

    @Test func gatewayExtensionsAreNeverSentUpstream() async throws {
        try await GatewayHarness.withGateway { client, upstream in
            let body = #"{"model": "gpt", "messages": [{"role": "user", "content": "Hello"}], "cache": {"no_cache": true}}"#
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let object = try GatewayHarness.object(response)
                #expect(object["id"] as? String == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
            }
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.json["cache"] == nil)
            #expect(sent.json["model"] as? String == "gpt-plain")
        }
    }

    @Test func translatedProvidersStillAnswerInOpenAIShape() async throws {
        try await GatewayHarness.withGateway { client, upstream in
            let body = #"{"model": "claude", "messages": [{"role": "user", "content": "Hello"}], "store": false}"#
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let object = try GatewayHarness.object(response)
                #expect(object["object"] as? String == "chat.completion")
                #expect(object["service_tier"] == nil)
            }
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.path == "/v1/messages")
            #expect(sent.json["store"] == nil)
        }
    }

    @Test func relaysStreamChunksAsTheUpstreamWroteThem() async throws {
        try await GatewayHarness.withGateway(.live) { client, upstream in
            let body = GatewayHarness.chatBody(
                model: "gpt", stream: true, extra: #", "stream_options": {"include_usage": true}, "store": false"#)
            let expected = try Fixtures.text("openai/stream-text.sse")
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body)
            { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                // Every chunk as the upstream sent it (service_tier, system_fingerprint, obfuscation included).
                #expect(String(buffer: response.body) == expected)
            }
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.json["store"] as? Bool == false)
            #expect(sent.json["model"] as? String == "gpt-plain")
        }
    }

    @Test func aStreamThatBreaksOffMidwayStillEndsWithAnErrorEvent() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(
                model: "cut", stream: true, extra: #", "stream_options": {"include_usage": true}"#)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body)
            { response in
                #expect(response.status == .ok)
                let events = StreamingTests.events(response.body)
                #expect(events.first?.contains("\"service_tier\":\"default\"") == true)
                let last = try #require(events.last)
                #expect(StreamingTests.json(last)["error"] != nil)
                #expect(last.contains("upstream_stream_interrupted"))
                #expect(!events.contains("[DONE]"))
            }
        }
    }

    @Test func aStreamWithoutUsageAsksForItAndKeepsTheUsageChunkFromTheClient() async throws {
        try await GatewayHarness.withGateway(.live) { client, upstream in
            let body = GatewayHarness.chatBody(model: "gpt", stream: true)
            let expected = try Fixtures.text("openai/stream-text.sse").components(separatedBy: "\n\n")
                .filter { !$0.isEmpty && !$0.contains(#""choices":[]"#) }.map { $0 + "\n\n" }.joined()
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body)
            { response in
                #expect(String(buffer: response.body) == expected)
            }
            let sent = try #require(await upstream.recorder.last)
            #expect((sent.json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        }
    }
}
