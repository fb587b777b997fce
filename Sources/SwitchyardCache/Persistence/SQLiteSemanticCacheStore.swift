import Foundation
import Logging
import NIOCore
import SQLiteNIO
import SwitchyardCore

/// Keeps the semantic cache in one SQLite file so a restart keeps it.
///
/// Write each record returned by ``SemanticCache/store(_:for:tenant:ttl:)`` with ``save(_:)``; at start-up pass
/// ``loadLive(now:)`` to ``SemanticCache/restore(_:)``. Expired rows are deleted on load.
///
/// ```swift
/// let store = try await SQLiteSemanticCacheStore.open(path: "switchyard-data/semantic-cache.sqlite")
/// cache.restore(try await store.loadLive(now: Date().timeIntervalSince1970))
/// ```
public actor SQLiteSemanticCacheStore {
    private let connection: SQLiteConnection

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens or creates the database file and its table.
    ///
    /// - Parameter path: The SQLite file; its directory is created if missing.
    /// - Throws: File-system and SQLite errors.
    public static func open(path: String) async throws -> SQLiteSemanticCacheStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), logger: Logger(label: "switchyard.cache.sqlite"))
        _ = try await connection.query("PRAGMA journal_mode = WAL", [])
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS semantic_cache (
                id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, model TEXT NOT NULL, context_hash TEXT NOT NULL,
                tools_hash TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL, response TEXT NOT NULL,
                expires_at REAL NOT NULL)
            """, [])
        return SQLiteSemanticCacheStore(connection: connection)
    }

    /// Appends a record.
    ///
    /// - Throws: Encoding and SQLite errors.
    public func save(_ record: SemanticCacheRecord) async throws {
        let response = String(decoding: try JSONEncoder().encode(record.response), as: UTF8.self)
        let vector = record.vector.withUnsafeBytes { ByteBuffer(bytes: $0) }
        _ = try await connection.query(
            """
            INSERT INTO semantic_cache (tenant, model, context_hash, tools_hash, text, vector, response, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(record.scope.tenant), .text(record.scope.modelGroup), .text(record.scope.contextHash),
                .text(record.scope.toolsHash), .text(record.text), .blob(vector), .text(response),
                .float(record.expiresAt),
            ])
    }

    /// Deletes expired rows and returns the others, oldest first.
    ///
    /// - Parameter now: The current time on the cache's clock.
    /// - Throws: SQLite and decoding errors.
    public func loadLive(now: Double) async throws -> [SemanticCacheRecord] {
        _ = try await connection.query("DELETE FROM semantic_cache WHERE expires_at <= ?", [.float(now)])
        let rows = try await connection.query(
            "SELECT tenant, model, context_hash, tools_hash, text, vector, response, expires_at FROM semantic_cache ORDER BY id",
            [])
        return try rows.map { row in
            let scope = SemanticScope(
                tenant: row.column("tenant")?.string ?? "", modelGroup: row.column("model")?.string ?? "",
                contextHash: row.column("context_hash")?.string ?? "", toolsHash: row.column("tools_hash")?.string ?? ""
            )
            let bytes = Array((row.column("vector")?.blob ?? ByteBuffer()).readableBytesView)
            let vector = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let response = try JSONDecoder().decode(
                ChatResponse.self, from: Data((row.column("response")?.string ?? "").utf8))
            return SemanticCacheRecord(
                scope: scope, text: row.column("text")?.string ?? "", vector: vector, response: response,
                expiresAt: row.column("expires_at")?.double ?? 0)
        }
    }

    /// Closes the file.
    public func close() async throws {
        try await connection.close()
    }
}
