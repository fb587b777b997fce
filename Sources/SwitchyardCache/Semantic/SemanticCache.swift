import Foundation
import SwitchyardCore
import Synchronization

/// Answers a request with the cached answer to a request that means the same thing.
///
/// Two stages: the embedding of the request's last user turn retrieves the nearest cached entries of the same
/// ``SemanticScope`` from a ``VectorIndex``; the ``Verifier`` then accepts or rejects each candidate. Ineligible
/// requests (see ``SemanticCachePolicy``, images or audio, no user turn) are neither looked up nor stored.
///
/// A scope that grows past ``SemanticCachePolicy/approximateSearchThreshold`` gets an HNSW graph, built on an
/// ``IndexBuildExecutor`` without holding the cache's lock: lookups and stores carry on against the exact index
/// meanwhile, and the graph, caught up with the entries stored and evicted during the build, is swapped in at the
/// end. Rebuilding a graph whose tombstones pass the limit works the same way. A lookup in a large exact scope
/// (``SemanticCachePolicy/offLockScanMinimum``) scans a snapshot of it without the lock, so stores never wait for
/// a scan.
///
/// ```swift
/// let cache = SemanticCache(embed: embedder.embed, dimensions: 384, verifier: Verifier.bundled()!)
/// if let hit = cache.lookup(request, tenant: "acme") { return hit.response }
/// ```
public final class SemanticCache: Sendable {
    struct Entry {
        var scope: SemanticScope
        var text: String
        var vector: [Float]
        var response: ChatResponse
        var expiresAt: Double
    }

    struct State {
        var index: HybridVectorIndex
        var entries: LRUTable<UInt64, Entry>
        var nextID: UInt64 = 1
    }

    /// The eligibility and size rules.
    public let policy: SemanticCachePolicy
    /// The stage-2 model.
    public let verifier: Verifier
    private let embed: @Sendable (String) -> [Float]
    /// Where HNSW graphs are built.
    let indexBuilds: IndexBuildExecutor
    let now: @Sendable () -> Double
    let state: Mutex<State>
    /// Lock and build timings for benchmarks; `nil` (the default) costs nothing.
    let probe: SemanticCacheProbe?

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - embed: Unit embedding of a text (``SwitchyardEmbeddings/SentenceEmbedder/embed(_:)``).
    ///   - dimensions: Length of the embeddings.
    ///   - verifier: The stage-2 model and its threshold.
    ///   - policy: Eligibility and size rules.
    ///   - now: Clock in seconds.
    ///   - indexBuilds: Where HNSW graphs are built; default ``IndexBuildExecutor/newThread``.
    ///   - probe: Lock-hold and build timings for benchmarks; default `nil` (no clock read, nothing called).
    public init(
        embed: @escaping @Sendable (String) -> [Float], dimensions: Int, verifier: Verifier,
        policy: SemanticCachePolicy = SemanticCachePolicy(),
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        indexBuilds: IndexBuildExecutor = .newThread, probe: SemanticCacheProbe? = nil
    ) {
        self.embed = embed
        self.probe = probe
        self.indexBuilds = indexBuilds
        self.verifier = verifier
        self.policy = policy
        self.now = now
        self.state = Mutex(
            State(
                index: HybridVectorIndex(
                    dimensions: dimensions, threshold: policy.approximateSearchThreshold, buildsInBackground: true),
                entries: LRUTable(capacity: policy.maxEntries)))
    }

    /// Entries held.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The text a request is matched on: its last user turn, whitespace-collapsed; `nil` when ineligible.
    public func queryText(_ request: ChatRequest) -> String? {
        guard !request.hasImages, !request.hasAudio, (request.n ?? 1) == 1 else { return nil }
        guard (request.temperature ?? policy.assumedTemperature) <= policy.maxTemperature else { return nil }
        guard let last = request.messages.lastIndex(where: { $0.role == .user }) else { return nil }
        let earlierTurns = request.messages[..<last].contains { $0.role != .system && $0.role != .developer }
        if earlierTurns && !policy.allowMultiTurn { return nil }
        if request.messages[(last + 1)...].contains(where: { $0.role != .system }) { return nil }
        let text = (request.messages[last].content?.text ?? "").split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
        return text.isEmpty ? nil : text
    }

    /// The best verified cached answer for a request, or `nil`.
    ///
    /// - Parameters:
    ///   - request: The incoming request.
    ///   - tenant: Its tenant.
    /// - Returns: The hit, with the cosine and the verifier's probability.
    public func lookup(_ request: ChatRequest, tenant: String) -> SemanticHit? {
        query(request, tenant: tenant).flatMap(lookup)
    }

    /// A request's matched text, scope and embedding, or `nil` when it is ineligible. Computing it is the
    /// expensive part (the embedding); pass the same query to ``lookup(_:)-(SemanticQuery)`` and, on a miss, to
    /// ``store(_:for:ttl:)`` so a request is embedded once.
    public func query(_ request: ChatRequest, tenant: String) -> SemanticQuery? {
        guard let text = queryText(request) else { return nil }
        return SemanticQuery(text: text, scope: SemanticScope(tenant: tenant, request: request), vector: embed(text))
    }

    /// The best verified cached answer for a prepared query, or `nil`.
    ///
    /// A scope searched exactly with at least ``SemanticCachePolicy/offLockScanMinimum`` entries (a large cache
    /// below the HNSW threshold, or a scope whose graph is being built) is scanned outside the lock, on a snapshot;
    /// the candidates are then verified under the lock, so an entry removed or expired meanwhile is never returned.
    public func lookup(_ query: SemanticQuery) -> SemanticHit? {
        let time = now()
        var snapshot: FlatVectorIndex.Snapshot?
        let (hit, builds) = withState(.lookup) { (state: inout State) -> (SemanticHit?, [HNSWBuild]) in
            if state.index.count(in: query.scope) >= policy.offLockScanMinimum,
                let exact = state.index.exactSnapshot(of: query.scope)
            {
                snapshot = exact
                return (nil, state.index.takeBuilds())
            }
            let matches = state.index.search(query.vector, scope: query.scope, k: policy.candidates)
            return (verify(matches, for: query, at: time, in: &state), state.index.takeBuilds())
        }
        start(builds)
        guard snapshot != nil else { return hit }
        // The snapshot is released at the end of this statement, before locking again: while a reader holds it, a
        // change to the scope copies the chunk it touches.
        let matches = snapshot.take()!.search(query.vector, k: policy.candidates)
        guard matches.contains(where: { $0.score >= verifier.minimumCosine }) else { return nil }
        let (verified, more) = withState(.lookupVerify) { state in
            (verify(matches, for: query, at: time, in: &state), state.index.takeBuilds())
        }
        start(more)
        return verified
    }

    /// Stage 2 under the lock: the best candidate the verifier accepts. Drops expired candidates it meets.
    private func verify(_ matches: [VectorMatch], for query: SemanticQuery, at time: Double, in state: inout State)
        -> SemanticHit?
    {
        var best: SemanticHit?
        for match in matches where match.score >= verifier.minimumCosine {
            guard let entry = state.entries.peek(match.id) else { continue }
            guard entry.expiresAt > time else {
                state.entries.remove(match.id)
                state.index.remove(id: match.id, scope: entry.scope)
                continue
            }
            let probability = verifier.probability(query.vector, entry.vector, textA: query.text, textB: entry.text)
            if probability >= verifier.threshold, probability > (best?.probability ?? 0) {
                best = SemanticHit(
                    response: entry.response, cachedText: entry.text, similarity: match.score,
                    probability: probability)
                _ = state.entries.get(match.id)
            }
        }
        return best
    }

    /// Stores the answer to an eligible request.
    ///
    /// - Parameters:
    ///   - response: The complete answer.
    ///   - request: The request it answered.
    ///   - tenant: Its tenant.
    ///   - ttl: Seconds to live; `nil` uses the policy's default.
    /// - Returns: The stored record (to persist), or `nil` when the request is ineligible.
    @discardableResult
    public func store(_ response: ChatResponse, for request: ChatRequest, tenant: String, ttl: Double? = nil)
        -> SemanticCacheRecord?
    {
        guard (ttl ?? policy.defaultTTL) > 0, let query = query(request, tenant: tenant) else { return nil }
        return store(response, for: query, ttl: ttl)
    }

    /// Stores the answer to a prepared query (no second embedding).
    ///
    /// - Returns: The stored record (to persist), or `nil` when the TTL is zero.
    @discardableResult
    public func store(_ response: ChatResponse, for query: SemanticQuery, ttl: Double? = nil) -> SemanticCacheRecord? {
        let lifetime = ttl ?? policy.defaultTTL
        guard lifetime > 0 else { return nil }
        let entry = Entry(
            scope: query.scope, text: query.text, vector: query.vector, response: response,
            expiresAt: now() + lifetime)
        insert(entry)
        return SemanticCacheRecord(
            scope: query.scope, text: query.text, vector: query.vector, response: response,
            expiresAt: entry.expiresAt)
    }

    func insert(_ entry: Entry) {
        let builds = withState(.store) { state in
            let id = state.nextID
            state.nextID += 1
            if let evicted = state.entries.set(entry, for: id) {
                state.index.remove(id: evicted.key, scope: evicted.value.scope)
            }
            state.index.insert(id: id, vector: entry.vector, scope: entry.scope)
            return state.index.takeBuilds()
        }
        start(builds)
    }
}

/// An eligible request prepared for the semantic cache: its matched text, scope and embedding.
public struct SemanticQuery: Sendable {
    /// The matched text (last user turn, whitespace-collapsed).
    public let text: String
    /// Where it may match.
    public let scope: SemanticScope
    /// Its unit embedding.
    public let vector: [Float]
}

/// A semantic cache hit.
public struct SemanticHit: Sendable {
    /// The cached answer.
    public var response: ChatResponse
    /// The cached request's matched text.
    public var cachedText: String
    /// Cosine between the two texts' embeddings.
    public var similarity: Float
    /// The verifier's probability that both ask the same thing.
    public var probability: Float
}
