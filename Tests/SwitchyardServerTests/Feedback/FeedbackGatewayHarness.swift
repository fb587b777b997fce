import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import SwitchyardTesting

/// The governed gateway (keys required, SQLite store) with feedback and the given `experiments:` section, in
/// front of a fake upstream, driven without sockets.
struct FeedbackGateway: Sendable {
    let gateway: GovernedGateway
    let feedback: FeedbackServices

    static func run(
        experiments: String = "", _ body: @escaping @Sendable (FeedbackGateway) async throws -> Void
    ) async throws {
        try await FakeUpstream.withRunning { upstream in
            let configuration = try GatewayConfiguration.load(
                yaml: GatewayHarness.yaml(upstream: upstream) + "\n" + experiments,
                environment: ["FAKE_KEY": "sk-fake-secret"])
            var logger = Logger(label: "feedback-gateway-test")
            logger.logLevel = .critical
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("switchyard-feedback-\(UUID().uuidString)/switchyard.sqlite").path
            let runtime = try await GovernanceRuntime.make(
                settings: GovernanceSettings(
                    store: .sqlite(path: path), masterKey: Secret(GovernedGateway.masterKey)),
                logger: logger)
            try await runtime.prepare()
            let feedback = FeedbackServices.make(configuration: configuration, store: runtime.store)
            var services = GatewayServices(governance: runtime, requireKeys: true)
            services.feedback = feedback
            let settlements = services.settlements
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            try await app.test(.router) { client in
                let gateway = GovernedGateway(
                    client: client, upstream: upstream, runtime: runtime, settlements: settlements)
                try await body(FeedbackGateway(gateway: gateway, feedback: feedback))
            }
            try await runtime.store.close()
        }
    }

    /// `POST /v1/feedback` with a raw JSON body as `key`.
    func send(_ json: String, key: String?) async throws -> GovernedGateway.Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await gateway.client.execute(
            uri: "/v1/feedback", method: .post, headers: headers, body: ByteBuffer(string: json)
        ) { GovernedGateway.Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }

    /// A chat as `key`; returns the reply and its request id.
    func chat(_ model: String, key: String, user: String? = nil) async throws -> (GovernedGateway.Reply, String) {
        let extra = user.map { #", "user": "\#($0)""# } ?? ""
        let reply = try await gateway.chat(model, key: key, extra: extra)
        return (reply, reply.header("x-request-id") ?? "")
    }
}
