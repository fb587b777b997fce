import SwitchyardCache
import SwitchyardCore
import Testing

private func randomVectors(_ count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let vector = (0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}

/// The ids of the `k` best of `contents` by dot product, computed the slow way.
private func bruteForce(_ query: [Float], _ contents: [UInt64: [Float]], k: Int) -> [UInt64] {
    contents.map { id, vector in (id, zip(query, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
        .sorted { $0.1 > $1.1 }.prefix(k).map { $0.0 }
}

/// ``FlatVectorIndex`` stores a scope in chunks of 512 entries; the last two tests cross chunk boundaries on purpose.
@Suite struct FlatVectorIndexTests {
    private let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
    private let other = SemanticScope(tenant: "u", modelGroup: "m", contextHash: "c", toolsHash: "x")

    @Test func searchMatchesBruteForceAndRespectsScopes() {
        var index = FlatVectorIndex(dimensions: 19)
        var random = SystemRandomNumberGenerator()
        var vectors: [UInt64: [Float]] = [:]
        for id in UInt64(0)..<200 {
            let vector = (0..<19).map { _ in Float.random(in: -1...1, using: &random) }
            vectors[id] = vector
            index.insert(id: id, vector: vector, scope: scope)
        }
        index.insert(
            id: 999, vector: [Float](repeating: 5, count: 19),
            scope: SemanticScope(tenant: "other", modelGroup: "m", contextHash: "c", toolsHash: "x"))
        let query = (0..<19).map { _ in Float.random(in: -1...1, using: &random) }
        let expected = vectors.map { id, v in (id, zip(v, query).reduce(0) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.1 > $1.1 }.prefix(5).map(\.0)
        #expect(index.search(query, scope: scope, k: 5).map(\.id) == expected)
        let removed = index.remove(id: expected[0], scope: scope)
        #expect(removed)
        #expect(index.search(query, scope: scope, k: 1).first?.id == expected[1])
        #expect(index.count == 200)
    }

    @Test func insertsRemovalsAndReplacementsAcrossChunksMatchBruteForce() {
        let all = randomVectors(1_400, dimensions: 8, seed: 21)
        var index = FlatVectorIndex(dimensions: 8)
        var contents: [UInt64: [Float]] = [:]
        for (id, vector) in all.prefix(1_300).enumerated() {
            index.insert(id: UInt64(id), vector: vector, scope: scope)
            contents[UInt64(id)] = vector
        }
        // Removals from the first, a middle and the last chunk, the very last entry, and enough to empty the last
        // chunk (1,300 entries = two full chunks + 276); then replacements and more inserts.
        for id in [0, 5, 511, 512, 800, 1_299] + Array(1_000..<1_290) {
            let removed = index.remove(id: UInt64(id), scope: scope)
            #expect(removed, "entry \(id)")
            contents[UInt64(id)] = nil
        }
        let again = index.remove(id: 0, scope: scope)
        #expect(!again)
        for id in [7, 600, 1_295] {
            index.insert(id: UInt64(id), vector: all[1_350 + id % 50], scope: scope)
            contents[UInt64(id)] = all[1_350 + id % 50]
        }
        for id in 1_300..<1_340 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            contents[UInt64(id)] = all[id]
        }
        index.insert(id: 5_000, vector: all[0], scope: other)
        #expect(index.count(in: scope) == contents.count)
        #expect(index.count == contents.count + 1)
        for query in randomVectors(50, dimensions: 8, seed: 22) + Array(all.prefix(20)) {
            #expect(index.search(query, scope: scope, k: 5).map(\.id) == bruteForce(query, contents, k: 5))
        }
        #expect(index.snapshot(of: scope).count == contents.count)
    }

    @Test func aSnapshotKeepsItsContentsWhileTheIndexChanges() {
        let all = randomVectors(1_200, dimensions: 8, seed: 23)
        var index = FlatVectorIndex(dimensions: 8)
        var before: [UInt64: [Float]] = [:]
        for (id, vector) in all.prefix(1_100).enumerated() {
            index.insert(id: UInt64(id), vector: vector, scope: scope)
            before[UInt64(id)] = vector
        }
        let snapshot = index.snapshot(of: scope)
        var after = before
        for id in [3, 600, 1_099] {
            index.remove(id: UInt64(id), scope: scope)
            after[UInt64(id)] = nil
        }
        index.insert(id: 10, vector: all[1_150], scope: scope)
        after[10] = all[1_150]
        for id in 1_100..<1_120 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            after[UInt64(id)] = all[id]
        }
        #expect(snapshot.count == 1_100)
        for query in Array(all.prefix(12)) + Array(all[1_100..<1_110]) + [all[1_150]] {
            #expect(snapshot.search(query, k: 3).map(\.id) == bruteForce(query, before, k: 3))
            #expect(index.search(query, scope: scope, k: 3).map(\.id) == bruteForce(query, after, k: 3))
        }
        #expect(index.snapshot(of: other).count == 0)
        #expect(index.snapshot(of: other).search(all[0], k: 3).isEmpty)
    }
}
