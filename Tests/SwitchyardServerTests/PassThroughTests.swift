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
}
