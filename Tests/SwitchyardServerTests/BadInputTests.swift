import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: ByteBuffer
        var status: HTTPResponse.Status
        var code: String
        var param: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: ByteBuffer(string: #"{"model": "gpt", "messages": ["#), status: .badRequest,
             code: "invalid_json"),
        Case(name: "not JSON at all", body: ByteBuffer(string: "hello"), status: .badRequest, code: "invalid_json"),
        Case(name: "empty body", body: ByteBuffer(), status: .badRequest, code: "invalid_json"),
        Case(name: "invalid UTF-8", body: ByteBuffer(bytes: Array(#"{"model": "gpt", "x": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)),
             status: .badRequest, code: "invalid_json"),
        Case(name: "missing model", body: ByteBuffer(string: #"{"messages": [{"role": "user", "content": "hi"}]}"#),
             status: .badRequest, code: "invalid_request", param: "model"),
        Case(name: "missing messages", body: ByteBuffer(string: #"{"model": "gpt"}"#), status: .badRequest,
             code: "invalid_request", param: "messages"),
        Case(name: "empty messages", body: ByteBuffer(string: #"{"model": "gpt", "messages": []}"#), status: .badRequest,
             code: "invalid_request", param: "messages"),
        Case(name: "wrong type for temperature",
             body: ByteBuffer(string: #"{"model": "gpt", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"#),
             status: .badRequest, code: "invalid_request", param: "temperature"),
        Case(name: "unknown role",
             body: ByteBuffer(string: #"{"model": "gpt", "messages": [{"role": "wizard", "content": "hi"}]}"#),
             status: .badRequest, code: "invalid_request", param: "messages[0].role"),
        Case(name: "model is not a string", body: ByteBuffer(string: #"{"model": 7, "messages": []}"#),
             status: .badRequest, code: "invalid_request", param: "model"),
        Case(name: "unknown model",
             body: ByteBuffer(string: #"{"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}"#),
             status: .notFound, code: "model_not_found", param: "model"),
        Case(name: "image URL with another scheme",
             body: ByteBuffer(string: #"{"model": "gpt", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "ftp://example.com/cat.png"}}]}]}"#),
             status: .badRequest, code: "invalid_image_url", param: "messages[0].content[0].image_url.url"),
        Case(name: "data URL that is not base64",
             body: ByteBuffer(string: #"{"model": "gpt", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png,rawbytes"}}]}]}"#),
             status: .badRequest, code: "invalid_image_url", param: "messages[0].content[0].image_url.url"),
        Case(name: "tool message without tool_call_id",
             body: ByteBuffer(string: #"{"model": "gpt", "messages": [{"role": "tool", "content": "42"}]}"#),
             status: .badRequest, code: "invalid_request", param: "messages[0].tool_call_id"),
        Case(name: "parameter the provider cannot honour",
             body: ByteBuffer(string: #"{"model": "claude", "messages": [{"role": "user", "content": "hi"}], "seed": 7}"#),
             status: .badRequest, code: "unsupported_parameter", param: "seed"),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) async throws {
        try await GatewayHarness.withGateway { client, upstream in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: testCase.body
            ) { response in
                #expect(response.status == testCase.status)
                let error = try GatewayHarness.errorFields(response)
                #expect(error["code"] as? String == testCase.code)
                if let param = testCase.param { #expect(error["param"] as? String == param) }
                #expect(response.headers[.init("x-request-id")!] != nil)
            }
            #expect(await upstream.recorder.entries.isEmpty, "nothing reaches the upstream")
        }
    }

    /// Also over a real socket, where the body arrives in several bounded reads (``GatewayHTTP1Channel``).
    @Test(arguments: [TestingSetup.router, .live])
    func oversizedBody(_ setup: TestingSetup) async throws {
        try await GatewayHarness.withGateway(setup, maxBodyBytes: 1024) { client, upstream in
            let padding = String(repeating: "x", count: 40_960)
            let body = GatewayHarness.chatBody(model: "gpt", extra: #", "user": "\#(padding)""#)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                #expect($0.status == .contentTooLarge)
                let code = try GatewayHarness.errorFields($0)["code"] as? String
                #expect(code == "request_too_large")
            }
            #expect(await upstream.recorder.entries.isEmpty)
        }
    }

    @Test func unknownRouteAndMethod() async throws {
        try await GatewayHarness.withGateway { client, _ in
            try await client.execute(uri: "/v1/nothing", method: .get) {
                #expect($0.status == .notFound)
                let code = try GatewayHarness.errorFields($0)["code"] as? String
                #expect(code == "not_found")
            }
        }
    }

    @Test func droppedParameterIsReported() async throws {
        try await GatewayHarness.withGateway { client, upstream in
            let body = GatewayHarness.chatBody(model: "claude-lenient", extra: #", "seed": 7, "frequency_penalty": 0.5"#)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body) {
                #expect($0.status == .ok)
                #expect($0.headers[.init("x-switchyard-dropped-params")!] == "seed,frequency_penalty")
            }
            let sent = try #require(await upstream.recorder.last)
            #expect(!sent.body.contains("seed"))
        }
    }
}
