import SwitchyardCore

/// Why a request went where it went: the candidates, their scores, the pick and every attempt.
///
/// Served at `GET /v1/routing/decisions/{request_id}`. Its fields live behind one reference (``CopyOnWrite``): a
/// decision travels with its request (the routed answer, the ticket, the decision log, the headers), and a copy of
/// its strings and arrays was a dozen reference-count operations; now it is one.
public struct RoutingDecision: Sendable, Codable, Hashable {
    /// One deployment considered.
    public struct Candidate: Sendable, Codable, Hashable {
        /// The deployment id.
        public var deployment: String
        /// The public model it serves (fallback models appear too).
        public var model: String
        /// The provider's configured name.
        public var provider: String
        /// The deployment's region.
        public var region: String?
        /// Failover tier.
        public var priority: Int
        /// Estimated cost of this request in US dollars.
        public var estimatedCostUSD: Double?
        /// Latency estimate in milliseconds.
        public var latencyMs: Double?
        /// Requests in flight.
        public var inflight: Int
        /// Breaker state: closed, open, half_open.
        public var circuit: String
        /// Why it could not be used, if it could not.
        public var excluded: String?
        /// Its position in the order tried (1 = first), if eligible.
        public var rank: Int?

        enum CodingKeys: String, CodingKey {
            case deployment, model, provider, region, priority, inflight, circuit, excluded, rank
            case estimatedCostUSD = "estimated_cost_usd"
            case latencyMs = "latency_ms"
        }
    }

    /// One upstream attempt.
    public struct Attempt: Sendable, Codable, Hashable {
        /// The deployment tried.
        public var deployment: String
        /// The public model (differs from the request's on fallback).
        public var model: String
        /// `ok` or the error code.
        public var outcome: String
        /// The upstream HTTP status, if one arrived.
        public var upstreamStatus: Int?
        /// How long it took, milliseconds.
        public var durationMs: Double
        /// Why this attempt happened: `first`, `retry`, `failover`, `fallback`, `resume`, `stream_interrupted`.
        public var kind: String

        /// Creates an attempt record.
        public init(
            deployment: String, model: String, outcome: String, upstreamStatus: Int?, durationMs: Double, kind: String
        ) {
            self.deployment = deployment
            self.model = model
            self.outcome = outcome
            self.upstreamStatus = upstreamStatus
            self.durationMs = durationMs
            self.kind = kind
        }

        enum CodingKeys: String, CodingKey {
            case deployment, model, outcome, kind
            case upstreamStatus = "upstream_status"
            case durationMs = "duration_ms"
        }
    }

    /// The stored fields.
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var requestID: String
        @usableFromInline var model: String
        @usableFromInline var strategy: String
        @usableFromInline var reason: String
        @usableFromInline var candidates: [Candidate]
        @usableFromInline var pick: String?
        @usableFromInline var attempts: [Attempt]
        @usableFromInline var timestamp: Double
        @usableFromInline var routerBox: RouterExplanationBox?
    }

    /// The fields, behind one reference (``CopyOnWrite``).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// The request id.
    @inlinable public var requestID: String {
        get { storage.value.requestID }
        _modify { yield &storage.value.requestID }
    }
    /// The public model asked for.
    @inlinable public var model: String {
        get { storage.value.model }
        _modify { yield &storage.value.model }
    }
    /// The strategy used.
    @inlinable public var strategy: String {
        get { storage.value.strategy }
        _modify { yield &storage.value.strategy }
    }
    /// The short explanation also sent as `x-switchyard-route-reason`.
    @inlinable public var reason: String {
        get { storage.value.reason }
        _modify { yield &storage.value.reason }
    }
    /// Every candidate considered, eligible or not.
    @inlinable public var candidates: [Candidate] {
        get { storage.value.candidates }
        _modify { yield &storage.value.candidates }
    }
    /// The deployment that answered, if any did.
    @inlinable public var pick: String? {
        get { storage.value.pick }
        _modify { yield &storage.value.pick }
    }
    /// Every attempt, in order.
    @inlinable public var attempts: [Attempt] {
        get { storage.value.attempts }
        _modify { yield &storage.value.attempts }
    }
    /// Unix time of the decision, seconds.
    @inlinable public var timestamp: Double {
        get { storage.value.timestamp }
        _modify { yield &storage.value.timestamp }
    }
    /// The learned router's explanation, when a router chose the model.
    public var router: RouterExplanation? {
        get { storage.value.routerBox?.explanation }
        set { storage.value.routerBox = newValue.map(RouterExplanationBox.init) }
    }

    /// ``router``, out of line (``RouterExplanationBox``): the engine hands on the features' box, not a copy.
    var routerBox: RouterExplanationBox? {
        get { storage.value.routerBox }
        set { storage.value.routerBox = newValue }
    }

    /// Creates a decision.
    public init(
        requestID: String, model: String, strategy: String, reason: String, candidates: [Candidate], pick: String?,
        attempts: [Attempt], timestamp: Double
    ) {
        storage = CopyOnWrite(
            Fields(
                requestID: requestID, model: model, strategy: strategy, reason: reason, candidates: candidates,
                pick: pick, attempts: attempts, timestamp: timestamp, routerBox: nil))
    }

    enum CodingKeys: String, CodingKey {
        case model, strategy, reason, candidates, pick, attempts, timestamp, router
        case requestID = "request_id"
    }

    /// Decodes a decision (`router` and `pick` may be absent).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            requestID: try container.decode(String.self, forKey: .requestID),
            model: try container.decode(String.self, forKey: .model),
            strategy: try container.decode(String.self, forKey: .strategy),
            reason: try container.decode(String.self, forKey: .reason),
            candidates: try container.decode([Candidate].self, forKey: .candidates),
            pick: try container.decodeIfPresent(String.self, forKey: .pick),
            attempts: try container.decode([Attempt].self, forKey: .attempts),
            timestamp: try container.decode(Double.self, forKey: .timestamp))
        router = try container.decodeIfPresent(RouterExplanation.self, forKey: .router)
    }

    /// Encodes the decision; `router` and `pick` are left out when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(model, forKey: .model)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(reason, forKey: .reason)
        try container.encode(candidates, forKey: .candidates)
        try container.encodeIfPresent(pick, forKey: .pick)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encodeIfPresent(router, forKey: .router)
    }
}
