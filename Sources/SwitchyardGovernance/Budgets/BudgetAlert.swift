import Foundation
import Logging
import ServiceLifecycle

/// A soft budget limit was crossed: the JSON body posted to the alert webhook.
///
/// A flat object with snake_case keys, so n8n, Zapier or Make can map fields without a schema:
/// ```json
/// {"event":"budget.soft_limit_reached","scope":"team","scope_id":"team_…","tenant_id":"ten_…","window":"daily",
///  "period":"d:2026-11-25","limit_usd":10,"spent_usd":8.1,"ratio":0.81,"soft_ratio":0.8,
///  "timestamp":"2026-11-25T10:00:00Z"}
/// ```
public struct BudgetAlert: Sendable, Hashable, Codable {
    /// Always `budget.soft_limit_reached`.
    public var event: String
    /// `key`, `team` or `tenant`.
    public var scope: String
    /// The key, team or tenant id.
    public var scopeID: String
    /// The tenant the scope belongs to.
    public var tenantID: String
    /// `daily`, `monthly` or `total`.
    public var window: String
    /// The period, e.g. `d:2026-11-25`.
    public var period: String
    /// The hard limit in US dollars.
    public var limitUSD: Double
    /// Spent so far in the period.
    public var spentUSD: Double
    /// `spent / limit`.
    public var ratio: Double
    /// The configured soft ratio.
    public var softRatio: Double
    /// ISO 8601 time of the alert.
    public var timestamp: String

    /// For `budget.forecast_exceeds_limit`: the spend expected at the end of the window.
    public var forecastUSD: Double? = nil

    /// Creates an alert.
    public init(
        event: String, scope: String, scopeID: String, tenantID: String, window: String, period: String,
        limitUSD: Double, spentUSD: Double, ratio: Double, softRatio: Double, timestamp: String,
        forecastUSD: Double? = nil
    ) {
        self.event = event
        self.scope = scope
        self.scopeID = scopeID
        self.tenantID = tenantID
        self.window = window
        self.period = period
        self.limitUSD = limitUSD
        self.spentUSD = spentUSD
        self.ratio = ratio
        self.softRatio = softRatio
        self.timestamp = timestamp
        self.forecastUSD = forecastUSD
    }

    enum CodingKeys: String, CodingKey {
        case event, scope, window, period, ratio, timestamp
        case scopeID = "scope_id"
        case tenantID = "tenant_id"
        case limitUSD = "limit_usd"
        case spentUSD = "spent_usd"
        case softRatio = "soft_ratio"
        case forecastUSD = "forecast_usd"
    }
}

/// Where soft-limit alerts go.
public protocol BudgetAlertSink: Sendable {
    /// Delivers one alert. Failures are the sink's to log; they never reach a request.
    func deliver(_ alert: BudgetAlert) async
}

/// Delivers alerts off the request path: ``enqueue(_:)`` never waits; ``run()`` logs each alert and hands it to the
/// sink (a webhook), until graceful shutdown, after which it drains what is queued.
public final class BudgetAlertService: Service, Sendable {
    private let stream: AsyncStream<BudgetAlert>
    private let continuation: AsyncStream<BudgetAlert>.Continuation
    private let sink: (any BudgetAlertSink)?
    private let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - sink: The webhook (or test) sink; `nil` only logs.
    ///   - logger: Where each alert is logged (warning level).
    public init(sink: (any BudgetAlertSink)?, logger: Logger) {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        self.sink = sink
        self.logger = logger
    }

    /// Queues an alert; never blocks.
    public func enqueue(_ alert: BudgetAlert) {
        continuation.yield(alert)
    }

    /// Delivers alerts until graceful shutdown, then the rest of the queue.
    public func run() async throws {
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            for await alert in stream {
                logger.warning(
                    alert.forecastUSD == nil ? "budget soft limit reached" : "budget forecast exceeds the limit",
                    metadata: [
                        "scope": "\(alert.scope)", "scope_id": "\(alert.scopeID)", "window": "\(alert.window)",
                        "ratio": "\(alert.ratio)",
                    ])
                await sink?.deliver(alert)
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }
}
