import Foundation
import Logging
import SwitchyardGovernance
import SwitchyardStore
import SwitchyardTesting
import Testing

@testable import SwitchyardServer

/// The forecast alert: a tenant whose month-end spend forecast crosses its budget gets one
/// `budget.forecast_exceeds_limit` webhook post, days before the hard limit; a tenant on track gets none.
@Suite struct ForecastAlertTests {
    @Test func forecastCrossingTheBudgetPostsOneWebhookAlert() async throws {
        try await FakeUpstream.withRunning { upstream in
            var logger = Logger(label: "forecast-alert-test")
            logger.logLevel = .critical
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("switchyard-alert-\(UUID().uuidString)/switchyard.sqlite").path
            let runtime = try await GovernanceRuntime.make(
                settings: GovernanceSettings(
                    store: .sqlite(path: path), alertWebhookURL: upstream.baseURL + "/hooks/budget"),
                logger: logger)
            try await runtime.prepare()
            let hot = try await runtime.admin.createTenant(
                .master, TenantDraft(name: "hot", budget: BudgetLimits(monthly: 30)))
            let calm = try await runtime.admin.createTenant(
                .master, TenantDraft(name: "calm", budget: BudgetLimits(monthly: 100)))

            // Fourteen and a half days of November at $0.05 an hour (≈ $36 by month end) for both tenants.
            let monthStart = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
            let now = monthStart.addingTimeInterval(14.5 * 86_400)
            var records: [UsageRecord] = []
            var hour = monthStart
            while hour < now {
                for tenant in [hot.id, calm.id] {
                    records.append(
                        UsageRecord(
                            time: hour.addingTimeInterval(60), requestID: UUID().uuidString, tenantID: tenant,
                            model: "gpt-test", cost: 0.05))
                }
                hour.addTimeInterval(3600)
            }
            try await runtime.store.appendUsage(records)

            let alerts = try #require(runtime.governor.alerts)
            let delivery = Task { try await alerts.run() }
            defer { delivery.cancel() }
            let service = ForecastAlertService(
                forecasts: SpendForecasts(runtime: runtime), interval: .seconds(3600), logger: logger)
            var alerted: Set<String> = []
            try await service.check(&alerted, now: now)
            try await service.check(&alerted, now: now.addingTimeInterval(900))  // the next check: no repeat

            var posts: [FakeRecorder.Entry] = []
            for _ in 0..<1_200 {  // 30 s, past the webhook sink's own 10 s limit
                posts = await upstream.recorder.entries.filter { $0.path.hasPrefix("/hooks/budget") }
                if !posts.isEmpty { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            try await Task.sleep(for: .milliseconds(200))  // would a duplicate or a second tenant's alert arrive?
            posts = await upstream.recorder.entries.filter { $0.path.hasPrefix("/hooks/budget") }
            #expect(posts.count == 1)
            let alert = try #require(posts.first?.json)
            #expect(alert["event"] as? String == "budget.forecast_exceeds_limit")
            #expect(alert["scope"] as? String == "tenant")
            #expect(alert["scope_id"] as? String == hot.id)
            #expect(alert["period"] as? String == "m:2026-11")
            #expect(alert["limit_usd"] as? Double == 30)
            let spent = try #require(alert["spent_usd"] as? Double)
            #expect(abs(spent - 0.05 * 14.5 * 24) < 0.01)
            let forecast = try #require(alert["forecast_usd"] as? Double)
            #expect(forecast > 30 && forecast < 45)
            try await runtime.store.close()
        }
    }
}
