import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardCache
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import SwitchyardTesting
import Testing

/// The whole gateway (router, governance on a fresh SQLite file, optional response cache) in front of a fake
/// upstream, driven without sockets (or over them, `.live`).
struct GovernedGateway: Sendable {
    static let masterKey = "master-key-for-gateway-tests-0123"

    let client: any TestClientProtocol
    let upstream: FakeUpstream
    let runtime: GovernanceRuntime
    /// The response cache, when one is configured.
    var cache: GatewayCache? = nil
    /// The settling of answered requests, which runs after their responses: ``ledger()`` waits for it.
    var settlements: Settlements? = nil

    /// Runs `body` against the gateway.
    ///
    /// - Parameters:
    ///   - requireKeys: Whether `/v1/*` needs a key (otherwise callers without one are anonymous).
    ///   - cache: The response cache settings.
    ///   - setup: `.router` (no sockets) or `.live` (the gateway's own HTTP server on a loopback port).
    static func run(
        requireKeys: Bool = true, cache: CacheConfiguration = CacheConfiguration(), setup: TestingSetup = .router,
        _ body: @escaping @Sendable (GovernedGateway) async throws -> Void
    ) async throws {
        try await FakeUpstream.withRunning { upstream in
            var configuration = try GatewayConfiguration.load(
                yaml: GatewayHarness.yaml(upstream: upstream), environment: ["FAKE_KEY": "sk-fake-secret"])
            configuration.cache = cache
            var logger = Logger(label: "governed-gateway-test")
            logger.logLevel = .critical
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("switchyard-gateway-\(UUID().uuidString)/switchyard.sqlite").path
            let runtime = try await GovernanceRuntime.make(
                settings: GovernanceSettings(store: .sqlite(path: path), masterKey: Secret(masterKey)), logger: logger)
            try await runtime.prepare()
            let responseCache = try await GatewayServices.makeCache(cache, registry: GatewayHarness.registry)
            let services = GatewayServices(governance: runtime, requireKeys: requireKeys, cache: responseCache)
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            do {
                try await app.test(setup) { client in
                    try await body(
                        GovernedGateway(
                            client: client, upstream: upstream, runtime: runtime, cache: responseCache,
                            settlements: services.settlements))
                }
            } catch {
                try? await runtime.store.close()  // SQLiteNIO traps on a connection dropped open
                throw error
            }
            try await runtime.store.close()
        }
    }

    /// Creates a key as the operator.
    func key(
        tenant: String = "acme", models: [String]? = nil, regions: [String]? = nil, budget: BudgetLimits? = nil,
        rpm: Int? = nil, expiresAt: Date? = nil
    ) async throws -> String {
        let tenants = try await runtime.admin.tenants(.master)
        var tenantID = tenants.first { $0.name == tenant }?.id
        if tenantID == nil { tenantID = try await runtime.admin.createTenant(.master, TenantDraft(name: tenant)).id }
        return try await runtime.admin.createKey(
            .master,
            KeyDraft(
                tenantID: tenantID, models: models, regions: regions, budget: budget, rpm: rpm, expiresAt: expiresAt)
        ).key
    }

    /// A chat completion as `key` (none: anonymous).
    @discardableResult
    func chat(
        _ model: String, key: String?, stream: Bool = false, content: String = "Hello", extra: String = "",
        headers extraHeaders: HTTPFields = [:]
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        headers.append(contentsOf: extraHeaders)
        let streamField = stream ? #", "stream": true, "stream_options": {"include_usage": true}"# : ""
        let body = #"{"model": "\#(model)", "messages": [{"role": "user", "content": "\#(content)"}]\#(streamField)\#(extra)}"#
        return try await client.execute(
            uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }

    /// An admin call with the master key.
    func admin(_ uri: String) async throws -> Reply {
        try await client.execute(
            uri: uri, method: .get, headers: [.authorization: "Bearer \(Self.masterKey)"]
        ) { Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }

    /// Waits until the exact cache holds `count` answers: answers are stored off the request path, after the
    /// response, so a test that expects a hit waits for the store instead of sleeping a fixed time (which a loaded
    /// machine can outlast).
    func cached(_ count: Int) async throws {
        let exact = try #require(cache?.exact as? InMemoryResponseCache, "the exact cache is configured")
        let deadline = ContinuousClock.now + .seconds(20)
        while exact.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(exact.count >= count, "the cache holds \(count) answers")
    }

    /// Writes the ledger's buffer and returns every record (of every request answered so far: their settling,
    /// which runs after their responses, is waited for).
    func ledger() async throws -> [UsageRecord] {
        await settlements?.settled()
        try await runtime.ledger.flush()
        return try await runtime.store.usageRecords(UsageQuery())
    }

    /// A response.
    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var code: String? { (json["error"] as? [String: Any])?["code"] as? String }
        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    }
}
