import Foundation
import Testing

@testable import SwitchyardStore

/// Every backend: a ledger row's router, strongest-model cost and experiment arm round-trip, and the usage summary
/// sums "saved vs strongest" over routed rows only.
@Suite struct StoreUsageRouterTests {
    @Test(arguments: StoreBackend.allCases)
    func routedRowsRoundTripAndSumSavedVsStrongest(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let routed = UsageRecord(
                time: Fixture.epoch, requestID: "routed", tenantID: "ten_a", model: "mixtral", cost: 0.25,
                router: "auto", strongestCost: 2.0, experiment: "exp-1", experimentArm: "learned")
            let cheap = UsageRecord(
                time: Fixture.epoch, requestID: "routed-2", tenantID: "ten_a", model: "gpt-4o", cost: 1.0,
                router: "auto", strongestCost: 1.0)
            let plain = UsageRecord(time: Fixture.epoch, requestID: "plain", tenantID: "ten_a", model: "gpt-4o", cost: 3)
            try await store.appendUsage([routed, cheap, plain])
            let rows = try await store.usageRecords(UsageQuery())
            #expect(rows.first { $0.requestID == "routed" } == routed)
            #expect(rows.first { $0.requestID == "plain" }?.router == nil)
            #expect(rows.first { $0.requestID == "plain" }?.strongestCost == nil)
            let summary = try #require(try await store.usageSummary(UsageQuery(), groupBy: .tenant).first)
            #expect(summary.requests == 3)
            #expect(summary.routedRequests == 2)
            #expect(abs(summary.savedVsStrongest - 1.75) < 1e-12)
            #expect(abs(summary.cost - 4.25) < 1e-12)
        }
    }
}
