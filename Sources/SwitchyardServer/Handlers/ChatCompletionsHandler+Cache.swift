import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCache
import SwitchyardCore
import SwitchyardRouting
import SwitchyardTelemetry

/// The cache's part in one request: who it is scoped to, what the caller allowed, and (after the lookup) the
/// request's semantic query, so the answer to a miss is stored without embedding the request again.
struct CachePlan: Sendable {
    let cache: GatewayCache
    let tenant: String
    let control: SwitchyardCache.CacheControl
    let query: SemanticQuery?

    /// Stores a complete answer off the request path (the semantic stage embeds the request, which takes
    /// milliseconds the client should not wait for).
    func store(_ answer: ChatResponse, for chat: ChatRequest) {
        guard !control.noStore else { return }
        let cache = self.cache
        let tenant = self.tenant
        let control = self.control
        let query = self.query
        Task { await cache.store(answer, for: chat, tenant: tenant, control: control, query: query) }
    }
}

extension ChatCompletionsHandler {
    /// Answers from the cache: JSON, or the cached answer replayed as a server-sent event stream. The ledger
    /// records the request as a cache hit, with what the cached answer cost as money saved, once the answer is
    /// written.
    func answerFromCache(
        _ cached: ChatResponse, lookup: CacheLookup, chat: ChatRequest, model: ModelDefinition, ticket: RequestTicket,
        headers extraHeaders: HTTPFields, requestID: String
    ) async -> Response {
        let source =
            model.deployments.first { $0.upstreamModel == cached.model } ?? model.deployments.first
        let usage = cached.usage
        settlements.afterResponse { await ticket.cached(savedFrom: source, usage: usage) }
        var answer = cached
        answer.id = "chatcmpl-" + requestID
        answer.created = Int(Date().timeIntervalSince1970)
        var headers = extraHeaders
        headers[.switchyardCache] = lookup.headerValue
        if case .semanticHit(let hit) = lookup {
            headers[.switchyardCacheSimilarity] = String(format: "%.4f", hit.similarity)
        }
        if chat.stream {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            var encoder = ChunkEncoder(
                fallbackID: answer.id, fallbackModel: answer.model, includeUsage: chat.includeUsageInStream)
            var buffer = ByteBuffer()
            for event in answer.replayEvents() {
                if var bytes = encoder.encode(event) { buffer.writeBuffer(&bytes) }
            }
            var end = encoder.finish()
            buffer.writeBuffer(&end)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
        }
        headers[.contentType] = "application/json"
        let body = (try? JSONEncoder().encodeAsByteBuffer(answer, allocator: ByteBufferAllocator())) ?? ByteBuffer()
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension CacheLookup {
    /// The lookup's result as telemetry labels it.
    var telemetryResult: RequestRecord.CacheResult {
        switch self {
        case .hit: return .hit
        case .semanticHit: return .semanticHit
        case .miss: return .miss
        }
    }
}
