import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import SwitchyardCore
import ServiceLifecycle

/// The embedded backend: one SQLite file in WAL mode, and two connections, each with its statements serialised
/// by an ``AsyncLock``.
///
/// - The main connection runs everything, on NIO's shared thread pool.
/// - The background connection runs the writes asked for at ``WritePriority/background`` (the usage ledger's
///   routine flushes), on a thread of its own in the idle scheduling class (``ThreadPriority/makeCurrentThreadIdle()``),
///   its nice value also raised by ``backgroundNiceSteps``.
///   A flush of a few hundred records is milliseconds of SQLite's CPU; at normal priority it held one of the two
///   cores of the benchmark machine while requests waited for it, which was most of the p99 added latency at
///   concurrency 1 (`bench/results/gateway-2026-12-03-session11.md`); at nice +10 requests still waited for its time
///   slice (`bench/results/gateway-2026-12-04-session14.md`).
///   The two connections share the file. Their transactions take turns on one ``AsyncLock`` before SQLite sees
///   them; a single statement outside a transaction waits in SQLite (`busy_timeout`, 30 s).
final class SQLiteDriver: SQLDriver {
    /// How much lower the background connection's thread runs (nice 0 becomes 10).
    static let backgroundNiceSteps: Int32 = 10

    let main: SQLiteLane
    let background: SQLiteLane
    var dialect: SQLDialect { .sqlite }

    private init(main: SQLiteLane, background: SQLiteLane) {
        self.main = main
        self.background = background
    }

    /// Opens (creating the file and its directory if needed) and configures the database.
    static func open(path: String, logger: Logger) async throws -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let writeLock = AsyncLock()
        let main = try await SQLiteLane.open(path: path, pool: nil, writeLock: writeLock, logger: logger)
        _ = try await main.query("PRAGMA journal_mode = WAL", [])
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        do {
            try await pool.runIfActive {
                ThreadPriority.lowerCurrentThread(by: backgroundNiceSteps)
                ThreadPriority.makeCurrentThreadIdle()
            }
            let background = try await SQLiteLane.open(path: path, pool: pool, writeLock: writeLock, logger: logger)
            return SQLiteDriver(main: main, background: background)
        } catch {
            try? await pool.shutdownGracefully()
            try? await main.close()
            throw error
        }
    }

    /// The nice value of the background connection's thread (for tests).
    func backgroundThreadNice() async throws -> Int32 {
        guard let pool = background.ownPool else { return ThreadPriority.currentNice }
        return try await pool.runIfActive { ThreadPriority.currentNice }
    }

    /// Whether the background connection's thread is in the idle scheduling class (for tests).
    func backgroundThreadIsIdle() async throws -> Bool {
        guard let pool = background.ownPool else { return ThreadPriority.currentThreadIsIdle }
        return try await pool.runIfActive { ThreadPriority.currentThreadIsIdle }
    }

    func run() async throws {
        // Nothing runs in the background; keep the file open until shutdown, then close it.
        try? await gracefulShutdown()
        try await close()
    }

    func close() async throws {
        try await background.close()
        try await main.close()
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await main.query(sql, binds)
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await main.transaction(body)
    }

    func transaction<T: Sendable>(
        priority: WritePriority, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        switch priority {
        case .normal: try await main.transaction(body)
        case .background: try await background.transaction(body)
        }
    }

    /// A write in a transaction of its own, which holds the database's write lock (``SQLiteLane/writeLock``) so that
    /// the other lane's transactions never make it wait inside SQLite.
    func execute(priority: WritePriority, _ sql: String, _ binds: [SQLValue]) async throws {
        try await transaction(priority: priority) { try await $0.execute(sql, binds) }
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
