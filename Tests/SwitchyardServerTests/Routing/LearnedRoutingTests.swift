import Foundation
import HTTPTypes
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardServer
import SwitchyardStore
import Synchronization
import Testing

/// `model: auto` and `router/NAME` through the real chat route: the pick, its explanation, objectives, exclusions,
/// fallback to the next-best candidate, the feedback hook and the ledger.
@Suite struct LearnedRoutingTests {
    @Test func autoIsServedByTheRoutersPickAndExplained() async throws {
        try await LearnedGateway.run { gateway in
            let reply = try await gateway.chat("auto", requestID: "route-auto-1")
            #expect(reply.status == .ok)
            #expect(reply.header("x-switchyard-router") == "auto")
            #expect(reply.header("x-switchyard-upstream-model") == "gpt-plain")
            let reason = try #require(reply.header("x-switchyard-route-reason"))
            #expect(reason.hasPrefix("router auto quality lambda=0.0: gpt q=0.9"))
            #expect(reason.contains("vs gpt $0.01"))
            let decision = try await gateway.decision("route-auto-1")
            #expect(decision["model"] as? String == "gpt")
            let router = try #require(decision["router"] as? [String: Any])
            #expect(router["router"] as? String == "auto")
            #expect(router["objective"] as? String == "quality")
            #expect(router["pick"] as? String == "gpt")
            #expect(router["pick_candidate"] as? String == "strong")
            #expect(router["strongest"] as? String == "gpt")
            #expect(router["strongest_cost_usd"] as? Double == 0.01)
            #expect(router["fallbacks"] as? [String] == ["claude", "llama"])
            let rows = try #require(router["candidates"] as? [[String: Any]])
            #expect(rows.map { $0["model"] as? String } == ["gpt", "claude", "llama"])
            let quality = rows.map { $0["predicted_quality"] as? Double ?? -1 }
            #expect(zip(quality, [0.9, 0.8, 0.6]).allSatisfy { abs($0 - $1) < 1e-6 })
            #expect(rows.map { $0["expected_cost_usd"] as? Double } == [0.01, 0.002, 0.0002].map { Optional($0) })
        }
    }

    @Test func economyAndQualityObjectivesPickDifferentCandidatesForTheSamePrompt() async throws {
        try await LearnedGateway.run { gateway in
            let quality = try await gateway.chat("router/auto")
            let economy = try await gateway.chat("router/eco")
            #expect(quality.header("x-switchyard-upstream-model") == "gpt-plain")
            #expect(economy.header("x-switchyard-upstream-model") == "claude-plain")
            #expect(economy.header("x-switchyard-router") == "eco")
            let reason = economy.header("x-switchyard-route-reason") ?? ""
            #expect(reason.hasPrefix("router eco economy lambda=1.0: claude"))
        }
    }

    @Test func theEmbeddingChangesThePick() async throws {
        try await LearnedGateway.run { gateway in
            // "easy" prompts lift the cheap candidate to the strong one's quality; ties go to the cheaper.
            let easy = try await gateway.chat("auto", content: "an easy question")
            #expect(easy.header("x-switchyard-upstream-model") == "llama-plain")
        }
    }

    @Test func anUnknownRouterIsModelNotFound() async throws {
        try await LearnedGateway.run { gateway in
            let reply = try await gateway.chat("router/nope")
            #expect(reply.status == .notFound)
            #expect(reply.code == "model_not_found")
        }
    }

    @Test func aConversationStaysOnItsFirstModel() async throws {
        try await LearnedGateway.run { gateway in
            let first = try await gateway.chat("auto", content: "a hard question", conversation: "c1", user: "ann")
            #expect(first.header("x-switchyard-upstream-model") == "gpt-plain")
            let sticky = try await gateway.chat("auto", content: "an easy question", conversation: "c1", user: "ann")
            #expect(sticky.header("x-switchyard-upstream-model") == "gpt-plain")
            #expect(sticky.header("x-switchyard-route-reason")?.contains(" sticky: gpt") == true)
            let otherConversation = try await gateway.chat(
                "auto", content: "an easy question", conversation: "c2", user: "ann")
            #expect(otherConversation.header("x-switchyard-upstream-model") == "llama-plain")
            let otherUser = try await gateway.chat("auto", content: "an easy question", conversation: "c1", user: "bob")
            #expect(otherUser.header("x-switchyard-upstream-model") == "llama-plain")
            // The router named eco is configured without stickiness.
            _ = try await gateway.chat("router/eco", content: "a hard question", conversation: "c3")
            let loose = try await gateway.chat("router/eco", content: "an easy question", conversation: "c3")
            #expect(loose.header("x-switchyard-route-reason")?.contains("sticky") == false)
        }
    }

    @Test func budgetPressureRaisesLambdaAndShiftsToACheaperCandidate() async throws {
        try await LearnedGateway.run { gateway in
            let relaxed = try await gateway.chat("router/pressured", requestID: "relaxed")
            #expect(relaxed.header("x-switchyard-upstream-model") == "gpt-plain")
            gateway.routers.pressure.set(1.2, for: Identity.anonymous.tenantID)
            let pressed = try await gateway.chat("router/pressured", requestID: "pressed")
            #expect(pressed.header("x-switchyard-upstream-model") == "llama-plain")
            #expect(pressed.header("x-switchyard-route-reason")?.contains("lambda=5.0 (+4.95 budget)") == true)
            let router = try #require(try await gateway.decision("pressed")["router"] as? [String: Any])
            #expect(router["base_lambda"] as? Double == 0.05)
            #expect(router["lambda"] as? Double == 5)
            #expect(router["budget_ratio"] as? Double == 1.2)
            // Below the curve's start, nothing changes.
            gateway.routers.pressure.set(0.5, for: Identity.anonymous.tenantID)
            let calm = try await gateway.chat("router/pressured")
            #expect(calm.header("x-switchyard-upstream-model") == "gpt-plain")
        }
    }

    @Test func aFailedPickFallsBackToTheNextBestCandidateAndTheConversationFollows() async throws {
        try await LearnedGateway.run { gateway in
            let reply = try await gateway.chat("router/flaky", requestID: "flaky-1", conversation: "f1")
            #expect(reply.status == .ok)
            #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            let first = try await gateway.decision("flaky-1")
            let attempts = try #require(first["attempts"] as? [[String: Any]])
            #expect(attempts.first?["model"] as? String == "down")
            #expect(attempts.last?["model"] as? String == "claude")
            #expect(attempts.last?["kind"] as? String == "fallback")
            // The conversation now stays on the model that answered it, without trying the failed one again.
            _ = try await gateway.chat("router/flaky", requestID: "flaky-2", conversation: "f1")
            let second = try await gateway.decision("flaky-2")
            let secondAttempts = try #require(second["attempts"] as? [[String: Any]])
            #expect(secondAttempts.map { $0["model"] as? String } == ["claude"])
        }
    }

    @Test func excludedProvidersAndUnmappedCandidatesAreNeverPicked() async throws {
        try await LearnedGateway.run { gateway in
            let reply = try await gateway.chat("router/picky", requestID: "picky-1")
            #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            let router = try #require(try await gateway.decision("picky-1")["router"] as? [String: Any])
            let rows = try #require(router["candidates"] as? [[String: Any]])
            #expect(rows[0]["excluded"] as? String == "every deployment excluded (providers or regions)")
            #expect(rows[1]["excluded"] == nil)
            #expect(rows[2]["excluded"] as? String == "not configured")
        }
    }

    @Test func theFeedbackLearnerAdjustsPredictionsAndHearsThePick() async throws {
        let learner = BoostingLearner(boost: 2)
        try await LearnedGateway.run(learner: learner) { gateway in
            let reply = try await gateway.chat("auto", requestID: "learned-1")
            #expect(reply.header("x-switchyard-upstream-model") == "llama-plain")
            let router = try #require(try await gateway.decision("learned-1")["router"] as? [String: Any])
            #expect(router["feedback"] as? String == "test: cheap boosted")
            #expect(router["explored"] as? Bool == true)
        }
        #expect(learner.calls == ["adjust learned-1 auto default [0.9, 0.8, 0.6]", "served learned-1 2"])
    }

    @Test func streamedRouterRequestsCarryTheRouterHeader() async throws {
        try await LearnedGateway.run { gateway in
            let reply = try await gateway.chat("router/eco", stream: true)
            #expect(reply.status == .ok)
            #expect(reply.header("x-switchyard-router") == "eco")
            #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            #expect(reply.text.contains("data: [DONE]"))
        }
    }

    @Test func theArtifactFormatVersionsAgree() {
        #expect(RouterSettings.supportedFormatVersion == LearnedRouter.currentFormatVersion)
    }
}

/// A feedback learner that lifts the last candidate's quality and records its calls.
final class BoostingLearner: RoutingFeedbackLearner {
    let boost: Double
    private let log = Mutex<[String]>([])

    init(boost: Double) { self.boost = boost }

    var calls: [String] { log.withLock { $0 } }

    func adjust(
        requestID: String, router: String, scope: String, embedding: [Float], predicted: [Double]
    ) async -> LearnedAdjustment {
        let rounded = predicted.map { ($0 * 100).rounded() / 100 }
        log.withLock { $0.append("adjust \(requestID) \(router) \(scope) \(rounded)") }
        var quality = predicted
        quality[quality.count - 1] *= boost
        return LearnedAdjustment(quality: quality, explored: true, note: "test: cheap boosted")
    }

    func served(requestID: String, candidate: Int) async {
        log.withLock { $0.append("served \(requestID) \(candidate)") }
    }

    func learn(requestID: String, score: Double) async -> Bool { false }
}
