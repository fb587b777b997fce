import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardRouting
import SwitchyardServer
import SwitchyardStore
import Testing

/// A/B experiments through the chat route: sticky arms, the ledger's arm columns, feedback per arm and the admin
/// report.
@Suite struct ExperimentEndpointTests {
    static let experiments = """
        experiments:
          - id: gpt-vs-claude
            model: gpt
            arms:
              - { name: control, model: gpt, weight: 1 }
              - { name: claude, model: claude, weight: 1 }
            sticky: user
            metric: feedback
        """

    @Test func armsAreStickyPerUserAndRecordedInTheLedgerAndTheReport() async throws {
        try await FeedbackGateway.run(experiments: Self.experiments) { gateway in
            let key = try await gateway.gateway.key()
            var armOfUser: [String: String] = [:]
            var ids: [(id: String, upstream: String)] = []
            for round in 0..<2 {
                for user in 0..<12 {
                    let (reply, id) = try await gateway.chat("gpt", key: key, user: "user-\(user)")
                    #expect(reply.status == .ok)
                    let upstream = reply.header("x-switchyard-upstream-model") ?? ""
                    if round == 0 { armOfUser["user-\(user)"] = upstream }
                    #expect(armOfUser["user-\(user)"] == upstream)  // sticky
                    ids.append((id, upstream))
                }
            }
            #expect(Set(armOfUser.values) == ["gpt-plain", "claude-plain"])  // both arms get traffic

            let ledger = try await gateway.gateway.ledger()
            #expect(ledger.count == 24)
            for record in ledger {
                #expect(record.experiment == "gpt-vs-claude")
                let upstream = ids.first { $0.id == record.requestID }?.upstream
                #expect(record.experimentArm == (upstream == "claude-plain" ? "claude" : "control"))
            }

            // Claude's answers are liked, GPT's are not; each request counts once however often it is scored.
            for (id, upstream) in ids {
                let score = upstream == "claude-plain" ? "thumbs_up" : "thumbs_down"
                let reply = try await gateway.send(#"{"request_id": "\#(id)", "score": "\#(score)"}"#, key: key)
                #expect(reply.status == .ok)
                #expect(reply.json["experiment"] as? String == "gpt-vs-claude")
            }
            _ = try await gateway.send(#"{"request_id": "\#(ids[0].id)", "score": 1}"#, key: key)

            let report = try await gateway.gateway.admin("/admin/v1/experiments/gpt-vs-claude")
            #expect(report.status == .ok)
            #expect(report.json["id"] as? String == "gpt-vs-claude")
            #expect(report.json["metric"] as? String == "feedback")
            #expect(report.json["status"] as? String == "running")  // 24 requests are below the test's burn-in
            let arms = report.json["arms"] as? [[String: Any]] ?? []
            #expect(arms.map { $0["name"] as? String } == ["control", "claude"])
            #expect(arms.map { $0["requests"] as? Int ?? 0 }.reduce(0, +) == 24)
            #expect(arms.map { $0["feedback_count"] as? Int ?? 0 }.reduce(0, +) == 24)
            #expect(arms[0]["mean_feedback"] as? Double == 0)
            #expect(arms[1]["mean_feedback"] as? Double == 1)
            #expect(arms[0]["error_rate"] as? Double == 0)
            #expect((arms[1]["mean_latency_ms"] as? Double ?? -1) >= 0)
            #expect(arms[0]["p_value"] == nil)
            #expect(arms[1]["p_value"] as? Double == 1)
            #expect(arms[1]["decision"] as? String == "continue")

            let list = try await gateway.gateway.admin("/admin/v1/experiments")
            #expect((list.json["data"] as? [[String: Any]])?.first?["id"] as? String == "gpt-vs-claude")
            let dashboard = try await gateway.gateway.admin("/admin/v1/dashboard")
            let shown = (dashboard.json["experiments"] as? [[String: Any]])?.first
            #expect(shown?["id"] as? String == "gpt-vs-claude")
            #expect((shown?["arms"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func theReportNeedsTheMasterKeyAndAKnownID() async throws {
        try await FeedbackGateway.run(experiments: Self.experiments) { gateway in
            let unknown = try await gateway.gateway.admin("/admin/v1/experiments/nope")
            #expect(unknown.status == .notFound)
            #expect(unknown.code == "experiment_not_found")
            let key = try await gateway.gateway.key()
            let asTenant = try await gateway.gateway.client.execute(
                uri: "/admin/v1/experiments", method: .get, headers: [.authorization: "Bearer \(key)"]
            ) { $0.status }
            #expect(asTenant == .forbidden)
            let anonymous = try await gateway.gateway.client.execute(
                uri: "/admin/v1/experiments", method: .get, headers: [:]
            ) { $0.status }
            #expect(anonymous == .unauthorized)
        }
    }

    @Test func anAutoPromotedWinnerTakesAllTraffic() async throws {
        let yaml = Self.experiments.replacingOccurrences(
            of: "metric: feedback", with: "metric: feedback\n    auto_promote: true")
        try await FeedbackGateway.run(experiments: yaml) { gateway in
            // Feed the monitor directly (as many feedbacks as a real test needs would take long through HTTP).
            var random = SplitMix(state: 1)
            for _ in 0..<2_000 where gateway.feedback.experiments.report(id: "gpt-vs-claude")?.promoted == nil {
                gateway.feedback.experiments.recordFeedback(
                    experiment: "gpt-vs-claude", arm: "control", score: random.unit() < 0.4 ? 1 : 0)
                gateway.feedback.experiments.recordFeedback(
                    experiment: "gpt-vs-claude", arm: "claude", score: random.unit() < 0.8 ? 1 : 0)
            }
            let report = try await gateway.gateway.admin("/admin/v1/experiments/gpt-vs-claude")
            #expect(report.json["promoted"] as? String == "claude")
            #expect(report.json["status"] as? String == "promoted")
            let key = try await gateway.gateway.key()
            for user in 0..<6 {
                let (reply, _) = try await gateway.chat("gpt", key: key, user: "user-\(user)")
                #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            }
        }
    }

    @Test func banditStateSurvivesARestartThroughTheStore() async throws {
        try await FeedbackGateway.run { gateway in
            let bandit = gateway.feedback.learner
            for i in 0..<10 {
                _ = await bandit.adjust(
                    requestID: "r\(i)", router: "auto", scope: "acme", embedding: [0.6, 0.8, 0], predicted: [0.5, 0.5])
                await bandit.served(requestID: "r\(i)", candidate: 0)
                #expect(await bandit.learn(requestID: "r\(i)", score: 1))
            }
            let persistence = try #require(gateway.feedback.persistence)
            #expect(try await persistence.flush() == 1)
            #expect(try await persistence.flush() == 0)  // nothing changed since
            let saved = try await gateway.gateway.runtime.store.routerStates(router: "auto")
            #expect(saved.map(\.scope) == ["acme"])

            let restarted = FeedbackServices(store: gateway.gateway.runtime.store)
            #expect(try await restarted.load() == 1)
            #expect(
                restarted.learner.state(router: "auto", scope: "acme") == bandit.state(router: "auto", scope: "acme"))
        }
    }
}

/// ``SwitchyardCore/SplitMix64`` with a uniform draw, for the server tests' simulations.
struct SplitMix {
    private var bits: SplitMix64

    init(state: UInt64) { bits = SplitMix64(seed: state) }

    mutating func next() -> UInt64 { bits.next() }

    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }
}
