/// For every row, its most similar other rows, most similar first: computed once so that cross-validation
/// can answer kNN queries against any training subset by filtering the list.
struct NeighbourLists: Sendable {
    /// Per row, `(similarity, row)` of up to `depth` neighbours.
    let lists: [[(similarity: Float, row: Int)]]

    /// Computes the lists with `workers` parallel tasks.
    static func compute(_ embeddings: [[Float]], depth: Int, workers: Int) async -> NeighbourLists {
        let count = embeddings.count
        let dimensions = embeddings.first?.count ?? 0
        let flat = embeddings.flatMap { $0 }
        let chunk = max(1, (count + workers * 8 - 1) / (workers * 8))
        var lists = [[(similarity: Float, row: Int)]](repeating: [], count: count)
        await withTaskGroup(of: (Int, [[(similarity: Float, row: Int)]]).self) { group in
            var next = 0
            func launch() {
                let start = next
                next += chunk
                group.addTask {
                    let rows = start..<min(start + chunk, count)
                    return (
                        start,
                        rows.map { nearest(to: $0, in: flat, count: count, dimensions: dimensions, depth: depth) }
                    )
                }
            }
            for _ in 0..<max(1, workers) where next < count { launch() }
            for await (start, result) in group {
                for (offset, list) in result.enumerated() { lists[start + offset] = list }
                if next < count { launch() }
            }
        }
        return NeighbourLists(lists: lists)
    }

    static func nearest(
        to row: Int, in flat: [Float], count: Int, dimensions: Int, depth: Int
    ) -> [(similarity: Float, row: Int)] {
        var similarities = [Float](repeating: -2, count: count)
        flat.withUnsafeBufferPointer { storage in
            let query = UnsafeBufferPointer(rebasing: storage[(row * dimensions)..<((row + 1) * dimensions)])
            for other in 0..<count where other != row {
                similarities[other] = RoutingMath.dot(query, storage, offset: other * dimensions, count: dimensions)
            }
        }
        // Histogram over [-1, 1] to find a cut that keeps at least `depth` rows, then sort only those.
        let bins = 4096
        var histogram = [Int](repeating: 0, count: bins)
        func bin(_ s: Float) -> Int { min(bins - 1, max(0, Int((s + 1) * 0.5 * Float(bins)))) }
        for s in similarities where s > -2 { histogram[bin(s)] += 1 }
        var kept = 0
        var cut = 0
        for b in stride(from: bins - 1, through: 0, by: -1) {
            kept += histogram[b]
            cut = b
            if kept >= depth { break }
        }
        var result: [(similarity: Float, row: Int)] = []
        for (other, s) in similarities.enumerated() where s > -2 && bin(s) >= cut { result.append((s, other)) }
        result.sort { $0.similarity > $1.similarity }
        return Array(result.prefix(depth))
    }
}
