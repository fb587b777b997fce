import Foundation
import Logging
import SwitchyardCore
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct BudgetConcurrencyTests {
    /// 100 requests race for a $1 budget with $0.10 estimates: exactly 10 get in, whatever the interleaving.
    @Test func concurrentRequestsCannotOverspendBeyondInFlightEstimates() async throws {
        let tracker = BudgetTracker()
        let scope = BudgetScope(.team, "team_a")
        let limits = [BudgetTracker.Limit(scope: scope, limits: BudgetLimits(daily: 1.0), tenantID: "ten_a")]
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<100 {
                group.addTask { (try? tracker.reserve(limits, scopes: [scope], estimate: 0.1)) != nil }
            }
            var count = 0
            for await passed in group where passed { count += 1 }
            return count
        }
        #expect(admitted == 10)
    }

    /// Crossing a soft limit reaches the webhook sink once, off the request path.
    @Test func softLimitAlertsAreDeliveredByTheAlertService() async throws {
        let fixture = KeyFixture(tenantBudget: BudgetLimits(daily: 1, softRatio: 0.5))
        let secret = fixture.addKey()
        let identity = try Authenticator(cache: fixture.cache).authenticate(authorization: nil, apiKey: secret)
        let sink = RecordingAlertSink()
        let alerts = BudgetAlertService(sink: sink, logger: Logger(label: "test"))
        let governor = Governor(cache: fixture.cache, budgets: BudgetTracker(), ledger: nil, alerts: alerts)
        let deployment = TestDeployments.openAI
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await alerts.run() }
            for index in 0..<3 {
                let admission = try await governor.admit(identity, GovernorTests.request(completion: 0))
                // 100k prompt tokens at $2.5/M = $0.25 each: the second request crosses 50 %.
                await governor.complete(
                    admission,
                    RequestOutcome(requestID: "r\(index)", deployment: deployment, usage: Usage(promptTokens: 100_000)))
            }
            for _ in 0..<2_000 where sink.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            group.cancelAll()
        }
        #expect(sink.received.count == 1)
        #expect(sink.received.first?.scope == "tenant")
        #expect(sink.received.first?.spentUSD == 0.5)
    }
}
