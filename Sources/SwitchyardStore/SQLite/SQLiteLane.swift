import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// One SQLite connection and the lock that serialises its statements: the driver has one for everything and one
/// for background writes (``WritePriority/background``).
final class SQLiteLane: Sendable {
    let connection: SQLiteConnection
    let lock = AsyncLock()
    /// The thread pool of its own that the connection runs on, shut down with it; `nil` for NIO's shared pool.
    let ownPool: NIOThreadPool?
    /// Held around every transaction, on every lane of the database: transactions of two connections never wait
    /// for each other inside SQLite, where a wait longer than `busy_timeout` fails with "database is locked" (a
    /// background flush whose low-priority thread is starved of CPU holds SQLite's write lock that long).
    let writeLock: AsyncLock

    init(connection: SQLiteConnection, ownPool: NIOThreadPool?, writeLock: AsyncLock) {
        self.connection = connection
        self.ownPool = ownPool
        self.writeLock = writeLock
    }

    /// Opens a connection to `path`, on `pool` when given (its own) or on NIO's shared pool, and sets the
    /// per-connection pragmas (the journal mode is the file's, set once by the main lane).
    static func open(
        path: String, pool: NIOThreadPool?, writeLock: AsyncLock, logger: Logger
    ) async throws -> SQLiteLane {
        let connection: SQLiteConnection
        if let pool {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
        } else {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        }
        let lane = SQLiteLane(connection: connection, ownPool: pool, writeLock: writeLock)
        try await lane.query("PRAGMA synchronous = NORMAL", [])
        try await lane.query("PRAGMA foreign_keys = ON", [])
        // A statement outside a transaction (an admin write) may still meet the other lane's transaction.
        try await lane.query("PRAGMA busy_timeout = 30000", [])
        return lane
    }

    /// Runs one statement.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await lock.withLock { try await self.unlockedQuery(sql, binds) }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, holding the write lock and this lane's lock throughout.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await writeLock.withLock { try await self.lockedTransaction(body) }
    }

    private func lockedTransaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await self.unlockedQuery("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(Transaction(lane: self))
                try await self.unlockedQuery("COMMIT", [])
                return result
            } catch {
                _ = try? await self.unlockedQuery("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Closes the connection (idempotent), then its own pool.
    func close() async throws {
        try await lock.withLock {
            // The future-based close also runs when the task is cancelled (shutdown), unlike the async one.
            if !self.connection.isClosed {
                let closed: EventLoopFuture<Void> = self.connection.close()
                try await closed.get()
            }
        }
        try? await ownPool?.shutdownGracefully()
    }

    @discardableResult
    private func unlockedQuery(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let data = binds.map(SQLiteDriver.data(for:))
        do {
            // The future-based call runs to completion even when the calling task is cancelled, so a cancelled
            // request can never leave the shared connection inside an open transaction.
            let rows: EventLoopFuture<[SQLiteRow]> = connection.query(sql, data)
            return try await rows.get().map { row in
                SQLRow(values: row.columns.map { SQLiteDriver.value(for: $0.data) })
            }
        } catch let error as SQLiteError {
            throw SQLiteDriver.map(error)
        }
    }

    /// Statements inside a transaction: the lock is already held.
    private struct Transaction: SQLExecutor {
        let lane: SQLiteLane
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await lane.unlockedQuery(sql, binds)
        }
    }
}
