import Foundation
import SwitchyardCore

/// What the governor needs to know about a request before the upstream call.
public struct AdmissionRequest: Sendable {
    /// The public model name requested.
    public var model: String
    /// The chosen deployment's region.
    public var region: String?
    /// The chosen deployment's price, for the estimate.
    public var pricing: ModelPricing?
    /// Estimated prompt tokens.
    public var estimatedPromptTokens: Int
    /// Estimated completion tokens (`max_tokens`, or a default).
    public var estimatedCompletionTokens: Int

    /// Creates a request description.
    public init(
        model: String, region: String?, pricing: ModelPricing?, estimatedPromptTokens: Int,
        estimatedCompletionTokens: Int
    ) {
        self.model = model
        self.region = region
        self.pricing = pricing
        self.estimatedPromptTokens = estimatedPromptTokens
        self.estimatedCompletionTokens = estimatedCompletionTokens
    }

    /// Describes a chat request served by `deployment`, estimating the prompt with
    /// ``SwitchyardCore/ChatRequest/estimatedPromptTokens`` (the same estimate routing uses) and the completion
    /// from `max_completion_tokens`/`max_tokens`, else `defaultCompletionTokens`.
    public init(
        chat: ChatRequest, deployment: Deployment, pricing catalogue: PricingCatalogue = PricingCatalogue(),
        defaultCompletionTokens: Int = 512
    ) {
        self.init(
            model: chat.model, region: deployment.region, pricing: catalogue.price(for: deployment),
            estimatedPromptTokens: chat.estimatedPromptTokens,
            estimatedCompletionTokens: (chat.effectiveMaxTokens ?? defaultCompletionTokens) * max(1, chat.n ?? 1))
    }
}

/// An admitted request: hand it back to ``Governor/complete(_:_:)`` exactly once, success or failure.
public struct Admission: Sendable {
    /// Who is calling.
    public var identity: Identity
    /// The public model requested.
    public var model: String
    /// The budget hold.
    public var reservation: BudgetTracker.Reservation
    /// The budgets that applied.
    public var limits: [BudgetTracker.Limit]
    /// The rate-limit buckets taken.
    public var buckets: [RateLimitBucket]
    /// Tokens taken from the token buckets.
    public var estimatedTokens: Int
    /// The `x-ratelimit-*` state.
    public var rateLimitStatus: RateLimitStatus
    /// When admission happened.
    public var startedAt: Date

    /// The cheaper public model to serve instead (a hard budget with a downgrade was reached), if any.
    public var downgradeModel: String? { reservation.downgradeModel }

    /// Headers for the response: `x-ratelimit-*`, and `x-switchyard-budget-downgrade` when downgraded.
    public var headers: [(String, String)] {
        var headers = rateLimitStatus.headers
        if let downgradeModel { headers.append(("x-switchyard-budget-downgrade", downgradeModel)) }
        return headers
    }
}

/// How an admitted request ended.
public struct RequestOutcome: Sendable {
    /// The gateway's request id.
    public var requestID: String
    /// The public model actually served (after a downgrade); defaults to the admitted one.
    public var model: String?
    /// The deployment that served it, if one was called.
    public var deployment: Deployment?
    /// The upstream's usage; `nil` when the call failed before any.
    public var usage: Usage?
    /// The HTTP status returned.
    public var status: Int
    /// The error code, when it failed.
    public var errorCode: String?
    /// Milliseconds to the first streamed event.
    public var timeToFirstTokenMilliseconds: Double?
    /// Whether a cache answered.
    public var cacheHit: Bool
    /// For a cache hit: the deployment and usage of the answer that was cached, priced to record the money saved.
    public var savedFrom: (deployment: Deployment, usage: Usage)?
    /// When the response finished (default: now).
    public var finishedAt: Date?
    /// The learned router that chose the model, when one did.
    public var router: String? = nil
    /// What the router's strongest candidate would have cost, in US dollars (routed requests only).
    public var strongestCost: Double? = nil
    /// The A/B experiment the request ran in, if any.
    public var experiment: String? = nil
    /// The experiment arm it was assigned to, if any.
    public var experimentArm: String? = nil
    /// The upstream cost in US dollars, when the caller priced the usage already with the governor's catalogue
    /// (the server's request ticket does, for its metrics); the governor prices it itself when `nil`.
    public var costUSD: Double? = nil

    /// Creates an outcome.
    public init(
        requestID: String, model: String? = nil, deployment: Deployment?, usage: Usage?, status: Int = 200,
        errorCode: String? = nil, timeToFirstTokenMilliseconds: Double? = nil, cacheHit: Bool = false,
        savedFrom: (deployment: Deployment, usage: Usage)? = nil, finishedAt: Date? = nil
    ) {
        self.requestID = requestID
        self.model = model
        self.deployment = deployment
        self.usage = usage
        self.status = status
        self.errorCode = errorCode
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.cacheHit = cacheHit
        self.savedFrom = savedFrom
        self.finishedAt = finishedAt
    }
}
