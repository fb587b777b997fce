public import SwitchyardCore

/// Why a learned router sent a request to a model: the objective and cost weight (with any budget-pressure
/// uplift), every candidate's predicted quality and cost, the pick, and what the strongest candidate would have
/// cost.
///
/// Attached to ``RoutingDecision/router`` (so `GET /v1/routing/decisions/{request_id}` shows it) and summarised in
/// ``reason`` for the `x-switchyard-route-reason` header.
public struct RouterExplanation: Sendable, Codable, Hashable {
    /// One candidate as the router saw it.
    public struct Candidate: Sendable, Codable, Hashable {
        /// The candidate's name in the trained router.
        public var candidate: String
        /// The configured public model it maps to; `nil` when the configuration leaves it out.
        public var model: String?
        /// Predicted quality (0…1) the decision used, after any feedback adjustment.
        public var predictedQuality: Double
        /// Expected cost of this request in US dollars.
        public var expectedCostUSD: Double
        /// `quality − λ · normalised cost` under a cost-weighted objective.
        public var utility: Double?
        /// Why it could not be picked for this request, if it could not.
        public var excluded: String?

        /// Describes one candidate.
        public init(
            candidate: String, model: String?, predictedQuality: Double, expectedCostUSD: Double, utility: Double?,
            excluded: String?
        ) {
            self.candidate = candidate
            self.model = model
            self.predictedQuality = predictedQuality
            self.expectedCostUSD = expectedCostUSD
            self.utility = utility
            self.excluded = excluded
        }

        enum CodingKeys: String, CodingKey {
            case candidate, model, utility, excluded
            case predictedQuality = "predicted_quality"
            case expectedCostUSD = "expected_cost_usd"
        }
    }

    /// The router's configured name.
    public var router: String
    /// The objective as configured (`balanced`, `lambda=0.5`, `target=0.8`).
    public var objective: String
    /// The configured objective's cost weight, before budget pressure (`nil` for a quality target).
    public var baseLambda: Double?
    /// The cost weight applied (`nil` when a quality target decided).
    public var lambda: Double?
    /// The tenant's forecast spend over its budget when the request arrived, if known.
    public var budgetRatio: Double?
    /// How much budget pressure added to λ (0 without pressure).
    public var budgetUplift: Double
    /// Every candidate, in the trained router's order.
    public var candidates: [Candidate]
    /// The trained candidate picked.
    public var pickCandidate: String
    /// The configured model that serves it.
    public var pick: String
    /// Why this pick: `objective`, `sticky` (the conversation's earlier model) or `target_not_met`.
    public var basis: String
    /// The candidate with the best mean quality in training.
    public var strongestCandidate: String
    /// The configured model it maps to, if any.
    public var strongest: String?
    /// The router's estimate of what the strongest candidate would have cost for this request.
    public var strongestCostUSD: Double
    /// The strongest model's configured price, used to price the counterfactual on the real usage.
    public var strongestPricing: ModelPricing?
    /// Next-best candidates' models, tried in order when the pick fails entirely.
    public var fallbacks: [String]
    /// What the feedback learner said, if one adjusted the predictions.
    public var feedback: String?
    /// Whether the feedback learner explored on this request.
    public var explored: Bool

    /// Creates an explanation.
    public init(
        router: String, objective: String, baseLambda: Double?, lambda: Double?, budgetRatio: Double?,
        budgetUplift: Double, candidates: [Candidate], pickCandidate: String, pick: String, basis: String,
        strongestCandidate: String, strongest: String?, strongestCostUSD: Double, strongestPricing: ModelPricing?,
        fallbacks: [String], feedback: String?, explored: Bool
    ) {
        self.router = router
        self.objective = objective
        self.baseLambda = baseLambda
        self.lambda = lambda
        self.budgetRatio = budgetRatio
        self.budgetUplift = budgetUplift
        self.candidates = candidates
        self.pickCandidate = pickCandidate
        self.pick = pick
        self.basis = basis
        self.strongestCandidate = strongestCandidate
        self.strongest = strongest
        self.strongestCostUSD = strongestCostUSD
        self.strongestPricing = strongestPricing
        self.fallbacks = fallbacks
        self.feedback = feedback
        self.explored = explored
    }

    /// One ASCII line: `router auto balanced lambda=0.11+0.50 budget: mixtral q=0.74 $0.00021 vs gpt-4 $0.00512`.
    public var reason: String {
        var text = "router \(router) \(objective)"
        if let lambda {
            text += " lambda=\(RouterDecision.format(lambda, digits: 3))"
            if budgetUplift > 0 { text += " (+\(RouterDecision.format(budgetUplift, digits: 3)) budget)" }
        }
        if basis == "sticky" { text += " sticky" }
        let row = candidates.first { $0.candidate == pickCandidate }
        text += ": \(pick)"
        if let row {
            text += " q=\(RouterDecision.format(row.predictedQuality))"
            text += " $\(RouterDecision.format(row.expectedCostUSD, digits: 6))"
        }
        text += " vs \(strongest ?? strongestCandidate) $\(RouterDecision.format(strongestCostUSD, digits: 6))"
        if basis == "target_not_met" { text += " (target not met)" }
        return text
    }

    enum CodingKeys: String, CodingKey {
        case router, objective, lambda, candidates, pick, basis, strongest, fallbacks, feedback, explored
        case baseLambda = "base_lambda"
        case budgetRatio = "budget_ratio"
        case budgetUplift = "budget_uplift"
        case pickCandidate = "pick_candidate"
        case strongestCandidate = "strongest_candidate"
        case strongestCostUSD = "strongest_cost_usd"
        case strongestPricing = "strongest_pricing"
    }
}
