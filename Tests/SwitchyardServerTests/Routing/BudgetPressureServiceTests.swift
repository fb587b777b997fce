import Foundation
import Logging
import SwitchyardConfiguration
import SwitchyardGovernance
import SwitchyardStore
import Testing

@testable import SwitchyardServer

/// Budget pressure from the ledger: the refresh turns each tenant's month-end spend forecast into a ratio to its
/// budget, which the router's curve turns into a higher λ.
@Suite struct BudgetPressureServiceTests {
    @Test func theRefreshRatesTenantsByForecastOverBudget() async throws {
        var logger = Logger(label: "budget-pressure-test")
        logger.logLevel = .critical
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchyard-pressure-\(UUID().uuidString)/switchyard.sqlite").path
        let runtime = try await GovernanceRuntime.make(
            settings: GovernanceSettings(store: .sqlite(path: path)), logger: logger)
        try await runtime.prepare()
        let hot = try await runtime.admin.createTenant(
            .master, TenantDraft(name: "hot", budget: BudgetLimits(monthly: 30)))
        let calm = try await runtime.admin.createTenant(
            .master, TenantDraft(name: "calm", budget: BudgetLimits(monthly: 100)))
        let unbudgeted = try await runtime.admin.createTenant(.master, TenantDraft(name: "free"))

        // Fourteen and a half days of November at $0.05 an hour (≈ $36 by month end) for every tenant.
        let monthStart = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
        let now = monthStart.addingTimeInterval(14.5 * 86_400)
        var records: [UsageRecord] = []
        var hour = monthStart
        while hour < now {
            for tenant in [hot.id, calm.id, unbudgeted.id] {
                records.append(
                    UsageRecord(
                        time: hour.addingTimeInterval(60), requestID: UUID().uuidString, tenantID: tenant,
                        model: "gpt-test", cost: 0.05))
            }
            hour.addTimeInterval(3600)
        }
        try await runtime.store.appendUsage(records)

        let book = BudgetPressureBook()
        let service = BudgetPressureService(
            book: book, forecasts: SpendForecasts(runtime: runtime), interval: .seconds(60), logger: logger)
        try await service.refresh(now: now)
        let hotRatio = try #require(book.ratio(for: hot.id))
        let calmRatio = try #require(book.ratio(for: calm.id))
        #expect(hotRatio > 1 && hotRatio < 1.5)
        #expect(calmRatio > 0.3 && calmRatio < 0.45)
        #expect(book.ratio(for: unbudgeted.id) == nil)

        let curve = RouterSettings.BudgetPressure(start: 0.8, full: 1.0, maxLambda: 4)
        #expect(curve.lambda(base: 0.1, ratio: hotRatio) == 4)
        #expect(curve.lambda(base: 0.1, ratio: calmRatio) == 0.1)
        try await runtime.store.close()
    }
}
