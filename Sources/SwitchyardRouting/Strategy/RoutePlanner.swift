import Foundation
public import SwitchyardCore
import Synchronization

/// Orders a model's deployments for one request: filters what cannot serve it, ranks the rest by tier, region and
/// strategy, and explains the result.
public struct RoutePlanner: Sendable {
    /// The ordered attempt list and the explanation.
    public struct Plan: Sendable {
        /// Eligible deployments in the order to try them.
        public var ordered: [Deployment]
        /// Every candidate with its scores.
        public var candidates: [RoutingDecision.Candidate]
        /// The short explanation.
        public var reason: String
        /// The strategy used.
        public var strategy: RoutingStrategyKind
        /// Why no deployment is eligible, when none is.
        public var failure: GatewayError?
        /// The health slots of ``ordered``, in the same order: the attempt loop begins and ends its attempts on
        /// them.
        var slots: [DeploymentHealthBook.Slot]
    }

    let health: DeploymentHealthBook
    let affinity: PromptCacheAffinity?
    private let counters = RoundRobinCounters()

    /// Creates a planner over a health book, with an optional prompt-cache affinity table.
    public init(health: DeploymentHealthBook, affinity: PromptCacheAffinity? = nil) {
        self.health = health
        self.affinity = affinity
    }

    /// Plans a request for a model.
    public func plan(
        _ model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind,
        excluding: Set<String> = []
    ) -> Plan {
        let now = health.clock.now()
        var candidates: [RoutingDecision.Candidate] = []
        var eligible: [StrategyOrdering.Entry] = []
        var eligibleSlots: [DeploymentHealthBook.Slot] = []
        var permanentExclusions = 0
        for deployment in model.deployments {
            let (state, unavailable, slot) = health.assess(deployment, tokens: features.promptTokens)
            let latency = state.latency == nil
                ? nil : (state.effectiveLatency(now: now, streaming: features.streaming) * 1000).rounded()
            var candidate = RoutingDecision.Candidate(
                deployment: deployment.id, model: model.name, provider: deployment.provider.name,
                region: deployment.region, priority: deployment.priority,
                estimatedCostUSD: features.estimatedCost(on: deployment),
                latencyMs: latency,
                inflight: state.inflight, circuit: state.circuit.name)
            if let reason = permanentExclusion(deployment, features: features) {
                candidate.excluded = reason
                permanentExclusions += 1
            } else if excluding.contains(deployment.id) {
                candidate.excluded = "already failed for this request"
            } else if let reason = unavailable {
                candidate.excluded = reason
            } else {
                eligible.append((deployment, state))
                eligibleSlots.append(slot)
            }
            candidates.append(candidate)
        }
        var (ordered, reason) = rank(eligible, model: model, features: features, strategy: strategy, now: now)
        preferCachedPrefix(&ordered, reason: &reason, model: model, features: features, now: now)
        for (position, deployment) in ordered.enumerated() {
            if let index = candidates.firstIndex(where: { $0.deployment == deployment.id }) {
                candidates[index].rank = position + 1
            }
        }
        var failure: GatewayError?
        if ordered.isEmpty {
            if permanentExclusions == model.deployments.count {
                let why = Set(candidates.compactMap(\.excluded)).sorted().joined(separator: "; ")
                failure = GatewayError(
                    .noEligibleDeployment, "No deployment of model '\(model.name)' can serve this request (\(why)).",
                    param: "model")
            } else {
                failure = GatewayError(
                    .noHealthyDeployment, "Every deployment of model '\(model.name)' is unavailable right now.")
            }
        }
        return Plan(
            ordered: ordered, candidates: candidates, reason: reason, strategy: strategy, failure: failure,
            slots: Self.slots(of: ordered, eligible: eligible, eligibleSlots: eligibleSlots))
    }

    /// The slots of the ordered deployments: the eligible ones' as they are when the order did not change (one
    /// eligible deployment), found by id otherwise.
    private static func slots(
        of ordered: [Deployment], eligible: [StrategyOrdering.Entry], eligibleSlots: [DeploymentHealthBook.Slot]
    ) -> [DeploymentHealthBook.Slot] {
        if ordered.count == 1, eligible.count == 1 { return eligibleSlots }
        return ordered.map { deployment in
            eligibleSlots[eligible.firstIndex { $0.0.id == deployment.id } ?? 0]
        }
    }

    /// Prompt-cache affinity: the deployment that served this long prefix goes first within its tier.
    private func preferCachedPrefix(
        _ ordered: inout [Deployment], reason: inout String, model: ModelDefinition, features: RequestFeatures,
        now: Double
    ) {
        guard let affinity, let prefix = features.promptPrefixKey, ordered.count > 1,
            let remembered = affinity.deployment(forPrefix: prefix, model: model.name, now: now),
            let index = ordered.firstIndex(where: { $0.id == remembered }), index > 0,
            ordered[index].priority == ordered[0].priority
        else { return }
        let preferred = ordered.remove(at: index)
        ordered.insert(preferred, at: 0)
        reason = "prompt-cache affinity: \(preferred.id) holds this prefix; " + reason
    }

    /// Exclusions that no amount of waiting fixes: excluded providers, region pins, capabilities, context window.
    private func permanentExclusion(_ deployment: Deployment, features: RequestFeatures) -> String? {
        if features.excludedProviders.contains(deployment.provider.name) {
            return "provider \(deployment.provider.name) excluded"
        }
        if !features.allowedRegions.isEmpty {
            guard let region = deployment.region, features.allowedRegions.contains(region) else {
                return "region \(deployment.region ?? "unknown") not allowed"
            }
        }
        let missing = features.needs.subtracting(deployment.capabilities)
        if !missing.isEmpty { return "lacks \(missing.listing)" }
        if let window = deployment.contextWindow, features.promptTokens + (features.maxTokens ?? 0) > window {
            return "context window \(window) too small for ~\(features.promptTokens + (features.maxTokens ?? 0)) tokens"
        }
        return nil
    }

    private func rank(
        _ eligible: [StrategyOrdering.Entry], model: ModelDefinition, features: RequestFeatures,
        strategy: RoutingStrategyKind, now: Double
    ) -> ([Deployment], String) {
        guard !eligible.isEmpty else { return ([], "\(strategy.rawValue): no eligible deployment") }
        if eligible.count == 1 {
            // One choice: nothing to order (the weighted shuffle and the round-robin counter cost 4,000 instructions).
            return ([eligible[0].0], StrategyOrdering.explain(eligible, strategy: strategy, features: features, now: now))
        }
        let ordered = StrategyOrdering.order(
            eligible, strategy: strategy, features: features, now: now,
            roundRobinTicket: strategy == .roundRobin ? counters.next(for: model.name) : 0)
        // Tier first, then the caller's region, then the strategy's order (stable).
        let sorted = ordered.enumerated().sorted { lhs, rhs in
            let (left, right) = (lhs.element.0, rhs.element.0)
            if left.priority != right.priority { return left.priority < right.priority }
            if let preferred = features.preferredRegion {
                let leftHome = left.region == preferred
                let rightHome = right.region == preferred
                if leftHome != rightHome { return leftHome }
            }
            return lhs.offset < rhs.offset
        }.map(\.element)
        let reason = StrategyOrdering.explain(sorted, strategy: strategy, features: features, now: now)
        return (sorted.map(\.0), reason)
    }
}

/// One counter per model for round robin.
final class RoundRobinCounters: Sendable {
    private let counters = Mutex<[String: Int]>([:])

    func next(for model: String) -> Int {
        counters.withLock { counters in
            let value = counters[model, default: 0]
            counters[model] = value &+ 1
            return value
        }
    }
}
