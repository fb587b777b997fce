import SwitchyardCore
import SwitchyardRouting
import Testing

@Suite struct ResilienceTests {
    @Test func noRequestFailsWhileAHealthyDeploymentRemains() async throws {
        let model = RoutingWorld.model([
            RoutingWorld.deployment("broken"), RoutingWorld.deployment("flaky"), RoutingWorld.deployment("healthy"),
        ])
        let world = RoutingWorld(models: [model])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let roll = Double.random(in: 0..<1, using: &generator)
            let routed = try await world.route(model) { deployment in
                switch deployment.id {
                case "broken": throw GatewayError.upstream(.upstreamError)
                case "flaky" where roll < 0.3: throw GatewayError.upstream(.upstreamUnavailable)
                default: return deployment.id
                }
            }
            #expect(routed.value != "broken")
            world.clock.advance(by: 0.05)
        }
    }

    @Test func retryBudgetHoldsUnderTotalFailure() async throws {
        let model = RoutingWorld.model([RoutingWorld.deployment("only")], policy: RoutingPolicy(maxAttempts: 5))
        // A breaker that never opens, so only the budget limits retries.
        let world = RoutingWorld(
            models: [model], retryBudget: 0.2, breaker: .init(consecutiveFailures: .max, minimumRequests: .max))
        let counter = CallCounter()
        let requests = 1_000
        for _ in 0..<requests {
            _ = try? await world.route(model) { deployment in
                counter.hit(deployment.id)
                throw GatewayError.upstream(.upstreamError)
            }
        }
        let retries = counter.total - requests
        #expect(retries <= Int(0.2 * Double(requests)) + 10, "retries \(retries) stay within 20% plus the reserve")
        #expect(retries > 0)
    }

    @Test func breakerOpensAndRecovers() async throws {
        let settings = CircuitBreaker.Settings(consecutiveFailures: 3, cooldown: 30, halfOpenProbes: 1)
        let model = RoutingWorld.model([RoutingWorld.deployment("a"), RoutingWorld.deployment("b")],
                                       policy: RoutingPolicy(strategy: .priority))
        let world = RoutingWorld(models: [model], breaker: settings)
        let counter = CallCounter()
        let failing = Mutex(true)
        let behaviour: @Sendable (Deployment) throws -> String = { deployment in
            counter.hit(deployment.id)
            if deployment.id == "a", failing.withLock({ $0 }) { throw GatewayError.upstream(.upstreamError) }
            return deployment.id
        }
        for _ in 0..<3 { _ = try await world.route(model, behaviour) }
        #expect(counter["a"] == 3)
        #expect(world.health.health(of: model.deployments[0]).breaker.state.name == "open")
        // While open, "a" is not tried at all.
        for _ in 0..<10 { #expect(try await world.route(model, behaviour).value == "b") }
        #expect(counter["a"] == 3)
        // After the cooldown one probe goes through; it succeeds and the breaker closes.
        failing.withLock { $0 = false }
        world.clock.advance(by: 31)
        #expect(world.health.health(of: model.deployments[0]).breaker.state.name == "half_open")
        #expect(try await world.route(model, behaviour).value == "a")
        #expect(world.health.health(of: model.deployments[0]).breaker.state.name == "closed")
    }

    @Test func rateLimitedDeploymentCoolsDownForRetryAfter() async throws {
        let model = RoutingWorld.model([RoutingWorld.deployment("a"), RoutingWorld.deployment("b")],
                                       policy: RoutingPolicy(strategy: .priority))
        let world = RoutingWorld(models: [model])
        let routed = try await world.route(model) { deployment in
            if deployment.id == "a" { throw GatewayError.upstream(.rateLimited, retryAfter: 20) }
            return deployment.id
        }
        #expect(routed.value == "b")
        let counter = CallCounter()
        _ = try await world.route(model) { counter.hit($0.id); return $0.id }
        #expect(counter["a"] == 0, "a is cooling down")
        world.clock.advance(by: 21)
        #expect(try await world.route(model) { $0.id }.value == "a")
    }

    @Test func fallsBackToALargerModelOnContextOverflow() async throws {
        let small = RoutingWorld.model(
            [RoutingWorld.deployment("small-1", model: "small")], name: "small",
            policy: RoutingPolicy(fallbacks: [.contextLengthExceeded: ["large"]]))
        let large = RoutingWorld.model([RoutingWorld.deployment("large-1", model: "large")], name: "large")
        let world = RoutingWorld(models: [small, large])
        let routed = try await world.route(small) { deployment in
            if deployment.id == "small-1" { throw GatewayError.upstream(.contextLengthExceeded) }
            return deployment.id
        }
        #expect(routed.value == "large-1")
        #expect(routed.decision.attempts.map(\.kind) == ["first", "fallback"])
        #expect(routed.decision.reason.contains("fallback from small after context_length_exceeded"))
    }

    @Test func nonRetryableErrorsStopAtOnce() async throws {
        let model = RoutingWorld.model([RoutingWorld.deployment("a"), RoutingWorld.deployment("b")])
        let world = RoutingWorld(models: [model])
        let counter = CallCounter()
        await #expect(throws: GatewayError.self) {
            _ = try await world.route(model) { deployment in
                counter.hit(deployment.id)
                throw GatewayError.upstream(.upstreamInvalidRequest)
            }
        }
        #expect(counter.total == 1)
    }

    /// The request's task is cancelled (its client closed the connection) while an attempt waits; the transport then
    /// fails the attempt, here as a timeout. That is not the deployment's fault: the engine tries no other
    /// deployment, does not count the failure (a breaker opening at one failure stays closed), and throws
    /// `client_closed_request`.
    @Test func aCancelledRequestIsNeitherFailedOverNorHeldAgainstTheDeployment() async throws {
        let model = RoutingWorld.model([RoutingWorld.deployment("a"), RoutingWorld.deployment("b")],
                                       policy: RoutingPolicy(strategy: .priority))
        let world = RoutingWorld(models: [model], breaker: .init(consecutiveFailures: 1, minimumRequests: 1))
        let counter = CallCounter()
        let (started, waiting) = AsyncStream.makeStream(of: Void.self)
        let request = Task {
            try await world.engine.route(
                requestID: "r", model: model, features: RequestFeatures(request: RoutingWorld.request)
            ) { deployment, _ in
                counter.hit(deployment.id)
                waiting.yield()
                do {
                    try await Task.sleep(for: .seconds(60))
                } catch {
                    throw GatewayError.upstream(.upstreamTimeout)
                }
                return deployment.id
            }
        }
        for await _ in started { break }
        request.cancel()
        let error = await #expect(throws: GatewayError.self) { _ = try await request.value }
        #expect(error?.code == .clientClosedRequest)
        #expect(counter["a"] == 1)
        #expect(counter["b"] == 0, "no failover for a client that is gone")
        #expect(world.health.health(of: model.deployments[0]).breaker.state.name == "closed")
        #expect(world.engine.decisions.decision(for: "r")?.attempts.first?.outcome == "client_closed_request")
    }

    @Test func decisionLogKeepsTheLastN() {
        let log = DecisionLog(capacity: 3)
        for index in 0..<5 {
            log.record(RoutingDecision(requestID: "r\(index)", model: "m", strategy: "weighted", reason: "",
                                       candidates: [], pick: nil, attempts: [], timestamp: 0))
        }
        #expect(log.decision(for: "r0") == nil)
        #expect(log.decision(for: "r4")?.requestID == "r4")
        #expect(log.recent(10).map(\.requestID) == ["r4", "r3", "r2"])
    }

    /// A client that sends the same `x-request-id` twice: evicting the first decision keeps the second findable.
    @Test func aReusedRequestIDFindsItsLatestDecision() {
        let log = DecisionLog(capacity: 3)
        for (id, reason) in [("x", "first"), ("x", "second"), ("y", ""), ("z", "")] {
            log.record(RoutingDecision(requestID: id, model: "m", strategy: "weighted", reason: reason,
                                       candidates: [], pick: nil, attempts: [], timestamp: 0))
        }
        #expect(log.decision(for: "x")?.reason == "second")
        log.record(RoutingDecision(requestID: "w", model: "m", strategy: "weighted", reason: "", candidates: [],
                                   pick: nil, attempts: [], timestamp: 0))
        #expect(log.decision(for: "x") == nil)
        #expect(log.recent(10).map(\.requestID) == ["w", "z", "y"])
    }
}

import Synchronization
