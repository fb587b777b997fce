import Foundation
import Logging
import ServiceLifecycle
import SwitchyardGovernance
import SwitchyardStore

/// Refreshes the ``BudgetPressureBook`` from the spend forecasts every ``interval``: per tenant, the highest
/// `forecast / budget` over its monthly and daily budgets.
struct BudgetPressureService: Service {
    let book: BudgetPressureBook
    let forecasts: SpendForecasts
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // The first refresh waits a moment: the store is migrated once the service group runs.
        var wait = min(interval, .seconds(2))
        while !Task.isShuttingDownGracefully {
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            wait = interval
            do {
                try await refresh()
            } catch {
                logger.warning("budget pressure refresh failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    /// Recomputes every tenant's ratio from the forecasts.
    func refresh(now: Date = Date()) async throws {
        var ratios: [String: Double] = [:]
        for window in [BudgetWindow.monthly, .daily] {
            for row in try await forecasts.forecasts(grouping: .tenant, window: window, tenantID: nil, now: now) {
                guard let budget = row.budgetUSD, budget > 0 else { continue }
                ratios[row.id] = max(ratios[row.id] ?? 0, row.forecastUSD / budget)
            }
        }
        book.replace(ratios)
    }
}
