import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardServer
import SwitchyardTesting
import Testing

/// A gateway with learned routers over a tiny trained router (three candidates, 4-dimensional embeddings from a
/// deterministic test embedder), in front of a fake upstream.
///
/// The router's candidates: `strong` (predicted quality 0.9, $0.01 a request), `mid` (0.8, $0.002) and `cheap`
/// (0.6, $0.0002; 0.9 for prompts containing "easy"). Its balanced λ is 0.05 and its economy λ 1.0, so the quality
/// and balanced objectives pick `strong`, economy picks `mid`, and λ = 5 picks `cheap`.
struct LearnedGateway: Sendable {
    let client: any TestClientProtocol
    let upstream: FakeUpstream
    let routers: RouterService
    let runtime: GovernanceRuntime?
    /// The settling of answered requests, which runs after their responses (wait for it before reading the ledger).
    let settlements: Settlements

    static let masterKey = "master-key-for-router-tests-0123"

    /// The deterministic test embedding: "easy" prompts point one way, everything else another.
    static let embed: @Sendable (String) -> [Float] = { text in
        text.contains("easy") ? [1, 0, 0, 0] : [0, 1, 0, 0]
    }

    /// The tiny router's artifact, written to a temporary file.
    static func artifact() throws -> String {
        let table = [("strong", 0.9, 0.01), ("mid", 0.8, 0.002), ("cheap", 0.6, 0.0002)]
        let candidates = table.map { name, quality, cost in
            LearnedRouter.Candidate(
                name: name, meanQuality: quality,
                cost: CandidateCost(perCallUSD: cost, perPromptCharacterUSD: 0, meanUSD: cost))
        }
        // Ridge inputs: 4 embedding values, 7 features, then the intercept; weights are inputs × candidates.
        var weights = [Float](repeating: 0, count: 12 * 3)
        weights[0 * 3 + 2] = 0.3  // embedding[0] ("easy") lifts `cheap`
        weights[11 * 3 + 0] = 0.9
        weights[11 * 3 + 1] = 0.8
        weights[11 * 3 + 2] = 0.6
        let ridge = #"{"lambda": 1, "inputs": 12, "candidates": 3, "weights": \#(weights)}"#
        let predictor = try JSONDecoder().decode(QualityPredictor.self, from: Data(#"{"ridge": \#(ridge)}"#.utf8))
        let metrics = RouterMetrics(
            rows: 0, strongestModel: "strong", strongestQuality: 0.9, costSavingsAt95pctQuality: nil,
            costSavingsAt100pctQuality: nil, routerQualityAt95pctPoint: 0, qualityAtEqualCostRandom: 0,
            oracleCostSavingsAt95pctQuality: nil, oracleCostSavingsAt100pctQuality: nil, auc: 0, oracleAUC: 0,
            randomAUC: 0, lambdaAt95pctQuality: nil, lambdaAt85pctQuality: nil)
        let router = LearnedRouter(
            formatVersion: LearnedRouter.currentFormatVersion, candidates: candidates, strongestIndex: 0,
            costUnitUSD: 0.01, operatingPoints: .init(balancedLambda: 0.05, economyLambda: 1.0), predictor: predictor,
            embedding: ["dimensions": "4", "model": "test"],
            provenance: RouterProvenance(
                data: [], trainedAt: "2026-01-01T00:00:00Z", command: "test", folds: 0,
                settings: PredictorSettings(ridgeLambda: 1), searched: [], crossValidated: metrics, notes: []))
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("router-\(UUID().uuidString).json").path
        try JSONEncoder().encode(router).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func yaml(upstream: FakeUpstream, artifact: String) -> String {
        let base = upstream.baseURL
        return """
            server: { host: 127.0.0.1, port: 0, drop_unsupported_params: true }
            providers:
              oai: { kind: openai, api_key: env:FAKE_KEY, base_url: \(base)/v1 }
              claude: { kind: anthropic, api_key: env:FAKE_KEY, base_url: \(base) }
              local: { kind: ollama, base_url: \(base) }
            models:
              - name: gpt
                deployments:
                  - { provider: oai, model: gpt-plain, pricing: { input_per_mtok: 10, output_per_mtok: 30 } }
              - name: claude
                deployments:
                  - { provider: claude, model: claude-plain, pricing: { input_per_mtok: 1, output_per_mtok: 5 } }
              - name: llama
                deployments:
                  - { provider: local, model: llama-plain, pricing: { input_per_mtok: 0.1, output_per_mtok: 0.2 } }
              - name: down
                deployments: [ { provider: oai, model: gpt-error-503 } ]
            routers:
              auto:
                artifact: \(artifact)
                candidates: { strong: gpt, mid: claude, cheap: llama }
                objective: quality
              eco:
                artifact: \(artifact)
                candidates: { strong: gpt, mid: claude, cheap: llama }
                objective: economy
                stickiness: false
              pressured:
                artifact: \(artifact)
                candidates: { strong: gpt, mid: claude, cheap: llama }
                objective: balanced
                budget_pressure: { start: 0.8, full: 1.0, max_lambda: 5 }
              flaky:
                artifact: \(artifact)
                candidates: { strong: down, mid: claude, cheap: llama }
                objective: quality
              picky:
                artifact: \(artifact)
                candidates: { strong: gpt, mid: claude, cheap: none }
                objective: quality
                exclude_providers: [oai]
            """
    }

    /// Runs `body` against the gateway; with `governed`, governance runs on a fresh SQLite store (keys optional).
    static func run(
        governed: Bool = false, learner: (any RoutingFeedbackLearner)? = nil,
        _ body: @escaping @Sendable (LearnedGateway) async throws -> Void
    ) async throws {
        let artifact = try artifact()
        defer { try? FileManager.default.removeItem(atPath: artifact) }
        try await FakeUpstream.withRunning { upstream in
            let configuration = try GatewayConfiguration.load(
                yaml: yaml(upstream: upstream, artifact: artifact), environment: ["FAKE_KEY": "sk-fake-secret"])
            var logger = Logger(label: "learned-routing-test")
            logger.logLevel = .critical
            var runtime: GovernanceRuntime?
            if governed {
                let path = FileManager.default.temporaryDirectory
                    .appendingPathComponent("switchyard-router-\(UUID().uuidString)/switchyard.sqlite").path
                let made = try await GovernanceRuntime.make(
                    settings: GovernanceSettings(store: .sqlite(path: path), masterKey: Secret(masterKey)),
                    logger: logger)
                try await made.prepare()
                runtime = made
            }
            var services = GatewayServices(governance: runtime, requireKeys: false)
            let routers = try RouterService(
                configuration: configuration, embed: embed, dimensions: 4, learner: learner)
            services.routers = routers
            let governance = runtime
            let settlements = services.settlements
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            try await app.test(.router) { client in
                try await body(
                    LearnedGateway(
                        client: client, upstream: upstream, routers: routers, runtime: governance,
                        settlements: settlements))
            }
            try await runtime?.store.close()
        }
    }

    /// A chat completion.
    @discardableResult
    func chat(
        _ model: String, content: String = "Explain the theory of relativity", requestID: String? = nil,
        conversation: String? = nil, user: String? = nil, stream: Bool = false, key: String? = nil
    ) async throws -> GovernedGateway.Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let requestID { headers[HTTPField.Name("x-request-id")!] = requestID }
        if let conversation { headers[HTTPField.Name("x-switchyard-conversation-id")!] = conversation }
        let userField = user.map { #", "user": "\#($0)""# } ?? ""
        let streamField = stream ? #", "stream": true, "stream_options": {"include_usage": true}"# : ""
        let messages = #"[{"role": "user", "content": "\#(content)"}]"#
        let body = #"{"model": "\#(model)", "messages": \#(messages)\#(userField)\#(streamField)}"#
        return try await client.execute(
            uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { GovernedGateway.Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }

    /// A key of a new tenant, limited to some models and with some tags.
    func key(models: [String]? = nil, tags: [String: String]? = nil) async throws -> String {
        let admin = try #require(runtime).admin
        let tenant = try await admin.createTenant(.master, TenantDraft(name: "acme-\(UUID().uuidString.prefix(8))"))
        return try await admin.createKey(.master, KeyDraft(tenantID: tenant.id, models: models, tags: tags)).key
    }

    /// The decision log's entry for a request, as JSON.
    func decision(_ requestID: String) async throws -> [String: Any] {
        let reply = try await get("/v1/routing/decisions/\(requestID)")
        #expect(reply.status == .ok)
        return reply.json
    }

    /// `GET` with the master key.
    func get(_ uri: String) async throws -> GovernedGateway.Reply {
        try await client.execute(
            uri: uri, method: .get, headers: [.authorization: "Bearer \(Self.masterKey)"]
        ) { GovernedGateway.Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }
}
