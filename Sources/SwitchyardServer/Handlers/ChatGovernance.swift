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
    /// For a request a learned router chose the model for (`learned`), the estimate covers the models the request
    /// can actually reach (the pick and its candidate fallbacks, without excluded providers), and a key allowed to
    /// use the router may use the model it picked.
    ///
    /// - Throws: ``GovernanceError`` (`model_not_allowed`, `region_not_allowed`, `rate_limited`, `budget_exceeded`).
    func admit(
        _ chat: ChatRequest, model: ModelDefinition, identity: Identity, learned: RouterSelection? = nil
    ) async throws -> Admission {
        let (identity, request) = try admissionRequest(chat, model: model, identity: identity, learned: learned)
        return try await runtime.governor.admit(identity, request)
    }

    /// The identity as admission sees it (a router's reachable models allowed) and what it admits: the estimate
    /// on the most expensive eligible deployment. Synchronous, so none of it is in the frame that waits for the
    /// governor (7,856 bytes as one function).
    @inline(never)
    func admissionRequest(
        _ chat: ChatRequest, model: ModelDefinition, identity: Identity, learned: RouterSelection?
    ) throws -> (Identity, AdmissionRequest) {
        let pricing = runtime.pricing
        var identity = identity
        var eligible = model.deployments
        if let learned {
            eligible = learned.reachableModels.flatMap(\.deployments).filter {
                !learned.excludedProviders.contains($0.provider.name)
            }
            if identity.allowedModels.contains(learned.requestedModel)
                || identity.allowedModels.contains("router/\(learned.router)")
            {
                identity.allowedModels.formUnion(learned.reachableModels.map(\.name))
            }
        }
        let representative = try mostExpensive(of: eligible, model: model, identity: identity)
        let request = AdmissionRequest(
            chat: chat, deployment: representative, pricing: pricing, defaultCompletionTokens: defaultCompletionTokens)
        return (identity, request)
    }

    /// Admits an embeddings request on its input tokens: the same model and region rights, rate limits and budget
    /// as a chat request, priced on the most expensive deployment the caller may be served from. An admission that
    /// asks for a downgrade is the caller's to refuse: a budget's `downgrade_model` is a chat model.
    ///
    /// - Throws: ``GovernanceError`` (`model_not_allowed`, `region_not_allowed`, `rate_limited`, `budget_exceeded`).
    func admitEmbeddings(model: ModelDefinition, identity: Identity, inputTokens: Int) async throws -> Admission {
        let representative = try mostExpensive(of: model.deployments, model: model, identity: identity)
        return try await runtime.governor.admit(
            identity,
            AdmissionRequest(
                model: model.name, region: representative.region, pricing: runtime.pricing.price(for: representative),
                estimatedPromptTokens: inputTokens, estimatedCompletionTokens: 0))
    }

    /// The deployment with the highest price per token among `eligible` in the regions `identity` may use, else the
    /// model's first (then refused for its region).
    private func mostExpensive(of eligible: [Deployment], model: ModelDefinition, identity: Identity) throws
        -> Deployment
    {
        var eligible = eligible
        if !identity.allowedRegions.isEmpty {
            eligible = eligible.filter { deployment in
                deployment.region.map { identity.allowedRegions.contains($0) } ?? false
            }
        }
        let pricing = runtime.pricing
        func weight(_ deployment: Deployment) -> Double {
            pricing.price(for: deployment).map { $0.inputPerMTok + $0.outputPerMTok } ?? 0
        }
        guard let representative = eligible.max(by: { weight($0) < weight($1) }) ?? model.deployments.first else {
            throw GatewayError(.noEligibleDeployment, "Model '\(model.name)' has no deployments.")
        }
        return representative
    }
}
