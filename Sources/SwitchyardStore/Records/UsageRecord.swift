import Foundation

/// One request in the usage ledger.
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

    /// The fields behind one reference, copied on write: a record is copied on its way to the ledger (the ticket,
    /// the governor, the ledger's buffer), and a copy of its dozen strings was a dozen reference-count operations;
    /// now it is one. Mutated only when uniquely referenced, so never shared mutable.
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    /// When the request started.
    @inlinable public var time: Date {
        get { storage.fields.time }
        _modify { yield &uniqueStorage().fields.time }
    }
    /// The gateway's request id.
    @inlinable public var requestID: String {
        get { storage.fields.requestID }
        _modify { yield &uniqueStorage().fields.requestID }
    }
    /// The tenant billed, if the request was authenticated.
    @inlinable public var tenantID: String? {
        get { storage.fields.tenantID }
        _modify { yield &uniqueStorage().fields.tenantID }
    }
    /// The team billed, if any.
    @inlinable public var teamID: String? {
        get { storage.fields.teamID }
        _modify { yield &uniqueStorage().fields.teamID }
    }
    /// The key's identifier, if any.
    @inlinable public var keyID: String? {
        get { storage.fields.keyID }
        _modify { yield &uniqueStorage().fields.keyID }
    }
    /// The key's display prefix, if any.
    @inlinable public var keyPrefix: String? {
        get { storage.fields.keyPrefix }
        _modify { yield &uniqueStorage().fields.keyPrefix }
    }
    /// The public model name served.
    @inlinable public var model: String {
        get { storage.fields.model }
        _modify { yield &uniqueStorage().fields.model }
    }
    /// The deployment that served it.
    @inlinable public var deployment: String? {
        get { storage.fields.deployment }
        _modify { yield &uniqueStorage().fields.deployment }
    }
    /// The deployment's region.
    @inlinable public var region: String? {
        get { storage.fields.region }
        _modify { yield &uniqueStorage().fields.region }
    }
    /// Input tokens, cached ones included.
    @inlinable public var promptTokens: Int {
        get { storage.fields.promptTokens }
        _modify { yield &uniqueStorage().fields.promptTokens }
    }
    /// Output tokens, reasoning included.
    @inlinable public var completionTokens: Int {
        get { storage.fields.completionTokens }
        _modify { yield &uniqueStorage().fields.completionTokens }
    }
    /// Input tokens read from the provider's cache.
    @inlinable public var cachedPromptTokens: Int {
        get { storage.fields.cachedPromptTokens }
        _modify { yield &uniqueStorage().fields.cachedPromptTokens }
    }
    /// Input tokens written to the provider's cache.
    @inlinable public var cacheCreationTokens: Int {
        get { storage.fields.cacheCreationTokens }
        _modify { yield &uniqueStorage().fields.cacheCreationTokens }
    }
    /// Output tokens spent on reasoning.
    @inlinable public var reasoningTokens: Int {
        get { storage.fields.reasoningTokens }
        _modify { yield &uniqueStorage().fields.reasoningTokens }
    }
    /// The cost in US dollars.
    @inlinable public var cost: Double {
        get { storage.fields.cost }
        _modify { yield &uniqueStorage().fields.cost }
    }
    /// Total latency in milliseconds.
    @inlinable public var latencyMilliseconds: Double {
        get { storage.fields.latencyMilliseconds }
        _modify { yield &uniqueStorage().fields.latencyMilliseconds }
    }
    /// Time to the first streamed token in milliseconds, for streams.
    @inlinable public var timeToFirstTokenMilliseconds: Double? {
        get { storage.fields.timeToFirstTokenMilliseconds }
        _modify { yield &uniqueStorage().fields.timeToFirstTokenMilliseconds }
    }
    /// The HTTP status returned to the client.
    @inlinable public var status: Int {
        get { storage.fields.status }
        _modify { yield &uniqueStorage().fields.status }
    }
    /// The gateway error code, when the request failed.
    @inlinable public var errorCode: String? {
        get { storage.fields.errorCode }
        _modify { yield &uniqueStorage().fields.errorCode }
    }
    /// Whether the answer came from a cache.
    @inlinable public var cacheHit: Bool {
        get { storage.fields.cacheHit }
        _modify { yield &uniqueStorage().fields.cacheHit }
    }
    /// What the answer would have cost from the upstream, in US dollars, when a cache answered it.
    @inlinable public var savedCost: Double {
        get { storage.fields.savedCost }
        _modify { yield &uniqueStorage().fields.savedCost }
    }
    /// The learned router that chose the model (`auto`, `support-bot`), when one did.
    @inlinable public var router: String? {
        get { storage.fields.router }
        _modify { yield &uniqueStorage().fields.router }
    }
    /// What the router's strongest candidate would have cost for this request, in US dollars (routed requests only).
    @inlinable public var strongestCost: Double? {
        get { storage.fields.strongestCost }
        _modify { yield &uniqueStorage().fields.strongestCost }
    }
    /// The A/B experiment the request took part in, if any.
    @inlinable public var experiment: String? {
        get { storage.fields.experiment }
        _modify { yield &uniqueStorage().fields.experiment }
    }
    /// The experiment arm it was assigned to, if any.
    @inlinable public var experimentArm: String? {
        get { storage.fields.experimentArm }
        _modify { yield &uniqueStorage().fields.experimentArm }
    }

    /// The storage, copied first when shared.
    @inlinable mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
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
        storage = Storage(
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
        storage = Storage(try Fields(from: decoder))
    }

    /// Encodes the fields, under their own names.
    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
    }

    /// Whether two records have the same fields (at once when they share them).
    public static func == (lhs: UsageRecord, rhs: UsageRecord) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes the fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
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
