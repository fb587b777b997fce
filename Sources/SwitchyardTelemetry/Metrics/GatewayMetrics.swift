public import Prometheus
import Synchronization
import SwitchyardCore

/// The gateway's metrics, named after the OpenTelemetry GenAI semantic conventions where one exists, exposed in
/// Prometheus text format at `GET /metrics`.
///
/// Recorded straight into one swift-prometheus registry (with help texts, which `promtool` requires); ``factory``
/// puts swift-metrics onto the same registry, so other libraries' metrics appear beside them. Labels are bounded: model, provider, deployment,
/// region, status, error code, token type, cache result, tenant — never a request id, key or prompt.
///
/// | Metric | Type | Labels |
/// | --- | --- | --- |
/// | `gen_ai_client_operation_duration_seconds` | histogram | operation, model, provider, deployment, region, status, code |
/// | `gen_ai_server_time_to_first_token_seconds` | histogram | model, provider |
/// | `gen_ai_server_time_per_output_token_seconds` | histogram | model, provider |
/// | `gen_ai_client_token_usage` | histogram | model, provider, token type |
/// | `switchyard_requests_total` | counter | operation, model, provider, deployment, region, status, code |
/// | `switchyard_tokens_total` | counter | model, token type (`input`, `output`, `cached_input`, `reasoning`) |
/// | `switchyard_cost_usd_total` | counter | model, tenant |
/// | `switchyard_cache_lookups_total` | counter | result (`hit`, `semantic_hit`, `miss`) |
/// | `switchyard_cache_saved_usd_total` | counter | tenant |
/// | `switchyard_requests_in_flight` | gauge | |
/// | `switchyard_upstream_attempts_total` | counter | deployment, kind, outcome |
/// | `switchyard_retries_total`, `switchyard_fallbacks_total` | counter | model |
/// | `switchyard_circuit_breaker_state` | gauge (0 closed, 1 half-open, 2 open) | deployment |
/// | `switchyard_budget_utilisation_ratio` | gauge | scope, id, window |
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory over ``registry``: bootstrap `MetricsSystem` with it so library metrics appear too.
    public let factory: PrometheusMetricsFactory
    private let inFlight: Gauge
    // Handles of the per-request series by label values (see ``RequestSeries``).
    private let requestSeries: MetricHandleCache<RequestSeries.Key, RequestSeries>
    private let timeToFirstToken: MetricHandleCache<[String], DurationHistogram>
    private let timePerOutputToken: MetricHandleCache<[String], DurationHistogram>
    private let tokens: MetricHandleCache<[String], Counter>
    private let tokenUsage: MetricHandleCache<[String], ValueHistogram>
    private let cost: MetricHandleCache<[String], Counter>
    private let cacheLookups: MetricHandleCache<[String], Counter>
    private let cacheSaved: MetricHandleCache<[String], Counter>
    private let attempts: MetricHandleCache<[String], Counter>
    private let retries: MetricHandleCache<[String], Counter>
    private let fallbacks: MetricHandleCache<[String], Counter>

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]
    static let perTokenBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    ]
    static let tokenBuckets: [Double] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304]

    /// Creates the metrics on a fresh registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        typealias Labels = [String]
        requestSeries = MetricHandleCache { RequestSeries($0, registry: registry) }
        timeToFirstToken = MetricHandleCache { (labels: Labels) in
            registry.makeDurationHistogram(
                descriptor: Names.timeToFirstToken, labels: [("model", labels[0]), ("provider", labels[1])],
                buckets: Self.latencyBuckets)
        }
        timePerOutputToken = MetricHandleCache { (labels: Labels) in
            registry.makeDurationHistogram(
                descriptor: Names.timePerOutputToken, labels: [("model", labels[0]), ("provider", labels[1])],
                buckets: Self.perTokenBuckets)
        }
        tokens = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.tokens, labels: [("model", labels[0]), ("type", labels[1])])
        }
        tokenUsage = MetricHandleCache { (labels: Labels) in
            registry.makeValueHistogram(
                descriptor: Names.tokenUsage,
                labels: [("model", labels[0]), ("provider", labels[1]), ("token_type", labels[2])],
                buckets: Self.tokenBuckets)
        }
        cost = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.cost, labels: [("model", labels[0]), ("tenant", labels[1])])
        }
        cacheLookups = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.cacheLookups, labels: [("result", labels[0])])
        }
        cacheSaved = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.cacheSaved, labels: [("tenant", labels[0])])
        }
        attempts = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(
                descriptor: Names.attempts,
                labels: [("deployment", labels[0]), ("kind", labels[1]), ("outcome", labels[2])])
        }
        retries = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.retries, labels: [("model", labels[0])])
        }
        fallbacks = MetricHandleCache { (labels: Labels) in
            registry.makeCounter(descriptor: Names.fallbacks, labels: [("model", labels[0])])
        }
        factory = PrometheusMetricsFactory(registry: registry)
        inFlight = registry.makeGauge(descriptor: Names.inFlight)
        inFlight.set(0.0)
    }

    /// Metric descriptors (names and help texts).
    public enum Names {
        /// Request duration.
        nonisolated(unsafe) public static let operationDuration = MetricNameDescriptor(
            metricName: "gen_ai_client_operation_duration", unitName: "seconds",
            helpText: "Duration of GenAI operations (requests) through the gateway.")
        /// Time to first token.
        nonisolated(unsafe) public static let timeToFirstToken = MetricNameDescriptor(
            metricName: "gen_ai_server_time_to_first_token", unitName: "seconds",
            helpText: "Time from the request to the first streamed token.")
        /// Time per output token after the first.
        nonisolated(unsafe) public static let timePerOutputToken = MetricNameDescriptor(
            metricName: "gen_ai_server_time_per_output_token", unitName: "seconds",
            helpText: "Time per output token after the first, for streams.")
        /// Tokens per request by type.
        nonisolated(unsafe) public static let tokenUsage = MetricNameDescriptor(
            metricName: "gen_ai_client_token_usage", unitName: "",
            helpText: "Tokens per request by token type (input, output).")
        /// Requests.
        nonisolated(unsafe) public static let requests = MetricNameDescriptor(
            metricName: "switchyard_requests", unitName: "total", helpText: "Requests by outcome.")
        /// Tokens by type.
        nonisolated(unsafe) public static let tokens = MetricNameDescriptor(
            metricName: "switchyard_tokens", unitName: "total",
            helpText: "Tokens by model and type (input, output, cached_input, reasoning).")
        /// Cost.
        nonisolated(unsafe) public static let cost = MetricNameDescriptor(
            metricName: "switchyard_cost_usd", unitName: "total", helpText: "Upstream cost in US dollars.")
        /// Cache lookups.
        nonisolated(unsafe) public static let cacheLookups = MetricNameDescriptor(
            metricName: "switchyard_cache_lookups", unitName: "total",
            helpText: "Response cache lookups by result (hit, semantic_hit, miss).")
        /// Money saved by the cache.
        nonisolated(unsafe) public static let cacheSaved = MetricNameDescriptor(
            metricName: "switchyard_cache_saved_usd", unitName: "total",
            helpText: "Upstream cost avoided by response cache hits, in US dollars.")
        /// Requests in flight.
        nonisolated(unsafe) public static let inFlight = MetricNameDescriptor(
            metricName: "switchyard_requests_in_flight", unitName: "", helpText: "Requests being served now.")
        /// Upstream attempts.
        nonisolated(unsafe) public static let attempts = MetricNameDescriptor(
            metricName: "switchyard_upstream_attempts", unitName: "total",
            helpText: "Upstream attempts by deployment, kind (first, retry, failover, fallback, resume) and outcome.")
        /// Retries.
        nonisolated(unsafe) public static let retries = MetricNameDescriptor(
            metricName: "switchyard_retries", unitName: "total", helpText: "Same-deployment retries.")
        /// Fallbacks to another model.
        nonisolated(unsafe) public static let fallbacks = MetricNameDescriptor(
            metricName: "switchyard_fallbacks", unitName: "total", helpText: "Fallbacks to another model.")
        /// Breaker state.
        nonisolated(unsafe) public static let breaker = MetricNameDescriptor(
            metricName: "switchyard_circuit_breaker_state", unitName: "",
            helpText: "Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.")
        /// Budget utilisation.
        nonisolated(unsafe) public static let budget = MetricNameDescriptor(
            metricName: "switchyard_budget_utilisation", unitName: "ratio",
            helpText: "Spend divided by the hard budget, per scope and window.")
    }

    /// A request started.
    public func requestStarted() { inFlight.increment(by: 1.0) }

    /// A request finished (call once per ``requestStarted()``).
    public func requestFinished(_ record: RequestRecord) {
        inFlight.decrement(by: 1.0)
        let series = requestSeries[
            RequestSeries.Key(
                operation: record.operation, model: record.model, provider: record.provider,
                deployment: record.deployment, region: record.region, status: record.status,
                code: record.errorCode ?? "")]
        series.requests.increment()
        series.duration.record(.nanoseconds(Int64(record.durationSeconds * 1e9)))
        let tenant = record.tenant ?? ""
        series.derived.withLock { derived in
            if let ttft = record.timeToFirstTokenSeconds {
                Self.memo(&derived.timeToFirstToken, timeToFirstToken[[record.model, record.provider]])
                    .record(.nanoseconds(Int64(ttft * 1e9)))
                if let output = record.usage?.completionTokens, output > 1, record.durationSeconds > ttft {
                    let perToken = (record.durationSeconds - ttft) / Double(output - 1)
                    Self.memo(&derived.timePerOutputToken, timePerOutputToken[[record.model, record.provider]])
                        .record(.nanoseconds(Int64(perToken * 1e9)))
                }
            }
            if let usage = record.usage {
                if usage.promptTokens > 0 {
                    Self.memo(&derived.tokens.0, tokens[[record.model, "input"]])
                        .increment(by: Int64(usage.promptTokens))
                    Self.memo(&derived.usage.0, tokenUsage[[record.model, record.provider, "input"]])
                        .record(Double(usage.promptTokens))
                }
                if usage.completionTokens > 0 {
                    Self.memo(&derived.tokens.1, tokens[[record.model, "output"]])
                        .increment(by: Int64(usage.completionTokens))
                    Self.memo(&derived.usage.1, tokenUsage[[record.model, record.provider, "output"]])
                        .record(Double(usage.completionTokens))
                }
                if usage.cachedPromptTokens > 0 {
                    Self.memo(&derived.tokens.2, tokens[[record.model, "cached_input"]])
                        .increment(by: Int64(usage.cachedPromptTokens))
                }
                if usage.reasoningTokens > 0 {
                    Self.memo(&derived.tokens.3, tokens[[record.model, "reasoning"]])
                        .increment(by: Int64(usage.reasoningTokens))
                }
            }
            if record.costUSD > 0 {
                let counter: Counter
                if let memo = derived.cost, memo.tenant == tenant {
                    counter = memo.counter
                } else {
                    counter = cost[[record.model, tenant]]
                    derived.cost = (tenant, counter)
                }
                counter.increment(by: record.costUSD)
            }
            for attempt in record.attempts {
                let counter: Counter
                if let memo = derived.attempt, memo.deployment == attempt.deployment, memo.kind == attempt.kind,
                    memo.outcome == attempt.outcome
                {
                    counter = memo.counter
                } else {
                    counter = attempts[[attempt.deployment, attempt.kind, attempt.outcome]]
                    derived.attempt = (attempt.deployment, attempt.kind, attempt.outcome, counter)
                }
                counter.increment()
                if attempt.kind == "retry" {
                    retries[[record.model]].increment()
                } else if attempt.kind == "fallback" {
                    fallbacks[[record.model]].increment()
                }
            }
        }
        if let cache = record.cache {
            cacheLookups[[cache.rawValue]].increment()
            if record.savedUSD > 0 {
                cacheSaved[[tenant]].increment(by: record.savedUSD)
            }
        }
    }

    /// The handle kept in `slot`, or `make`'s, kept there from now on.
    @inline(__always)
    private static func memo<Handle>(_ slot: inout Handle?, _ make: @autoclosure () -> Handle) -> Handle {
        if let handle = slot { return handle }
        let handle = make()
        slot = handle
        return handle
    }

    /// Sets a deployment's breaker state (0 closed, 1 half-open, 2 open).
    public func setBreakerState(deployment: String, state: Int) {
        registry.makeGauge(descriptor: Names.breaker, labels: [("deployment", deployment)]).set(Double(state))
    }

    /// Sets a budget's utilisation (spent ÷ limit) for one window.
    public func setBudgetUtilisation(scope: String, id: String, window: String, ratio: Double) {
        registry.makeGauge(descriptor: Names.budget, labels: [("scope", scope), ("id", id), ("window", window)])
            .set(ratio)
    }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
