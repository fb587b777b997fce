/// A nearest-neighbour index of unit vectors, partitioned by ``SemanticScope``.
///
/// Scores are dot products (cosines for unit vectors). A search only sees entries of the scope it names.
/// ``FlatVectorIndex`` is the exact in-process implementation, ``HNSWIndex`` the approximate one, and
/// ``HybridVectorIndex`` picks between them per scope by size; a shared (Redis) index can conform too.
public protocol VectorIndex: Sendable {
    /// Length of every vector.
    var dimensions: Int { get }
    /// Entries across all scopes.
    var count: Int { get }
    /// Adds a vector under an id that is unique across scopes.
    mutating func insert(id: UInt64, vector: [Float], scope: SemanticScope)
    /// Removes an entry; returns whether it existed.
    @discardableResult mutating func remove(id: UInt64, scope: SemanticScope) -> Bool
    /// The `k` best entries of a scope, best first.
    func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch]
}

/// One search result.
public struct VectorMatch: Sendable, Hashable {
    /// The entry id.
    public var id: UInt64
    /// Its dot product with the query.
    public var score: Float

    /// Creates a match.
    public init(id: UInt64, score: Float) {
        self.id = id
        self.score = score
    }
}
