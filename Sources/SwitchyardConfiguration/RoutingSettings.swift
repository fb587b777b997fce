/// Gateway-wide routing settings (`routing:` in the configuration).
public struct RoutingSettings: Sendable, Hashable {
    /// Retries may add at most this fraction of traffic. Key: `routing.retry_budget`. Default: 0.2.
    public var retryBudgetRatio: Double
    /// Routing decisions kept in memory for `GET /v1/routing/decisions/{id}`. Key: `routing.decisions_kept`.
    /// Default: 10,000.
    public var decisionsKept: Int
    /// Consecutive failures that open a deployment's breaker. Key: `routing.circuit_breaker.consecutive_failures`.
    /// Default: 5.
    public var breakerConsecutiveFailures: Int
    /// Error rate over the window that opens the breaker. Key: `routing.circuit_breaker.error_rate`. Default: 0.5.
    public var breakerErrorRate: Double
    /// Smallest number of requests in the window before the error rate counts.
    /// Key: `routing.circuit_breaker.min_requests`. Default: 20.
    public var breakerMinimumRequests: Int
    /// The error-rate window. Key: `routing.circuit_breaker.window_ms`. Default: 30 s.
    public var breakerWindow: Duration
    /// How long an open breaker waits before probing. Key: `routing.circuit_breaker.cooldown_ms`. Default: 30 s.
    public var breakerCooldown: Duration
    /// Probe requests allowed while half-open. Key: `routing.circuit_breaker.half_open_probes`. Default: 1.
    public var breakerHalfOpenProbes: Int

    /// Creates settings with the documented defaults.
    public init(
        retryBudgetRatio: Double = 0.2, decisionsKept: Int = 10_000, breakerConsecutiveFailures: Int = 5,
        breakerErrorRate: Double = 0.5, breakerMinimumRequests: Int = 20, breakerWindow: Duration = .seconds(30),
        breakerCooldown: Duration = .seconds(30), breakerHalfOpenProbes: Int = 1
    ) {
        self.retryBudgetRatio = retryBudgetRatio
        self.decisionsKept = decisionsKept
        self.breakerConsecutiveFailures = breakerConsecutiveFailures
        self.breakerErrorRate = breakerErrorRate
        self.breakerMinimumRequests = breakerMinimumRequests
        self.breakerWindow = breakerWindow
        self.breakerCooldown = breakerCooldown
        self.breakerHalfOpenProbes = breakerHalfOpenProbes
    }
}

extension ConfigReader {
    func readRouting(_ node: ConfigNode) throws -> RoutingSettings {
        var settings = RoutingSettings()
        for (key, value) in try node.mapping(allowing: ["retry_budget", "decisions_kept", "circuit_breaker"]) {
            switch key {
            case "retry_budget":
                settings.retryBudgetRatio = try value.double()
                guard (0...1).contains(settings.retryBudgetRatio) else { throw value.error("must be 0...1") }
            case "decisions_kept": settings.decisionsKept = try positive(value)
            default:
                let keys: Set<String> = [
                    "consecutive_failures", "error_rate", "min_requests", "window_ms", "cooldown_ms", "half_open_probes",
                ]
                for (breakerKey, breakerValue) in try value.mapping(allowing: keys) {
                    switch breakerKey {
                    case "consecutive_failures": settings.breakerConsecutiveFailures = try positive(breakerValue)
                    case "error_rate":
                        settings.breakerErrorRate = try breakerValue.double()
                        guard (0...1).contains(settings.breakerErrorRate) else { throw breakerValue.error("must be 0...1") }
                    case "min_requests": settings.breakerMinimumRequests = try positive(breakerValue)
                    case "window_ms": settings.breakerWindow = .milliseconds(try positive(breakerValue))
                    case "cooldown_ms": settings.breakerCooldown = .milliseconds(try positive(breakerValue))
                    default: settings.breakerHalfOpenProbes = try positive(breakerValue)
                    }
                }
            }
        }
        return settings
    }
}
