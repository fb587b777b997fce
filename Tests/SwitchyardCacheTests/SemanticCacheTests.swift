import SwitchyardCache
import SwitchyardCore
import Synchronization
import Testing

/// A stand-in embedder: a normalised bag of words hashed into 16 buckets.
@Sendable func bagOfWords(_ text: String) -> [Float] {
    var vector = [Float](repeating: 0, count: 16)
    for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
        vector[Int(word.unicodeScalars.reduce(0) { $0 &* 31 &+ $1.value } % 16)] += 1
    }
    let norm = max(1e-6, vector.reduce(0) { $0 + $1 * $1 }.squareRoot())
    return vector.map { $0 / norm }
}

/// A verifier that accepts when the cosine is at least 0.9.
func cosineVerifier() -> Verifier {
    let count = PairFeatures(blocks: 1).count
    var weights = [Float](repeating: 0, count: count)
    weights[2] = 40
    return Verifier(
        blocks: 1, hidden: 0, mean: [Float](repeating: 0, count: count), scale: [Float](repeating: 1, count: count),
        weights1: weights, bias1: [-36], weights2: [], bias2: 0, threshold: 0.5, minimumCosine: 0.5, provenance: [:])
}

private func ask(_ text: String, system: String = "Be brief.", temperature: Double? = 0) -> ChatRequest {
    var request = ChatRequest(model: "gpt-x", messages: [.text(.system, system), .text(.user, text)])
    request.temperature = temperature
    return request
}

private let answer = ChatResponse(
    id: "c1", created: 1, model: "gpt-x",
    choices: [.init(index: 0, message: .text(.assistant, "4"), finishReason: .stop)],
    usage: nil)

@Suite struct SemanticCacheTests {
    private func cache(_ policy: SemanticCachePolicy = SemanticCachePolicy()) -> SemanticCache {
        SemanticCache(embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(), policy: policy)
    }

    @Test func aMissIsStoredWithoutEmbeddingTheRequestAgain() async {
        let calls = Mutex(0)
        let semantic = SemanticCache(
            embed: { text in
                calls.withLock { $0 += 1 }
                return bagOfWords(text)
            }, dimensions: 16, verifier: cosineVerifier())
        let gateway = GatewayCache(exact: nil, semantic: semantic)
        let probe = await gateway.probe(ask("What is two plus two?"), tenant: "acme", control: .default)
        #expect(probe.lookup.response == nil)
        await gateway.store(answer, for: ask("What is two plus two?"), tenant: "acme", control: .default, query: probe.query)
        #expect(calls.withLock { $0 } == 1)
        #expect(semantic.lookup(ask("what is two plus two"), tenant: "acme")?.response == answer)
    }

    @Test func sameMeaningHitsWithinScope() {
        let cache = cache()
        cache.store(answer, for: ask("What is two plus two?"), tenant: "acme")
        let hit = cache.lookup(ask("what is two plus two"), tenant: "acme")
        #expect(hit?.response == answer)
        #expect(cache.lookup(ask("How tall is the Eiffel tower?"), tenant: "acme") == nil)
    }

    @Test func neverAcrossTenantsToolsOrSystemPrompts() {
        let cache = cache()
        cache.store(answer, for: ask("What is two plus two?"), tenant: "acme")
        var withTools = ask("What is two plus two?")
        withTools.tools = [Tool(function: .init(name: "calculator"))]
        #expect(cache.lookup(ask("What is two plus two?"), tenant: "other") == nil)
        #expect(cache.lookup(withTools, tenant: "acme") == nil)
        #expect(cache.lookup(ask("What is two plus two?", system: "Answer in French."), tenant: "acme") == nil)
    }

    @Test func hotRequestsAndMultiTurnAreIneligible() {
        let cache = cache(SemanticCachePolicy(maxTemperature: 0.5))
        cache.store(answer, for: ask("What is two plus two?"), tenant: "acme")
        #expect(cache.lookup(ask("What is two plus two?", temperature: 0.9), tenant: "acme") == nil)
        #expect(cache.lookup(ask("What is two plus two?", temperature: nil), tenant: "acme") == nil)
        var multiTurn = ask("What is two plus two?")
        multiTurn.messages.insert(contentsOf: [.text(.user, "hi"), .text(.assistant, "hello")], at: 1)
        #expect(cache.queryText(multiTurn) == nil)
        #expect(cache.lookup(multiTurn, tenant: "acme") == nil)
    }

    @Test func expiredEntriesAreNotServed() {
        let clock = ManualTime()
        let cache = SemanticCache(
            embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(), policy: SemanticCachePolicy(),
            now: { clock.now })
        cache.store(answer, for: ask("What is two plus two?"), tenant: "acme", ttl: 10)
        clock.advance(11)
        #expect(cache.lookup(ask("What is two plus two?"), tenant: "acme") == nil)
    }

    @Test func gatewayCacheReportsHitKinds() async {
        let gateway = GatewayCache(exact: InMemoryResponseCache(), semantic: cache())
        let request = ask("What is two plus two?")
        #expect(await gateway.lookup(request, tenant: "t", control: .default).headerValue == "miss")
        await gateway.store(answer, for: request, tenant: "t", control: .default)
        #expect(await gateway.lookup(request, tenant: "t", control: .default).headerValue == "hit")
        #expect(
            await gateway.lookup(ask("what is TWO plus two"), tenant: "t", control: .default).headerValue
                == "semantic-hit")
        #expect(await gateway.lookup(request, tenant: "t", control: CacheControl(noCache: true)).headerValue == "miss")
        let other = ask("Name a prime number")
        await gateway.store(answer, for: other, tenant: "t", control: CacheControl(noStore: true))
        #expect(await gateway.lookup(other, tenant: "t", control: .default).headerValue == "miss")
    }
}

@Suite struct FlatVectorIndexTests {
    private let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")

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
}
