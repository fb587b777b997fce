import SwitchyardCore

/// A store of complete chat answers keyed by ``CacheKey``.
///
/// Implementations bound their size, expire entries after their time to live and are safe to call from many tasks.
/// A `get` of an expired entry returns `nil`. ``InMemoryResponseCache`` is the in-process implementation; a shared
/// backend (Redis) can follow behind the same protocol.
public protocol ResponseCache: Sendable {
    /// The live entry for a key, or `nil`; a hit counts as a use for eviction.
    func get(_ key: CacheKey) async -> CachedResponse?
    /// Stores an answer, replacing any entry of the same key.
    ///
    /// - Parameters:
    ///   - response: The complete answer.
    ///   - key: The request's key.
    ///   - ttl: Seconds to live; `nil` uses the implementation's default.
    func put(_ response: ChatResponse, for key: CacheKey, ttl: Double?) async
    /// Removes an entry if present.
    func remove(_ key: CacheKey) async
}

/// A cached answer with its timestamps (seconds on the cache's clock).
public struct CachedResponse: Sendable, Hashable {
    /// The stored answer.
    public var response: ChatResponse
    /// When it was stored.
    public var storedAt: Double
    /// When it stops being served.
    public var expiresAt: Double

    /// Creates an entry.
    public init(response: ChatResponse, storedAt: Double, expiresAt: Double) {
        self.response = response
        self.storedAt = storedAt
        self.expiresAt = expiresAt
    }
}
