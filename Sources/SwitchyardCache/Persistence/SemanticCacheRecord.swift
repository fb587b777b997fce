import SwitchyardCore
import Synchronization

/// One semantic cache entry as stored outside the process.
public struct SemanticCacheRecord: Sendable {
    /// The entry's scope.
    public var scope: SemanticScope
    /// The matched text (the request's last user turn).
    public var text: String
    /// Its unit embedding.
    public var vector: [Float]
    /// The cached answer.
    public var response: ChatResponse
    /// Expiry in seconds on the cache's clock.
    public var expiresAt: Double

    /// Creates a record.
    public init(scope: SemanticScope, text: String, vector: [Float], response: ChatResponse, expiresAt: Double) {
        self.scope = scope
        self.text = text
        self.vector = vector
        self.response = response
        self.expiresAt = expiresAt
    }
}

extension SemanticCache {
    /// Every live entry, least recently used first; feed to a store or to ``restore(_:)``.
    public func snapshot() -> [SemanticCacheRecord] {
        let time = now()
        return state.withLock { state in
            state.entries.valuesLeastRecentFirst.filter { $0.expiresAt > time }.map {
                SemanticCacheRecord(
                    scope: $0.scope, text: $0.text, vector: $0.vector, response: $0.response, expiresAt: $0.expiresAt)
            }
        }
    }

    /// Adds records (e.g. loaded from SQLite at start-up); expired ones are skipped.
    ///
    /// - Parameter records: Records in least-recently-used-first order.
    public func restore(_ records: [SemanticCacheRecord]) {
        let time = now()
        for record in records where record.expiresAt > time {
            insert(
                Entry(
                    scope: record.scope, text: record.text, vector: record.vector, response: record.response,
                    expiresAt: record.expiresAt))
        }
    }
}
