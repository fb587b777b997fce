import SwitchyardCache
import SwitchyardCore
import Testing

private func unitVectors(_ count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in normalized((0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) }) }
}

/// Vectors shaped like sentence embeddings: most of their variance in a 24-dimensional subspace, plus noise.
/// (Uniformly random 384-dimensional vectors have no neighbourhood structure; no graph index does well on them.)
private func embeddingLikeVectors(_ count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
    var random = SplitMix64(seed: seed)
    let basis = unitVectors(24, dimensions: dimensions, seed: 99)
    return (0..<count).map { _ in
        var vector = (0..<dimensions).map { _ in Float.random(in: -0.02...0.02, using: &random) }
        for direction in basis {
            let weight = Float.random(in: -1...1, using: &random)
            for i in 0..<dimensions { vector[i] += weight * direction[i] }
        }
        return normalized(vector)
    }
}

private func normalized(_ vector: [Float]) -> [Float] {
    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return vector.map { $0 / norm }
}

@Suite struct HNSWIndexTests {
    private let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
    private let other = SemanticScope(tenant: "u", modelGroup: "m", contextHash: "c", toolsHash: "x")

    @Test(arguments: [("uniform 16-d", 16, 64), ("embedding-like 384-d", 384, 64), ("uniform 384-d", 384, 800)])
    func recallAgainstExactSearch(data: String, dimensions: Int, efSearch: Int) {
        let generate = data.hasPrefix("uniform") ? unitVectors : embeddingLikeVectors
        let vectors = generate(5_000, dimensions, 7)
        var exact = FlatVectorIndex(dimensions: dimensions)
        var approximate = HNSWIndex(dimensions: dimensions, parameters: HNSWParameters(efSearch: efSearch))
        for (id, vector) in vectors.enumerated() {
            exact.insert(id: UInt64(id), vector: vector, scope: scope)
            approximate.insert(id: UInt64(id), vector: vector, scope: scope)
        }
        #expect(approximate.count == 5_000)
        var found = 0
        for query in generate(200, dimensions, 8) {
            let truth = Set(exact.search(query, scope: scope, k: 4).map(\.id))
            let results = approximate.search(query, scope: scope, k: 4)
            #expect(results.count == 4)
            #expect(zip(results, results.dropFirst()).allSatisfy { $0.score >= $1.score })
            found += results.filter { truth.contains($0.id) }.count
        }
        let recall = Double(found) / Double(200 * 4)
        #expect(recall >= 0.95, "recall@4 \(recall)")
    }

    @Test func removedIDsAreNeverReturned() {
        let vectors = unitVectors(2_000, dimensions: 32, seed: 11)
        var index = HNSWIndex(dimensions: 32, parameters: HNSWParameters(maxTombstoneFraction: 0.5))
        for (id, vector) in vectors.enumerated() { index.insert(id: UInt64(id), vector: vector, scope: scope) }
        // Remove every third entry: enough tombstones to search through, then enough to force a rebuild.
        var removed: Set<UInt64> = []
        for id in stride(from: UInt64(0), to: 2_000, by: 3) {
            let wasLive = index.remove(id: id, scope: scope)
            #expect(wasLive)
            removed.insert(id)
        }
        let removedTwice = index.remove(id: 0, scope: scope)
        #expect(!removedTwice)
        #expect(index.count == 2_000 - removed.count)
        for (id, vector) in vectors.enumerated() {
            let results = index.search(vector, scope: scope, k: 8)
            #expect(results.allSatisfy { !removed.contains($0.id) })
            if !removed.contains(UInt64(id)) { #expect(results.first?.id == UInt64(id)) }
        }
        for id in stride(from: UInt64(1), to: 2_000, by: 3) { index.remove(id: id, scope: scope) }
        #expect(index.count == 2_000 - 2 * removed.count)
        for vector in vectors.prefix(50) {
            #expect(index.search(vector, scope: scope, k: 4).allSatisfy { $0.id % 3 == 2 })
        }
    }

    @Test func scopesAreIsolated() {
        var index = HNSWIndex(dimensions: 16)
        let vectors = unitVectors(300, dimensions: 16, seed: 3)
        for (id, vector) in vectors.enumerated() {
            index.insert(id: UInt64(id), vector: vector, scope: id.isMultiple(of: 2) ? scope : other)
        }
        #expect(index.count(in: scope) == 150)
        for (id, vector) in vectors.enumerated() {
            let results = index.search(vector, scope: scope, k: 10)
            #expect(results.allSatisfy { $0.id.isMultiple(of: 2) })
            if id.isMultiple(of: 2) { #expect(results.first?.id == UInt64(id)) }
        }
        #expect(index.search(vectors[0], scope: SemanticScope(tenant: "none", modelGroup: "", contextHash: "",
            toolsHash: ""), k: 4).isEmpty)
    }

    @Test func emptyIndexAndLargeK() {
        var index = HNSWIndex(dimensions: 8)
        let vectors = unitVectors(5, dimensions: 8, seed: 5)
        #expect(index.search(vectors[0], scope: scope, k: 4).isEmpty)
        for (id, vector) in vectors.enumerated() { index.insert(id: UInt64(id), vector: vector, scope: scope) }
        let results = index.search(vectors[0], scope: scope, k: 100)
        #expect(Set(results.map(\.id)) == Set(0..<5))
        #expect(results.first?.id == 0)
        #expect(index.search(vectors[0], scope: scope, k: 0).isEmpty)
        for id in UInt64(0)..<5 { index.remove(id: id, scope: scope) }
        #expect(index.count == 0)
        #expect(index.search(vectors[0], scope: scope, k: 4).isEmpty)
        index.insert(id: 9, vector: vectors[1], scope: scope)
        #expect(index.search(vectors[0], scope: scope, k: 4).map(\.id) == [9])
    }

    @Test func reinsertingAnIDReplacesItsVector() {
        var index = HNSWIndex(dimensions: 8)
        let vectors = unitVectors(50, dimensions: 8, seed: 9)
        for (id, vector) in vectors.enumerated() { index.insert(id: UInt64(id), vector: vector, scope: scope) }
        index.insert(id: 0, vector: vectors[49], scope: scope)
        #expect(index.count == 50)
        let results = index.search(vectors[0], scope: scope, k: 50)
        #expect(results.count == 50)
        #expect(results.first?.id != 0)
    }

    @Test func sameSeedBuildsTheSameGraph() {
        let vectors = unitVectors(1_000, dimensions: 24, seed: 13)
        var a = HNSWIndex(dimensions: 24, parameters: HNSWParameters(efSearch: 8, seed: 42))
        var b = HNSWIndex(dimensions: 24, parameters: HNSWParameters(efSearch: 8, seed: 42))
        for (id, vector) in vectors.enumerated() {
            a.insert(id: UInt64(id), vector: vector, scope: scope)
            b.insert(id: UInt64(id), vector: vector, scope: scope)
        }
        for query in unitVectors(50, dimensions: 24, seed: 14) {
            #expect(a.search(query, scope: scope, k: 4) == b.search(query, scope: scope, k: 4))
        }
    }
}

@Suite struct HybridVectorIndexTests {
    private let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
    private let other = SemanticScope(tenant: "u", modelGroup: "m", contextHash: "c", toolsHash: "x")

    @Test func switchesAtTheThresholdAndStillFindsDuplicates() {
        var index = HybridVectorIndex(dimensions: 32, threshold: 100)
        let vectors = unitVectors(400, dimensions: 32, seed: 21)
        for (id, vector) in vectors.prefix(100).enumerated() {
            index.insert(id: UInt64(id), vector: vector, scope: scope)
        }
        index.insert(id: 1_000, vector: vectors[0], scope: other)
        #expect(!index.isApproximate(scope))
        index.insert(id: 100, vector: vectors[100], scope: scope)
        #expect(index.isApproximate(scope))
        #expect(!index.isApproximate(other))
        for (id, vector) in vectors.enumerated().dropFirst(101) {
            index.insert(id: UInt64(id), vector: vector, scope: scope)
        }
        #expect(index.count == 401)
        for (id, vector) in vectors.enumerated() {
            let match = index.search(vector, scope: scope, k: 4).first
            #expect(match?.id == UInt64(id))
            #expect(abs((match?.score ?? 0) - 1) < 1e-4)
        }
        #expect(index.search(vectors[0], scope: other, k: 4).map(\.id) == [1_000])
    }

    @Test func shrinksBackToExactSearchAtHalfTheThreshold() {
        var index = HybridVectorIndex(dimensions: 16, threshold: 40)
        let vectors = unitVectors(60, dimensions: 16, seed: 23)
        for (id, vector) in vectors.enumerated() { index.insert(id: UInt64(id), vector: vector, scope: scope) }
        #expect(index.isApproximate(scope))
        let removals = (UInt64(0)..<39).map { index.remove(id: $0, scope: scope) }
        #expect(removals.allSatisfy { $0 })
        #expect(index.isApproximate(scope))
        let last = index.remove(id: 39, scope: scope)
        #expect(last)
        #expect(!index.isApproximate(scope))
        let again = index.remove(id: 39, scope: scope)
        #expect(!again)
        #expect(index.count == 20)
        for (id, vector) in vectors.enumerated() {
            let results = index.search(vector, scope: scope, k: 3)
            #expect(results.allSatisfy { $0.id >= 40 })
            if id >= 40 { #expect(results.first?.id == UInt64(id)) }
        }
    }

    @Test func semanticCacheKeepsWorkingPastTheThreshold() {
        let policy = SemanticCachePolicy(approximateSearchThreshold: 2)
        #expect(SemanticCachePolicy().approximateSearchThreshold == 50_000)
        let cache = SemanticCache(embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(), policy: policy)
        let questions = [
            "What is two plus two?", "How tall is the Eiffel tower?", "Name a prime number", "Why is the sky blue?",
        ]
        for question in questions {
            var request = ChatRequest(model: "gpt-x", messages: [.text(.user, question)])
            request.temperature = 0
            let response = ChatResponse(id: question, created: 1, model: "gpt-x", choices: [], usage: nil)
            cache.store(response, for: request, tenant: "acme")
        }
        for question in questions {
            var request = ChatRequest(model: "gpt-x", messages: [.text(.user, question.lowercased())])
            request.temperature = 0
            #expect(cache.lookup(request, tenant: "acme")?.response.id == question)
        }
    }
}
