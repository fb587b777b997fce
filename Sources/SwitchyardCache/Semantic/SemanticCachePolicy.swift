/// When the semantic cache may answer, and how much it keeps.
public struct SemanticCachePolicy: Sendable, Hashable {
    /// Requests with a higher `temperature` never get a semantic hit (nor are stored). Default `1.0`.
    public var maxTemperature: Double
    /// The temperature assumed when a request sets none (the OpenAI default, `1.0`).
    public var assumedTemperature: Double
    /// Whether conversations with earlier turns may hit; their earlier turns must then match exactly. Default off.
    public var allowMultiTurn: Bool
    /// Stage-1 candidates handed to the verifier.
    public var candidates: Int
    /// Most entries kept; least recently used go first.
    public var maxEntries: Int
    /// Seconds an entry lives when the caller gives no TTL.
    public var defaultTTL: Double
    /// Entries a scope holds before its stage-1 search switches from exact (a SIMD scan) to approximate (an HNSW
    /// graph, see ``HybridVectorIndex``). Default `50_000`.
    public var approximateSearchThreshold: Int
    /// Entries from which an exactly searched scope is scanned outside the cache's lock, on a snapshot of the scope
    /// (``FlatVectorIndex/snapshot(of:)``), so stores and other lookups do not wait for the scan: about 0.5 ms at
    /// 4,096 × 384. Smaller scopes are scanned under the lock, saving the snapshot and a second lock acquisition.
    /// Default `4_096`.
    public var offLockScanMinimum: Int

    /// Creates a policy.
    public init(
        maxTemperature: Double = 1.0, assumedTemperature: Double = 1.0, allowMultiTurn: Bool = false,
        candidates: Int = 4, maxEntries: Int = 50_000, defaultTTL: Double = 3600,
        approximateSearchThreshold: Int = 50_000, offLockScanMinimum: Int = 4_096
    ) {
        self.offLockScanMinimum = offLockScanMinimum
        self.maxTemperature = maxTemperature
        self.assumedTemperature = assumedTemperature
        self.allowMultiTurn = allowMultiTurn
        self.candidates = candidates
        self.maxEntries = maxEntries
        self.defaultTTL = defaultTTL
        self.approximateSearchThreshold = approximateSearchThreshold
    }
}
