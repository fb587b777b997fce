import HTTPTypes
import SwitchyardCore
import SwitchyardRouting

/// A learned router's choice for one request: the configured model to serve (with the next-best candidates as
/// its fallbacks), the explanation, and what routing must respect on the way.
struct RouterSelection: Sendable {
    /// The router's configured name.
    var router: String
    /// The model name the client sent (`auto`, `router/NAME`).
    var requestedModel: String
    /// The chosen model, its fallbacks extended with the next-best candidates.
    var model: ModelDefinition
    /// Every model the request may reach (the pick and its candidate fallbacks), for the budget reservation.
    var reachableModels: [ModelDefinition]
    /// Why.
    var explanation: RouterExplanation
    /// Providers the request must not use.
    var excludedProviders: Set<String>

    /// `x-switchyard-router`.
    var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.switchyardRouter] = router
        return headers
    }

    /// Adds the router's exclusions and explanation to what routing knows about the request.
    func constrain(_ features: inout RequestFeatures) {
        features.excludedProviders.formUnion(excludedProviders)
        features.router = explanation
    }
}

extension HTTPField.Name {
    /// The learned router that chose the model.
    static let switchyardRouter = Self("x-switchyard-router")!
    /// The conversation a request belongs to, for router stickiness.
    static let switchyardConversationID = Self("x-switchyard-conversation-id")!
}

extension RouterExplanation {
    /// What the strongest candidate would have cost for a served request: its configured price on the request's
    /// real usage, else the router's estimate; `nil` when nothing was served.
    func strongestCost(of usage: Usage?) -> Double? {
        guard let usage else { return nil }
        return strongestPricing?.cost(of: usage) ?? strongestCostUSD
    }
}
