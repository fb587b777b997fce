import Synchronization

extension HNSWGraph {
    /// The `k` best live entries for a query, best first, searched with beam width `ef` on level 0.
    func search(_ query: [Float], k: Int, ef: Int) -> [VectorMatch] {
        guard entryPoint >= 0, k > 0 else { return [] }
        var scratch = self.scratch.take()
        defer { self.scratch.give(scratch) }
        query.withUnsafeBufferPointer { q in
            vectors.withUnsafeBufferPointer { v in
                links.withUnsafeBufferPointer { l in
                    let entry = greedy(q, from: entryPoint, down: topLevel, to: 1, vectors: v, links: l)
                    searchLayer(
                        q, entry: entry, ef: max(ef, k), level: 0, liveOnly: true, scratch: &scratch, vectors: v,
                        links: l)
                }
            }
        }
        let found = scratch.results.sortedBestFirst()
        return found.prefix(k).map { VectorMatch(id: ids[Int($0.node)], score: $0.score) }
    }

    /// Greedy descent: on each level from `top` down to `bottom`, moves to the closest neighbour until none is closer.
    func greedy(
        _ query: UnsafeBufferPointer<Float>, from start: Int32, down top: Int, to bottom: Int,
        vectors v: UnsafeBufferPointer<Float>, links l: UnsafeBufferPointer<Int32>
    ) -> Int32 {
        var current = start
        var best = FlatVectorIndex.dot(query, v, offset: Int(current) * dimensions, count: dimensions)
        var level = top
        while level >= bottom {
            var moved = true
            while moved {
                moved = false
                let offset = listOffset(current, level)
                for slot in 0..<Int(l[offset]) {
                    let neighbour = l[offset + 1 + slot]
                    let score = FlatVectorIndex.dot(query, v, offset: Int(neighbour) * dimensions, count: dimensions)
                    if score > best {
                        best = score
                        current = neighbour
                        moved = true
                    }
                }
            }
            level -= 1
        }
        return current
    }

    /// Beam search of one level (the paper's Algorithm 2) from `entry`; leaves the best `ef` nodes found in
    /// `scratch.results`. With `liveOnly`, tombstones are walked through but not collected.
    func searchLayer(
        _ query: UnsafeBufferPointer<Float>, entry: Int32, ef: Int, level: Int, liveOnly: Bool,
        scratch: inout HNSWScratch, vectors v: UnsafeBufferPointer<Float>, links l: UnsafeBufferPointer<Int32>
    ) {
        scratch.reset(nodeCount: nodeCount)
        let generation = scratch.generation
        let first = ScoredNode(
            score: FlatVectorIndex.dot(query, v, offset: Int(entry) * dimensions, count: dimensions), node: entry)
        scratch.visited[Int(entry)] = generation
        scratch.candidates.push(first)
        if !liveOnly || !removed[Int(entry)] { scratch.results.push(first) }
        while let candidate = scratch.candidates.first {
            if scratch.results.count >= ef, candidate.score < scratch.results.first!.score { break }
            scratch.candidates.pop()
            let offset = listOffset(candidate.node, level)
            let degree = Int(l[offset])
            // Read one value per cache line of every unvisited neighbour before scoring any of them: the misses then
            // overlap instead of each dot product stalling on its own (the search is memory-latency bound).
            var warm: Float = 0
            for slot in 0..<degree {
                let neighbour = Int(l[offset + 1 + slot])
                guard scratch.visited[neighbour] != generation else { continue }
                var index = neighbour * dimensions
                let end = index + dimensions
                while index < end {
                    warm += v[index]
                    index += 16
                }
            }
            scratch.sink = warm
            for slot in 0..<degree {
                let neighbour = l[offset + 1 + slot]
                if scratch.visited[Int(neighbour)] == generation { continue }
                scratch.visited[Int(neighbour)] = generation
                let score = FlatVectorIndex.dot(query, v, offset: Int(neighbour) * dimensions, count: dimensions)
                guard scratch.results.count < ef || score > scratch.results.first!.score else { continue }
                scratch.candidates.push(ScoredNode(score: score, node: neighbour))
                if !liveOnly || !removed[Int(neighbour)] {
                    scratch.results.push(ScoredNode(score: score, node: neighbour))
                    if scratch.results.count > ef { scratch.results.pop() }
                }
            }
        }
    }
}

/// A graph node and its score against the current query.
struct ScoredNode {
    var score: Float
    var node: Int32
}

/// A binary heap of scored nodes: best on top (`bestFirst`, the candidate queue) or worst on top (the result set).
struct NodeHeap {
    private(set) var items: [ScoredNode] = []
    let bestFirst: Bool

    init(bestFirst: Bool) {
        self.bestFirst = bestFirst
        items.reserveCapacity(256)
    }

    var count: Int { items.count }
    var first: ScoredNode? { items.first }

    @inline(__always)
    private func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool {
        bestFirst ? a.score > b.score : a.score < b.score
    }

    mutating func push(_ item: ScoredNode) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let child = right < items.count && above(items[right], items[left]) ? right : left
            guard above(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            parent = child
        }
    }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    /// The items, best first; the heap is left empty.
    mutating func sortedBestFirst() -> [ScoredNode] {
        let sorted = items.sorted { $0.score > $1.score }
        removeAll()
        return sorted
    }
}

/// Per-search working memory: a visited mark per node (a generation number, so clearing is O(1)) and the two heaps.
struct HNSWScratch {
    var visited: [UInt32] = []
    private(set) var generation: UInt32 = 0
    /// Where ``HNSWGraph/searchLayer`` leaves the values it reads only to warm the cache, so they are not optimised
    /// away.
    var sink: Float = 0
    var candidates = NodeHeap(bestFirst: true)
    var results = NodeHeap(bestFirst: false)

    /// Starts a new search over `nodeCount` nodes.
    mutating func reset(nodeCount: Int) {
        if visited.count < nodeCount {
            visited.append(contentsOf: repeatElement(0, count: max(nodeCount - visited.count, visited.count / 2)))
        }
        generation &+= 1
        if generation == 0 {
            for index in visited.indices { visited[index] = 0 }
            generation = 1
        }
        candidates.removeAll()
        results.removeAll()
    }
}

/// Holds one spare ``HNSWScratch`` so that searches reuse memory instead of allocating it.
///
/// A search takes the spare (or makes a new one if another search holds it) and gives it back when done, so
/// concurrent searches of copies of a graph stay correct; only the uncontended case avoids the allocation.
final class HNSWScratchPool: Sendable {
    private let spare = Mutex<HNSWScratch?>(nil)

    func take() -> HNSWScratch {
        spare.withLock { $0.take() } ?? HNSWScratch()
    }

    func give(_ scratch: HNSWScratch) {
        spare.withLock { $0 = scratch }
    }
}
