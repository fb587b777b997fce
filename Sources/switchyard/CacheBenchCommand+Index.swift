import Foundation
import SwitchyardCache
import SwitchyardCore

/// Index search at a large size: the exact flat scan against the hybrid index (HNSW above its threshold), on the
/// same seeded random unit vectors in one scope.
extension CacheBenchCommand {
    func benchmarkIndexes() {
        let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
        let threshold = SemanticCachePolicy().approximateSearchThreshold
        let parameters = HNSWParameters(efSearch: efSearch)

        var exact = FlatVectorIndex(dimensions: 384)
        let flat = build(&exact, scope: scope)
        var hybrid = HybridVectorIndex(dimensions: 384, threshold: threshold, parameters: parameters)
        let approximate = build(&hybrid, scope: scope)

        // Random queries (no close match: the hardest case for HNSW) and near-duplicates of stored entries (cosine
        // about 0.9: the queries a semantic cache answers).
        var random = SeededGenerator(seed: 2)
        let queries = (0..<iterations).map { _ in unitVector(&random) }
        let picks = (0..<iterations).map { _ in Int.random(in: 0..<entries, using: &random) }
        let stored = vectors(numbers: Set(picks))
        let nearDuplicates = picks.map { pick in
            normalized(zip(stored[pick] ?? [], unitVector(&random)).map { $0 + 0.5 * $1 })
        }

        let exactTimes = timings(queries) { _ = exact.search($0, scope: scope, k: 4) }
        let hybridTimes = timings(queries) { _ = hybrid.search($0, scope: scope, k: 4) }
        let mode = hybrid.isApproximate(scope) ? "HNSW, M 16, efSearch \(efSearch)" : "still flat"
        print("index search, \(entries) random 384-d unit vectors in one scope, k = 4, \(iterations) queries:")
        report("flat (exact)", exactTimes, flat)
        report("hybrid (\(mode))", hybridTimes, approximate)
        print(
            String(
                format: "  hybrid: largest single insert %.0f ms (the flat-to-HNSW switch at %d entries)",
                approximate.slowestInsert * 1000, threshold))
        let sourcesFirst = zip(picks, nearDuplicates).filter { pick, query in
            hybrid.search(query, scope: scope, k: 4).first?.id == UInt64(pick)
        }.count
        print(
            String(
                format: "  recall@4 vs exact: random queries %.3f, near-duplicates %.3f (source ranked first: %d/%d)",
                recall(queries, exact, hybrid, scope), recall(nearDuplicates, exact, hybrid, scope), sourcesFirst,
                picks.count))
    }

    /// The same comparison on real sentence embeddings: every distinct question of the dataset, except the
    /// paraphrases of the first duplicate pairs, which are the queries.
    func benchmarkEmbeddings(_ dataset: PairDataset) {
        let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
        let threshold = SemanticCachePolicy().approximateSearchThreshold
        let queryPairs = dataset.pairs.indices.filter { dataset.pairs[$0].label == 1 }.prefix(iterations)
        var seen = Set(queryPairs.map { dataset.pairs[$0].textB })
        var exact = FlatVectorIndex(dimensions: 384)
        var hybrid = HybridVectorIndex(
            dimensions: 384, threshold: threshold, parameters: HNSWParameters(efSearch: efSearch))
        var hybridSeconds = 0.0
        for (number, pair) in dataset.pairs.enumerated() {
            let texts = [(pair.textA, dataset.embeddingsA[number]), (pair.textB, dataset.embeddingsB[number])]
            for (text, vector) in texts where seen.insert(text).inserted {
                let id = UInt64(exact.count)
                exact.insert(id: id, vector: vector, scope: scope)
                let start = DispatchTime.now().uptimeNanoseconds
                hybrid.insert(id: id, vector: vector, scope: scope)
                hybridSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
        }
        let queries = queryPairs.map { dataset.embeddingsB[$0] }
        let exactTimes = timings(queries) { _ = exact.search($0, scope: scope, k: 4) }
        let hybridTimes = timings(queries) { _ = hybrid.search($0, scope: scope, k: 4) }
        print("index search, \(exact.count) QQP question embeddings, \(queries.count) held-out paraphrases as queries:")
        let mode = hybrid.isApproximate(scope) ? "HNSW, M 16, efSearch \(efSearch)" : "still flat"
        print(String(format: "  %@ p50 %7.3f ms  p90 %7.3f ms", pad("flat (exact)"), exactTimes.p50, exactTimes.p90))
        print(
            String(
                format: "  %@ p50 %7.3f ms  p90 %7.3f ms  build %6.1f s", pad("hybrid (\(mode))"), hybridTimes.p50,
                hybridTimes.p90, hybridSeconds))
        print(String(format: "  recall@4 vs exact: %.3f", recall(queries, exact, hybrid, scope)))
    }

    private struct BuildCost {
        var seconds: Double
        var slowestInsert: Double
        var bytesPerEntry: Double
    }

    /// Inserts the `entries` seeded vectors; measures wall time and the resident-memory delta.
    private func build(_ index: inout some VectorIndex, scope: SemanticScope) -> BuildCost {
        let before = residentBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        var slowest: UInt64 = 0
        var random = SeededGenerator(seed: 1)
        for id in 0..<entries {
            let vector = unitVector(&random)
            let insertStart = DispatchTime.now().uptimeNanoseconds
            index.insert(id: UInt64(id), vector: vector, scope: scope)
            slowest = max(slowest, DispatchTime.now().uptimeNanoseconds - insertStart)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let bytes = Double(residentBytes() - before) / Double(entries)
        return BuildCost(seconds: seconds, slowestInsert: Double(slowest) / 1e9, bytesPerEntry: bytes)
    }

    /// Some of the vectors `build` inserted, by insertion number.
    private func vectors(numbers: Set<Int>) -> [Int: [Float]] {
        var random = SeededGenerator(seed: 1)
        var picked: [Int: [Float]] = [:]
        for number in 0..<entries {
            let vector = unitVector(&random)
            if numbers.contains(number) { picked[number] = vector }
        }
        return picked
    }

    private func recall(
        _ queries: [[Float]], _ exact: FlatVectorIndex, _ index: HybridVectorIndex, _ scope: SemanticScope
    ) -> Double {
        var found = 0
        for query in queries {
            let truth = Set(exact.search(query, scope: scope, k: 4).map(\.id))
            found += index.search(query, scope: scope, k: 4).filter { truth.contains($0.id) }.count
        }
        return Double(found) / Double(queries.count * 4)
    }

    private func report(_ name: String, _ times: (p50: Double, p90: Double), _ cost: BuildCost) {
        print(
            String(
                format: "  %@ p50 %7.3f ms  p90 %7.3f ms  build %6.1f s  memory %5.0f bytes/entry", pad(name),
                times.p50, times.p90, cost.seconds, cost.bytesPerEntry))
    }

    private func pad(_ name: String) -> String { name.padding(toLength: 36, withPad: " ", startingAt: 0) }

    func unitVector(_ random: inout some RandomNumberGenerator) -> [Float] {
        normalized((0..<384).map { _ in Float.random(in: -1...1, using: &random) })
    }

    private func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}

/// SplitMix64, so the flat and hybrid indexes get the same vectors without holding a third copy of them.
typealias SeededGenerator = SplitMix64
