import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardConfiguration
import SwitchyardRouting
import SwitchyardServer
import SwitchyardTesting
import Testing

/// Feedback on requests a learned router served trains its bandit, which moves `auto` off a disliked model.
@Suite struct FeedbackLearningTests {
    @Test func thumbsDownOnTheRoutersPickMovesAutoToTheNextCandidate() async throws {
        let artifact = try LearnedGateway.artifact()
        defer { try? FileManager.default.removeItem(atPath: artifact) }
        try await FakeUpstream.withRunning { upstream in
            let configuration = try GatewayConfiguration.load(
                yaml: LearnedGateway.yaml(upstream: upstream, artifact: artifact),
                environment: ["FAKE_KEY": "sk-fake-secret"])
            var logger = Logger(label: "feedback-learning-test")
            logger.logLevel = .critical
            let feedback = FeedbackServices.make(configuration: configuration, store: nil)
            var services = GatewayServices()
            services.feedback = feedback
            services.routers = try RouterService(
                configuration: configuration, embed: LearnedGateway.embed, dimensions: 4, learner: feedback.learner)
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            try await app.test(.router) { client in
                func chat() async throws -> (upstream: String?, id: String?) {
                    try await client.execute(
                        uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"model": "auto", "messages": [{"role": "user", "content": "Hi"}]}"#)
                    ) {
                        (
                            $0.headers[HTTPField.Name("x-switchyard-upstream-model")!],
                            $0.headers[HTTPField.Name("x-request-id")!]
                        )
                    }
                }
                func rate(_ id: String, _ score: String) async throws -> [String: Any] {
                    try await client.execute(
                        uri: "/v1/feedback", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"request_id": "\#(id)", "score": "\#(score)"}"#)
                    ) {
                        (try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8))) as? [String: Any]
                            ?? [:]
                    }
                }
                let first = try await chat()
                #expect(first.upstream == "gpt-plain")  // the quality objective's pick: `strong`
                let rated = try await rate(try #require(first.id), "thumbs_down")
                #expect(rated["learned"] as? Bool == true)
                #expect(try await rate(try #require(first.id), "thumbs_down")["learned"] as? Bool == false)  // once
                let second = try await chat()
                #expect(second.upstream == "claude-plain")  // `strong` corrected below `mid` (0.8)
                let state = feedback.learner.state(router: "auto", scope: "default")
                #expect(state?.feedback == 1)
            }
        }
    }

    @Test func aRouterArmIsServedByItsLearnedRouter() async throws {
        let artifact = try LearnedGateway.artifact()
        defer { try? FileManager.default.removeItem(atPath: artifact) }
        try await FakeUpstream.withRunning { upstream in
            let experiments = """

                experiments:
                  - id: plain-vs-router
                    model: gpt
                    arms: [ { name: control, model: gpt }, { name: eco, router: eco } ]
                    sticky: user
                """
            let configuration = try GatewayConfiguration.load(
                yaml: LearnedGateway.yaml(upstream: upstream, artifact: artifact) + experiments,
                environment: ["FAKE_KEY": "sk-fake-secret"])
            var logger = Logger(label: "feedback-learning-test")
            logger.logLevel = .critical
            let feedback = FeedbackServices.make(configuration: configuration, store: nil)
            var services = GatewayServices()
            services.feedback = feedback
            services.routers = try RouterService(
                configuration: configuration, embed: LearnedGateway.embed, dimensions: 4, learner: feedback.learner)
            let app = try GatewayServer.makeApplication(
                configuration: configuration, registry: GatewayHarness.registry, logger: logger, services: services)
            try await app.test(.router) { client in
                var upstreams: Set<String> = []
                for user in 0..<16 {
                    let body =
                        #"{"model": "gpt", "user": "u\#(user)", "messages": [{"role": "user", "content": "Hi"}]}"#
                    let upstream = try await client.execute(
                        uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ) { $0.headers[HTTPField.Name("x-switchyard-upstream-model")!] }
                    upstreams.insert(upstream ?? "")
                }
                // The control serves gpt; the router arm's economy objective picks `mid`, mapped to claude.
                #expect(upstreams == ["gpt-plain", "claude-plain"])
                let report = try #require(feedback.experiments.report(id: "plain-vs-router"))
                #expect(report.arms.map(\.target) == ["model:gpt", "router/eco"])
                #expect(report.arms.map(\.requests).reduce(0, +) == 16)
            }
        }
    }
}
