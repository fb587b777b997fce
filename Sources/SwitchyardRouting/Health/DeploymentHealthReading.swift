import Foundation

/// What the route planner ranks and explains a deployment by: its in-flight count, latency averages and breaker
/// state, read from its ``DeploymentHealth`` under the lock.
///
/// A few numbers, copied without reference counting. The whole ``DeploymentHealth`` holds five arrays (its minute
/// window and its breaker's outcome window), and the planner copied it half a dozen times per request: about 1,000
/// instructions of retains and releases under callgrind.
public struct DeploymentHealthReading: Sendable {
    /// Requests in flight.
    public var inflight: Int
    /// Moving average of whole-request latency, seconds; `nil` before the first sample.
    public var latency: Double?
    /// Moving average of time to first token for streams, seconds.
    public var timeToFirstToken: Double?
    /// When the averages were last updated (clock seconds).
    public var lastSample: Double
    /// The breaker's state.
    public var circuit: CircuitBreaker.State

    /// Creates a reading.
    public init(
        inflight: Int = 0, latency: Double? = nil, timeToFirstToken: Double? = nil, lastSample: Double = 0,
        circuit: CircuitBreaker.State = .closed
    ) {
        self.inflight = inflight
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.lastSample = lastSample
        self.circuit = circuit
    }

    /// The latency estimate used for ranking: the moving average, decayed by its age.
    public func effectiveLatency(now: Double, streaming: Bool) -> Double {
        guard let sample = streaming ? (timeToFirstToken ?? latency) : latency else { return 0 }
        return sample * exp(-max(0, now - lastSample) / DeploymentHealth.decay)
    }
}
