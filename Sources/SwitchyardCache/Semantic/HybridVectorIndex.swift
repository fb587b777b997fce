/// Exact search for small scopes, approximate search for large ones.
///
/// Each ``SemanticScope`` lives in a ``FlatVectorIndex`` while it holds at most ``threshold`` entries; the insert
/// that takes it past the threshold moves it into an ``HNSWIndex``, building that scope's graph from its vectors
/// inside that insert (about a minute for 50,000 384-d entries on one core). A scope moves back to exact search once
/// removals bring it down to half the threshold, so a scope hovering around the threshold does not rebuild on every
/// change.
///
/// ```swift
/// var index = HybridVectorIndex(dimensions: 384, threshold: 50_000)
/// index.insert(id: 1, vector: embedding, scope: scope)
/// let nearest = index.search(query, scope: scope, k: 4)
/// ```
public struct HybridVectorIndex: VectorIndex {
    public let dimensions: Int
    /// Most entries a scope holds before its search becomes approximate.
    public let threshold: Int
    private var exact: FlatVectorIndex
    private var approximate: HNSWIndex

    /// Creates an empty index.
    ///
    /// - Parameters:
    ///   - dimensions: Length of every vector.
    ///   - threshold: Most entries a scope holds before it moves to an HNSW graph. Default `50_000`.
    ///   - parameters: The graph parameters used above the threshold.
    public init(dimensions: Int, threshold: Int = 50_000, parameters: HNSWParameters = HNSWParameters()) {
        self.dimensions = dimensions
        self.threshold = max(threshold, 0)
        self.exact = FlatVectorIndex(dimensions: dimensions)
        self.approximate = HNSWIndex(dimensions: dimensions, parameters: parameters)
    }

    public var count: Int { exact.count + approximate.count }

    public mutating func insert(id: UInt64, vector: [Float], scope: SemanticScope) {
        if approximate.count(in: scope) > 0 {
            approximate.insert(id: id, vector: vector, scope: scope)
            return
        }
        exact.insert(id: id, vector: vector, scope: scope)
        if exact.count(in: scope) > threshold {
            let (ids, vectors) = exact.take(scope: scope)
            approximate.build(scope: scope, ids: ids, vectors: vectors)
        }
    }

    @discardableResult
    public mutating func remove(id: UInt64, scope: SemanticScope) -> Bool {
        guard approximate.count(in: scope) > 0 else { return exact.remove(id: id, scope: scope) }
        guard approximate.remove(id: id, scope: scope) else { return false }
        if approximate.count(in: scope) <= threshold / 2 {
            let (ids, vectors) = approximate.take(scope: scope)
            exact.adopt(scope: scope, ids: ids, vectors: vectors)
        }
        return true
    }

    public func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch] {
        approximate.count(in: scope) > 0
            ? approximate.search(query, scope: scope, k: k) : exact.search(query, scope: scope, k: k)
    }

    /// Whether a scope is searched approximately (with an HNSW graph) rather than exactly.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `true` once the scope has grown past ``threshold``, until it shrinks to half of it.
    public func isApproximate(_ scope: SemanticScope) -> Bool {
        approximate.count(in: scope) > 0
    }
}
