import Foundation

/// One request in the usage ledger.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// When the request started.
    public var time: Date
    /// The gateway's request id.
    public var requestID: String
    /// The tenant billed, if the request was authenticated.
    public var tenantID: String?
    /// The team billed, if any.
    public var teamID: String?
    /// The key's identifier, if any.
    public var keyID: String?
    /// The key's display prefix, if any.
    public var keyPrefix: String?
    /// The public model name served.
    public var model: String
    /// The deployment that served it.
    public var deployment: String?
    /// The deployment's region.
    public var region: String?
    /// Input tokens, cached ones included.
    public var promptTokens: Int
    /// Output tokens, reasoning included.
    public var completionTokens: Int
    /// Input tokens read from the provider's cache.
    public var cachedPromptTokens: Int
    /// Input tokens written to the provider's cache.
    public var cacheCreationTokens: Int
    /// Output tokens spent on reasoning.
    public var reasoningTokens: Int
    /// The cost in US dollars.
    public var cost: Double
    /// Total latency in milliseconds.
    public var latencyMilliseconds: Double
    /// Time to the first streamed token in milliseconds, for streams.
    public var timeToFirstTokenMilliseconds: Double?
    /// The HTTP status returned to the client.
    public var status: Int
    /// The gateway error code, when the request failed.
    public var errorCode: String?
    /// Whether the answer came from a cache.
    public var cacheHit: Bool
    /// What the answer would have cost from the upstream, in US dollars, when a cache answered it.
    public var savedCost: Double
    /// The learned router that chose the model (`auto`, `support-bot`), when one did.
    public var router: String?
    /// What the router's strongest candidate would have cost for this request, in US dollars (routed requests only).
    public var strongestCost: Double?
    /// The A/B experiment the request took part in, if any.
    public var experiment: String?
    /// The experiment arm it was assigned to, if any.
    public var experimentArm: String?

    /// Creates a usage record.
    public init(
        time: Date, requestID: String, tenantID: String? = nil, teamID: String? = nil, keyID: String? = nil,
        keyPrefix: String? = nil, model: String, deployment: String? = nil, region: String? = nil,
        promptTokens: Int = 0, completionTokens: Int = 0, cachedPromptTokens: Int = 0, cacheCreationTokens: Int = 0,
        reasoningTokens: Int = 0, cost: Double = 0, latencyMilliseconds: Double = 0,
        timeToFirstTokenMilliseconds: Double? = nil, status: Int = 200, errorCode: String? = nil, cacheHit: Bool = false,
        savedCost: Double = 0, router: String? = nil, strongestCost: Double? = nil, experiment: String? = nil,
        experimentArm: String? = nil
    ) {
        self.time = time
        self.requestID = requestID
        self.tenantID = tenantID
        self.teamID = teamID
        self.keyID = keyID
        self.keyPrefix = keyPrefix
        self.model = model
        self.deployment = deployment
        self.region = region
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.reasoningTokens = reasoningTokens
        self.cost = cost
        self.latencyMilliseconds = latencyMilliseconds
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.status = status
        self.errorCode = errorCode
        self.cacheHit = cacheHit
        self.savedCost = savedCost
        self.router = router
        self.strongestCost = strongestCost
        self.experiment = experiment
        self.experimentArm = experimentArm
    }
}

/// Which usage records a query covers.
public struct UsageQuery: Sendable, Hashable {
    /// Only this tenant's records; `nil` is every tenant (master key only).
    public var tenantID: String?
    /// Records at or after this time.
    public var from: Date?
    /// Records before this time.
    public var to: Date?

    /// Creates a query.
    public init(tenantID: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.tenantID = tenantID
        self.from = from
        self.to = to
    }
}

/// What usage is summed by.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    /// One row per tenant.
    case tenant
    /// One row per team.
    case team
    /// One row per key (by key id).
    case key
    /// One row per public model.
    case model
}

/// One row of a usage summary.
public struct UsageGroup: Sendable, Hashable, Codable {
    /// The group's value (tenant id, team id, key id or model); empty when the field was unset.
    public var group: String
    /// Requests counted.
    public var requests: Int
    /// Prompt tokens.
    public var promptTokens: Int
    /// Completion tokens.
    public var completionTokens: Int
    /// Cost in US dollars.
    public var cost: Double
    /// Money the response cache saved, in US dollars.
    public var savedCost: Double
    /// Requests answered from the response cache.
    public var cacheHits: Int
    /// Requests a learned router chose the model for.
    public var routedRequests: Int
    /// Money learned routing saved against always using each router's strongest candidate, in US dollars: the sum of
    /// `strongest_cost − cost` over routed requests.
    public var savedVsStrongest: Double

    /// Creates a row.
    public init(
        group: String, requests: Int, promptTokens: Int, completionTokens: Int, cost: Double, savedCost: Double = 0,
        cacheHits: Int = 0, routedRequests: Int = 0, savedVsStrongest: Double = 0
    ) {
        self.group = group
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.savedCost = savedCost
        self.cacheHits = cacheHits
        self.routedRequests = routedRequests
        self.savedVsStrongest = savedVsStrongest
    }
}

/// One group's (tenant's, team's, key's or model's) spend in one hour.
public struct HourlySpend: Sendable, Hashable, Codable {
    /// The group's value (empty when the field was unset).
    public var group: String
    /// The hour's start.
    public var hour: Date
    /// Cost in US dollars.
    public var cost: Double

    /// Creates a row.
    public init(group: String, hour: Date, cost: Double) {
        self.group = group
        self.hour = hour
        self.cost = cost
    }
}
