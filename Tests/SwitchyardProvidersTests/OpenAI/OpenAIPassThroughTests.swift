import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// The pass-through path: a client body forwarded with only `model` rewritten, when nothing else must change.
@Suite struct OpenAIPassThroughTests {
    static func deployment(_ kind: ProviderKind = .openai, baseURL: String = "http://127.0.0.1:9/v1") -> Deployment {
        let endpoint = ProviderEndpoint(name: "up", kind: kind, baseURL: baseURL, apiKey: Secret("sk-up"))
        return Deployment(id: "m#0", publicModel: "m", provider: endpoint, upstreamModel: "gpt-4o-\"mini\"")
    }

    static func forwarded(_ json: String, dialect: OpenAICompatibleDialect = .openAI) throws -> String? {
        let original = ByteBuffer(string: json)
        let request = try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
        let adapter = OpenAICompatibleAdapter(dialect: dialect)
        return adapter.forwardingRequest(request, original: original, for: deployment()).map { String(buffer: $0.body) }
    }

    @Test func rewritesOnlyTheModelAndKeepsTheRestByteForByte() throws {
        let json = #"{ "messages":[{"role":"user","content":"model: \"x\""}], "model" : "m","#
            + #" "prediction": {"type": "content", "content": "x"}, "temperature": 0.20, "store": true }"#
        let body = try #require(try Self.forwarded(json))
        #expect(
            body == #"{ "messages":[{"role":"user","content":"model: \"x\""}], "model" : "gpt-4o-\"mini\"","#
                + #" "prediction": {"type": "content", "content": "x"}, "temperature": 0.20, "store": true }"#)
        let request = OpenAICompatibleAdapter(dialect: .openAI).forwardingRequest(
            try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8)), original: ByteBuffer(string: json),
            for: Self.deployment())
        #expect(request?.url == "http://127.0.0.1:9/v1/chat/completions")
        #expect(request?.headers.contains { $0.name == "authorization" && $0.value == "Bearer sk-up" } == true)
    }

    @Test func encodesWhenTheDialectNeedsAnyOtherChange() throws {
        let base = #""model":"m","messages":[{"role":"user","content":"hi"}]"#
        // Gateway extensions never reach the upstream.
        #expect(try Self.forwarded(#"{\#(base),"cache":{"no_cache":true}}"#) == nil)
        // Renamed fields, dropped extras and stream options the dialect adds or removes.
        #expect(try Self.forwarded(#"{\#(base),"seed":7}"#, dialect: .mistral) == nil)
        #expect(try Self.forwarded(#"{\#(base),"max_completion_tokens":7}"#, dialect: .together) == nil)
        #expect(try Self.forwarded(#"{\#(base),"tool_choice":"required"}"#, dialect: .mistral) == nil)
        #expect(try Self.forwarded(#"{\#(base),"vendor_flag":1}"#, dialect: .abacus) == nil)
        #expect(try Self.forwarded(#"{\#(base),"stream":true,"stream_options":{"include_usage":false}}"#) == nil)
        #expect(try Self.forwarded(#"{\#(base),"stream":true,"stream_options":{"include_usage":true}}"#, dialect: .mistral) == nil)
        // A model written with escapes is left to the encoder.
        #expect(try Self.forwarded(#"{"model":"\u006d","messages":[]}"#) == nil)
        // What every dialect accepts as written is forwarded.
        #expect(try Self.forwarded(#"{\#(base),"seed":7}"#) != nil)
        #expect(try Self.forwarded(#"{\#(base),"stream":true,"stream_options":{"include_usage":true}}"#) != nil)
        #expect(try Self.forwarded(#"{\#(base),"max_tokens":7}"#, dialect: .mistral) != nil)
        #expect(try Self.forwarded(#"{\#(base),"stream":true}"#, dialect: .mistral) == #"{\#(base),"stream":true}"#
            .replacingOccurrences(of: #""model":"m""#, with: #""model":"gpt-4o-\"mini\"""#))
        // A stream whose client did not ask for usage asks for it (the gateway bills from it).
        #expect(
            try Self.forwarded(#" {\#(base),"stream":true}"#)
                == #" {"stream_options":{"include_usage":true},\#(base),"stream":true}"#
                .replacingOccurrences(of: #""model":"m""#, with: #""model":"gpt-4o-\"mini\"""#))
    }

    @Test func theEncoderNeverSendsGatewayExtensions() throws {
        let json = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"cache":{"ttl":60},"vendor":1}"#
        let request = try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
        let encoded = try OpenAICompatibleAdapter(dialect: .openAI).encode(request, for: Self.deployment())
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(String(buffer: encoded.body).utf8)) as? [String: Any])
        #expect(object["cache"] == nil)
        #expect(object["vendor"] as? Int == 1)
    }

    @Test func forwardsTheUpstreamAnswerAsWritten() async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = Self.deployment(baseURL: upstream.baseURL + "/v1")
            let json = #"{"model":"m","messages":[{"role":"user","content":"Hello"}],"logit_bias":{"1":-100}}"#
            let request = try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
            let provider = AdapterFixture.registry.provider(for: deployment.provider)
            let answer = try await provider.complete(request, original: ByteBuffer(string: json), deployment: deployment)
            guard case .forwarded(let forwarded) = answer else {
                Issue.record("expected the pass-through path, got \(answer)")
                return
            }
            let fixture = try Fixtures.data("openai/chat.json")
            #expect(Data(buffer: forwarded.body) == fixture)
            #expect(forwarded.usage == Usage(promptTokens: 12, completionTokens: 9))
            #expect(forwarded.id == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.body == json.replacingOccurrences(of: #""model":"m""#, with: #""model":"gpt-4o-\"mini\"""#))
            // Without the client's bytes the same provider decodes.
            let decoded = try await provider.complete(request, original: nil, deployment: deployment)
            guard case .decoded(let response) = decoded else {
                Issue.record("expected a decoded answer")
                return
            }
            #expect(response.usage == forwarded.usage)
        }
    }

    @Test func relaysStreamChunksWithTheirUsage() async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = Self.deployment(baseURL: upstream.baseURL + "/v1")
            let json = #"{"model":"m","messages":[{"role":"user","content":"Hello"}],"stream":true,"#
                + #""stream_options":{"include_usage":true}}"#
            let request = try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
            let provider = AdapterFixture.registry.provider(for: deployment.provider)
            var chunks: [ForwardedChunk] = []
            for try await event in try await provider.stream(
                request, original: ByteBuffer(string: json), deployment: deployment)
            {
                guard case .forwarded(let chunk) = event else {
                    Issue.record("expected forwarded chunks, got \(event)")
                    continue
                }
                chunks.append(chunk)
            }
            let expected = try Fixtures.text("openai/stream-text.sse").components(separatedBy: "\n\n")
                .filter { $0.hasPrefix("data: {") }.map { String($0.dropFirst(6)) }
            #expect(chunks.map(\.data) == expected)
            #expect(chunks.compactMap(\.usage) == [Usage(promptTokens: 12, completionTokens: 9)])
            #expect(chunks.filter(\.finishes).count == 1)
            // The same stream decoded, for a client that needs translation.
            var decoded = ChatStreamAssembler()
            for try await event in try await provider.stream(request, original: nil, deployment: deployment) {
                if case .forwarded = event { Issue.record("a decoded stream forwarded a chunk") }
                decoded.add(event)
            }
            #expect(decoded.usage == Usage(promptTokens: 12, completionTokens: 9))
        }
    }

    @Test func forwardedChunksAreReadOnlyWhenWellFormed() {
        #expect(ForwardedChunk(openAIChunk: #"{"choices":[{"index":0,"delta":{"content":"x"}}]}"#)?.finishes == false)
        #expect(ForwardedChunk(openAIChunk: #"{"choices":[{"index":0,"finish_reason":"stop"}]}"#)?.finishes == true)
        #expect(ForwardedChunk(openAIChunk: #"{"choices":[],"usage":{"prompt_tokens":3}}"#)?.usage?.promptTokens == 3)
        #expect(ForwardedChunk(openAIChunk: #"{"error":{"message":"overloaded"}}"#) == nil)
        #expect(ForwardedChunk(openAIChunk: #"{"choices":[{"index":0}"#) == nil)
        #expect(ForwardedChunk(openAIChunk: #"{"choices":[1]}"#) == nil)
        #expect(ForwardedChunk(openAIChunk: "not json") == nil)
    }
}
