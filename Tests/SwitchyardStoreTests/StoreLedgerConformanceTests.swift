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

    /// SQLite receives a batch as one JSON array (`UsageRowsJSON`): every value must come back exactly as written,
    /// whatever its bytes (quotes, backslashes, control characters, non-ASCII) or its double's last bit.
    @Test(arguments: StoreBackend.allCases)
    func usageValuesRoundTripExactly(backend: StoreBackend) async throws {
        var random = SystemRandomNumberGenerator()
        func anyDouble() -> Double {
            while true {
                let value = Double(bitPattern: random.next())
                if value.isFinite { return value }
            }
        }
        let awkward = [
            "quote \" and backslash \\", "line\nbreak\ttab\r", "controls \u{1} \u{1F} \u{7F}", "é, 日本, 🚂",
            "\\u0041 stays six characters", "", String(repeating: "long ", count: 400),
        ]
        var records: [UsageRecord] = []
        for index in 0..<300 {
            let text = awkward[index % awkward.count]
            records.append(
                UsageRecord(
                    time: Fixture.epoch.addingTimeInterval(Double(index)), requestID: "req_\(index) \(text)",
                    tenantID: index % 3 == 0 ? nil : text, teamID: index % 2 == 0 ? text : nil, keyID: text,
                    keyPrefix: nil, model: text.isEmpty ? "m" : text, deployment: text, region: index % 5 == 0 ? nil : "eu",
                    promptTokens: index == 7 ? Int(Int64.max) : index, completionTokens: index == 8 ? -1 : 2 * index,
                    cachedPromptTokens: Int(Int32.max), cacheCreationTokens: 0, reasoningTokens: index,
                    cost: index < 4 ? [0, -0.0, 5e-324, Double.greatestFiniteMagnitude][index] : anyDouble(),
                    latencyMilliseconds: anyDouble(), timeToFirstTokenMilliseconds: index % 4 == 0 ? nil : anyDouble(),
                    status: index % 7 == 0 ? 502 : 200, errorCode: index % 7 == 0 ? text : nil, cacheHit: index % 2 == 1,
                    savedCost: Double(index) * 0.1, router: index % 6 == 0 ? text : nil,
                    strongestCost: index % 6 == 0 ? anyDouble() : nil, experiment: index % 9 == 0 ? text : nil,
                    experimentArm: index % 9 == 0 ? "arm \(text)" : nil))
        }
        let written = records
        try await backend.withStore { store in
            try await store.appendUsage(written)
            let read = try await store.usageRecords(UsageQuery())
            #expect(read.count == written.count)
            for (record, stored) in zip(written, read) {
                #expect(stored == record)
                #expect(stored.cost.bitPattern == record.cost.bitPattern || record.cost == 0)
            }
        }
    }

    /// Columns at their default in every row of a batch are left out of its `INSERT`, and read back the same.
    @Test(arguments: StoreBackend.allCases)
    func columnsAtTheirDefaultAreLeftOutAndReadBackTheSame(backend: StoreBackend) async throws {
        let bare = (0..<3).map {
            UsageRecord(time: Fixture.epoch.addingTimeInterval(Double($0)), requestID: "req_\($0)", model: "m")
        }
        var rows: [SQLValue] = []
        for record in bare { SQLStore.appendBinds(for: record, to: &rows) }
        let (sql, binds) = SQLStore.insert(rows: rows, count: bare.count)
        #expect(sql.hasPrefix(
            "INSERT INTO usage_records (time, request_id, model, prompt_tokens, completion_tokens, cached_tokens, "
                + "cache_write_tokens, reasoning_tokens, cost, latency_ms, status, cache_hit) VALUES (?,"))
        #expect(binds.count == 3 * 12)

        var mixed = bare
        mixed[1].region = "eu"
        mixed[2].savedCost = -0.0
        rows = []
        for record in mixed { SQLStore.appendBinds(for: record, to: &rows) }
        let (mixedSQL, _) = SQLStore.insert(rows: rows, count: mixed.count)
        #expect(mixedSQL.contains(" region,") && mixedSQL.contains(" saved_cost"))
        #expect(!mixedSQL.contains("team_id"))

        let written = bare + mixed.map { record in
            var renamed = record
            renamed.requestID += "_mixed"
            return renamed
        }
        try await backend.withStore { store in
            try await store.appendUsage(written)
            let read = try await store.usageRecords(UsageQuery())
            #expect(read == written.sorted { ($0.time, $0.requestID) < ($1.time, $1.requestID) })
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

    /// Deltas to one counter in one call are summed (PostgreSQL refuses an upsert that touches a row twice), and a
    /// call with more counters than one statement binds (15,000 on PostgreSQL, 7,500 on SQLite) writes them all.
    @Test(arguments: StoreBackend.allCases)
    func budgetSpendSumsRepeatsAndSpansStatements(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.addBudgetSpend([
                BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 1),
                BudgetCounter(scope: "team", scopeID: "t_1", period: "total", spent: 2),
                BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 0.5),
            ])
            #expect(
                try await store.budgetCounters(periods: ["total"]) == [
                    BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 1.5),
                    BudgetCounter(scope: "team", scopeID: "t_1", period: "total", spent: 2),
                ])
            let many = (0..<15_001).map { BudgetCounter(scope: "key", scopeID: "k\($0)", period: "d:2026-12-04", spent: 1) }
            try await store.addBudgetSpend(many)
            try await store.addBudgetSpend(Array(many.prefix(10)))
            let written = try await store.budgetCounters(periods: ["d:2026-12-04"])
            #expect(written.count == 15_001)
            #expect(written.reduce(0) { $0 + $1.spent } == 15_011)
        }
    }

    /// Replicas that add to the same counters at once lock their rows in one order (scope, scope id, period), so
    /// that their upserts cannot deadlock on PostgreSQL.
    @Test func budgetDeltasAreSummedIntoOneOrder() {
        let summed = SQLStore.summed([
            BudgetCounter(scope: "team", scopeID: "t_1", period: "total", spent: 1),
            BudgetCounter(scope: "key", scopeID: "key_2", period: "total", spent: 2),
            BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 3),
            BudgetCounter(scope: "team", scopeID: "t_1", period: "total", spent: 4),
            BudgetCounter(scope: "key", scopeID: "key_1", period: "d:2026-12-04", spent: 5),
        ])
        #expect(
            summed == [
                BudgetCounter(scope: "key", scopeID: "key_1", period: "d:2026-12-04", spent: 5),
                BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 3),
                BudgetCounter(scope: "key", scopeID: "key_2", period: "total", spent: 2),
                BudgetCounter(scope: "team", scopeID: "t_1", period: "total", spent: 5),
            ])
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
