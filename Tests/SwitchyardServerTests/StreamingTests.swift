import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct StreamingTests {
    /// The `data:` payloads of an SSE body.
    static func events(_ body: ByteBuffer) -> [String] {
        String(buffer: body).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { frame in
            #expect(frame.hasPrefix("data: "), "every frame is a data line: \(frame)")
            return String(frame.dropFirst(6))
        }
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test(arguments: ["gpt", "claude", "gemini", "llama"])
    func streamsOpenAIChunks(_ model: String) async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(
                model: model, stream: true, extra: #", "stream_options": {"include_usage": true}"#)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = Self.events(response.body)
                #expect(events.last == "[DONE]")
                let chunks = events.dropLast().map(Self.json)
                #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
                let first = try #require((chunks.first?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                #expect(first["role"] as? String == "assistant")
                let text = chunks.compactMap { chunk -> String? in
                    ((chunk["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
                }.joined()
                #expect(text == "Hello! How can I help you today?")
                let usageChunk = try #require(chunks.last)
                #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
                #expect((usageChunk["usage"] as? [String: Any])?["completion_tokens"] as? Int == 9)
                let finishes = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
                #expect(finishes == ["stop"])
            }
        }
    }

    @Test func noUsageChunkUnlessAsked() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(model: "gpt", stream: true)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                let events = Self.events($0.body)
                #expect(events.dropLast().allSatisfy { Self.json($0)["usage"] == nil || Self.json($0)["usage"] is NSNull })
            }
        }
    }

    @Test(arguments: ["cut", "claude-cut"])
    func midStreamFailureEndsWithErrorEvent(_ model: String) async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(model: model, stream: true)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                response in
                #expect(response.status == .ok, "the head was sent before the failure")
                let events = Self.events(response.body)
                let last = Self.json(try #require(events.last))
                let error = try #require(last["error"] as? [String: Any])
                #expect(error["code"] as? String == "upstream_stream_interrupted")
                #expect(!events.contains("[DONE]"))
            }
        }
    }

    /// A reasoning model sends its head at once and its first token after thinking (the fake: 1.5 s). The wait is
    /// the first-byte limit's, not the idle limit's (1 s on `ponder`); past the first-byte limit (300 ms on
    /// `ponder-impatient`) nothing was sent yet, so the client gets the HTTP error.
    ///
    /// The thinking stream is read with a client of its own whose read timeout is two minutes. The live test client
    /// gives up after 20 s of silence, and the gateway sends nothing before the first token. Alone the test takes
    /// 4 s; in the whole suite, on two cores shared with the end-to-end tests' processes (the binary under load,
    /// Chromium), it took 16 to 26 s, and its first read once waited more than 20 s.
    @Test func aFirstTokenAfterThinkingIsWithinTheFirstByteLimit() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(try #require(client.port))/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(GatewayHarness.chatBody(model: "ponder", stream: true))
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(120))))
            do {
                let response = try await http.execute(request, timeout: .seconds(120))
                #expect(response.status == .ok)
                let events = Self.events(try await response.body.collect(upTo: 1 << 20))
                #expect(events.last == "[DONE]")
                let text = events.dropLast().map(Self.json).compactMap { chunk -> String? in
                    ((chunk["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
                }.joined()
                #expect(text == "Hello! How can I help you today?")
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
            let impatient = GatewayHarness.chatBody(model: "ponder-impatient", stream: true)
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: impatient
            ) {
                #expect($0.status == .gatewayTimeout)
                let code = try GatewayHarness.errorFields($0)["code"] as? String
                #expect(code == "upstream_timeout")
            }
        }
    }

    @Test func failureBeforeFirstEventIsAnHTTPError() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(model: "rate-limited", stream: true)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                #expect($0.status == .tooManyRequests)
                let code = try GatewayHarness.errorFields($0)["code"] as? String
                #expect(code == "rate_limited")
            }
        }
    }

    @Test func clientDisconnectCancelsUpstream() async throws {
        try await GatewayHarness.withGateway(.live) { client, upstream in
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(GatewayHarness.chatBody(model: "endless", stream: true))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let response = try await http.execute(request, timeout: .seconds(10))
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()
                _ = try await iterator.next()
            }
            try await http.shutdown()
            var cancelled = 0
            for _ in 0..<400 where cancelled == 0 {
                try await Task.sleep(for: .milliseconds(50))
                cancelled = await upstream.recorder.cancelledStreams
            }
            #expect(cancelled == 1, "the gateway cancels the upstream request when its client goes away")
        }
    }
}
