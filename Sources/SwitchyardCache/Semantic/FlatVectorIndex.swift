/// Exact search: per scope, the vectors in fixed-size chunks of contiguous `Float`s, scanned with SIMD dot products.
///
/// Search is O(n · d) per scope; at 384 dimensions that is well under a millisecond for tens of thousands of
/// entries. Removal swaps the last entry into the hole, so storage stays dense.
///
/// A scope's chunks are shared copy-on-write, so ``snapshot(of:)`` is O(chunks) and a change made after it copies
/// only the one or two chunks it touches (at most ``Chunk/capacity`` vectors each), never the whole scope. That is
/// what lets a caller search a large scope, or build a graph from it, without holding the lock that guards the
/// index (see ``SemanticCache`` and ``HNSWBuild``).
public struct FlatVectorIndex: VectorIndex {
    /// Up to ``capacity`` consecutive entries of a scope: ids and their vectors, one after another.
    struct Chunk: Sendable {
        /// Entries per chunk: 512 × 384 floats is 768 KB, copied in well under a millisecond.
        static let capacity = 512
        var ids: [UInt64] = []
        var vectors: [Float] = []
    }

    struct Partition: Sendable {
        /// Every chunk is full except the last, which is never empty.
        var chunks: [Chunk] = []
        var slots: [UInt64: Int] = [:]
        var count: Int { slots.count }
    }

    /// A scope's entries as they were when it was taken: immutable, so it can be searched or read without the lock
    /// that guards the index while the index changes.
    public struct Snapshot: Sendable {
        let dimensions: Int
        let chunks: [Chunk]

        /// Entries in the snapshot.
        public var count: Int { chunks.reduce(0) { $0 + $1.ids.count } }

        /// The `k` best entries, best first.
        public func search(_ query: [Float], k: Int) -> [VectorMatch] {
            FlatVectorIndex.search(query, chunks: chunks, dimensions: dimensions, k: k)
        }

        /// Calls `body` with each entry's id and vector, in slot order.
        func forEach(_ body: (UInt64, ArraySlice<Float>) -> Void) {
            for chunk in chunks {
                for (offset, id) in chunk.ids.enumerated() {
                    body(id, chunk.vectors[(offset * dimensions)..<((offset + 1) * dimensions)])
                }
            }
        }
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
        defer { partitions[scope] = partition }
        if let slot = partition.slots[id] {
            let (chunk, offset) = Self.position(slot)
            partition.chunks[chunk].vectors.replaceSubrange(
                (offset * dimensions)..<((offset + 1) * dimensions), with: vector)
            return
        }
        partition.slots[id] = partition.count
        if partition.chunks.last.map({ $0.ids.count == Chunk.capacity }) ?? true {
            var chunk = Chunk()
            chunk.ids.reserveCapacity(Chunk.capacity)
            chunk.vectors.reserveCapacity(Chunk.capacity * dimensions)
            partition.chunks.append(chunk)
        }
        let last = partition.chunks.count - 1
        partition.chunks[last].ids.append(id)
        partition.chunks[last].vectors.append(contentsOf: vector)
        count += 1
    }

    @discardableResult
    public mutating func remove(id: UInt64, scope: SemanticScope) -> Bool {
        guard var partition = partitions.removeValue(forKey: scope) else { return false }
        defer { if partition.count > 0 { partitions[scope] = partition } }
        guard let slot = partition.slots.removeValue(forKey: id) else { return false }
        let lastChunk = partition.chunks.count - 1
        let lastOffset = partition.chunks[lastChunk].ids.count - 1
        let (chunk, offset) = Self.position(slot)
        if (chunk, offset) != (lastChunk, lastOffset) {
            let moved = partition.chunks[lastChunk].ids[lastOffset]
            // A copy: a slice would keep the last chunk shared and make the write below copy the whole chunk.
            let source = Array(
                partition.chunks[lastChunk].vectors[(lastOffset * dimensions)..<((lastOffset + 1) * dimensions)])
            partition.chunks[chunk].ids[offset] = moved
            partition.chunks[chunk].vectors.replaceSubrange(
                (offset * dimensions)..<((offset + 1) * dimensions), with: source)
            partition.slots[moved] = slot
        }
        if lastOffset == 0 {
            partition.chunks.removeLast()
        } else {
            partition.chunks[lastChunk].ids.removeLast()
            partition.chunks[lastChunk].vectors.removeLast(dimensions)
        }
        count -= 1
        return true
    }

    public func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch] {
        guard let partition = partitions[scope] else { return [] }
        return Self.search(query, chunks: partition.chunks, dimensions: dimensions, k: k)
    }

    /// Entries of one scope.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: How many entries a search of `scope` scans.
    public func count(in scope: SemanticScope) -> Int {
        partitions[scope]?.count ?? 0
    }

    /// A scope's entries as they are now, to search or read after the index has changed (and without its lock).
    ///
    /// O(chunks): the chunks are shared copy-on-write; the index's next change to the scope copies only the chunks
    /// it touches.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: The snapshot; empty when the scope holds nothing.
    public func snapshot(of scope: SemanticScope) -> Snapshot {
        Snapshot(dimensions: dimensions, chunks: partitions[scope]?.chunks ?? [])
    }

    /// Removes a whole scope and returns its entries: ids and their vectors, one after another.
    mutating func take(scope: SemanticScope) -> (ids: [UInt64], vectors: [Float]) {
        guard let partition = remove(scope: scope) else { return ([], []) }
        var ids: [UInt64] = []
        var vectors: [Float] = []
        ids.reserveCapacity(partition.count)
        vectors.reserveCapacity(partition.count * dimensions)
        for chunk in partition.chunks {
            ids.append(contentsOf: chunk.ids)
            vectors.append(contentsOf: chunk.vectors)
        }
        return (ids, vectors)
    }

    /// Removes a whole scope and returns its storage as it is, for the caller to free when it suits it (after
    /// releasing its lock: a 100,000-entry scope is about 160 MB).
    mutating func remove(scope: SemanticScope) -> Partition? {
        guard let partition = partitions.removeValue(forKey: scope) else { return nil }
        count -= partition.count
        return partition
    }

    /// Replaces a scope with `ids` and their vectors (`ids.count * dimensions` values, one after another).
    mutating func adopt(scope: SemanticScope, ids: [UInt64], vectors: [Float]) {
        precondition(vectors.count == ids.count * dimensions, "vectors do not match ids")
        count -= partitions.removeValue(forKey: scope)?.count ?? 0
        guard !ids.isEmpty else { return }
        var partition = Partition()
        partition.slots.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: Chunk.capacity) {
            let end = min(start + Chunk.capacity, ids.count)
            partition.chunks.append(
                Chunk(ids: Array(ids[start..<end]), vectors: Array(vectors[(start * dimensions)..<(end * dimensions)])))
        }
        for (slot, id) in ids.enumerated() { partition.slots[id] = slot }
        partitions[scope] = partition
        count += ids.count
    }

    @inline(__always)
    private static func position(_ slot: Int) -> (chunk: Int, offset: Int) {
        (slot / Chunk.capacity, slot % Chunk.capacity)
    }

    /// The `k` best entries of `chunks` for a query, best first.
    static func search(_ query: [Float], chunks: [Chunk], dimensions: Int, k: Int) -> [VectorMatch] {
        guard k > 0 else { return [] }
        var best: [VectorMatch] = []
        best.reserveCapacity(k + 1)
        query.withUnsafeBufferPointer { query in
            for chunk in chunks {
                chunk.vectors.withUnsafeBufferPointer { storage in
                    for (offset, id) in chunk.ids.enumerated() {
                        let score = dot(query, storage, offset: offset * dimensions, count: dimensions)
                        if best.count < k || score > best[best.count - 1].score {
                            let position = best.firstIndex { $0.score < score } ?? best.count
                            best.insert(VectorMatch(id: id, score: score), at: position)
                            if best.count > k { best.removeLast() }
                        }
                    }
                }
            }
        }
        return best
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
