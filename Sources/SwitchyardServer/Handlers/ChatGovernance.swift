import Foundation
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import Synchronization

/// Governance around one chat request: admission before routing (model and region rights, rate limits, a budget
/// reservation, perhaps a downgrade), and exactly one completion after it, however the request ends.
struct ChatGovernance: Sendable {
    let runtime: GovernanceRuntime
    let defaultCompletionTokens: Int

    /// Admits a request for a model.
    ///
    /// The estimate is priced on the most expensive deployment the caller may be served from, so a reservation
    /// never undershoots; regions the caller may not use are refused here (403) rather than by routing.
    ///
    /// - Throws: ``GovernanceError`` (`model_not_allowed`, `region_not_allowed`, `rate_limited`, `budget_exceeded`).
    func admit(_ chat: ChatRequest, model: ModelDefinition, identity: Identity, requestID: String) async throws
        -> UsageTicket
    {
        let pricing = runtime.pricing
        var eligible = model.deployments
        if !identity.allowedRegions.isEmpty {
            eligible = eligible.filter { deployment in
                deployment.region.map { identity.allowedRegions.contains($0) } ?? false
            }
        }
        func weight(_ deployment: Deployment) -> Double {
            pricing.price(for: deployment).map { $0.inputPerMTok + $0.outputPerMTok } ?? 0
        }
        guard let representative = eligible.max(by: { weight($0) < weight($1) }) ?? model.deployments.first else {
            throw GatewayError(.noEligibleDeployment, "Model '\(model.name)' has no deployments.")
        }
        let request = AdmissionRequest(
            chat: chat, deployment: representative, pricing: pricing, defaultCompletionTokens: defaultCompletionTokens)
        let admission = try await runtime.governor.admit(identity, request)
        return UsageTicket(governor: runtime.governor, admission: admission, requestID: requestID)
    }
}

/// An admitted request's claim on the ledger: completed exactly once (later calls are ignored), so every path,
/// including a stream the client abandons, settles its budget and writes one usage record.
final class UsageTicket: Sendable {
    let governor: Governor
    let admission: Admission
    let requestID: String
    private let done = Atomic<Bool>(false)

    init(governor: Governor, admission: Admission, requestID: String) {
        self.governor = governor
        self.admission = admission
        self.requestID = requestID
    }

    /// Settles a served request.
    func succeeded(
        deployment: Deployment?, usage: Usage?, model: String, timeToFirstToken: Double? = nil, status: Int = 200,
        errorCode: String? = nil
    ) async {
        await complete(
            RequestOutcome(
                requestID: requestID, model: model, deployment: deployment, usage: usage, status: status,
                errorCode: errorCode, timeToFirstTokenMilliseconds: timeToFirstToken))
    }

    /// Settles a request answered by the cache: nothing spent; the cached answer's price is recorded as saved.
    func cached(model: String, savedFrom deployment: Deployment?, usage: Usage?) async {
        let saved = deployment.flatMap { deployment in usage.map { (deployment: deployment, usage: $0) } }
        await complete(
            RequestOutcome(
                requestID: requestID, model: model, deployment: nil, usage: nil, cacheHit: true, savedFrom: saved))
    }

    /// Settles a failed request: the reservation is released and the error recorded.
    func failed(_ error: any Error, model: String, deployment: Deployment? = nil) async {
        let mapped = GatewayErrorMapping.map(error)
        await complete(
            RequestOutcome(
                requestID: requestID, model: model, deployment: deployment, usage: nil, status: mapped.code.httpStatus,
                errorCode: mapped.code.rawValue))
    }

    private func complete(_ outcome: RequestOutcome) async {
        guard done.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        await governor.complete(admission, outcome)
    }
}
