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

/// A scope at or above ``SemanticCachePolicy/offLockScanMinimum`` is scanned on a snapshot without the lock.
@Suite struct SemanticCacheOffLockScanTests {
    private func response(_ id: String) -> ChatResponse {
        ChatResponse(id: id, created: 1, model: "gpt-x", choices: [], usage: nil)
    }

    @Test(.timeLimit(.minutes(1))) func storesRunDuringTheScanAndStaleCandidatesAreNeverServed() {
        let armed = Mutex(false)
        let sections = Mutex<[SemanticCacheProbe.Section]>([])
        let owner = Mutex<SemanticCache?>(nil)
        // Reports come after the lock is released; the one after the lookup's snapshot runs a store before the
        // scan. Were the lock still held, that store would never return.
        let probe = SemanticCacheProbe(lockHeld: { section, _ in
            sections.withLock { $0.append(section) }
            guard section == .lookup, armed.withLock({ armed in defer { armed = false }; return armed }) else { return }
            owner.withLock { $0 }?.store(response("Who wrote Hamlet?"), for: ask("Who wrote Hamlet?"), tenant: "acme")
        })
        let cache = SemanticCache(
            embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(),
            policy: SemanticCachePolicy(maxEntries: 3, offLockScanMinimum: 2), probe: probe)
        owner.withLock { $0 = cache }
        let questions = ["What is two plus two?", "How tall is the Eiffel tower?", "Name a prime number"]
        for question in questions { cache.store(response(question), for: ask(question), tenant: "acme") }

        // The snapshot holds "What is two plus two?"; the store between snapshot and scan evicts it (capacity 3,
        // least recently used), so the scan's best candidate is gone by verification and is not served.
        sections.withLock { $0 = [] }
        armed.withLock { $0 = true }
        #expect(cache.lookup(ask("what is two plus two"), tenant: "acme") == nil)
        #expect(sections.withLock { $0 } == [.lookup, .store, .lookupVerify])
        #expect(cache.count == 3)

        sections.withLock { $0 = [] }
        #expect(cache.lookup(ask("name a prime number"), tenant: "acme")?.response.id == "Name a prime number")
        #expect(cache.lookup(ask("who wrote hamlet"), tenant: "acme")?.response.id == "Who wrote Hamlet?")
        #expect(sections.withLock { $0 } == [.lookup, .lookupVerify, .lookup, .lookupVerify])
    }

    @Test func smallScopesAreSearchedUnderTheLockInOneSection() {
        let sections = Mutex<[SemanticCacheProbe.Section]>([])
        let probe = SemanticCacheProbe(lockHeld: { section, _ in sections.withLock { $0.append(section) } })
        let cache = SemanticCache(
            embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(),
            policy: SemanticCachePolicy(offLockScanMinimum: 3), probe: probe)
        cache.store(response("a"), for: ask("What is two plus two?"), tenant: "acme")
        cache.store(response("b"), for: ask("Name a prime number"), tenant: "acme")
        sections.withLock { $0 = [] }
        #expect(cache.lookup(ask("what is two plus two"), tenant: "acme")?.response.id == "a")
        #expect(sections.withLock { $0 } == [.lookup])
    }
}
