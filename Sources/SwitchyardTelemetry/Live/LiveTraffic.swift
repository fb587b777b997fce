import Foundation
import Synchronization

/// Recent traffic in 5-second buckets, for the dashboard: requests per second, error rate, latency and time to first
/// token percentiles, now and as a series over the last five minutes. Recording takes one short lock.
public final class LiveTraffic: Sendable {
    /// Seconds per bucket.
    public static let bucketSeconds = 5
    /// Buckets kept.
    public static let bucketsKept = 60

    struct Bucket: Sendable {
        var start = 0
        var requests = 0
        var errors = 0
        var latency = LatencyHistogram()
        var firstToken = LatencyHistogram()
    }

    struct State: Sendable {
        var buckets = [Bucket](repeating: Bucket(), count: LiveTraffic.bucketsKept)
        var requestsTotal = 0
        var errorsTotal = 0
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Double

    /// Creates an empty record.
    ///
    /// - Parameter now: Wall clock in seconds (tests pass their own).
    public init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.now = now
    }

    /// A request started.
    public func started() { state.withLock { $0.inFlight += 1 } }

    /// A request finished.
    ///
    /// - Parameters:
    ///   - milliseconds: Its duration.
    ///   - firstTokenMilliseconds: Time to first token, for streams.
    ///   - failed: Whether it failed.
    public func finished(milliseconds: Double, firstTokenMilliseconds: Double?, failed: Bool) {
        let start = Int(now()) / Self.bucketSeconds * Self.bucketSeconds
        state.withLock { state in
            state.inFlight = max(0, state.inFlight - 1)
            state.requestsTotal += 1
            if failed { state.errorsTotal += 1 }
            let slot = (start / Self.bucketSeconds) % Self.bucketsKept
            if state.buckets[slot].start != start { state.buckets[slot] = Bucket(start: start) }
            state.buckets[slot].requests += 1
            if failed { state.buckets[slot].errors += 1 }
            state.buckets[slot].latency.record(milliseconds)
            if let firstTokenMilliseconds { state.buckets[slot].firstToken.record(firstTokenMilliseconds) }
        }
    }

    /// The last minute, summed.
    public struct Summary: Sendable, Hashable {
        /// Requests per second over the last minute.
        public var requestsPerSecond: Double
        /// Failed share of the last minute's requests.
        public var errorRate: Double
        /// Median latency in milliseconds over the last minute.
        public var latencyP50: Double?
        /// 95th percentile latency.
        public var latencyP95: Double?
        /// Median time to first token.
        public var firstTokenP50: Double?
        /// Requests in flight now.
        public var inFlight: Int
        /// Requests since start.
        public var requestsTotal: Int
        /// Failed requests since start.
        public var errorsTotal: Int
    }

    /// One bucket of the series.
    public struct Point: Sendable, Hashable {
        /// The bucket's start, seconds since 1970.
        public var time: Int
        /// Requests per second in it.
        public var requestsPerSecond: Double
        /// Failed share.
        public var errorRate: Double
        /// Median latency.
        public var latencyP50: Double?
        /// 95th percentile latency.
        public var latencyP95: Double?
        /// Median time to first token.
        public var firstTokenP50: Double?
    }

    /// The last `seconds` seconds summed.
    public func summary(seconds: Int = 60) -> Summary {
        let current = Int(now()) / Self.bucketSeconds * Self.bucketSeconds
        return state.withLock { state in
            var requests = 0
            var errors = 0
            var latency = LatencyHistogram()
            var firstToken = LatencyHistogram()
            for bucket in state.buckets where bucket.start > current - seconds && bucket.start <= current {
                requests += bucket.requests
                errors += bucket.errors
                latency.merge(bucket.latency)
                firstToken.merge(bucket.firstToken)
            }
            return Summary(
                requestsPerSecond: Double(requests) / Double(seconds),
                errorRate: requests == 0 ? 0 : Double(errors) / Double(requests), latencyP50: latency.quantile(0.5),
                latencyP95: latency.quantile(0.95), firstTokenP50: firstToken.quantile(0.5), inFlight: state.inFlight,
                requestsTotal: state.requestsTotal, errorsTotal: state.errorsTotal)
        }
    }

    /// The last five minutes, one point per bucket, oldest first (empty buckets included as zeros).
    public func series() -> [Point] {
        let current = Int(now()) / Self.bucketSeconds * Self.bucketSeconds
        return state.withLock { state in
            (0..<Self.bucketsKept).reversed().map { back in
                let start = current - back * Self.bucketSeconds
                let bucket = state.buckets[(start / Self.bucketSeconds) % Self.bucketsKept]
                guard bucket.start == start else {
                    return Point(time: start, requestsPerSecond: 0, errorRate: 0)
                }
                return Point(
                    time: start, requestsPerSecond: Double(bucket.requests) / Double(Self.bucketSeconds),
                    errorRate: bucket.requests == 0 ? 0 : Double(bucket.errors) / Double(bucket.requests),
                    latencyP50: bucket.latency.quantile(0.5), latencyP95: bucket.latency.quantile(0.95),
                    firstTokenP50: bucket.firstToken.quantile(0.5))
            }
        }
    }
}
