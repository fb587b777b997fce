/// Runs SQL on one database. SQL is written with `?` placeholders; drivers translate them as their database needs.
protocol SQLExecutor: Sendable {
    /// Runs a statement and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    /// Runs a statement, ignoring rows.
    func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await query(sql, binds)
    }
}

/// The SQL dialect differences the store needs.
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The most bind parameters one statement may carry.
    var maxBinds: Int {
        switch self {
        case .sqlite: return 30_000
        case .postgres: return 60_000
        }
    }
}

/// A database connection (or pool) the SQL store runs on.
protocol SQLDriver: SQLExecutor {
    var dialect: SQLDialect { get }
    /// Runs the driver's background work until cancelled or until graceful shutdown; then closes it.
    func run() async throws
    /// Closes the database now (idempotent); for short-lived tools that do not run a `ServiceGroup`.
    func close() async throws
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs `body` in one transaction at `priority` (a driver without a background connection ignores it).
    func transaction<T: Sendable>(
        priority: WritePriority, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T
    /// Runs one statement, atomic by itself, at `priority`. No transaction is opened around it: on PostgreSQL the
    /// locks it takes (budget counters' rows) are released when the server has run it, not after this process's next
    /// turn to send `COMMIT`, which a routine flush in the idle scheduling class may wait for while the process is
    /// busy.
    func execute(priority: WritePriority, _ sql: String, _ binds: [SQLValue]) async throws
}

extension SQLDriver {
    func execute(priority: WritePriority, _ sql: String, _ binds: [SQLValue]) async throws {
        try await execute(sql, binds)
    }

    func transaction<T: Sendable>(
        priority: WritePriority, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        try await transaction(body)
    }
}
