import Foundation
import SwitchyardGovernance
import SwitchyardStore
import SwitchyardTelemetry

/// Spend forecasts per tenant, team or key to the end of the current budget window, from the ledger's hourly
/// series (four weeks of history), with the budget each one is measured against.
struct SpendForecasts: Sendable {
    let runtime: GovernanceRuntime
    var forecaster = SpendForecaster()

    /// One group's forecast (snake-case keys on the wire: `forecast_low_usd`, `hours_left`, …).
    struct Row: Sendable, Encodable {
        var scope: String
        var id: String
        var window: String
        var spentUSD: Double
        var forecastUSD: Double
        var forecastLowUSD: Double
        var forecastHighUSD: Double
        var budgetUSD: Double?
        var hoursLeft: Int
        var method: String
        var exceedsBudget: Bool
        var daily: [Day]

        struct Day: Sendable, Encodable {
            var day: String
            var usd: Double
        }
    }

    /// Forecasts every group with spend in the last four weeks or a budget.
    ///
    /// - Parameters:
    ///   - grouping: `tenant`, `team` or `key`.
    ///   - window: `monthly` or `daily`.
    ///   - tenantID: Only this tenant's groups; `nil` for all (master key).
    func forecasts(grouping: UsageGrouping, window: BudgetWindow, tenantID: String?, now: Date = Date()) async throws
        -> [Row]
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let windowStart: Date
        let windowEnd: Date
        switch window {
        case .daily, .total:
            windowStart = calendar.startOfDay(for: now)
            windowEnd = calendar.date(byAdding: .day, value: 1, to: windowStart)!
        case .monthly:
            windowStart = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
            windowEnd = calendar.date(byAdding: .month, value: 1, to: windowStart)!
        }
        let currentHour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let historyStart = min(windowStart, currentHour.addingTimeInterval(-28 * 86_400))
        let rows = try await runtime.store.hourlySpend(
            UsageQuery(tenantID: tenantID, from: historyStart, to: now), groupBy: grouping)
        var byGroup: [String: [Date: Double]] = [:]
        for row in rows where !row.group.isEmpty { byGroup[row.group, default: [:]][row.hour] = row.cost }
        let scopeName = grouping == .tenant ? "tenant" : grouping == .team ? "team" : "key"
        var budgets: [String: Double] = [:]
        for status in try await runtime.admin.budgets(.master, tenantID: tenantID)
        where status.scope == scopeName {
            if let limit = status.limits.limit(for: window) { budgets[status.scopeID] = limit }
        }
        let hoursLeft = Int((windowEnd.timeIntervalSince(currentHour) / 3600).rounded(.up))
        return Set(byGroup.keys).union(budgets.keys).sorted().map { group in
            let hours = byGroup[group] ?? [:]
            let firstHour = hours.keys.min() ?? currentHour
            // Complete hours only: the current hour's partial spend counts as spent, not as a rate.
            var series: [Double] = []
            var hour = firstHour
            while hour < currentHour {
                series.append(hours[hour] ?? 0)
                hour.addTimeInterval(3600)
            }
            let spent = hours.filter { $0.key >= windowStart }.values.reduce(0, +)
            let forecast = forecaster.forecast(hourly: series, spentSoFar: spent, hoursLeft: hoursLeft - 1)
            var days: [String: Double] = [:]
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            for (hour, cost) in hours where hour >= currentHour.addingTimeInterval(-30 * 86_400) {
                days[formatter.string(from: hour), default: 0] += cost
            }
            let budget = budgets[group]
            return Row(
                scope: scopeName, id: group, window: window.rawValue, spentUSD: spent, forecastUSD: forecast.expected,
                forecastLowUSD: forecast.low, forecastHighUSD: forecast.high, budgetUSD: budget, hoursLeft: forecast.hoursLeft,
                method: forecast.method.rawValue, exceedsBudget: budget.map { forecast.expected > $0 } ?? false,
                daily: days.sorted { $0.key < $1.key }.map { Row.Day(day: $0.key, usd: $0.value) })
        }
    }
}
