import Foundation
import SwitchyardCore
@testable import SwitchyardRouting
import Testing

/// A decision's JSON (served at `GET /v1/routing/decisions/{id}`) and its learned router's explanation, which both
/// decisions and request features keep out of line.
@Suite struct RoutingDecisionTests {
    static let explanation = RouterExplanation(
        router: "auto", objective: "balanced", baseLambda: 0.1, lambda: 0.1, budgetRatio: nil, budgetUplift: 0,
        candidates: [
            .init(candidate: "small", model: "mini", predictedQuality: 0.74, expectedCostUSD: 0.0002, utility: 0.7,
                  excluded: nil)
        ],
        pickCandidate: "small", pick: "mini", basis: "objective", strongestCandidate: "large", strongest: "big",
        strongestCostUSD: 0.005, strongestPricing: nil, fallbacks: ["big"], feedback: nil, explored: false)

    static func decision(router: RouterExplanation?, pick: String?) -> RoutingDecision {
        var decision = RoutingDecision(
            requestID: "req_1", model: "auto", strategy: "weighted", reason: "cheapest", candidates: [], pick: pick,
            attempts: [.init(deployment: "mini#0", model: "mini", outcome: "ok", upstreamStatus: 200, durationMs: 12,
                             kind: "first")],
            timestamp: 1_796_290_324)
        decision.router = router
        return decision
    }

    static func json(_ decision: RoutingDecision) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(decision)) as? [String: Any])
    }

    @Test func aDecisionWithARouterRoundTrips() throws {
        let decision = Self.decision(router: Self.explanation, pick: "mini#0")
        let object = try Self.json(decision)
        #expect(object["request_id"] as? String == "req_1")
        #expect(object["pick"] as? String == "mini#0")
        let router = try #require(object["router"] as? [String: Any])
        #expect(router["pick"] as? String == "mini")
        #expect(router["pick_candidate"] as? String == "small")
        let decoded = try JSONDecoder().decode(RoutingDecision.self, from: JSONEncoder().encode(decision))
        #expect(decoded == decision)
        #expect(decoded.router == Self.explanation)
    }

    @Test func absentRouterAndPickAreLeftOutAndReadBack() throws {
        let decision = Self.decision(router: nil, pick: nil)
        let object = try Self.json(decision)
        #expect(object["router"] == nil)
        #expect(object["pick"] == nil)
        #expect(object.keys.sorted() == ["attempts", "candidates", "model", "reason", "request_id", "strategy", "timestamp"])
        let decoded = try JSONDecoder().decode(RoutingDecision.self, from: JSONEncoder().encode(decision))
        #expect(decoded == decision)
        #expect(decoded.router == nil)
    }

    @Test func theRouterTakesPartInEqualityAndHashing() {
        let with = Self.decision(router: Self.explanation, pick: "mini#0")
        var other = Self.explanation
        other.pick = "big"
        let changed = Self.decision(router: other, pick: "mini#0")
        let without = Self.decision(router: nil, pick: "mini#0")
        #expect(with != changed)
        #expect(with != without)
        #expect(with == Self.decision(router: Self.explanation, pick: "mini#0"))
        #expect(Set([with, changed, without, Self.decision(router: Self.explanation, pick: "mini#0")]).count == 3)
    }

    /// Kept out of line: a decision or features value holds one reference, not the 257-byte explanation.
    @Test func theExplanationIsKeptOutOfLine() {
        #expect(MemoryLayout<RouterExplanation>.size > 200)
        #expect(MemoryLayout<RouterExplanationBox?>.size == MemoryLayout<Int>.size)
        var features = RequestFeatures(request: ChatRequest(model: "auto", messages: [.text(.user, "Hi")]))
        #expect(features.router == nil)
        features.router = Self.explanation
        #expect(features.router == Self.explanation)
        var decision = Self.decision(router: nil, pick: nil)
        decision.routerBox = features.routerBox
        #expect(decision.router == Self.explanation)
    }
}
