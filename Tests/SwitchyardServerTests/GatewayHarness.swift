import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// A gateway wired to a ``FakeUpstream`` with one public model per scenario, configured from YAML.
enum GatewayHarness {
    static let client = UpstreamClient()
    static let registry = ProviderRegistry(client: client)

    static func yaml(upstream: FakeUpstream, maxBodyBytes: Int = 1 << 20) -> String {
        let base = upstream.baseURL
        return """
            server: { host: 127.0.0.1, port: 0, max_body_bytes: \(maxBodyBytes) }
            providers:
              oai: { kind: openai, api_key: env:FAKE_KEY, base_url: \(base)/v1 }
              claude: { kind: anthropic, api_key: env:FAKE_KEY, base_url: \(base) }
              google: { kind: gemini, api_key: env:FAKE_KEY, base_url: \(base)/v1beta }
              local: { kind: ollama, base_url: \(base) }
              dead: { kind: openai, api_key: env:FAKE_KEY, base_url: http://127.0.0.1:9/v1 }
            models:
              - name: gpt
                deployments:
                  - { provider: oai, model: gpt-plain, region: us,
                      pricing: { input_per_mtok: 0.15, output_per_mtok: 0.6 } }
              - name: gpt-tools
                deployments: [ { provider: oai, model: gpt-tools } ]
              - name: claude
                deployments: [ { provider: claude, model: claude-plain } ]
              - name: claude-lenient
                drop_unsupported_params: true
                deployments: [ { provider: claude, model: claude-plain } ]
              - name: gemini
                deployments: [ { provider: google, model: gemini-plain } ]
              - name: llama
                deployments: [ { provider: local, model: llama-plain } ]
              - name: rate-limited
                deployments: [ { provider: oai, model: gpt-error-429 } ]
              - name: overloaded
                deployments: [ { provider: claude, model: claude-error-529 } ]
              - name: slow
                deployments: [ { provider: oai, model: gpt-slow, timeouts: { first_byte_ms: 200, total_ms: 500 } } ]
              - name: ponder
                deployments: [ { provider: oai, model: gpt-ponder, timeouts: { first_byte_ms: 90000, idle_ms: 1000 } } ]
              - name: ponder-impatient
                deployments: [ { provider: claude, model: claude-ponder, timeouts: { first_byte_ms: 300 } } ]
              - name: cut
                deployments: [ { provider: oai, model: gpt-cut } ]
              - name: claude-cut
                deployments: [ { provider: claude, model: claude-cut } ]
              - name: malformed
                deployments: [ { provider: oai, model: gpt-malformed } ]
              - name: endless
                deployments: [ { provider: oai, model: gpt-endless } ]
              - name: embed
                deployments: [ { provider: oai, model: text-embed, pricing: { input_per_mtok: 0.02, output_per_mtok: 0 } } ]
              - name: failover
                strategy: priority
                deployments:
                  - { provider: oai, model: gpt-error-503, region: us }
                  - { provider: claude, model: claude-plain, region: eu }
              - name: resumable
                strategy: priority
                resume_streams: true
                deployments:
                  - { provider: oai, model: gpt-cut, region: us }
                  - { provider: claude, model: claude-plain, region: us }
              - name: unreachable-first
                strategy: priority
                deployments:
                  - { provider: dead, model: gpt-plain, timeouts: { connect_ms: 500 } }
                  - { provider: claude, model: claude-plain }
              - name: hold
                strategy: priority
                deployments:
                  - { provider: oai, model: gpt-hold }
                  - { provider: claude, model: claude-plain }
              - name: too-small
                fallbacks: { context_length_exceeded: [claude] }
                deployments: [ { provider: oai, model: gpt-error-400-context } ]
            """
    }

    /// Runs `body` against a gateway in front of a fake upstream.
    static func withGateway<T: Sendable>(
        _ setup: TestingSetup = .router, maxBodyBytes: Int = 1 << 20,
        _ body: @escaping @Sendable (any TestClientProtocol, FakeUpstream) async throws -> T
    ) async throws -> T {
        try await FakeUpstream.withRunning { upstream in
            let configuration = try GatewayConfiguration.load(
                yaml: yaml(upstream: upstream, maxBodyBytes: maxBodyBytes), environment: ["FAKE_KEY": "sk-fake-secret"])
            var logger = Logger(label: "gateway-test")
            logger.logLevel = .critical
            let app = try GatewayServer.makeApplication(configuration: configuration, registry: registry, logger: logger)
            return try await app.test(setup) { client in try await body(client, upstream) }
        }
    }

    static func chatBody(model: String, stream: Bool = false, extra: String = "") -> ByteBuffer {
        let streamFields = stream ? #", "stream": true"# : ""
        return ByteBuffer(
            string: #"{"model": "\#(model)", "messages": [{"role": "user", "content": "Hello"}]\#(streamFields)\#(extra)}"#)
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    /// The error body's fields; fails the test unless it has exactly `message`, `type`, `param`, `code`.
    static func errorFields(
        _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(error.keys) == ["message", "type", "param", "code"], sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        return error
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }
}
