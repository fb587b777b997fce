import Foundation
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardStore
import SwitchyardTelemetry

/// The JSON behind the dashboard (`GET /admin/v1/dashboard`): live traffic, spend with forecasts, cache savings,
/// deployment health and the latest routing decisions.
struct DashboardSnapshot: Encodable, Sendable {
    struct Traffic: Encodable, Sendable {
        var requestsPerSecond: Double
        var errorRate: Double
        var latencyP50: Double?
        var latencyP95: Double?
        var firstTokenP50: Double?
        var inFlight: Int
        var requestsTotal: Int
        var errorsTotal: Int

        enum CodingKeys: String, CodingKey {
            case requestsPerSecond = "requests_per_second"
            case errorRate = "error_rate"
            case latencyP50 = "latency_p50_ms"
            case latencyP95 = "latency_p95_ms"
            case firstTokenP50 = "ttft_p50_ms"
            case inFlight = "in_flight"
            case requestsTotal = "requests_total"
            case errorsTotal = "errors_total"
        }
    }

    struct Point: Encodable, Sendable {
        var t: Int
        var rps: Double
        var errorRate: Double
        var p50: Double?
        var p95: Double?
        var firstTokenP50: Double?

        enum CodingKeys: String, CodingKey {
            case t, rps
            case errorRate = "error_rate"
            case p50 = "p50_ms"
            case p95 = "p95_ms"
            case firstTokenP50 = "ttft_p50_ms"
        }
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

        enum CodingKeys: String, CodingKey {
            case tenant, daily
            case todayUSD = "today_usd"
            case monthUSD = "month_usd"
            case budgetUSD = "budget_usd"
            case forecastUSD = "forecast_usd"
            case forecastLowUSD = "forecast_low_usd"
            case forecastHighUSD = "forecast_high_usd"
        }
    }

    struct ModelSpend: Encodable, Sendable {
        var model: String
        var todayUSD: Double
        var monthUSD: Double
        var requestsToday: Int

        enum CodingKeys: String, CodingKey {
            case model
            case todayUSD = "today_usd"
            case monthUSD = "month_usd"
            case requestsToday = "requests_today"
        }
    }

    struct Spend: Encodable, Sendable {
        var todayUSD: Double
        var monthUSD: Double
        var savedTodayUSD: Double
        var byTenant: [TenantSpend]
        var byModel: [ModelSpend]

        enum CodingKeys: String, CodingKey {
            case todayUSD = "today_usd"
            case monthUSD = "month_usd"
            case savedTodayUSD = "saved_today_usd"
            case byTenant = "by_tenant"
            case byModel = "by_model"
        }
    }

    struct Cache: Encodable, Sendable {
        var lookups: Int
        var hits: Int
        var semanticHits: Int
        var hitRate: Double
        var savedUSD: Double

        enum CodingKeys: String, CodingKey {
            case lookups, hits
            case semanticHits = "semantic_hits"
            case hitRate = "hit_rate"
            case savedUSD = "saved_usd"
        }
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

        enum CodingKeys: String, CodingKey {
            case id, model, provider, region, breaker
            case inFlight = "in_flight"
            case latencyMs = "latency_ms"
            case errorRate = "error_rate"
        }
    }

    struct Decision: Encodable, Sendable {
        var requestID: String
        var time: String
        var model: String
        var deployment: String?
        var reason: String
        var attempts: Int
        var outcome: String

        enum CodingKeys: String, CodingKey {
            case time, model, deployment, reason, attempts, outcome
            case requestID = "request_id"
        }
    }

    var generatedAt: String
    var traffic: Traffic
    var series: [Point]
    var spend: Spend
    var cache: Cache
    var deployments: [DeploymentState]
    var decisions: [Decision]

    enum CodingKeys: String, CodingKey {
        case traffic, series, spend, cache, deployments, decisions
        case generatedAt = "generated_at"
    }
}
