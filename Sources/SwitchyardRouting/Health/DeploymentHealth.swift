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
    /// Requests and tokens in the last minute, in one-second buckets, kept only for deployments with an rpm or
    /// tpm capacity.
    var minute = MinuteWindow()
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
        reading.effectiveLatency(now: now, streaming: streaming)
    }

    /// The numbers the route planner ranks by, without the windows.
    public var reading: DeploymentHealthReading {
        DeploymentHealthReading(
            inflight: inflight, latency: latency, timeToFirstToken: timeToFirstToken, lastSample: lastSample,
            circuit: breaker.state)
    }

    /// Whether the configured rpm/tpm capacity leaves room for one more request of `tokens`.
    mutating func hasCapacity(now: Double, rpm: Int?, tpm: Int?, tokens: Int) -> Bool {
        guard rpm != nil || tpm != nil else { return true }
        let (requests, used) = minute.totals(now: now)
        if let rpm, requests >= rpm { return false }
        if let tpm, used + tokens > tpm { return false }
        return true
    }

    mutating func recordStart(now: Double, tokens: Int, limited: Bool) {
        inflight += 1
        attempts += 1
        if limited { minute.add(now: now, tokens: tokens) }
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

/// Requests and tokens over the last 60 seconds in one-second buckets: constant memory and time per request.
struct MinuteWindow: Sendable {
    private var requests = [Int](repeating: 0, count: 60)
    private var tokens = [Int](repeating: 0, count: 60)
    private var seconds = [Int](repeating: -1, count: 60)

    mutating func add(now: Double, tokens count: Int) {
        let second = Int(now)
        let slot = ((second % 60) + 60) % 60
        if seconds[slot] != second {
            seconds[slot] = second
            requests[slot] = 0
            tokens[slot] = 0
        }
        requests[slot] += 1
        tokens[slot] += count
    }

    func totals(now: Double) -> (requests: Int, tokens: Int) {
        let second = Int(now)
        var totalRequests = 0
        var totalTokens = 0
        for slot in 0..<60 where seconds[slot] > second - 60 {
            totalRequests += requests[slot]
            totalTokens += tokens[slot]
        }
        return (totalRequests, totalTokens)
    }
}
