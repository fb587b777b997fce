import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardConfiguration
import SwitchyardServer
import SwitchyardTesting
import Testing

/// A trained router from `routers/` served with the in-process all-MiniLM-L6-v2 embedder (installed by
/// `scripts/embeddings/fetch-model.sh` into `./models` or `$SWITCHYARD_MODELS_DIR`; the test fails without it).
@Suite struct LearnedRoutingMiniLMTests {
    static let artifact = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("routers/routellm.json").path

    @Test func aTrainedRouterServesAutoWithTheRealEmbedder() async throws {
        try await FakeUpstream.withRunning { upstream in
            let yaml = """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  oai: { kind: openai, api_key: env:FAKE_KEY, base_url: \(upstream.baseURL)/v1 }
                  claude: { kind: anthropic, api_key: env:FAKE_KEY, base_url: \(upstream.baseURL) }
                models:
                  - name: gpt
                    deployments: [ { provider: oai, model: gpt-plain } ]
                  - name: claude
                    deployments: [ { provider: claude, model: claude-plain } ]
                routers:
                  auto:
                    artifact: \(Self.artifact)
                    candidates:
                      gpt-4-1106-preview: gpt
                      mistralai/Mixtral-8x7B-Instruct-v0.1: claude
                    objective: balanced
                """
            let configuration = try GatewayConfiguration.load(yaml: yaml, environment: ["FAKE_KEY": "sk-fake"])
            var services = GatewayServices()
            services.routers = try RouterService.make(configuration: configuration, registry: GatewayHarness.registry)
            var logger = Logger(label: "router-minilm-test")
            logger.logLevel = .critical
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            try await app.test(.router) { client in
                let body = #"{"model": "auto", "messages": [{"role": "user", "content": "What is 17 times 23?"}]}"#
                let (status, headers) = try await client.execute(
                    uri: "/v1/chat/completions", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("x-request-id")!: "minilm-1"],
                    body: ByteBuffer(string: body)
                ) { ($0.status, $0.headers) }
                #expect(status == .ok)
                #expect(headers[HTTPField.Name("x-switchyard-router")!] == "auto")
                let reason = try #require(headers[HTTPField.Name("x-switchyard-route-reason")!])
                #expect(reason.hasPrefix("router auto balanced lambda=0.126: "))
                let decision = try await client.execute(uri: "/v1/routing/decisions/minilm-1", method: .get) {
                    try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]
                }
                let router = try #require(decision?["router"] as? [String: Any])
                let rows = try #require(router["candidates"] as? [[String: Any]])
                #expect(rows.count == 2)
                for row in rows {
                    let quality = try #require(row["predicted_quality"] as? Double)
                    #expect((0...1).contains(quality))
                }
                #expect(["gpt", "claude"].contains(router["pick"] as? String ?? ""))
            }
        }
    }
}
