/// Exact search: per scope, all vectors in one contiguous `Float` array scanned with SIMD dot products.
///
/// Search is O(n · d) per scope; at 384 dimensions that is well under a millisecond for tens of thousands of
/// entries. Removal swaps the last entry into the hole, so storage stays dense.
public struct FlatVectorIndex: VectorIndex {
    struct Partition {
        var ids: [UInt64] = []
        var storage: [Float] = []
        var slots: [UInt64: Int] = [:]
    }

    public let dimensions: Int
    public private(set) var count = 0
    private var partitions: [SemanticScope: Partition] = [:]

    /// Creates an empty index.
    ///
    /// - Parameter dimensions: Length of every vector.
    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public mutating func insert(id: UInt64, vector: [Float], scope: SemanticScope) {
        precondition(vector.count == dimensions, "vector has \(vector.count) values, index has \(dimensions)")
        var partition = partitions.removeValue(forKey: scope) ?? Partition()
        if let slot = partition.slots[id] {
            partition.storage.replaceSubrange((slot * dimensions)..<((slot + 1) * dimensions), with: vector)
        } else {
            partition.slots[id] = partition.ids.count
            partition.ids.append(id)
            partition.storage.append(contentsOf: vector)
            count += 1
        }
        partitions[scope] = partition
    }

    @discardableResult
    public mutating func remove(id: UInt64, scope: SemanticScope) -> Bool {
        guard var partition = partitions.removeValue(forKey: scope) else { return false }
        defer { if !partition.ids.isEmpty { partitions[scope] = partition } }
        guard let slot = partition.slots.removeValue(forKey: id) else { return false }
        let last = partition.ids.count - 1
        if slot != last {
            let moved = partition.ids[last]
            partition.ids[slot] = moved
            partition.slots[moved] = slot
            for i in 0..<dimensions {
                partition.storage[slot * dimensions + i] = partition.storage[last * dimensions + i]
            }
        }
        partition.ids.removeLast()
        partition.storage.removeLast(dimensions)
        count -= 1
        return true
    }

    public func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch] {
        guard let partition = partitions[scope], k > 0 else { return [] }
        var best: [VectorMatch] = []
        best.reserveCapacity(k + 1)
        partition.storage.withUnsafeBufferPointer { storage in
            query.withUnsafeBufferPointer { query in
                for (slot, id) in partition.ids.enumerated() {
                    let score = Self.dot(query, storage, offset: slot * dimensions, count: dimensions)
                    if best.count < k || score > best[best.count - 1].score {
                        let position = best.firstIndex { $0.score < score } ?? best.count
                        best.insert(VectorMatch(id: id, score: score), at: position)
                        if best.count > k { best.removeLast() }
                    }
                }
            }
        }
        return best
    }

    /// Entries of one scope.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: How many entries a search of `scope` scans.
    public func count(in scope: SemanticScope) -> Int {
        partitions[scope]?.ids.count ?? 0
    }

    /// A scope's entries without removing them: ids and their vectors, one after another. The arrays are shared
    /// copy-on-write, so this is O(1); the next change to the scope copies them once.
    func entries(of scope: SemanticScope) -> (ids: [UInt64], vectors: [Float]) {
        guard let partition = partitions[scope] else { return ([], []) }
        return (partition.ids, partition.storage)
    }

    /// Removes a whole scope and returns its entries: ids and their vectors, one after another.
    mutating func take(scope: SemanticScope) -> (ids: [UInt64], vectors: [Float]) {
        guard let partition = partitions.removeValue(forKey: scope) else { return ([], []) }
        count -= partition.ids.count
        return (partition.ids, partition.storage)
    }

    /// Replaces a scope with `ids` and their vectors (`ids.count * dimensions` values, one after another).
    mutating func adopt(scope: SemanticScope, ids: [UInt64], vectors: [Float]) {
        precondition(vectors.count == ids.count * dimensions, "vectors do not match ids")
        count -= partitions.removeValue(forKey: scope)?.ids.count ?? 0
        guard !ids.isEmpty else { return }
        var slots: [UInt64: Int] = [:]
        slots.reserveCapacity(ids.count)
        for (slot, id) in ids.enumerated() { slots[id] = slot }
        partitions[scope] = Partition(ids: ids, storage: vectors, slots: slots)
        count += ids.count
    }

    /// Dot product of `a` with `count` values of `b` from `offset`: four 8-lane accumulators, then a scalar tail.
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, offset: Int, count: Int) -> Float {
        guard let pa = a.baseAddress, let base = b.baseAddress else { return 0 }
        let pb = base + offset
        // Plain multiply-add, not `addingProduct`: without FMA in the target that becomes a libm call per lane.
        var s0 = SIMD8<Float>()
        var s1 = SIMD8<Float>()
        var s2 = SIMD8<Float>()
        var s3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            s0 += load(pa + i) * load(pb + i)
            s1 += load(pa + i + 8) * load(pb + i + 8)
            s2 += load(pa + i + 16) * load(pb + i + 16)
            s3 += load(pa + i + 24) * load(pb + i + 24)
            i += 32
        }
        while i + 8 <= count {
            s0 += load(pa + i) * load(pb + i)
            i += 8
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            total += pa[i] * pb[i]
            i += 1
        }
        return total
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}
