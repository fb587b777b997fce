import SwitchyardCore
import SwitchyardRouting
import Testing

@Suite struct RoutingStrategyTests {
    @Test func weightedSplitWithinTolerance() async throws {
        let model = RoutingWorld.model([
            RoutingWorld.deployment("a", weight: 1), RoutingWorld.deployment("b", weight: 2),
            RoutingWorld.deployment("c", weight: 7),
        ])
        let world = RoutingWorld(models: [model])
        var picks: [String: Int] = [:]
        let rounds = 10_000
        for _ in 0..<rounds {
            let routed = try await world.route(model) { $0.id }
            picks[routed.value, default: 0] += 1
        }
        #expect(abs(Double(picks["a", default: 0]) / Double(rounds) - 0.1) < 0.02)
        #expect(abs(Double(picks["b", default: 0]) / Double(rounds) - 0.2) < 0.02)
        #expect(abs(Double(picks["c", default: 0]) / Double(rounds) - 0.7) < 0.02)
    }

    @Test func roundRobinTakesTurns() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("a"), RoutingWorld.deployment("b"), RoutingWorld.deployment("c")],
            policy: RoutingPolicy(strategy: .roundRobin))
        let world = RoutingWorld(models: [model])
        var order: [String] = []
        for _ in 0..<6 { order.append(try await world.route(model) { $0.id }.value) }
        #expect(order == ["a", "b", "c", "a", "b", "c"])
    }

    @Test func priorityTiersComeFirst() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("backup", priority: 2), RoutingWorld.deployment("main", priority: 1)])
        let world = RoutingWorld(models: [model])
        for _ in 0..<20 { #expect(try await world.route(model) { $0.id }.value == "main") }
        // When tier 1 fails, tier 2 answers.
        let routed = try await world.route(model) { deployment in
            if deployment.id == "main" { throw GatewayError.upstream(.upstreamError) }
            return deployment.id
        }
        #expect(routed.value == "backup")
        #expect(routed.decision.attempts.map(\.kind) == ["first", "failover"])
    }

    /// The planner hands the health slots it read on to the attempt loop: an attempt's start and end must land on
    /// the deployment that was tried, also when the order differs from the configuration's.
    @Test func healthIsRecordedOnTheDeploymentTried() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("backup", priority: 2), RoutingWorld.deployment("main", priority: 1)])
        let world = RoutingWorld(models: [model])
        for _ in 0..<3 { _ = try await world.route(model) { $0.id } }
        #expect(world.health.health(of: model.deployments[1]).attempts == 3)
        #expect(world.health.health(of: model.deployments[1]).inflight == 0)
        #expect(world.health.health(of: model.deployments[0]).attempts == 0)
        _ = try await world.route(model) { deployment in
            if deployment.id == "main" { throw GatewayError.upstream(.upstreamError) }
            return deployment.id
        }
        #expect(world.health.health(of: model.deployments[1]).failures == 1)
        #expect(world.health.health(of: model.deployments[0]).attempts == 1)
        #expect(world.health.health(of: model.deployments[0]).failures == 0)
    }

    @Test func lowestCostPicksTheCheapest() async throws {
        let model = RoutingWorld.model(
            [
                RoutingWorld.deployment("dear", pricing: ModelPricing(inputPerMTok: 10, outputPerMTok: 30)),
                RoutingWorld.deployment("cheap", pricing: ModelPricing(inputPerMTok: 0.1, outputPerMTok: 0.4)),
            ], policy: RoutingPolicy(strategy: .lowestCost))
        let world = RoutingWorld(models: [model])
        let routed = try await world.route(model) { $0.id }
        #expect(routed.value == "cheap")
        #expect(routed.decision.reason.hasPrefix("lowest_cost: cheap"))
    }

    @Test func lowestLatencyPrefersFastAndRetriesRecovered() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("slow"), RoutingWorld.deployment("fast")],
            policy: RoutingPolicy(strategy: .lowestLatency))
        let world = RoutingWorld(models: [model])
        // Teach the averages: slow takes 2 s, fast 0.2 s.
        for deployment in model.deployments {
            for _ in 0..<5 {
                _ = world.health.begin(deployment, tokens: 10)
                world.health.end(deployment, failed: false, latency: deployment.id == "slow" ? 2 : 0.2, firstToken: nil)
            }
        }
        let routed = try await world.route(model) { $0.id }
        #expect(routed.value == "fast")
        #expect(routed.decision.reason.contains("fast") && routed.decision.reason.contains("<"))
        // Ten minutes later, with only the fast one sampled recently, the slow one's old average has decayed.
        world.clock.advance(by: 600)
        _ = world.health.begin(model.deployments[1], tokens: 10)
        world.health.end(model.deployments[1], failed: false, latency: 0.2, firstToken: nil)
        #expect(try await world.route(model) { $0.id }.value == "slow")
    }

    @Test func capabilitiesAndContextWindowExclude() async throws {
        let model = RoutingWorld.model([
            RoutingWorld.deployment("text-only", capabilities: [.jsonSchema]),
            RoutingWorld.deployment("small", contextWindow: 50),
            RoutingWorld.deployment("full"),
        ])
        let world = RoutingWorld(models: [model])
        var request = RoutingWorld.request
        request.tools = [Tool(function: .init(name: "f"))]
        request.messages = [.text(.user, String(repeating: "long text ", count: 100))]
        let routed = try await world.route(model, features: RequestFeatures(request: request)) { $0.id }
        #expect(routed.value == "full")
        let excluded = Dictionary(uniqueKeysWithValues: routed.decision.candidates.map { ($0.deployment, $0.excluded) })
        #expect(excluded["text-only"]??.contains("lacks tools") == true)
        #expect(excluded["small"]??.contains("context window") == true)
        // No deployment fits: a clear 400.
        let none = RoutingWorld.model([RoutingWorld.deployment("text-only", capabilities: [])])
        await #expect(throws: GatewayError.self) {
            _ = try await world.route(none, features: RequestFeatures(request: request)) { $0.id }
        }
    }

    @Test func regionPinsHoldOnFailover() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("us-1", region: "us"), RoutingWorld.deployment("eu-1", region: "eu"),
             RoutingWorld.deployment("eu-2", region: "eu")],
            policy: RoutingPolicy(maxAttempts: 5))
        let world = RoutingWorld(models: [model])
        let counter = CallCounter()
        let features = RequestFeatures(request: RoutingWorld.request, allowedRegions: ["eu"])
        for _ in 0..<50 {
            do {
                _ = try await world.route(model, features: features) { deployment in
                    counter.hit(deployment.id)
                    throw GatewayError.upstream(.upstreamUnavailable)
                }
            } catch {}
        }
        #expect(counter["us-1"] == 0, "an EU-pinned request never leaves eu, even when every eu deployment fails")
        #expect(counter["eu-1"] + counter["eu-2"] > 0)
    }

    @Test func preferredRegionFirstThenFailsOverAcrossRegions() async throws {
        let model = RoutingWorld.model(
            [RoutingWorld.deployment("us-1", region: "us"), RoutingWorld.deployment("eu-1", region: "eu")],
            policy: RoutingPolicy(strategy: .weighted))
        let world = RoutingWorld(models: [model])
        let features = RequestFeatures(request: RoutingWorld.request, preferredRegion: "eu")
        for _ in 0..<20 { #expect(try await world.route(model, features: features) { $0.id }.value == "eu-1") }
        let routed = try await world.route(model, features: features) { deployment in
            if deployment.region == "eu" { throw GatewayError.upstream(.upstreamTimeout) }
            return deployment.id
        }
        #expect(routed.value == "us-1")
    }
}
