/// How a public model chooses among its deployments and what it does when they fail.
public struct RoutingPolicy: Sendable, Hashable {
    /// The load-balancing strategy. Key: `strategy`. Default: `weighted`.
    public var strategy: RoutingStrategyKind
    /// Whether a request may pick another strategy with the `x-switchyard-strategy` header.
    /// Key: `allow_strategy_override`. Default: `false`.
    public var allowsStrategyOverride: Bool
    /// Attempts per deployment group before falling back, retries included. Key: `retries.max_attempts`. Default: 3.
    public var maxAttempts: Int
    /// First backoff delay; later ones double, with full jitter. Key: `retries.base_delay_ms`. Default: 100 ms.
    public var baseDelay: Duration
    /// Longest backoff delay. Key: `retries.max_delay_ms`. Default: 2 s.
    public var maxDelay: Duration
    /// Fallback models by error class, tried in order. Key: `fallbacks`.
    public var fallbacks: [FallbackTrigger: [String]]
    /// Continue a stream interrupted after its first token on a fallback deployment. Key: `resume_streams`.
    public var resumeStreams: Bool

    /// Creates a policy with the documented defaults.
    public init(
        strategy: RoutingStrategyKind = .weighted, allowsStrategyOverride: Bool = false, maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2),
        fallbacks: [FallbackTrigger: [String]] = [:], resumeStreams: Bool = false
    ) {
        self.strategy = strategy
        self.allowsStrategyOverride = allowsStrategyOverride
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.fallbacks = fallbacks
        self.resumeStreams = resumeStreams
    }

    /// The fallback models for a failure: its class's list, else the `default` list.
    public func fallbackModels(for code: GatewayError.Code) -> [String] {
        if let trigger = FallbackTrigger(code: code), let models = fallbacks[trigger] { return models }
        return code.isRetryable || code == .contextLengthExceeded || code == .contentFiltered
            ? fallbacks[.any] ?? [] : []
    }
}

/// The load-balancing strategies.
public enum RoutingStrategyKind: String, Sendable, Hashable, CaseIterable {
    /// Random by weight (default).
    case weighted
    /// In turn.
    case roundRobin = "round_robin"
    /// The deployment with the fewest requests in flight.
    case leastInflight = "least_inflight"
    /// The lowest moving average of latency (time to first token for streams).
    case lowestLatency = "lowest_latency"
    /// The lowest estimated cost for this request.
    case lowestCost = "lowest_cost"
    /// In configuration order: the first healthy deployment.
    case priority
}

/// The error classes that can trigger a fallback to another model.
public enum FallbackTrigger: String, Sendable, Hashable, CaseIterable {
    /// Any retryable failure, or any class without a list of its own.
    case any = "default"
    /// 429 from the upstream.
    case rateLimited = "rate_limited"
    /// 5xx, unavailable, overloaded, unreachable, malformed.
    case upstream5xx = "upstream_5xx"
    /// Connect, first-byte, idle or total timeout.
    case timeout
    /// The prompt does not fit: fall back to a larger-context model.
    case contextLengthExceeded = "context_length_exceeded"
    /// The provider's safety system refused.
    case contentFiltered = "content_filtered"

    /// The class of a gateway error code, if it is one that can fall back.
    public init?(code: GatewayError.Code) {
        switch code {
        case .rateLimited: self = .rateLimited
        case .upstreamError, .upstreamUnavailable, .upstreamOverloaded, .upstreamUnreachable,
            .upstreamMalformedResponse, .upstreamStreamInterrupted:
            self = .upstream5xx
        case .upstreamTimeout: self = .timeout
        case .contextLengthExceeded: self = .contextLengthExceeded
        case .contentFiltered: self = .contentFiltered
        default: return nil
        }
    }
}
