import Foundation
import SwitchyardRouting

/// The JSON behind the dashboard (`GET /admin/v1/dashboard`): live traffic, spend with forecasts, cache savings,
/// deployment health and the latest routing decisions.
///
/// Encoded with ``ObservabilityRoutes/json(_:)``, which converts property names to snake case
/// (`ttftP50Ms` → `ttft_p50_ms`, `todayUSD` → `today_usd`): the property names are the wire contract.
struct DashboardSnapshot: Encodable, Sendable {
    struct Traffic: Encodable, Sendable {
        var requestsPerSecond: Double
        var errorRate: Double
        var latencyP50Ms: Double?
        var latencyP95Ms: Double?
        var ttftP50Ms: Double?
        var inFlight: Int
        var requestsTotal: Int
        var errorsTotal: Int
    }

    struct Point: Encodable, Sendable {
        var t: Int
        var rps: Double
        var errorRate: Double
        var p50Ms: Double?
        var p95Ms: Double?
        var ttftP50Ms: Double?
    }

    struct TenantSpend: Encodable, Sendable {
        var tenant: String
        var todayUSD: Double
        var monthUSD: Double
        var budgetUSD: Double?
        var forecastUSD: Double?
        var forecastLowUSD: Double?
        var forecastHighUSD: Double?
        var daily: [SpendForecasts.Row.Day]
    }

    struct ModelSpend: Encodable, Sendable {
        var model: String
        var todayUSD: Double
        var monthUSD: Double
        var requestsToday: Int
    }

    struct Spend: Encodable, Sendable {
        var todayUSD: Double
        var monthUSD: Double
        var savedTodayUSD: Double
        var byTenant: [TenantSpend]
        var byModel: [ModelSpend]
    }

    struct Cache: Encodable, Sendable {
        var lookups: Int
        var hits: Int
        var semanticHits: Int
        var hitRate: Double
        var savedUSD: Double
    }

    struct DeploymentState: Encodable, Sendable {
        var id: String
        var model: String
        var provider: String
        var region: String?
        var breaker: String
        var inFlight: Int
        var latencyMs: Double?
        var errorRate: Double
    }

    struct Decision: Encodable, Sendable {
        var requestID: String
        var time: String
        var model: String
        var deployment: String?
        var reason: String
        var attempts: Int
        var outcome: String
    }

    var generatedAt: String
    var traffic: Traffic
    var series: [Point]
    var spend: Spend
    var cache: Cache
    var deployments: [DeploymentState]
    var decisions: [Decision]
    /// The A/B experiments' reports (empty without experiments).
    var experiments: [ExperimentReport] = []
}
