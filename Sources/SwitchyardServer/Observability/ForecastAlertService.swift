import Foundation
import Logging
import ServiceLifecycle
import SwitchyardGovernance
import SwitchyardStore

/// Checks the spend forecasts periodically and sends a `budget.forecast_exceeds_limit` alert (webhook and log) when
/// a budget is expected to run out before its window ends — days before the hard limit bites. One alert per scope
/// and period.
struct ForecastAlertService: Service {
    let forecasts: SpendForecasts
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var alerted: Set<String> = []
        while !Task.isShuttingDownGracefully {
            do {
                // Woken by graceful shutdown, not only by the timer: a long interval must not hold up a stop.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await check(&alerted)
            } catch {
                logger.warning("spend forecast check failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    func check(_ alerted: inout Set<String>, now: Date = Date()) async throws {
        let periods = BudgetPeriods(at: now)
        for grouping in [UsageGrouping.tenant, .team, .key] {
            for window in [BudgetWindow.monthly, .daily] {
                for row in try await forecasts.forecasts(grouping: grouping, window: window, tenantID: nil, now: now)
                where row.exceedsBudget && row.spentUSD < (row.budgetUSD ?? 0) {
                    let period = periods.period(for: window)
                    guard alerted.insert("\(row.scope)/\(row.id)/\(period)").inserted, let budget = row.budgetUSD else {
                        continue
                    }
                    forecasts.runtime.governor.alerts?.enqueue(
                        BudgetAlert(
                            event: "budget.forecast_exceeds_limit", scope: row.scope, scopeID: row.id,
                            tenantID: row.scope == "tenant" ? row.id : "", window: window.rawValue, period: period,
                            limitUSD: budget, spentUSD: row.spentUSD, ratio: row.spentUSD / budget, softRatio: 1,
                            timestamp: ISO8601DateFormatter().string(from: now), forecastUSD: row.forecastUSD))
                }
            }
        }
    }
}
