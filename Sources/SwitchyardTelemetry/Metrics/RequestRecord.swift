public import SwitchyardCore

/// What one finished request reports to telemetry. Carries no key, prompt or request id: every field here may
/// become a metric label or a dashboard number.
public struct RequestRecord: Sendable {
    /// How a request was answered by the response cache.
    public enum CacheResult: String, Sendable {
        /// Identical request seen before.
        case hit
        /// A request meaning the same seen before.
        case semanticHit = "semantic_hit"
        /// Looked up, not found.
        case miss
    }

    /// `chat` or `embeddings` (the GenAI `gen_ai.operation.name`).
    public var operation: String
    /// The public model requested.
    public var model: String
    /// The provider kind that served it (`gen_ai.provider.name`), `none` when no upstream was reached.
    public var provider: String
    /// The deployment id, `none` when no upstream was reached.
    public var deployment: String
    /// The deployment's region, `none` when unknown.
    public var region: String
    /// The HTTP status returned.
    public var status: Int
    /// The stable error code, when it failed.
    public var errorCode: String?
    /// Total duration in seconds.
    public var durationSeconds: Double
    /// Seconds to the first streamed event, for streams.
    public var timeToFirstTokenSeconds: Double?
    /// Usage reported by the upstream.
    public var usage: Usage?
    /// Cost in US dollars.
    public var costUSD: Double
    /// Money a cache hit saved, in US dollars.
    public var savedUSD: Double
    /// The tenant billed (bounded by the number of tenants, never a key).
    public var tenant: String?
    /// The cache's answer, when the cache was consulted.
    public var cache: CacheResult?
    /// Upstream attempts by kind (`first`, `retry`, `failover`, `fallback`, `resume`…) and outcome.
    public var attempts: [(kind: String, deployment: String, outcome: String)]

    /// Creates a record.
    public init(
        operation: String = "chat", model: String, provider: String = "none", deployment: String = "none",
        region: String = "none", status: Int, errorCode: String? = nil, durationSeconds: Double,
        timeToFirstTokenSeconds: Double? = nil, usage: Usage? = nil, costUSD: Double = 0, savedUSD: Double = 0,
        tenant: String? = nil, cache: CacheResult? = nil, attempts: [(kind: String, deployment: String, outcome: String)] = []
    ) {
        self.operation = operation
        self.model = model
        self.provider = provider
        self.deployment = deployment
        self.region = region
        self.status = status
        self.errorCode = errorCode
        self.durationSeconds = durationSeconds
        self.timeToFirstTokenSeconds = timeToFirstTokenSeconds
        self.usage = usage
        self.costUSD = costUSD
        self.savedUSD = savedUSD
        self.tenant = tenant
        self.cache = cache
        self.attempts = attempts
    }

    /// Whether the request failed (status 400 or more, or an error mid-stream).
    public var failed: Bool { status >= 400 || errorCode != nil }
}
