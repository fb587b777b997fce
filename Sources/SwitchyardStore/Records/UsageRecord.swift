import Foundation
import SwitchyardCore

/// One request in the usage ledger.
///
/// Its fields live behind one reference (``CopyOnWrite``): a record is copied on its way to the ledger (the ticket,
/// the governor, the ledger's buffer), and a copy of its dozen strings was a dozen reference-count operations; now
/// it is one. It codes as its fields do, under their own names.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// The stored fields; their synthesized coding is the record's (the same keys as before the box).
    @usableFromInline struct Fields: Sendable, Hashable, Codable {
        @usableFromInline var time: Date
        @usableFromInline var requestID: String
        @usableFromInline var tenantID: String?
        @usableFromInline var teamID: String?
        @usableFromInline var keyID: String?
        @usableFromInline var keyPrefix: String?
        @usableFromInline var model: String
        @usableFromInline var deployment: String?
        @usableFromInline var region: String?
        @usableFromInline var promptTokens: Int
        @usableFromInline var completionTokens: Int
        @usableFromInline var cachedPromptTokens: Int
        @usableFromInline var cacheCreationTokens: Int
        @usableFromInline var reasoningTokens: Int
        @usableFromInline var cost: Double
        @usableFromInline var latencyMilliseconds: Double
        @usableFromInline var timeToFirstTokenMilliseconds: Double?
        @usableFromInline var status: Int
        @usableFromInline var errorCode: String?
        @usableFromInline var cacheHit: Bool
        @usableFromInline var savedCost: Double
        @usableFromInline var router: String?
        @usableFromInline var strongestCost: Double?
        @usableFromInline var experiment: String?
        @usableFromInline var experimentArm: String?
    }

    /// The fields, behind one reference (``CopyOnWrite``).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// When the request started.
    @inlinable public var time: Date {
        get { storage.value.time }
        _modify { yield &storage.value.time }
    }
    /// The gateway's request id.
    @inlinable public var requestID: String {
        get { storage.value.requestID }
        _modify { yield &storage.value.requestID }
    }
    /// The tenant billed, if the request was authenticated.
    @inlinable public var tenantID: String? {
        get { storage.value.tenantID }
        _modify { yield &storage.value.tenantID }
    }
    /// The team billed, if any.
    @inlinable public var teamID: String? {
        get { storage.value.teamID }
        _modify { yield &storage.value.teamID }
    }
    /// The key's identifier, if any.
    @inlinable public var keyID: String? {
        get { storage.value.keyID }
        _modify { yield &storage.value.keyID }
    }
    /// The key's display prefix, if any.
    @inlinable public var keyPrefix: String? {
        get { storage.value.keyPrefix }
        _modify { yield &storage.value.keyPrefix }
    }
    /// The public model name served.
    @inlinable public var model: String {
        get { storage.value.model }
        _modify { yield &storage.value.model }
    }
    /// The deployment that served it.
    @inlinable public var deployment: String? {
        get { storage.value.deployment }
        _modify { yield &storage.value.deployment }
    }
    /// The deployment's region.
    @inlinable public var region: String? {
        get { storage.value.region }
        _modify { yield &storage.value.region }
    }
    /// Input tokens, cached ones included.
    @inlinable public var promptTokens: Int {
        get { storage.value.promptTokens }
        _modify { yield &storage.value.promptTokens }
    }
    /// Output tokens, reasoning included.
    @inlinable public var completionTokens: Int {
        get { storage.value.completionTokens }
        _modify { yield &storage.value.completionTokens }
    }
    /// Input tokens read from the provider's cache.
    @inlinable public var cachedPromptTokens: Int {
        get { storage.value.cachedPromptTokens }
        _modify { yield &storage.value.cachedPromptTokens }
    }
    /// Input tokens written to the provider's cache.
    @inlinable public var cacheCreationTokens: Int {
        get { storage.value.cacheCreationTokens }
        _modify { yield &storage.value.cacheCreationTokens }
    }
    /// Output tokens spent on reasoning.
    @inlinable public var reasoningTokens: Int {
        get { storage.value.reasoningTokens }
        _modify { yield &storage.value.reasoningTokens }
    }
    /// The cost in US dollars.
    @inlinable public var cost: Double {
        get { storage.value.cost }
        _modify { yield &storage.value.cost }
    }
    /// Total latency in milliseconds.
    @inlinable public var latencyMilliseconds: Double {
        get { storage.value.latencyMilliseconds }
        _modify { yield &storage.value.latencyMilliseconds }
    }
    /// Time to the first streamed token in milliseconds, for streams.
    @inlinable public var timeToFirstTokenMilliseconds: Double? {
        get { storage.value.timeToFirstTokenMilliseconds }
        _modify { yield &storage.value.timeToFirstTokenMilliseconds }
    }
    /// The HTTP status returned to the client.
    @inlinable public var status: Int {
        get { storage.value.status }
        _modify { yield &storage.value.status }
    }
    /// The gateway error code, when the request failed.
    @inlinable public var errorCode: String? {
        get { storage.value.errorCode }
        _modify { yield &storage.value.errorCode }
    }
    /// Whether the answer came from a cache.
    @inlinable public var cacheHit: Bool {
        get { storage.value.cacheHit }
        _modify { yield &storage.value.cacheHit }
    }
    /// What the answer would have cost from the upstream, in US dollars, when a cache answered it.
    @inlinable public var savedCost: Double {
        get { storage.value.savedCost }
        _modify { yield &storage.value.savedCost }
    }
    /// The learned router that chose the model (`auto`, `support-bot`), when one did.
    @inlinable public var router: String? {
        get { storage.value.router }
        _modify { yield &storage.value.router }
    }
    /// What the router's strongest candidate would have cost for this request, in US dollars (routed requests only).
    @inlinable public var strongestCost: Double? {
        get { storage.value.strongestCost }
        _modify { yield &storage.value.strongestCost }
    }
    /// The A/B experiment the request took part in, if any.
    @inlinable public var experiment: String? {
        get { storage.value.experiment }
        _modify { yield &storage.value.experiment }
    }
    /// The experiment arm it was assigned to, if any.
    @inlinable public var experimentArm: String? {
        get { storage.value.experimentArm }
        _modify { yield &storage.value.experimentArm }
    }

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
        storage = CopyOnWrite(
            Fields(
                time: time,
                requestID: requestID,
                tenantID: tenantID,
                teamID: teamID,
                keyID: keyID,
                keyPrefix: keyPrefix,
                model: model,
                deployment: deployment,
                region: region,
                promptTokens: promptTokens,
                completionTokens: completionTokens,
                cachedPromptTokens: cachedPromptTokens,
                cacheCreationTokens: cacheCreationTokens,
                reasoningTokens: reasoningTokens,
                cost: cost,
                latencyMilliseconds: latencyMilliseconds,
                timeToFirstTokenMilliseconds: timeToFirstTokenMilliseconds,
                status: status,
                errorCode: errorCode,
                cacheHit: cacheHit,
                savedCost: savedCost,
                router: router,
                strongestCost: strongestCost,
                experiment: experiment,
                experimentArm: experimentArm))
    }

    /// Decodes a record: the fields, under their own names.
    public init(from decoder: any Decoder) throws {
        storage = CopyOnWrite(try Fields(from: decoder))
    }

    /// Encodes the fields, under their own names.
    public func encode(to encoder: any Encoder) throws {
        try storage.value.encode(to: encoder)
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
