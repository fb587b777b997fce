import Foundation
import Logging
import SwitchyardCore
import SwitchyardStore

/// The governance pipeline around one model call: authorise, limit and reserve before; settle and record after.
///
/// Nothing here touches the database: keys, tenants and teams come from the ``PolicyCache``, budgets from the
/// ``BudgetTracker``, limits from the ``RateLimiter``; records go to the ``UsageLedger`` buffer.
///
/// ```swift
/// let admission = try await governor.admit(identity, AdmissionRequest(chat: chat, deployment: deployment))
/// // serve admission.downgradeModel instead, if set; add admission.headers to the response
/// await governor.complete(admission, RequestOutcome(requestID: id, deployment: deployment, usage: usage, ...))
/// ```
///
/// A class: the chat handler hands it on per request, and a copy of its six services was six reference-count
/// operations.
public final class Governor: Sendable {
    /// The key, tenant and team cache.
    public let cache: PolicyCache
    /// The budget counters.
    public let budgets: BudgetTracker
    /// The rate limiter.
    public let limiter: any RateLimiter
    /// Model prices.
    public let pricing: PricingCatalogue
    /// The usage ledger.
    public let ledger: UsageLedger?
    /// Where soft-limit alerts go.
    public let alerts: BudgetAlertService?

    /// Creates a governor.
    public init(
        cache: PolicyCache, budgets: BudgetTracker, limiter: any RateLimiter = InProcessRateLimiter(),
        pricing: PricingCatalogue = PricingCatalogue(), ledger: UsageLedger?, alerts: BudgetAlertService? = nil
    ) {
        self.cache = cache
        self.budgets = budgets
        self.limiter = limiter
        self.pricing = pricing
        self.ledger = ledger
        self.alerts = alerts
    }

    /// Checks model and region, takes the rate limits and reserves the estimated cost.
    ///
    /// Order: model (403), region (403), rate limits (429, nothing taken from the budget), budget (429; on a
    /// refusal the rate-limit tokens are given back).
    ///
    /// - Returns: The admission to pass to ``complete(_:_:)``; it may ask for a downgrade.
    /// - Throws: ``GovernanceError`` `model_not_allowed`, `region_not_allowed`, `rate_limited`, `budget_exceeded`.
    public func admit(
        _ identity: Identity, _ request: AdmissionRequest, now: Date = Date()
    ) async throws(GovernanceError) -> Admission
    {
        if !identity.allowedModels.isEmpty, !identity.allowedModels.contains(request.model) {
            throw GovernanceError(
                .modelNotAllowed, "This API key may not use model '\(request.model)'.", param: "model")
        }
        if !identity.allowedRegions.isEmpty {
            guard let region = request.region, identity.allowedRegions.contains(region) else {
                throw GovernanceError(
                    .regionNotAllowed, "This API key may not be served from region '\(request.region ?? "unknown")'.")
            }
        }
        let policies = cache.policies(tenantID: identity.tenantID, teamID: identity.teamID)
        let scopes = Self.scopes(of: identity)
        // One array made at its size (a literal of optionals, then `compactMap`, was two).
        var buckets: [RateLimitBucket] = []
        buckets.reserveCapacity(3)
        buckets.append(RateLimitBucket(scope: scopes[0], limits: identity.rateLimits))
        if let team = policies.team {
            buckets.append(RateLimitBucket(scope: BudgetScope(.team, team.id), limits: team.rateLimits))
        }
        if let tenant = policies.tenant {
            buckets.append(RateLimitBucket(scope: BudgetScope(.tenant, tenant.id), limits: tenant.rateLimits))
        }
        let tokens = request.estimatedPromptTokens + request.estimatedCompletionTokens
        let status = try await limiter.acquire(buckets, tokens: tokens)
        let limits = Self.limits(identity: identity, tenant: policies.tenant, team: policies.team)
        let estimatedUsage = Usage(
            promptTokens: request.estimatedPromptTokens, completionTokens: request.estimatedCompletionTokens)
        let estimate = request.pricing?.cost(of: estimatedUsage) ?? 0
        let reservation: BudgetTracker.Reservation
        do {
            reservation = try budgets.reserve(limits, scopes: scopes, estimate: estimate, now: now)
        } catch {
            await limiter.adjust(buckets, tokenDelta: -tokens)
            throw error
        }
        if let cheaper = reservation.downgradeModel, !identity.allowedModels.isEmpty,
            !identity.allowedModels.contains(cheaper)
        {
            // The downgrade target is not this key's to use: the hard limit applies after all.
            _ = budgets.settle(reservation, actualCost: 0, limits: [], now: now)
            await limiter.adjust(buckets, tokenDelta: -tokens)
            throw GovernanceError(.budgetExceeded, "The budget is exhausted.")
        }
        return Admission(
            identity: identity, model: request.model, reservation: reservation, limits: limits, buckets: buckets,
            estimatedTokens: tokens, rateLimitStatus: status, startedAt: now)
    }

    /// Settles the budget with the real cost, corrects the token buckets, queues alerts and records the request.
    public func complete(_ admission: Admission, _ outcome: RequestOutcome) async {
        let cost = outcome.costUSD ?? priced(outcome)
        let alertsCrossed = budgets.settle(admission.reservation, actualCost: cost, limits: admission.limits)
        for alert in alertsCrossed { alerts?.enqueue(alert) }
        let tokens = outcome.usage?.totalTokens ?? 0
        await limiter.adjust(admission.buckets, tokenDelta: tokens - admission.estimatedTokens)
        let usage = outcome.usage ?? Usage()
        let finished = outcome.finishedAt ?? Date()
        let saved = outcome.savedFrom.map { pricing.price(for: $0.deployment)?.cost(of: $0.usage) ?? 0 } ?? 0
        ledger?.record(
            UsageRecord(
                time: admission.startedAt, requestID: outcome.requestID, tenantID: admission.identity.tenantID,
                teamID: admission.identity.teamID, keyID: admission.identity.keyID,
                keyPrefix: admission.identity.keyPrefix, model: outcome.model ?? admission.model,
                deployment: outcome.deployment?.id, region: outcome.deployment?.region,
                promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                cachedPromptTokens: usage.cachedPromptTokens, cacheCreationTokens: usage.cacheCreationTokens,
                reasoningTokens: usage.reasoningTokens, cost: cost,
                latencyMilliseconds: finished.timeIntervalSince(admission.startedAt) * 1000,
                timeToFirstTokenMilliseconds: outcome.timeToFirstTokenMilliseconds, status: outcome.status,
                errorCode: outcome.errorCode, cacheHit: outcome.cacheHit, savedCost: saved, router: outcome.router,
                strongestCost: outcome.strongestCost, experiment: outcome.experiment,
                experimentArm: outcome.experimentArm))
    }

    /// The cost of an outcome's usage at the catalogue's price for its deployment (0 when either is unknown).
    private func priced(_ outcome: RequestOutcome) -> Double {
        guard let usage = outcome.usage, let deployment = outcome.deployment else { return 0 }
        return pricing.price(for: deployment)?.cost(of: usage) ?? 0
    }

    /// The key's, its team's (if any) and its tenant's scopes, in that order: an array made at its size (appending
    /// to a literal of one grew it).
    static func scopes(of identity: Identity) -> [BudgetScope] {
        let key = BudgetScope(.key, identity.keyID)
        let tenant = BudgetScope(.tenant, identity.tenantID)
        if let team = identity.teamID { return [key, BudgetScope(.team, team), tenant] }
        return [key, tenant]
    }

    static func limits(identity: Identity, tenant: Tenant?, team: Team?) -> [BudgetTracker.Limit] {
        var limits: [BudgetTracker.Limit] = []
        if let budget = identity.budget {
            limits.append(.init(scope: BudgetScope(.key, identity.keyID), limits: budget, tenantID: identity.tenantID))
        }
        if let team, let budget = team.budget {
            limits.append(.init(scope: BudgetScope(.team, team.id), limits: budget, tenantID: identity.tenantID))
        }
        if let tenant, let budget = tenant.budget {
            limits.append(.init(scope: BudgetScope(.tenant, tenant.id), limits: budget, tenantID: identity.tenantID))
        }
        return limits
    }
}
