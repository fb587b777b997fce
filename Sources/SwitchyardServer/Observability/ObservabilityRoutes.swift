import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardStore
import SwitchyardTelemetry

/// `GET /metrics` (Prometheus text), `GET /admin/v1/dashboard` (the dashboard's JSON), `GET /admin/v1/forecast`
/// (spend forecasts) and `GET /dashboard` (the page).
struct ObservabilityRoutes: Sendable {
    let telemetry: GatewayTelemetry
    let engine: RoutingEngine
    let governance: GovernanceRuntime?
    /// Whether `/metrics` needs the master key.
    let metricsNeedKey: Bool
    /// The A/B experiments shown on the dashboard, when configured.
    var experiments: ExperimentMonitor? = nil

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/metrics") { request, _ in try await metrics(request) }
        router.get("/admin/v1/dashboard") { request, _ in try await dashboard(request) }
        router.get("/admin/v1/forecast") { request, _ in try await forecast(request) }
        router.get("/dashboard") { _, _ in DashboardPage.response() }
    }

    /// Refreshes the scrape-time gauges (breakers, budgets), then renders the registry.
    func metrics(_ request: Request) async throws -> Response {
        if metricsNeedKey, let refusal = authorize(request) { return refusal }
        for model in engine.catalog.ordered {
            for deployment in model.deployments {
                let state = engine.health.health(of: deployment).breaker.state.name
                telemetry.metrics.setBreakerState(
                    deployment: deployment.id, state: state == "open" ? 2 : state == "half_open" ? 1 : 0)
            }
        }
        if let governance, let statuses = try? await governance.admin.budgets(.master, tenantID: nil) {
            for status in statuses where status.scope == "tenant" {
                for (window, spent) in [
                    (BudgetWindow.daily, status.spentDaily), (.monthly, status.spentMonthly), (.total, status.spentTotal),
                ] {
                    guard let limit = status.limits.limit(for: window), limit > 0 else { continue }
                    telemetry.metrics.setBudgetUtilisation(
                        scope: status.scope, id: status.scopeID, window: window.rawValue, ratio: spent / limit)
                }
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: telemetry.metrics.exposition())))
    }

    /// The dashboard's data (master key only: it spans every tenant).
    func dashboard(_ request: Request) async throws -> Response {
        if let refusal = authorize(request) { return refusal }
        let summary = telemetry.live.summary()
        let now = Date()
        var spend = DashboardSnapshot.Spend(todayUSD: 0, monthUSD: 0, savedTodayUSD: 0, byTenant: [], byModel: [])
        if let governance {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let today = calendar.startOfDay(for: now)
            let month = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
            let store = governance.store
            let tenantsToday = try await store.usageSummary(UsageQuery(from: today), groupBy: .tenant)
            let tenantsMonth = try await store.usageSummary(UsageQuery(from: month), groupBy: .tenant)
            let modelsToday = try await store.usageSummary(UsageQuery(from: today), groupBy: .model)
            let modelsMonth = try await store.usageSummary(UsageQuery(from: month), groupBy: .model)
            let forecasts = try await SpendForecasts(runtime: governance).forecasts(
                grouping: .tenant, window: .monthly, tenantID: nil, now: now)
            spend.todayUSD = tenantsToday.reduce(0) { $0 + $1.cost }
            spend.monthUSD = tenantsMonth.reduce(0) { $0 + $1.cost }
            spend.savedTodayUSD = tenantsToday.reduce(0) { $0 + $1.savedCost }
            let tenantIDs = Set(tenantsMonth.map(\.group)).union(forecasts.map(\.id)).filter { !$0.isEmpty }
            spend.byTenant = tenantIDs.sorted().map { id in
                let forecast = forecasts.first { $0.id == id }
                return DashboardSnapshot.TenantSpend(
                    tenant: id, todayUSD: tenantsToday.first { $0.group == id }?.cost ?? 0,
                    monthUSD: tenantsMonth.first { $0.group == id }?.cost ?? 0, budgetUSD: forecast?.budgetUSD,
                    forecastUSD: forecast?.forecastUSD, forecastLowUSD: forecast?.forecastLowUSD,
                    forecastHighUSD: forecast?.forecastHighUSD, daily: forecast?.daily ?? [])
            }
            spend.byModel = modelsMonth.map { row in
                let today = modelsToday.first { $0.group == row.group }
                return DashboardSnapshot.ModelSpend(
                    model: row.group, todayUSD: today?.cost ?? 0, monthUSD: row.cost, requestsToday: today?.requests ?? 0)
            }
        }
        let tally = telemetry.cache
        var snapshot = DashboardSnapshot(
            generatedAt: ISO8601DateFormatter().string(from: now),
            traffic: .init(
                requestsPerSecond: summary.requestsPerSecond, errorRate: summary.errorRate,
                latencyP50Ms: summary.latencyP50, latencyP95Ms: summary.latencyP95, ttftP50Ms: summary.firstTokenP50,
                inFlight: summary.inFlight, requestsTotal: summary.requestsTotal, errorsTotal: summary.errorsTotal),
            series: telemetry.live.series().map {
                .init(
                    t: $0.time, rps: $0.requestsPerSecond, errorRate: $0.errorRate, p50Ms: $0.latencyP50,
                    p95Ms: $0.latencyP95, ttftP50Ms: $0.firstTokenP50)
            },
            spend: spend,
            cache: .init(
                lookups: tally.lookups, hits: tally.hits, semanticHits: tally.semanticHits,
                hitRate: tally.lookups == 0 ? 0 : Double(tally.hits + tally.semanticHits) / Double(tally.lookups),
                savedUSD: tally.savedUSD),
            deployments: deploymentStates(), decisions: recentDecisions())
        snapshot.experiments = experiments?.reports() ?? []
        return try Self.json(snapshot)
    }

    /// `GET /admin/v1/forecast?group_by=tenant|team|key&window=monthly|daily` (master: all; a tenant admin: its own).
    func forecast(_ request: Request) async throws -> Response {
        guard let governance else { return GovernanceError(.notFound, "Governance is not enabled.").response() }
        let caller: AdminCaller
        switch Result(catching: { () throws(GovernanceError) -> AdminCaller in
            try governance.authenticator.authenticateAdmin(
                authorization: request.headers[.authorization], apiKey: request.headers[HTTPField.Name("x-api-key")!])
        }) {
        case .success(let value): caller = value
        case .failure(let error): return error.response()
        }
        let query = request.uri.queryParameters
        let grouping: UsageGrouping
        switch query["group_by"].map(String.init) ?? "tenant" {
        case "tenant": grouping = .tenant
        case "team": grouping = .team
        case "key": grouping = .key
        default: return GovernanceError(.invalidRequest, "group_by must be tenant, team or key.", param: "group_by").response()
        }
        guard let window = BudgetWindow(rawValue: query["window"].map(String.init) ?? "monthly"), window != .total else {
            return GovernanceError(.invalidRequest, "window must be monthly or daily.", param: "window").response()
        }
        let rows = try await SpendForecasts(runtime: governance).forecasts(
            grouping: grouping, window: window, tenantID: caller.tenantID)
        return try Self.json(ForecastList(data: rows))
    }

    private struct ForecastList: Encodable {
        var object = "list"
        var data: [SpendForecasts.Row]
    }

    /// `nil` when the request carries the master key; otherwise the refusal to send.
    private func authorize(_ request: Request) -> Response? {
        guard let governance else { return nil }
        let result = Result { () throws(GovernanceError) -> AdminCaller in
            try governance.authenticator.authenticateAdmin(
                authorization: request.headers[.authorization], apiKey: request.headers[HTTPField.Name("x-api-key")!])
        }
        switch result {
        case .success(.master): return nil
        case .success: return GovernanceError(.insufficientScope, "Only the master key may read this.").response()
        case .failure(let error): return error.response()
        }
    }

    private func deploymentStates() -> [DashboardSnapshot.DeploymentState] {
        engine.catalog.ordered.flatMap { model in
            model.deployments.map { deployment in
                let health = engine.health.health(of: deployment)
                return DashboardSnapshot.DeploymentState(
                    id: deployment.id, model: model.name, provider: deployment.provider.name, region: deployment.region,
                    breaker: health.breaker.state.name, inFlight: health.inflight,
                    latencyMs: health.latency.map { ($0 * 1000).rounded() },
                    errorRate: health.attempts == 0 ? 0 : Double(health.failures) / Double(health.attempts))
            }
        }
    }

    private func recentDecisions() -> [DashboardSnapshot.Decision] {
        let formatter = ISO8601DateFormatter()
        return engine.decisions.recent(20).map { decision in
            let last = decision.attempts.last
            return DashboardSnapshot.Decision(
                requestID: decision.requestID,
                time: formatter.string(from: Date(timeIntervalSince1970: decision.timestamp)), model: decision.model,
                deployment: decision.pick, reason: decision.reason, attempts: decision.attempts.count,
                outcome: last?.outcome ?? "none")
        }
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let body = try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}
