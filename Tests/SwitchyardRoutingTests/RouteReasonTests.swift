import SwitchyardCore
@testable import SwitchyardRouting
import Testing

/// The route reason each strategy explains itself with (sent as `x-switchyard-route-reason` and kept in the decision
/// log): its exact wording, for every strategy, with and without a runner-up.
@Suite struct RouteReasonTests {
    static func entry(_ id: String, weight: Double = 1, inflight: Int = 0) -> StrategyOrdering.Entry {
        (RoutingWorld.deployment(id, weight: weight), DeploymentHealthReading(inflight: inflight))
    }

    static func reason(_ entries: [StrategyOrdering.Entry], _ strategy: RoutingStrategyKind) -> String {
        let features = RequestFeatures(request: ChatRequest(model: "m", messages: [.text(.user, "Hello")]))
        return StrategyOrdering.explain(entries, strategy: strategy, features: features, now: 0)
    }

    @Test func eachStrategySaysWhyItPicked() {
        let two = [Self.entry("eu-a", weight: 3, inflight: 2), Self.entry("us-b", weight: 1)]
        #expect(Self.reason(two, .weighted) == "weighted: eu-a (weight share 75%)")
        #expect(Self.reason(two, .roundRobin) == "round_robin: eu-a next in turn of 2")
        #expect(Self.reason(two, .priority) == "priority: eu-a first healthy of 2")
        #expect(Self.reason(two, .leastInflight) == "least_inflight: eu-a with 2 in flight")
        #expect(Self.reason(two, .lowestLatency) == "lowest_latency: eu-a untried < us-b untried")
        #expect(Self.reason(two, .lowestCost) == "lowest_cost: eu-a unpriced < us-b unpriced")
        #expect(Self.reason([two[0]], .lowestLatency) == "lowest_latency: eu-a untried (only eligible)")
        #expect(Self.reason([two[0]], .lowestCost) == "lowest_cost: eu-a unpriced (only eligible)")
        #expect(Self.reason([], .weighted) == "weighted: no eligible deployment")
    }
}
