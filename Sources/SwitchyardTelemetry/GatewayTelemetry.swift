import Synchronization

/// The gateway's telemetry sinks for finished requests: Prometheus metrics and the dashboard's live figures.
public final class GatewayTelemetry: Sendable {
    /// Cache lookups since start.
    public struct CacheTally: Sendable, Hashable {
        /// Lookups.
        public var lookups = 0
        /// Exact hits.
        public var hits = 0
        /// Semantic hits.
        public var semanticHits = 0
        /// Money saved in US dollars.
        public var savedUSD = 0.0
    }

    private let tally = Mutex(CacheTally())

    /// The metrics behind `/metrics`.
    public let metrics: GatewayMetrics
    /// The dashboard's recent traffic.
    public let live: LiveTraffic

    /// Creates the sinks.
    public init(metrics: GatewayMetrics = GatewayMetrics(), live: LiveTraffic = LiveTraffic()) {
        self.metrics = metrics
        self.live = live
    }

    /// Cache lookups since start.
    public var cache: CacheTally { tally.withLock { $0 } }

    /// A request started.
    public func started() {
        metrics.requestStarted()
        live.started()
    }

    /// A request finished.
    public func finished(_ record: RequestRecord) {
        metrics.requestFinished(record)
        if let cache = record.cache {
            tally.withLock { tally in
                tally.lookups += 1
                if cache == .hit { tally.hits += 1 }
                if cache == .semanticHit { tally.semanticHits += 1 }
                tally.savedUSD += record.savedUSD
            }
        }
        live.finished(
            milliseconds: record.durationSeconds * 1000,
            firstTokenMilliseconds: record.timeToFirstTokenSeconds.map { $0 * 1000 }, failed: record.failed)
    }
}
