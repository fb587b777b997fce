import Foundation
import SwitchyardCore
import Synchronization

/// The in-process ``ResponseCache``: a size-bounded LRU table with per-entry time to live.
///
/// Expired entries are dropped when read; the LRU bound keeps memory fixed without a sweeper. The clock is a
/// closure so tests can drive time.
///
/// ```swift
/// let cache = InMemoryResponseCache(maxEntries: 10_000, defaultTTL: 3600)
/// await cache.put(response, for: key, ttl: nil)
/// ```
public final class InMemoryResponseCache: ResponseCache {
    /// Seconds an entry lives when the caller gives no TTL.
    public let defaultTTL: Double
    private let now: @Sendable () -> Double
    private let table: Mutex<LRUTable<CacheKey, CachedResponse>>

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - maxEntries: Most entries kept; the least recently used goes first. Must be positive.
    ///   - defaultTTL: Seconds to live when `put` gives none.
    ///   - now: The clock in seconds; defaults to wall time.
    public init(
        maxEntries: Int = 10_000, defaultTTL: Double = 3600,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.defaultTTL = defaultTTL
        self.now = now
        self.table = Mutex(LRUTable(capacity: maxEntries))
    }

    /// Number of entries held, expired ones included until they are read or evicted.
    public var count: Int { table.withLock { $0.count } }

    public func get(_ key: CacheKey) async -> CachedResponse? {
        let time = now()
        return table.withLock { table in
            guard let entry = table.get(key) else { return nil }
            guard entry.expiresAt > time else {
                table.remove(key)
                return nil
            }
            return entry
        }
    }

    public func put(_ response: ChatResponse, for key: CacheKey, ttl: Double?) async {
        let time = now()
        let lifetime = ttl ?? defaultTTL
        guard lifetime > 0 else { return }
        let entry = CachedResponse(response: response, storedAt: time, expiresAt: time + lifetime)
        table.withLock { _ = $0.set(entry, for: key) }
    }

    public func remove(_ key: CacheKey) async {
        table.withLock { _ = $0.remove(key) }
    }
}
