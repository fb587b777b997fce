import Foundation
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting

/// Governance before one chat request: model and region rights, rate limits, a budget reservation, perhaps a
/// downgrade.
struct ChatGovernance: Sendable {
    let runtime: GovernanceRuntime
    let defaultCompletionTokens: Int

    /// Admits a request for a model.
    ///
    /// The estimate is priced on the most expensive deployment the caller may be served from, so a reservation
    /// never undershoots; regions the caller may not use are refused here (403) rather than by routing.
    ///
    /// - Throws: ``GovernanceError`` (`model_not_allowed`, `region_not_allowed`, `rate_limited`, `budget_exceeded`).
    func admit(_ chat: ChatRequest, model: ModelDefinition, identity: Identity) async throws -> Admission {
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
        return try await runtime.governor.admit(identity, request)
    }
}
