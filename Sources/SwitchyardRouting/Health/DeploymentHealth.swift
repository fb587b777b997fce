import Foundation

/// What routing knows about one deployment right now.
public struct DeploymentHealth: Sendable {
    /// The breaker.
    public var breaker: CircuitBreaker
    /// Requests in flight.
    public var inflight = 0
    /// Moving average of whole-request latency, seconds; `nil` before the first sample.
    public var latency: Double?
    /// Moving average of time to first token for streams, seconds.
    public var timeToFirstToken: Double?
    /// When the averages were last updated (clock seconds).
    public var lastSample: Double = 0
    /// Until when the deployment is cooling down after a 429 (clock seconds).
    public var coolingDownUntil: Double = 0
    /// Start times of requests in the last minute, for the rpm capacity.
    var recentRequests: [Double] = []
    /// Token estimates of requests in the last minute, for the tpm capacity.
    var recentTokens: [(time: Double, tokens: Int)] = []
    /// Attempts and failures since start, for the admin view.
    public var attempts = 0
    /// Failed attempts since start.
    public var failures = 0

    init(breaker: CircuitBreaker) {
        self.breaker = breaker
    }

    /// The smoothing factor of the moving averages.
    static let alpha = 0.3
    /// Seconds over which an old average relaxes towards zero, so a recovered deployment is tried again.
    static let decay = 60.0

    /// The latency estimate used for ranking: the moving average, decayed by its age.
    public func effectiveLatency(now: Double, streaming: Bool) -> Double {
        guard let sample = streaming ? (timeToFirstToken ?? latency) : latency else { return 0 }
        return sample * exp(-max(0, now - lastSample) / Self.decay)
    }

    /// Whether the configured rpm/tpm capacity leaves room for one more request of `tokens`.
    mutating func hasCapacity(now: Double, rpm: Int?, tpm: Int?, tokens: Int) -> Bool {
        recentRequests.removeAll { $0 < now - 60 }
        recentTokens.removeAll { $0.time < now - 60 }
        if let rpm, recentRequests.count >= rpm { return false }
        if let tpm, recentTokens.reduce(0, { $0 + $1.tokens }) + tokens > tpm { return false }
        return true
    }

    mutating func recordStart(now: Double, tokens: Int) {
        inflight += 1
        attempts += 1
        recentRequests.append(now)
        recentTokens.append((now, tokens))
    }

    mutating func recordEnd(now: Double, latency seconds: Double?, firstToken: Double?, failed: Bool) {
        inflight = max(0, inflight - 1)
        if failed { failures += 1 }
        breaker.record(failed: failed, now: now)
        if let seconds {
            latency = latency.map { Self.alpha * seconds + (1 - Self.alpha) * $0 } ?? seconds
            lastSample = now
        }
        if let firstToken {
            timeToFirstToken = timeToFirstToken.map { Self.alpha * firstToken + (1 - Self.alpha) * $0 } ?? firstToken
            lastSample = now
        }
    }
}
