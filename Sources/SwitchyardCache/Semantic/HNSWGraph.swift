import SwitchyardCore

/// One scope's HNSW graph: vectors in one contiguous array, adjacency lists in another, nodes numbered by insertion.
///
/// A node's level is drawn so that P(level ≥ l) = M^-l (the paper's m_L = 1/ln M). Each level is a proximity graph
/// whose links are chosen with the paper's neighbour-selection heuristic (Algorithm 4); level 0 keeps up to 2·M
/// links per node, higher levels M. Removed nodes stay as tombstones until ``compactIfNeeded()`` rebuilds the graph.
struct HNSWGraph {
    let dimensions: Int
    let parameters: HNSWParameters
    /// Node `i`'s vector is `vectors[i * dimensions ..< (i + 1) * dimensions]`, tombstones included.
    private(set) var vectors: [Float] = []
    /// Node → entry id.
    private(set) var ids: [UInt64] = []
    /// Node → whether it was removed: it still routes searches but is never a result.
    private(set) var removed: [Bool] = []
    /// Live entry id → node.
    private(set) var nodes: [UInt64: Int32] = [:]
    /// Adjacency lists. Per node: level 0 (a count, then `2M` slots), then each of levels 1...top (a count, then `M`
    /// slots).
    private(set) var links: [Int32] = []
    /// Node → offset of its level-0 list in ``links``.
    private(set) var linkStart: [Int] = []
    /// Node → its top level.
    private(set) var levels: [UInt8] = []
    /// The node searches start from: one of the nodes on the top level, or `-1` when empty.
    private(set) var entryPoint: Int32 = -1
    private(set) var topLevel = 0
    private var random: SplitMix64
    /// Whether an insert or removal that pushes tombstones past the limit rebuilds the graph there and then. An owner
    /// that rebuilds in the background (``HybridVectorIndex`` in background mode) turns this off and checks
    /// ``needsCompaction`` instead.
    var compactsInline = true
    /// Search scratch space, shared by copies of this graph; see ``HNSWScratchPool``.
    let scratch = HNSWScratchPool()

    init(dimensions: Int, parameters: HNSWParameters) {
        self.dimensions = dimensions
        self.parameters = parameters
        self.random = SplitMix64(seed: parameters.seed)
    }

    var nodeCount: Int { ids.count }
    var liveCount: Int { nodes.count }

    /// Most links a node keeps on `level`.
    @inline(__always)
    func maxDegree(_ level: Int) -> Int { level == 0 ? 2 * parameters.m : parameters.m }

    /// Offset in ``links`` of the count that starts `node`'s list on `level`.
    @inline(__always)
    func listOffset(_ node: Int32, _ level: Int) -> Int {
        let start = linkStart[Int(node)]
        return level == 0 ? start : start + 1 + 2 * parameters.m + (level - 1) * (1 + parameters.m)
    }

    mutating func reserve(_ nodes: Int) {
        vectors.reserveCapacity(nodes * dimensions)
        ids.reserveCapacity(nodes)
        removed.reserveCapacity(nodes)
        self.nodes.reserveCapacity(nodes)
        links.reserveCapacity(nodes * (2 + 2 * parameters.m))
        linkStart.reserveCapacity(nodes)
        levels.reserveCapacity(nodes)
    }

    /// Adds an entry; an id already present is replaced (its old node becomes a tombstone).
    mutating func insert(id: UInt64, vector: ArraySlice<Float>) {
        if let old = nodes.removeValue(forKey: id) { removed[Int(old)] = true }
        let node = Int32(nodeCount)
        let level = randomLevel()
        ids.append(id)
        removed.append(false)
        nodes[id] = node
        levels.append(UInt8(level))
        vectors.append(contentsOf: vector)
        linkStart.append(links.count)
        links.append(contentsOf: repeatElement(0, count: 1 + 2 * parameters.m + level * (1 + parameters.m)))
        guard entryPoint >= 0 else {
            entryPoint = node
            topLevel = level
            return
        }
        connect(node, level: level)
        if level > topLevel {
            entryPoint = node
            topLevel = level
        }
        compactIfNeeded()
    }

    /// Tombstones an entry; returns whether it was live. The last live entry's removal empties the graph.
    mutating func remove(id: UInt64) -> Bool {
        guard let node = nodes.removeValue(forKey: id) else { return false }
        removed[Int(node)] = true
        if nodes.isEmpty {
            let inline = compactsInline
            self = HNSWGraph(dimensions: dimensions, parameters: parameters)
            compactsInline = inline
        } else {
            compactIfNeeded()
        }
        return true
    }

    /// Whether tombstones exceed the configured fraction of the nodes, so the graph should be rebuilt.
    var needsCompaction: Bool {
        Double(nodeCount - liveCount) > parameters.maxTombstoneFraction * Double(nodeCount)
    }

    /// Rebuilds the graph from its live entries when ``compactsInline`` and ``needsCompaction``.
    mutating func compactIfNeeded() {
        guard compactsInline, needsCompaction else { return }
        var fresh = HNSWGraph(dimensions: dimensions, parameters: parameters)
        fresh.reserve(liveCount)
        for node in 0..<nodeCount where !removed[node] {
            fresh.insert(id: ids[node], vector: vectors[(node * dimensions)..<((node + 1) * dimensions)])
        }
        self = fresh
    }

    /// The live entries in node order: ids and their vectors, one after another.
    func liveEntries() -> (ids: [UInt64], vectors: [Float]) {
        var liveIDs: [UInt64] = []
        var liveVectors: [Float] = []
        liveIDs.reserveCapacity(liveCount)
        liveVectors.reserveCapacity(liveCount * dimensions)
        for node in 0..<nodeCount where !removed[node] {
            liveIDs.append(ids[node])
            liveVectors.append(contentsOf: vectors[(node * dimensions)..<((node + 1) * dimensions)])
        }
        return (liveIDs, liveVectors)
    }

    /// Level of a new node: the number of successive draws below 1/M, capped so a list offset stays small.
    private mutating func randomLevel() -> Int {
        let cutoff = UInt64.max / UInt64(parameters.m)
        var level = 0
        while level < 16, random.next() < cutoff { level += 1 }
        return level
    }

    /// Links a new node into levels `min(level, topLevel)...0` (the paper's Algorithm 1).
    private mutating func connect(_ node: Int32, level: Int) {
        var scratch = self.scratch.take()
        var chosen: [[ScoredNode]] = []
        let lowest = min(level, topLevel)
        let start = Int(node) * dimensions
        vectors.withUnsafeBufferPointer { v in
            links.withUnsafeBufferPointer { l in
                let query = UnsafeBufferPointer(rebasing: v[start..<(start + dimensions)])
                var entry = greedy(query, from: entryPoint, down: topLevel, to: lowest + 1, vectors: v, links: l)
                for layer in stride(from: lowest, through: 0, by: -1) {
                    searchLayer(
                        query, entry: entry, ef: parameters.efConstruction, level: layer, liveOnly: false,
                        scratch: &scratch, vectors: v, links: l)
                    let found = scratch.results.sortedBestFirst()
                    entry = found[0].node
                    chosen.append(selectNeighbors(found, max: parameters.m, vectors: v))
                }
            }
        }
        self.scratch.give(scratch)
        for (step, neighbours) in chosen.enumerated() {
            let layer = lowest - step
            let offset = listOffset(node, layer)
            links[offset] = Int32(neighbours.count)
            for (slot, neighbour) in neighbours.enumerated() { links[offset + 1 + slot] = neighbour.node }
            for neighbour in neighbours { link(neighbour.node, to: node, level: layer) }
        }
    }

    /// Adds `target` to `node`'s list on `level`; a full list is re-chosen with the heuristic.
    private mutating func link(_ node: Int32, to target: Int32, level: Int) {
        let offset = listOffset(node, level)
        let degree = Int(links[offset])
        let capacity = maxDegree(level)
        if degree < capacity {
            links[offset + 1 + degree] = target
            links[offset] = Int32(degree + 1)
            return
        }
        let kept = vectors.withUnsafeBufferPointer { v in
            let base = UnsafeBufferPointer(rebasing: v[(Int(node) * dimensions)..<((Int(node) + 1) * dimensions)])
            var candidates = (0...degree).map { slot in
                let other = slot == degree ? target : links[offset + 1 + slot]
                return ScoredNode(
                    score: FlatVectorIndex.dot(base, v, offset: Int(other) * dimensions, count: dimensions),
                    node: other)
            }
            candidates.sort { $0.score > $1.score }
            return selectNeighbors(candidates, max: capacity, vectors: v)
        }
        links[offset] = Int32(kept.count)
        for (slot, neighbour) in kept.enumerated() { links[offset + 1 + slot] = neighbour.node }
    }

    /// The paper's neighbour-selection heuristic: walking candidates best first, keep one only when it is closer to
    /// the base than to every neighbour already kept. This keeps links pointing in diverse directions.
    private func selectNeighbors(_ sorted: [ScoredNode], max count: Int, vectors v: UnsafeBufferPointer<Float>)
        -> [ScoredNode]
    {
        guard sorted.count > count else { return sorted }
        var kept: [ScoredNode] = []
        kept.reserveCapacity(count)
        for candidate in sorted {
            let start = Int(candidate.node) * dimensions
            let vector = UnsafeBufferPointer(rebasing: v[start..<(start + dimensions)])
            let diverse = kept.allSatisfy { other in
                FlatVectorIndex.dot(vector, v, offset: Int(other.node) * dimensions, count: dimensions)
                    < candidate.score
            }
            if diverse {
                kept.append(candidate)
                if kept.count == count { break }
            }
        }
        return kept
    }
}
