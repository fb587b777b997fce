import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import ServiceLifecycle

/// The embedded backend: one SQLite file in WAL mode, one connection, statements serialised by an ``AsyncLock``.
final class SQLiteDriver: SQLDriver {
    let connection: SQLiteConnection
    let lock = AsyncLock()
    var dialect: SQLDialect { .sqlite }

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating the file and its directory if needed) and configures the database.
    static func open(path: String, logger: Logger) async throws -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let driver = SQLiteDriver(connection: connection)
        _ = try await driver.query("PRAGMA journal_mode = WAL", [])
        try await driver.execute("PRAGMA synchronous = NORMAL")
        try await driver.execute("PRAGMA foreign_keys = ON")
        try await driver.execute("PRAGMA busy_timeout = 5000")
        return driver
    }

    func run() async throws {
        // Nothing runs in the background; keep the file open until shutdown, then close it.
        try? await gracefulShutdown()
        try await close()
    }

    func close() async throws {
        try await lock.withLock {
            // The future-based close also runs when the task is cancelled (shutdown), unlike the async one.
            if !self.connection.isClosed {
                let closed: EventLoopFuture<Void> = self.connection.close()
                try await closed.get()
            }
        }
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await lock.withLock { try await self.unlockedQuery(sql, binds) }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await self.unlockedQuery("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(Transaction(driver: self))
                try await self.unlockedQuery("COMMIT", [])
                return result
            } catch {
                _ = try? await self.unlockedQuery("ROLLBACK", [])
                throw error
            }
        }
    }

    @discardableResult
    fileprivate func unlockedQuery(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let data = binds.map(Self.data(for:))
        do {
            // The future-based call runs to completion even when the calling task is cancelled, so a cancelled
            // request can never leave the shared connection inside an open transaction.
            let rows: EventLoopFuture<[SQLiteRow]> = connection.query(sql, data)
            return try await rows.get().map { row in
                SQLRow(values: row.columns.map { Self.value(for: $0.data) })
            }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    /// Statements inside a transaction: the lock is already held.
    private struct Transaction: SQLExecutor {
        let driver: SQLiteDriver
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await driver.unlockedQuery(sql, binds)
        }
    }

    static func data(for value: SQLValue) -> SQLiteData {
        switch value {
        case .int(let int): return .integer(SQLiteInt64(int))
        case .double(let double): return .float(double)
        case .text(let text): return .text(text)
        case .null: return .null
        }
    }

    static func value(for data: SQLiteData) -> SQLValue {
        switch data {
        case .integer(let int): return .int(Int64(int))
        case .float(let double): return .double(double)
        case .text(let text): return .text(text)
        case .blob(let buffer): return .text(String(buffer: buffer))
        case .null: return .null
        }
    }

    static func map(_ error: SQLiteError) -> StoreError {
        switch error.reason {
        case .constraintForeignKeyFailed: return .notFound("a referenced record does not exist")
        case .constraintPrimaryKeyFailed, .constraintUniqueFailed, .constraintUniqueRowIDFailed, .constraint:
            return .conflict("a record with this identity exists")
        default: return .backend("sqlite: \(error.message)")
        }
    }
}

extension SQLStore {
    /// The default location of the embedded database, relative to the working directory.
    public static let defaultSQLitePath = "./switchyard-data/switchyard.sqlite"

    /// Opens (and creates on first start) the embedded SQLite store: WAL mode, foreign keys on.
    ///
    /// - Parameters:
    ///   - path: The database file; its directory is created if missing.
    ///   - logger: For the driver's debug logs.
    /// - Throws: ``StoreError/backend(_:)`` when the file cannot be opened.
    public static func sqlite(
        path: String = defaultSQLitePath, logger: Logger = Logger(label: "switchyard.store")
    ) async throws -> SQLStore {
        do {
            return SQLStore(driver: try await SQLiteDriver.open(path: path, logger: logger))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.backend("cannot open the SQLite database: \(error)")
        }
    }
}
