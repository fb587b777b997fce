import SwitchyardCore
import SwitchyardEmbeddings

/// The cache the chat handler talks to: exact first, then semantic.
///
/// Call ``lookup(_:tenant:control:)`` before routing; on ``CacheLookup/hit(_:)`` or
/// ``CacheLookup/semanticHit(_:)`` answer from it (for a streaming request, replay
/// ``SwitchyardCore/ChatResponse/replayEvents(chunkCharacters:)`` through the SSE encoder). After a successful,
/// complete upstream answer call ``store(_:for:tenant:control:)``. Set `x-switchyard-cache` to
/// ``CacheLookup/headerValue``.
///
/// ```swift
/// let control = CacheControl(request: request, header: headers[.cacheControl])
/// let lookup = await cache.lookup(request, tenant: identity.tenant, control: control)
/// if let cached = lookup.response { … }
/// ```
public final class GatewayCache: Sendable {
    /// The exact cache.
    public let exact: (any ResponseCache)?
    /// The semantic cache, if enabled.
    public let semantic: SemanticCache?
    /// Where semantic entries are kept across restarts, if anywhere.
    public let persistence: SQLiteSemanticCacheStore?

    /// Creates the facade.
    ///
    /// - Parameters:
    ///   - exact: The exact cache; `nil` turns the exact stage off.
    ///   - semantic: The semantic cache; `nil` turns the semantic stage off.
    ///   - persistence: Where new semantic entries are written, if anywhere.
    public init(exact: (any ResponseCache)?, semantic: SemanticCache?, persistence: SQLiteSemanticCacheStore? = nil) {
        self.exact = exact
        self.semantic = semantic
        self.persistence = persistence
    }

    /// Looks a request up, exact key first.
    ///
    /// - Parameters:
    ///   - request: The canonical request.
    ///   - tenant: The caller's tenant.
    ///   - control: Per-request controls; `noCache` returns ``CacheLookup/miss`` without reading.
    public func lookup(_ request: ChatRequest, tenant: String, control: CacheControl) async -> CacheLookup {
        await probe(request, tenant: tenant, control: control).lookup
    }

    /// Looks a request up and keeps its semantic query, so a miss can be stored without embedding it again.
    public func probe(_ request: ChatRequest, tenant: String, control: CacheControl) async -> CacheProbe {
        guard !control.noCache else { return CacheProbe(lookup: .miss, query: nil) }
        if let exact, let cached = await exact.get(CacheKey(tenant: tenant, request: request)) {
            return CacheProbe(lookup: .hit(cached.response), query: nil)
        }
        // Embedding the request is a model forward pass: off the event loop.
        let semantic = self.semantic
        let query = semantic == nil ? nil : await ComputeQueue.run { semantic?.query(request, tenant: tenant) }
        if let query, let hit = semantic?.lookup(query) { return CacheProbe(lookup: .semanticHit(hit), query: query) }
        return CacheProbe(lookup: .miss, query: query)
    }

    /// Stores a complete answer unless `control.noStore`.
    ///
    /// - Parameters:
    ///   - response: The upstream's complete answer (for a stream, the assembled response).
    ///   - request: The request it answered.
    ///   - tenant: The caller's tenant.
    ///   - control: Per-request controls (`noStore`, `ttl`).
    ///   - query: The semantic query from ``probe(_:tenant:control:)``, if any (saves a second embedding).
    public func store(
        _ response: ChatResponse, for request: ChatRequest, tenant: String, control: CacheControl,
        query: SemanticQuery? = nil
    ) async {
        guard !control.noStore else { return }
        await exact?.put(response, for: CacheKey(tenant: tenant, request: request), ttl: control.ttl)
        guard let semantic else { return }
        let record =
            if let query { semantic.store(response, for: query, ttl: control.ttl) } else {
                await ComputeQueue.run { semantic.store(response, for: request, tenant: tenant, ttl: control.ttl) }
            }
        if let record, let persistence { try? await persistence.save(record) }
    }
}

/// A lookup's outcome with the request's semantic query (kept for storing the answer to a miss).
public struct CacheProbe: Sendable {
    /// The outcome.
    public let lookup: CacheLookup
    /// The request's semantic query; `nil` when the semantic stage is off, the request ineligible, or an exact hit.
    public let query: SemanticQuery?
}

/// The outcome of a cache lookup.
public enum CacheLookup: Sendable {
    /// Same request seen before.
    case hit(ChatResponse)
    /// A request meaning the same thing seen before.
    case semanticHit(SemanticHit)
    /// Not cached (or `no-cache`).
    case miss

    /// The cached answer, if any.
    public var response: ChatResponse? {
        switch self {
        case .hit(let response): return response
        case .semanticHit(let hit): return hit.response
        case .miss: return nil
        }
    }

    /// The `x-switchyard-cache` header value: `hit`, `semantic-hit` or `miss`.
    public var headerValue: String {
        switch self {
        case .hit: return "hit"
        case .semanticHit: return "semantic-hit"
        case .miss: return "miss"
        }
    }
}
