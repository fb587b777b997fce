import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@Suite struct ChatCompletionsTests {
    @Test(arguments: ["gpt", "claude", "gemini", "llama"])
    func answersInOpenAIShape(_ model: String) async throws {
        try await GatewayHarness.withGateway { client, _ in
            var headers = GatewayHarness.json
            headers[.init("x-request-id")!] = "client-req-1"
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: GatewayHarness.chatBody(model: model)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-request-id")!] == "client-req-1")
                #expect(response.headers[.init("x-switchyard-provider")!] != nil)
                #expect(response.headers[.init("x-switchyard-upstream-model")!] == "\(model)-plain")
                let object = try GatewayHarness.object(response)
                #expect(object["object"] as? String == "chat.completion")
                let choice = try #require((object["choices"] as? [[String: Any]])?.first)
                let message = try #require(choice["message"] as? [String: Any])
                #expect(message["role"] as? String == "assistant")
                #expect(message["content"] as? String == "Hello! How can I help you today?")
                #expect(choice["finish_reason"] as? String == "stop")
                let usage = try #require(object["usage"] as? [String: Any])
                #expect(usage["prompt_tokens"] as? Int == 12)
                #expect(usage["completion_tokens"] as? Int == 9)
                #expect(usage["total_tokens"] as? Int == 21)
            }
        }
    }

    @Test func generatesRequestID() async throws {
        try await GatewayHarness.withGateway { client, _ in
            var ids: Set<String> = []
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/models", method: .get) { response in
                    let id = try #require(response.headers[.init("x-request-id")!])
                    #expect(id.hasPrefix("req_") && id.count == 28, "req_ and 24 hex digits: \(id)")
                    #expect(id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
                    ids.insert(id)
                }
            }
            #expect(ids.count == 3)
        }
    }

    @Test func listsModelsWithOwners() async throws {
        try await GatewayHarness.withGateway { client, _ in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                let object = try GatewayHarness.object(response)
                let data = try #require(object["data"] as? [[String: Any]])
                let owners = Dictionary(uniqueKeysWithValues: data.map { ($0["id"] as! String, $0["owned_by"] as! String) })
                #expect(owners["claude"] == "anthropic")
                #expect(owners["gemini"] == "gemini")
                #expect(owners["llama"] == "ollama")
                #expect(owners["gpt"] == "openai")
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }
    }

    struct UpstreamFailure: Sendable, CustomTestStringConvertible {
        var model: String
        var status: HTTPResponse.Status
        var code: String
        var testDescription: String { model }
    }

    @Test(arguments: [
        UpstreamFailure(model: "rate-limited", status: .tooManyRequests, code: "rate_limited"),
        UpstreamFailure(model: "overloaded", status: .serviceUnavailable, code: "upstream_overloaded"),
        UpstreamFailure(model: "slow", status: .gatewayTimeout, code: "upstream_timeout"),
        UpstreamFailure(model: "malformed", status: .badGateway, code: "upstream_malformed_response"),
    ])
    func upstreamFailures(_ failure: UpstreamFailure) async throws {
        try await GatewayHarness.withGateway { client, _ in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: failure.model)
            ) { response in
                #expect(response.status == failure.status)
                let error = try GatewayHarness.errorFields(response)
                #expect(error["code"] as? String == failure.code)
                #expect(!(error["message"] as? String ?? "").contains("sk-fake-secret"))
                if failure.model == "rate-limited" { #expect(response.headers[.retryAfter] == "7") }
            }
        }
    }

    @Test func embeddingsAsFloatsAndBase64() async throws {
        try await GatewayHarness.withGateway { client, _ in
            let floats = ByteBuffer(string: #"{"model": "embed", "input": ["one", "two"]}"#)
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: GatewayHarness.json, body: floats) {
                #expect($0.status == .ok)
                let data = try #require(try GatewayHarness.object($0)["data"] as? [[String: Any]])
                #expect(data.count == 2)
                #expect((data[0]["embedding"] as? [Double])?.count == 8)
            }
            let base64 = ByteBuffer(string: #"{"model": "embed", "input": "one", "encoding_format": "base64"}"#)
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: GatewayHarness.json, body: base64) {
                let data = try #require(try GatewayHarness.object($0)["data"] as? [[String: Any]])
                let encoded = try #require(data.first?["embedding"] as? String)
                #expect(Data(base64Encoded: encoded)?.count == 8 * 4)
            }
        }
    }
}

@Suite struct LocalEmbeddingsTests {
    static func embed(_ client: any TestClientProtocol, _ inputs: [String]) async throws -> [[Double]] {
        let body = try JSONSerialization.data(withJSONObject: ["model": "local/all-minilm-l6-v2", "input": inputs])
        return try await client.execute(
            uri: "/v1/embeddings", method: .post, headers: GatewayHarness.json, body: ByteBuffer(data: body)
        ) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let data = try #require(try GatewayHarness.object(response)["data"] as? [[String: Any]])
            return data.compactMap { $0["embedding"] as? [Double] }
        }
    }

    @Test func servedWithoutAnyProvider() async throws {
        try await GatewayHarness.withGateway { client, upstream in
            let vectors = try await Self.embed(
                client, ["How do I reset my password?", "I forgot my password, how can I change it?",
                         "What is the capital of France?"])
            #expect(vectors.count == 3)
            #expect(vectors.allSatisfy { $0.count == 384 })
            func cosine(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
            #expect(abs(cosine(vectors[0], vectors[0]) - 1) < 1e-3, "unit length")
            #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2, "paraphrases are closer")
            #expect(await upstream.recorder.entries.isEmpty, "no provider is called")
        }
    }
}
