import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardStore

/// The SQLite driver's second connection, for ``WritePriority/background`` writes.
@Suite struct SQLiteBackgroundLaneTests {
    /// Background writes run on a thread in the idle scheduling class, its nice value raised, and land in the same
    /// database.
    @Test func backgroundWritesRunLowerAndLandInTheSameDatabase() async throws {
        let nice = ThreadPriority.currentNice
        try await StoreBackend.sqlite.withStore { store in
            let driver = try #require(store.driver as? SQLiteDriver)
            #expect(try await driver.backgroundThreadNice() == min(19, nice + SQLiteDriver.backgroundNiceSteps))
            #if os(Linux)
            #expect(try await driver.backgroundThreadIsIdle())
            #expect(!ThreadPriority.currentThreadIsIdle)
            #endif
            try await store.appendUsage((0..<50).map { Fixture.usage($0, tenant: "ten_low") }, priority: .background)
            try await store.addBudgetSpend(
                [BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 2)], priority: .background)
            #expect(try await store.usageCount(UsageQuery(tenantID: "ten_low")) == 50)
            #expect(try await store.budgetCounters(periods: ["total"]).map(\.spent) == [2])
        }
    }

    /// Both connections write at once: SQLite lets one writer in at a time, and the other waits; nothing fails
    /// and nothing is lost.
    @Test func concurrentWritesOnBothConnectionsAllLand() async throws {
        try await StoreBackend.sqlite.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<8 {
                    let priority: WritePriority = round % 2 == 0 ? .background : .normal
                    group.addTask {
                        try await store.appendUsage(
                            (0..<500).map { Fixture.usage($0, tenant: "ten_\(round % 2)") }, priority: priority)
                        try await store.addBudgetSpend(
                            [BudgetCounter(scope: "tenant", scopeID: "ten_\(round % 2)", period: "total", spent: 1)],
                            priority: priority)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.usageCount(UsageQuery(tenantID: "ten_0")) == 2_000)
            #expect(try await store.usageCount(UsageQuery(tenantID: "ten_1")) == 2_000)
            let spent = try await store.budgetCounters(periods: ["total"]).map(\.spent)
            #expect(spent == [4, 4])
        }
    }
}
