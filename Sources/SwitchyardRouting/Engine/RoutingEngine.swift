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
    ///
    /// A stream's first event can take seconds (a model's time to first token), and it is awaited under this frame
    /// and ``runGroup(_:features:strategy:excluding:kind:decision:attempt:)``'s, with thousands of streams waiting
    /// at once. So what runs before and after an attempt is in synchronous helpers, the group's loop state is one
    /// object, and falling back to other models is its own function: the two frames were 4,096 and 4,544 bytes.
    public func route<Value: Sendable>(
        requestID: String, model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind? = nil,
        excluding: Set<String> = [], allowFallbacks: Bool = true,
        attempt: @Sendable (Deployment, ModelDefinition) async throws -> Value
    ) async throws -> Routed<Value> {
        let chosen = strategy.flatMap { model.routing.allowsStrategyOverride ? $0 : nil } ?? model.routing.strategy
        // Made here and not kept elsewhere, so that the group's first write to it does not copy its fields.
        var decision = begin(requestID: requestID, model: model, features: features, strategy: chosen)
        let lastError: GatewayError
        do {
            let routed = try await runGroup(
                model, features: features, strategy: chosen, excluding: excluding, kind: "first",
                decision: &decision, attempt: attempt)
            // Without a learned router there is nothing to add: no copy of the routed call (about 1,000 instructions).
            guard features.routerBox != nil else { return routed }
            return Self.explained(routed, features: features)
        } catch let error as GatewayError {
            lastError = error
        }
        return try await fallBack(
            from: model, after: lastError, features: features, excluding: excluding, allowFallbacks: allowFallbacks,
            decision: decision, attempt: attempt)
    }

    /// Deposits into the retry budget; the decision a call starts with.
    @inline(never)
    private func begin(
        requestID: String, model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind
    ) -> RoutingDecision {
        retryBudget.deposit()
        var decision = RoutingDecision(
            requestID: requestID, model: model.name, strategy: strategy.rawValue, reason: "", candidates: [],
            pick: nil, attempts: [], timestamp: Date().timeIntervalSince1970)
        decision.routerBox = features.routerBox  // the same box, not a copy of the explanation
        return decision
    }

    /// After the model's own deployments failed: its fallback models for the error's class, in order, then the
    /// last error (with the decision recorded).
    @inline(never)
    private func fallBack<Value: Sendable>(
        from model: ModelDefinition, after error: GatewayError, features: RequestFeatures, excluding: Set<String>,
        allowFallbacks: Bool, decision: RoutingDecision,
        attempt: @Sendable (Deployment, ModelDefinition) async throws -> Value
    ) async throws -> Routed<Value> {
        var decision = decision
        var lastError = error
        if allowFallbacks {
            for fallbackName in model.routing.fallbackModels(for: lastError.code) {
                guard let fallback = try? catalog.model(named: fallbackName) else { continue }
                do {
                    var routed = try await runGroup(
                        fallback, features: features, strategy: fallback.routing.strategy, excluding: excluding,
                        kind: "fallback", decision: &decision, attempt: attempt)
                    routed.decision.reason += " (fallback from \(model.name) after \(lastError.code))"
                    return Self.explained(routed, features: features)
                } catch let error as GatewayError {
                    lastError = error
                    if error.code == .clientClosedRequest { break }  // nobody is waiting for an answer
                }
            }
        }
        decision.reason = Self.explained(decision.reason, features: features)
        decisions.record(decision)
        throw lastError
    }

    /// The routed call with the learned router's reason before the deployment's.
    @inline(never)
    private static func explained<Value>(_ routed: Routed<Value>, features: RequestFeatures) -> Routed<Value> {
        var routed = routed
        routed.decision.reason = explained(routed.decision.reason, features: features)
        return routed
    }

    /// The learned router's reason before the deployment's, when a router chose the model.
    private static func explained(_ reason: String, features: RequestFeatures) -> String {
        guard let router = features.router else { return reason }
        return reason.isEmpty ? router.reason : router.reason + "; " + reason
    }

    /// Attempts one model's deployments in the planned order: retries with backoff within the retry budget, fails
    /// over on retryable errors, and stops on the first error that is not.
    private func runGroup<Value: Sendable>(
        _ model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind, excluding: Set<String>,
        kind: String, decision: inout RoutingDecision,
        attempt: @Sendable (Deployment, ModelDefinition) async throws -> Value
    ) async throws -> Routed<Value> {
        let group = try plan(model, features: features, strategy: strategy, excluding: excluding, kind: kind,
                             decision: &decision)
        while group.hasNext {
            if group.kind == "retry" {
                // Retrying the same deployment is what storms are made of: it needs budget and backs off.
                guard group.withdrawRetry(from: retryBudget) else { break }
                try await backoff(after: group.failure, attempt: group.retriesSameDeployment, policy: model.routing)
            }
            guard group.begin(health: health, tokens: features.promptTokens) else { continue }
            let started = health.clock.now()
            do {
                let value = try await attempt(group.deployment, model)
                return succeeded(value, group: group, model: model, features: features, started: started,
                                 decision: &decision)
            } catch {
                guard try failed(error, group: group, model: model, started: started, decision: &decision) else {
                    break
                }
            }
        }
        throw group.failure
    }

    /// Plans the group and records its candidates; throws the plan's failure.
    @inline(never)
    private func plan(
        _ model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind, excluding: Set<String>,
        kind: String, decision: inout RoutingDecision
    ) throws -> GroupAttempts {
        let plan = planner.plan(model, features: features, strategy: strategy, excluding: excluding)
        if decision.candidates.isEmpty {
            decision.candidates = plan.candidates  // the first group's: no copy into an empty array
        } else {
            decision.candidates += plan.candidates
        }
        if decision.reason.isEmpty { decision.reason = plan.reason }
        if let failure = plan.failure { throw failure }
        return GroupAttempts(
            ordered: plan.ordered, slots: plan.slots, maxAttempts: model.routing.maxAttempts, kind: kind,
            model: model.name)
    }

    /// Records a successful attempt: health, the decision, the prompt-cache affinity.
    @inline(never)
    private func succeeded<Value: Sendable>(
        _ value: Value, group: GroupAttempts, model: ModelDefinition, features: RequestFeatures,
        started: Double, decision: inout RoutingDecision
    ) -> Routed<Value> {
        let deployment = group.deployment
        let elapsed = health.clock.now() - started
        health.end(
            group.slot, failed: false, latency: features.streaming ? nil : elapsed,
            firstToken: features.streaming ? elapsed : nil)
        decision.attempts.append(
            .init(deployment: deployment.id, model: model.name, outcome: "ok", upstreamStatus: 200,
                  durationMs: (elapsed * 1000).rounded(), kind: group.kind))
        decision.pick = deployment.id
        if let prefix = features.promptPrefixKey {
            affinity.remember(prefix: prefix, model: model.name, deployment: deployment, now: health.clock.now())
        }
        return Routed(value: value, deployment: deployment, decision: decision)
    }

    /// Records a failed attempt and picks what comes next: `true` to go on (another deployment, or a retry of the
    /// only one), `false` to stop with the group's last error. Rethrows errors that are not retryable.
    @inline(never)
    private func failed(
        _ error: any Error, group: GroupAttempts, model: ModelDefinition, started: Double,
        decision: inout RoutingDecision
    ) throws -> Bool {
        let deployment = group.deployment
        let gatewayError = Self.attemptError(error)
        let elapsed = health.clock.now() - started
        health.end(group.slot, failed: gatewayError.code.isRetryable, latency: nil, firstToken: nil)
        decision.attempts.append(
            .init(deployment: deployment.id, model: model.name, outcome: gatewayError.code.rawValue,
                  upstreamStatus: gatewayError.upstream?.status, durationMs: (elapsed * 1000).rounded(),
                  kind: group.kind))
        group.lastError = gatewayError
        guard gatewayError.code.isRetryable else { throw gatewayError }
        if gatewayError.code == .rateLimited {
            health.coolDown(deployment, seconds: gatewayError.upstream?.retryAfterSeconds ?? 1)
        }
        // Move on to the next deployment when there is one; retry the only one otherwise.
        if group.deploymentIndex + 1 < group.ordered.count {
            group.deploymentIndex += 1
            group.kind = "failover"
        } else {
            group.kind = "retry"
            if gatewayError.code == .rateLimited,
                (gatewayError.upstream?.retryAfterSeconds ?? 0) > model.routing.maxDelay.seconds
            {
                return false
            }
        }
        return true
    }

    /// An attempt's error as a ``GatewayError``. When the request's task was cancelled (its client closed the
    /// connection), whatever the attempt threw on the way out (the transport's cancellation maps to a timeout) is
    /// `client_closed_request`: not retried, not failed over and not counted against the deployment. The one place
    /// that decides it, for every transport and provider.
    private static func attemptError(_ error: any Error) -> GatewayError {
        if Task.isCancelled {
            return GatewayError(
                .clientClosedRequest, "The client closed the connection before the answer.", underlying: error)
        }
        return error as? GatewayError ?? GatewayError(.internalError, "An internal error occurred.", underlying: error)
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

/// One model group's attempts in progress: the planned order, where the loop is, and the last error. A class, so
/// the frame that awaits an attempt holds one reference. Used by one task only.
final class GroupAttempts {
    let ordered: [Deployment]
    /// The health slots of ``ordered``, in the same order.
    let slots: [DeploymentHealthBook.Slot]
    let maxAttempts: Int
    let model: String
    /// `first`, `fallback`, `failover` or `retry`: how the next attempt is recorded.
    var kind: String
    /// The last attempt's error; `nil` before one failed.
    var lastError: GatewayError?
    var attempts = 0
    var deploymentIndex = 0
    var retriesSameDeployment = 0

    init(ordered: [Deployment], slots: [DeploymentHealthBook.Slot], maxAttempts: Int, kind: String, model: String) {
        self.ordered = ordered
        self.slots = slots
        self.maxAttempts = maxAttempts
        self.kind = kind
        self.model = model
    }

    /// The error the group ends with: the last attempt's, or `no_healthy_deployment` when none was made. Written
    /// only when needed: the message's interpolation cost about 1,200 instructions on every request.
    var failure: GatewayError {
        lastError ?? GatewayError(.noHealthyDeployment, "No deployment of model '\(model)' answered.")
    }

    /// Whether another attempt may be made.
    var hasNext: Bool { attempts < maxAttempts && deploymentIndex < ordered.count }

    /// The deployment of the current attempt.
    var deployment: Deployment { ordered[deploymentIndex] }

    /// The health slot of the current attempt's deployment.
    var slot: DeploymentHealthBook.Slot { slots[deploymentIndex] }

    /// Takes a retry from the budget; notes on the last error when there is none left.
    func withdrawRetry(from budget: RetryBudget) -> Bool {
        guard budget.withdraw() else {
            var error = failure
            error.message += " (retry budget exhausted)"
            lastError = error
            return false
        }
        retriesSameDeployment += 1
        return true
    }

    /// Counts the attempt and asks the deployment's health to begin it; on `false` (its circuit is open or it is
    /// saturated) the loop moves on to the next deployment.
    func begin(health: DeploymentHealthBook, tokens: Int) -> Bool {
        attempts += 1
        guard health.begin(deployment, in: slot, tokens: tokens) else {
            deploymentIndex += 1
            return false
        }
        return true
    }
}
