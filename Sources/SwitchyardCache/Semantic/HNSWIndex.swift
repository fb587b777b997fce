/// Approximate search: per scope, a hierarchical navigable small world graph (Malkov & Yashunin) over unit vectors.
///
/// Each ``SemanticScope`` has its own graph, so a search only ever walks entries of its scope. A search visits a
/// few thousand entries instead of all of them: at 100,000 entries of 384 dimensions it is an order of magnitude
/// faster than ``FlatVectorIndex``, at the price of sometimes missing a true neighbour (see
/// ``HNSWParameters/efSearch``). Removal leaves a tombstone: the entry keeps routing searches but is never returned,
/// and the scope's graph is rebuilt from its live entries once tombstones exceed
/// ``HNSWParameters/maxTombstoneFraction`` of its nodes.
///
/// ```swift
/// var index = HNSWIndex(dimensions: 384)
/// index.insert(id: 1, vector: embedding, scope: scope)
/// let nearest = index.search(query, scope: scope, k: 4)
/// ```
public struct HNSWIndex: VectorIndex {
    public let dimensions: Int
    public private(set) var count = 0
    /// The graph parameters every scope's graph is built with.
    public let parameters: HNSWParameters
    private var graphs: [SemanticScope: HNSWGraph] = [:]
    /// Whether a graph past its tombstone limit is rebuilt inside the insert or removal that takes it there.
    let compactsInline: Bool

    /// Creates an empty index.
    ///
    /// - Parameters:
    ///   - dimensions: Length of every vector.
    ///   - parameters: Graph degree, beam widths, level seed and compaction rule.
    public init(dimensions: Int, parameters: HNSWParameters = HNSWParameters()) {
        self.init(dimensions: dimensions, parameters: parameters, compactsInline: true)
    }

    /// Creates an empty index whose owner may rebuild graphs itself (see ``needsCompaction(_:)``).
    init(dimensions: Int, parameters: HNSWParameters, compactsInline: Bool) {
        self.dimensions = dimensions
        self.parameters = parameters
        self.compactsInline = compactsInline
    }

    public mutating func insert(id: UInt64, vector: [Float], scope: SemanticScope) {
        precondition(vector.count == dimensions, "vector has \(vector.count) values, index has \(dimensions)")
        var graph = graphs.removeValue(forKey: scope) ?? emptyGraph()
        let before = graph.liveCount
        graph.insert(id: id, vector: vector[...])
        count += graph.liveCount - before
        graphs[scope] = graph
    }

    @discardableResult
    public mutating func remove(id: UInt64, scope: SemanticScope) -> Bool {
        guard var graph = graphs.removeValue(forKey: scope) else { return false }
        defer { if graph.liveCount > 0 { graphs[scope] = graph } }
        guard graph.remove(id: id) else { return false }
        count -= 1
        return true
    }

    public func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch] {
        guard let graph = graphs[scope], k > 0 else { return [] }
        precondition(query.count == dimensions, "query has \(query.count) values, index has \(dimensions)")
        return graph.search(query, k: k, ef: max(parameters.efSearch, k))
    }

    /// Live entries of one scope.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: How many entries a search of `scope` can return.
    public func count(in scope: SemanticScope) -> Int {
        graphs[scope]?.liveCount ?? 0
    }

    /// Replaces a scope's graph with one built from `ids` and their vectors (`ids.count * dimensions` values).
    mutating func build(scope: SemanticScope, ids: [UInt64], vectors: [Float]) {
        precondition(vectors.count == ids.count * dimensions, "vectors do not match ids")
        count -= graphs.removeValue(forKey: scope)?.liveCount ?? 0
        guard !ids.isEmpty else { return }
        var graph = HNSWGraph(dimensions: dimensions, parameters: parameters)
        graph.reserve(ids.count)
        for (node, id) in ids.enumerated() {
            graph.insert(id: id, vector: vectors[(node * dimensions)..<((node + 1) * dimensions)])
        }
        count += graph.liveCount
        graphs[scope] = graph
    }

    /// A graph with this index's parameters and compaction rule.
    func emptyGraph() -> HNSWGraph {
        var graph = HNSWGraph(dimensions: dimensions, parameters: parameters)
        graph.compactsInline = compactsInline
        return graph
    }

    /// Whether a scope's graph holds more tombstones than ``HNSWParameters/maxTombstoneFraction`` allows.
    func needsCompaction(_ scope: SemanticScope) -> Bool {
        graphs[scope]?.needsCompaction ?? false
    }

    /// A scope's graph as it is now (a copy-on-write snapshot: O(1) until either copy changes).
    func graph(of scope: SemanticScope) -> HNSWGraph? {
        graphs[scope]
    }

    /// Replaces a scope's graph with one built elsewhere; an empty graph removes the scope.
    ///
    /// - Returns: The graph replaced, if any, for the caller to free when it suits it (after releasing its lock).
    mutating func install(_ graph: consuming HNSWGraph, for scope: SemanticScope) -> HNSWGraph? {
        let replaced = graphs.removeValue(forKey: scope)
        count -= replaced?.liveCount ?? 0
        guard graph.liveCount > 0 else { return replaced }
        count += graph.liveCount
        graphs[scope] = graph
        return replaced
    }

    /// Removes a whole scope and returns its live entries: ids and their vectors, one after another.
    mutating func take(scope: SemanticScope) -> (ids: [UInt64], vectors: [Float]) {
        guard let graph = graphs.removeValue(forKey: scope) else { return ([], []) }
        count -= graph.liveCount
        return graph.liveEntries()
    }
}

/// The knobs of an ``HNSWIndex`` graph.
///
/// The defaults reach a recall@4 above 0.95 against exact search on sentence embeddings; raise ``efSearch`` for
/// more recall at proportionally more search time.
public struct HNSWParameters: Sendable, Hashable {
    /// Links per node on the upper levels (`M`); level 0 keeps up to twice as many. Default `16`.
    public var m: Int
    /// Beam width while inserting: larger builds a better graph, more slowly. Default `100`.
    public var efConstruction: Int
    /// Beam width while searching (at least `k` is used): larger finds more true neighbours, more slowly.
    /// Default `64`.
    public var efSearch: Int
    /// Seed of the level generator; the same inserts with the same seed build the same graph.
    public var seed: UInt64
    /// A scope's graph is rebuilt from its live entries once removed entries exceed this fraction of its nodes.
    /// Default `0.25`.
    public var maxTombstoneFraction: Double

    /// Creates graph parameters.
    ///
    /// - Parameters:
    ///   - m: Links per node on the upper levels; at least 2.
    ///   - efConstruction: Insertion beam width.
    ///   - efSearch: Search beam width.
    ///   - seed: Level generator seed.
    ///   - maxTombstoneFraction: Fraction of removed nodes that triggers a rebuild.
    public init(
        m: Int = 16, efConstruction: Int = 100, efSearch: Int = 64, seed: UInt64 = 0x5EED_CAFE,
        maxTombstoneFraction: Double = 0.25
    ) {
        precondition(m >= 2, "m must be at least 2")
        self.m = m
        self.efConstruction = max(efConstruction, m)
        self.efSearch = max(efSearch, 1)
        self.seed = seed
        self.maxTombstoneFraction = maxTombstoneFraction
    }
}
