import Foundation
public import SwitchyardCore

/// Runs a request over a model's deployments: plans, attempts, retries with backoff within the retry budget, fails
/// over across deployments and regions, falls back to other models by error class, and records the decision.
///
/// The engine never calls a provider itself: the caller passes the attempt as a closure, which keeps routing free of
/// I/O and easy to test with a manual clock.
public struct RoutingEngine: Sendable {
    /// The outcome of a routed call.
    public struct Routed<Value: Sendable>: Sendable {
        /// What the successful attempt returned.
        public var value: Value
        /// The deployment that answered.
        public var deployment: Deployment
        /// The decision so far (the server completes and records it).
        public var decision: RoutingDecision
    }

    /// Health of every deployment.
    public let health: DeploymentHealthBook
    /// The public models.
    public let catalog: ModelCatalog
    /// Recent decisions.
    public let decisions: DecisionLog
    /// Which deployment holds which long prompt prefix in its provider's prompt cache.
    public let affinity: PromptCacheAffinity
    let planner: RoutePlanner
    let retryBudget: RetryBudget

    /// Creates an engine.
    public init(
        catalog: ModelCatalog, health: DeploymentHealthBook, retryBudget: RetryBudget, decisions: DecisionLog,
        affinity: PromptCacheAffinity = PromptCacheAffinity()
    ) {
        self.catalog = catalog
        self.health = health
        self.retryBudget = retryBudget
        self.decisions = decisions
        self.affinity = affinity
        planner = RoutePlanner(health: health, affinity: affinity)
    }

    /// Routes one call.
    ///
    /// - Parameters:
    ///   - requestID: For the decision log.
    ///   - model: The public model.
    ///   - features: What the request needs.
    ///   - strategy: Overrides the model's strategy when the model allows it.
    ///   - excluding: Deployments not to use (a resumed stream excludes the one that failed).
    ///   - attempt: Calls one deployment. Throw ``GatewayError``s; the value must be complete enough that nothing
    ///     can fail afterwards without the caller handling it (streams: after the first event).
    /// - Throws: The last attempt's error, or `no_eligible_deployment` / `no_healthy_deployment`.
    public func route<Value: Sendable>(
        requestID: String, model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind? = nil,
        excluding: Set<String> = [], allowFallbacks: Bool = true,
        attempt: @Sendable (Deployment, ModelDefinition) async throws -> Value
    ) async throws -> Routed<Value> {
        retryBudget.deposit()
        let chosen = strategy.flatMap { model.routing.allowsStrategyOverride ? $0 : nil } ?? model.routing.strategy
        var decision = RoutingDecision(
            requestID: requestID, model: model.name, strategy: chosen.rawValue, reason: "", candidates: [], pick: nil,
            attempts: [], timestamp: Date().timeIntervalSince1970)
        decision.router = features.router
        var lastError: GatewayError
        do {
            var routed = try await runGroup(
                model, features: features, strategy: chosen, excluding: excluding, kind: "first", decision: &decision,
                attempt: attempt)
            routed.decision.reason = Self.explained(routed.decision.reason, features: features)
            return routed
        } catch let error as GatewayError {
            lastError = error
        }
        if allowFallbacks {
            for fallbackName in model.routing.fallbackModels(for: lastError.code) {
                guard let fallback = try? catalog.model(named: fallbackName) else { continue }
                do {
                    var routed = try await runGroup(
                        fallback, features: features, strategy: fallback.routing.strategy, excluding: excluding,
                        kind: "fallback", decision: &decision, attempt: attempt)
                    routed.decision.reason += " (fallback from \(model.name) after \(lastError.code))"
                    routed.decision.reason = Self.explained(routed.decision.reason, features: features)
                    return routed
                } catch let error as GatewayError {
                    lastError = error
                }
            }
        }
        decision.reason = Self.explained(decision.reason, features: features)
        decisions.record(decision)
        throw lastError
    }

    /// The learned router's reason before the deployment's, when a router chose the model.
    private static func explained(_ reason: String, features: RequestFeatures) -> String {
        guard let router = features.router else { return reason }
        return reason.isEmpty ? router.reason : router.reason + "; " + reason
    }

    private func runGroup<Value: Sendable>(
        _ model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind, excluding: Set<String>,
        kind: String, decision: inout RoutingDecision,
        attempt: @Sendable (Deployment, ModelDefinition) async throws -> Value
    ) async throws -> Routed<Value> {
        let plan = planner.plan(model, features: features, strategy: strategy, excluding: excluding)
        decision.candidates += plan.candidates
        if decision.reason.isEmpty { decision.reason = plan.reason }
        if let failure = plan.failure { throw failure }
        var lastError = GatewayError(.noHealthyDeployment, "No deployment of model '\(model.name)' answered.")
        var attempts = 0
        var deploymentIndex = 0
        var attemptKind = kind
        var retriesSameDeployment = 0
        while attempts < model.routing.maxAttempts, deploymentIndex < plan.ordered.count {
            let deployment = plan.ordered[deploymentIndex]
            if attemptKind == "retry" {
                // Retrying the same deployment is what storms are made of: it needs budget and backs off.
                guard retryBudget.withdraw() else {
                    lastError.message += " (retry budget exhausted)"
                    break
                }
                retriesSameDeployment += 1
                try await backoff(after: lastError, attempt: retriesSameDeployment, policy: model.routing)
            }
            attempts += 1
            guard health.begin(deployment, tokens: features.promptTokens) else {
                deploymentIndex += 1
                continue
            }
            let started = health.clock.now()
            do {
                let value = try await attempt(deployment, model)
                let elapsed = health.clock.now() - started
                health.end(
                    deployment, failed: false, latency: features.streaming ? nil : elapsed,
                    firstToken: features.streaming ? elapsed : nil)
                decision.attempts.append(
                    .init(deployment: deployment.id, model: model.name, outcome: "ok", upstreamStatus: 200,
                          durationMs: (elapsed * 1000).rounded(), kind: attemptKind))
                decision.pick = deployment.id
                if let prefix = features.promptPrefixKey {
                    affinity.remember(
                        prefix: prefix, model: model.name, deployment: deployment, now: health.clock.now())
                }
                return Routed(value: value, deployment: deployment, decision: decision)
            } catch {
                let gatewayError = error as? GatewayError
                    ?? GatewayError(.internalError, "An internal error occurred.", underlying: error)
                let elapsed = health.clock.now() - started
                let countsAgainstDeployment = gatewayError.code.isRetryable
                health.end(deployment, failed: countsAgainstDeployment, latency: nil, firstToken: nil)
                decision.attempts.append(
                    .init(deployment: deployment.id, model: model.name, outcome: gatewayError.code.rawValue,
                          upstreamStatus: gatewayError.upstream?.status, durationMs: (elapsed * 1000).rounded(),
                          kind: attemptKind))
                lastError = gatewayError
                guard gatewayError.code.isRetryable else { throw gatewayError }
                if gatewayError.code == .rateLimited {
                    health.coolDown(deployment, seconds: gatewayError.upstream?.retryAfterSeconds ?? 1)
                }
                // Move on to the next deployment when there is one; retry the only one otherwise.
                if deploymentIndex + 1 < plan.ordered.count {
                    deploymentIndex += 1
                    attemptKind = "failover"
                } else {
                    attemptKind = "retry"
                    if gatewayError.code == .rateLimited,
                        (gatewayError.upstream?.retryAfterSeconds ?? 0) > model.routing.maxDelay.seconds
                    {
                        break
                    }
                }
            }
        }
        throw lastError
    }

    /// Exponential backoff with full jitter, at least the upstream's `retry-after` when retrying the same place.
    private func backoff(after error: GatewayError, attempt: Int, policy: RoutingPolicy) async throws {
        let ceiling = min(policy.maxDelay.seconds, policy.baseDelay.seconds * pow(2, Double(attempt - 1)))
        var random = FastRandom()
        var delay = Double.random(in: 0...max(0, ceiling), using: &random)
        if let retryAfter = error.upstream?.retryAfterSeconds, error.code == .rateLimited {
            delay = max(delay, min(retryAfter, policy.maxDelay.seconds))
        }
        guard delay > 0 else { return }
        try await health.clock.sleep(for: .milliseconds(Int(delay * 1000)))
    }
}
