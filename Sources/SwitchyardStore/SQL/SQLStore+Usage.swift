import Foundation

extension SQLStore {
    static let usageColumns = """
        time, request_id, tenant_id, team_id, key_id, key_prefix, model, deployment, region, prompt_tokens, \
        completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost, latency_ms, ttft_ms, status, \
        error_code, cache_hit, saved_cost, router, strongest_cost, experiment, experiment_arm
        """
    static let usageColumnCount = 25

    /// The column names of ``usageColumns``, in order.
    static let usageColumnNames = usageColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }

    /// The value a column takes when an `INSERT` leaves it out: `NULL`, or `0` for `saved_cost`. `nil` for the
    /// columns that are `NOT NULL` without a default, which every `INSERT` lists.
    static let usageColumnDefaults: [SQLValue?] = usageColumnNames.map { name in
        switch name {
        case "tenant_id", "team_id", "key_id", "key_prefix", "deployment", "region", "ttft_ms", "error_code", "router",
            "strongest_cost", "experiment", "experiment_arm":
            return .null
        case "saved_cost":
            return .double(0)
        default:
            return nil
        }
    }

    /// See ``Store/appendUsage(_:)``. Writes multi-row `INSERT`s, as many rows per statement as the backend allows.
    ///
    /// A column whose value is its default in every row of a statement is left out of it: most requests have no
    /// team, region, error, router or experiment, and SQLite parses and binds every placeholder of every row anew
    /// (SQLiteNIO keeps no prepared statements). With 25 placeholders a row that was about 37,000 instructions per
    /// record, most of the ledger's cost (`bench/results/gateway-2026-12-03-session11.md`).
    ///
    /// Up to 500 records go in one statement without a transaction around it (``SQLDriver/execute(priority:_:_:)``);
    /// more in one transaction.
    public func appendUsage(_ records: [UsageRecord], priority: WritePriority) async throws {
        guard !records.isEmpty else { return }
        let perStatement = min(500, driver.dialect.maxBinds / Self.usageColumnCount)
        try await write(records, perStatement: perStatement, priority: priority, statement: Self.insert)
    }

    /// Writes `items` in statements of at most `perStatement` items each (`statement` makes one): a single statement
    /// on its own (``SQLDriver/execute(priority:_:_:)``), more in one transaction.
    private func write<Item: Sendable>(
        _ items: [Item], perStatement: Int, priority: WritePriority,
        statement: @escaping @Sendable (ArraySlice<Item>) -> (String, [SQLValue])
    ) async throws {
        if items.count <= perStatement {
            let (sql, binds) = statement(items[...])
            return try await driver.execute(priority: priority, sql, binds)
        }
        try await driver.transaction(priority: priority) { db in
            var start = 0
            while start < items.count {
                let end = min(start + perStatement, items.count)
                let (sql, binds) = statement(items[start..<end])
                try await db.execute(sql, binds)
                start = end
            }
        }
    }

    /// The `INSERT` of `records`, and its binds.
    static func insert(_ records: ArraySlice<UsageRecord>) -> (String, [SQLValue]) {
        var rows: [SQLValue] = []
        rows.reserveCapacity(records.count * usageColumnCount)
        for record in records { appendBinds(for: record, to: &rows) }
        return insert(rows: rows, count: records.count)
    }

    /// The `INSERT` of `count` rows (`rows`: their values, column after column, row after row), without the columns
    /// that hold their default in every row, and its binds.
    static func insert(rows: [SQLValue], count: Int) -> (String, [SQLValue]) {
        let width = usageColumnCount
        var kept: [Int] = []
        for column in 0..<width {
            guard let fallback = usageColumnDefaults[column] else {
                kept.append(column)
                continue
            }
            for row in 0..<count where !isDefault(rows[row * width + column], fallback) {
                kept.append(column)
                break
            }
        }
        var binds: [SQLValue] = []
        binds.reserveCapacity(count * kept.count)
        for row in 0..<count {
            for column in kept { binds.append(rows[row * width + column]) }
        }
        let names = kept.map { usageColumnNames[$0] }.joined(separator: ", ")
        let placeholders = "(" + Array(repeating: "?", count: kept.count).joined(separator: ",") + ")"
        let values = Array(repeating: placeholders, count: count).joined(separator: ",")
        return ("INSERT INTO usage_records (\(names)) VALUES \(values)", binds)
    }

    /// Whether `value` is exactly `fallback` (a negative zero is not the default zero).
    private static func isDefault(_ value: SQLValue, _ fallback: SQLValue) -> Bool {
        switch (value, fallback) {
        case (.null, .null): return true
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        default: return false
        }
    }

    /// See ``Store/usageRecords(_:)``.
    public func usageRecords(_ query: UsageQuery) async throws -> [UsageRecord] {
        let (filter, binds) = Self.filter(query)
        return try await driver.query(
            "SELECT \(Self.usageColumns) FROM usage_records\(filter) ORDER BY time, request_id", binds
        ).map(Self.usage(from:))
    }

    /// See ``Store/usageCount(_:)``.
    public func usageCount(_ query: UsageQuery) async throws -> Int {
        let (filter, binds) = Self.filter(query)
        return try await driver.query("SELECT COUNT(*) FROM usage_records\(filter)", binds).first?.int(0) ?? 0
    }

    /// See ``Store/usageSummary(_:groupBy:)``.
    public func usageSummary(_ query: UsageQuery, groupBy: UsageGrouping) async throws -> [UsageGroup] {
        let column = Self.column(groupBy)
        let (filter, binds) = Self.filter(query)
        let rows = try await driver.query(
            """
            SELECT COALESCE(\(column), ''), COUNT(*), CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT),
                CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT), COALESCE(SUM(cost), 0),
                COALESCE(SUM(saved_cost), 0), CAST(COALESCE(SUM(cache_hit), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN router IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT),
                COALESCE(SUM(CASE WHEN strongest_cost IS NULL THEN 0 ELSE strongest_cost - cost END), 0)
            FROM usage_records\(filter) GROUP BY COALESCE(\(column), '') ORDER BY 5 DESC, 1
            """, binds)
        return rows.map { row in
            UsageGroup(
                group: row.string(0) ?? "", requests: row.int(1) ?? 0, promptTokens: row.int(2) ?? 0,
                completionTokens: row.int(3) ?? 0, cost: row.double(4) ?? 0,
                savedCost: row.double(5) ?? 0, cacheHits: row.int(6) ?? 0, routedRequests: row.int(7) ?? 0,
                savedVsStrongest: row.double(8) ?? 0)
        }
    }

    /// See ``Store/hourlySpend(_:)``.
    public func hourlySpend(_ query: UsageQuery, groupBy: UsageGrouping) async throws -> [HourlySpend] {
        let column = Self.column(groupBy)
        let (filter, binds) = Self.filter(query)
        let rows = try await driver.query(
            """
            SELECT COALESCE(\(column), ''), CAST(time / 3600000 AS BIGINT) AS hour, COALESCE(SUM(cost), 0)
            FROM usage_records\(filter) GROUP BY COALESCE(\(column), ''), CAST(time / 3600000 AS BIGINT)
            ORDER BY 2, 1
            """, binds)
        return rows.map { row in
            HourlySpend(
                group: row.string(0) ?? "", hour: Date(timeIntervalSince1970: Double(row.int(1) ?? 0) * 3600),
                cost: row.double(2) ?? 0)
        }
    }

    // MARK: Budget counters

    /// See ``Store/addBudgetSpend(_:)``.
    ///
    /// Deltas to the same counter are summed first. Then one multi-row upsert, without a transaction around it
    /// (``SQLDriver/execute(priority:_:_:)``): on PostgreSQL, where replicas add to the same counters, a counter's
    /// row is locked only while the server runs the statement. It was one statement per counter in a transaction,
    /// whose rows stayed locked until this process, perhaps busy and flushing in the idle scheduling class, sent
    /// `COMMIT`. More counters than one statement can bind go in one transaction.
    public func addBudgetSpend(_ deltas: [BudgetCounter], priority: WritePriority) async throws {
        let counters = Self.summed(deltas)
        guard !counters.isEmpty else { return }
        try await write(
            counters, perStatement: driver.dialect.maxBinds / 4, priority: priority, statement: Self.budgetUpsert)
    }

    /// One delta per counter (PostgreSQL refuses an upsert that touches a row twice), ordered by scope, scope id and
    /// period: replicas that add to the same counters at once then lock their rows in the same order, and cannot
    /// deadlock on them.
    static func summed(_ deltas: [BudgetCounter]) -> [BudgetCounter] {
        var index: [BudgetCounterKey: Int] = [:]
        var counters: [BudgetCounter] = []
        counters.reserveCapacity(deltas.count)
        for delta in deltas {
            let key = BudgetCounterKey(scope: delta.scope, scopeID: delta.scopeID, period: delta.period)
            if let at = index[key] {
                counters[at].spent += delta.spent
            } else {
                index[key] = counters.count
                counters.append(delta)
            }
        }
        return counters.sorted { ($0.scope, $0.scopeID, $0.period) < ($1.scope, $1.scopeID, $1.period) }
    }

    /// The multi-row upsert that adds `counters` to their rows.
    static func budgetUpsert(_ counters: ArraySlice<BudgetCounter>) -> (String, [SQLValue]) {
        var sql = "INSERT INTO budget_counters (scope, scope_id, period, spent) VALUES "
        sql += Array(repeating: "(?, ?, ?, ?)", count: counters.count).joined(separator: ", ")
        sql += " ON CONFLICT (scope, scope_id, period) DO UPDATE SET spent = budget_counters.spent + excluded.spent"
        var binds: [SQLValue] = []
        binds.reserveCapacity(counters.count * 4)
        for counter in counters {
            binds += [.text(counter.scope), .text(counter.scopeID), .text(counter.period), .double(counter.spent)]
        }
        return (sql, binds)
    }

    /// A budget counter's identity.
    private struct BudgetCounterKey: Hashable {
        var scope: String
        var scopeID: String
        var period: String
    }

    /// See ``Store/budgetCounters(periods:)``.
    public func budgetCounters(periods: Set<String>?) async throws -> [BudgetCounter] {
        var sql = "SELECT scope, scope_id, period, spent FROM budget_counters"
        var binds: [SQLValue] = []
        if let periods {
            guard !periods.isEmpty else { return [] }
            sql += " WHERE period IN (" + Array(repeating: "?", count: periods.count).joined(separator: ", ") + ")"
            binds = periods.sorted().map { .text($0) }
        }
        return try await driver.query(sql + " ORDER BY scope, scope_id, period", binds).map { row in
            BudgetCounter(
                scope: try row.requiredString(0), scopeID: try row.requiredString(1),
                period: try row.requiredString(2), spent: row.double(3) ?? 0)
        }
    }

    // MARK: Helpers

    static func column(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .tenant: "tenant_id"
        case .team: "team_id"
        case .key: "key_id"
        case .model: "model"
        }
    }

    static func filter(_ query: UsageQuery) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var binds: [SQLValue] = []
        if let tenantID = query.tenantID {
            clauses.append("tenant_id = ?")
            binds.append(.text(tenantID))
        }
        if let from = query.from {
            clauses.append("time >= ?")
            binds.append(SQLValue(from))
        }
        if let to = query.to {
            clauses.append("time < ?")
            binds.append(SQLValue(to))
        }
        return (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "), binds)
    }

    static func appendBinds(for record: UsageRecord, to binds: inout [SQLValue]) {
        binds.append(SQLValue(record.time))
        binds.append(.text(record.requestID))
        binds.append(SQLValue(record.tenantID))
        binds.append(SQLValue(record.teamID))
        binds.append(SQLValue(record.keyID))
        binds.append(SQLValue(record.keyPrefix))
        binds.append(.text(record.model))
        binds.append(SQLValue(record.deployment))
        binds.append(SQLValue(record.region))
        binds.append(.int(Int64(record.promptTokens)))
        binds.append(.int(Int64(record.completionTokens)))
        binds.append(.int(Int64(record.cachedPromptTokens)))
        binds.append(.int(Int64(record.cacheCreationTokens)))
        binds.append(.int(Int64(record.reasoningTokens)))
        binds.append(.double(record.cost))
        binds.append(.double(record.latencyMilliseconds))
        binds.append(SQLValue(record.timeToFirstTokenMilliseconds))
        binds.append(.int(Int64(record.status)))
        binds.append(SQLValue(record.errorCode))
        binds.append(SQLValue(record.cacheHit))
        binds.append(.double(record.savedCost))
        binds.append(SQLValue(record.router))
        binds.append(SQLValue(record.strongestCost))
        binds.append(SQLValue(record.experiment))
        binds.append(SQLValue(record.experimentArm))
    }

    static func usage(from row: SQLRow) throws -> UsageRecord {
        UsageRecord(
            time: row.date(0) ?? Date(timeIntervalSince1970: 0), requestID: try row.requiredString(1),
            tenantID: row.string(2), teamID: row.string(3), keyID: row.string(4), keyPrefix: row.string(5),
            model: try row.requiredString(6), deployment: row.string(7), region: row.string(8),
            promptTokens: row.int(9) ?? 0, completionTokens: row.int(10) ?? 0, cachedPromptTokens: row.int(11) ?? 0,
            cacheCreationTokens: row.int(12) ?? 0, reasoningTokens: row.int(13) ?? 0, cost: row.double(14) ?? 0,
            latencyMilliseconds: row.double(15) ?? 0, timeToFirstTokenMilliseconds: row.double(16),
            status: row.int(17) ?? 0, errorCode: row.string(18), cacheHit: row.bool(19),
            savedCost: row.double(20) ?? 0, router: row.string(21), strongestCost: row.double(22),
            experiment: row.string(23), experimentArm: row.string(24))
    }
}
