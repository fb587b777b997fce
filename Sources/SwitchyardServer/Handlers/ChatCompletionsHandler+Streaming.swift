import Foundation
import Hummingbird
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardRouting

extension ChatCompletionsHandler {
    /// A stream that has produced its first event: only then is the route final and the response head sent.
    struct OpenedStream: Sendable {
        var events: PendingIterator
        var dropped: [String]
    }

    func stream(
        _ chat: ChatRequest, original: ByteBuffer?, model: ModelDefinition, features: RequestFeatures, strategy: RoutingStrategyKind?,
        context: GatewayRequestContext, ticket: RequestTicket, caching: CachePlan?, headers extraHeaders: HTTPFields
    ) async throws -> Response {
        let registry = self.registry
        let started = ContinuousClock.now
        let routed: RoutingEngine.Routed<OpenedStream>
        do {
            routed = try await engine.route(
                requestID: context.requestID, model: model, features: features, strategy: strategy
            ) { deployment, _ in
                try await open(chat, original: original, on: deployment, registry: registry)
            }
        } catch {
            await ticket.failed(error)
            throw error
        }
        var headers = Self.routingHeaders(for: routed.deployment, decision: routed.decision)
        headers.append(contentsOf: extraHeaders)
        if !routed.value.dropped.isEmpty { headers[.switchyardDroppedParams] = routed.value.dropped.joined(separator: ",") }
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let relay = StreamRelay(
            handler: self, chat: chat, model: model, features: features, first: routed,
            encoder: ChunkEncoder(
                fallbackID: "chatcmpl-" + context.requestID, fallbackModel: routed.deployment.upstreamModel,
                includeUsage: chat.includeUsageInStream),
            requestID: context.requestID, ticket: ticket, caching: caching,
            timeToFirstToken: (ContinuousClock.now - started).milliseconds)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await relay.run(&writer) })
    }

    /// Opens a stream on one deployment and waits for its first event, so that a failure before it can still fail
    /// over. With `original` (the client's body), a deployment in the client's dialect gets it as written and its
    /// chunks are relayed as they come.
    func open(
        _ chat: ChatRequest, original: ByteBuffer? = nil, on deployment: Deployment, registry: ProviderRegistry
    ) async throws -> OpenedStream {
        try await GenAISpans.attempt(chat, on: deployment, streaming: true) { _ in
            let prepared = try prepare(chat, for: deployment)
            let events = try await registry.provider(for: deployment.provider).stream(
                prepared.request, original: prepared.dropped.isEmpty ? original : nil, deployment: deployment)
            var iterator = events.makeAsyncIterator()
            let first = try await iterator.next()
            return OpenedStream(events: PendingIterator(first: first, rest: iterator), dropped: prepared.dropped)
        }
    }
}

/// An event iterator with its first event already taken, usable from the response writer.
final class PendingIterator: @unchecked Sendable {
    private var first: ChatStreamEvent?
    private var rest: ChatEventStream.Iterator

    init(first: ChatStreamEvent?, rest: ChatEventStream.Iterator) {
        self.first = first
        self.rest = rest
    }

    /// Whether ``next()`` returns at once, without waiting for the upstream.
    var isReady: Bool { first != nil || rest.isReady }

    func next() async throws -> ChatStreamEvent? {
        if let event = first {
            first = nil
            return event
        }
        return try await rest.next()
    }
}
