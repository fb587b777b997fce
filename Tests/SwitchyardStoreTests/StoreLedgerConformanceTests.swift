import Foundation
import Testing

@testable import SwitchyardStore

/// One suite, every backend: the usage ledger and budget counters.
@Suite struct StoreLedgerConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func usageAppendsInBatchesAndQueriesByTenantAndTime(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let later = Fixture.epoch.addingTimeInterval(3600)
            var records: [UsageRecord] = []
            for index in 0..<1_234 {
                records.append(
                    Fixture.usage(
                        index, tenant: index % 2 == 0 ? "ten_a" : "ten_b", team: index % 4 == 0 ? "team_a1" : nil,
                        key: "key_\(index % 3)", model: index % 5 == 0 ? "claude" : "gpt-4o",
                        at: index < 1_000 ? Fixture.epoch : later))
            }
            try await store.appendUsage(records)
            try await store.appendUsage([])
            #expect(try await store.usageCount(UsageQuery()) == 1_234)
            #expect(try await store.usageCount(UsageQuery(tenantID: "ten_a")) == 617)
            #expect(try await store.usageCount(UsageQuery(from: later)) == 234)
            #expect(try await store.usageCount(UsageQuery(to: later)) == 1_000)

            let first = try await store.usageRecords(UsageQuery(tenantID: "ten_a", to: later)).first
            #expect(first == records[0])

            let byTenant = try await store.usageSummary(UsageQuery(), groupBy: .tenant)
            #expect(Set(byTenant.map(\.group)) == ["ten_a", "ten_b"])
            #expect(byTenant.map(\.requests).reduce(0, +) == 1_234)
            let ownTeams = try await store.usageSummary(UsageQuery(tenantID: "ten_a"), groupBy: .team)
            #expect(ownTeams.first { $0.group == "team_a1" }?.requests == 309)
            #expect(ownTeams.first { $0.group == "" }?.requests == 308)
            let byModel = try await store.usageSummary(UsageQuery(), groupBy: .model)
            let claude = try #require(byModel.first { $0.group == "claude" })
            #expect(claude.requests == 247)
            #expect(claude.promptTokens == 24_700)
            #expect(claude.completionTokens == 4_940)
            #expect(abs(claude.cost - 61.75) < 1e-9)
            #expect(try await store.usageSummary(UsageQuery(), groupBy: .key).count == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func budgetSpendAccumulatesPerPeriod(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.addBudgetSpend([
                BudgetCounter(scope: "key", scopeID: "key_1", period: "d:2026-11-25", spent: 1.5),
                BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 1.5),
            ])
            try await store.addBudgetSpend([
                BudgetCounter(scope: "key", scopeID: "key_1", period: "d:2026-11-25", spent: 0.25),
                BudgetCounter(scope: "tenant", scopeID: "ten_a", period: "d:2026-11-24", spent: 9),
            ])
            try await store.addBudgetSpend([])
            let today = try await store.budgetCounters(periods: ["d:2026-11-25", "total"])
            #expect(
                today == [
                    BudgetCounter(scope: "key", scopeID: "key_1", period: "d:2026-11-25", spent: 1.75),
                    BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 1.5),
                ])
            #expect(try await store.budgetCounters(periods: nil).count == 3)
            #expect(try await store.budgetCounters(periods: []).isEmpty)
        }
    }

    @Test func sqliteCreatesItsFileInWALMode() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-wal-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("data/switchyard.sqlite").path
        let store = try await SQLStore.sqlite(path: path)
        try await store.migrate()
        #expect(FileManager.default.fileExists(atPath: path))
        let mode = try await store.driver.query("PRAGMA journal_mode", []).first?.string(0)
        #expect(mode == "wal")
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite struct SQLiteCancellationTests {
    /// A task cancelled in the middle of its writes must leave the single SQLite connection usable.
    @Test func cancelledWritersNeverWedgeTheConnection() async throws {
        try await StoreBackend.sqlite.withStore { store in
            for round in 0..<20 {
                let task = Task {
                    try await store.appendUsage((0..<2_000).map { Fixture.usage($0, tenant: "ten_\(round)") })
                }
                task.cancel()
                _ = await task.result
            }
            try await store.appendUsage([Fixture.usage(0, tenant: "ten_last")])
            #expect(try await store.usageCount(UsageQuery(tenantID: "ten_last")) == 1)
        }
    }
}
