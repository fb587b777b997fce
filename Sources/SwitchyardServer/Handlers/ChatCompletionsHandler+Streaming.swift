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

    /// Routes a streaming call: opens the stream on a deployment (failing over until one produces its first event),
    /// then answers with the relay as the response body.
    ///
    /// A stream waits here until its upstream's first event (a model's time to first token), so this frame holds
    /// only what crosses that wait; the response is built in ``relayResponse(_:routed:requestID:started:)``.
    @inline(never)
    func stream(_ call: ChatCall, context: GatewayRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let routed: RoutingEngine.Routed<OpenedStream>
        do {
            routed = try await engine.route(
                requestID: context.requestID, model: call.model, features: call.features, strategy: call.strategy
            ) { deployment, _ in
                try await self.open(call, on: deployment)
            }
        } catch {
            await call.ticket.failed(error)
            throw error
        }
        return relayResponse(call, routed: routed, requestID: context.requestID, started: started)
    }

    /// The response to a stream that has opened: routing headers, and the relay as its body.
    @inline(never)
    func relayResponse(
        _ call: ChatCall, routed: RoutingEngine.Routed<OpenedStream>, requestID: String, started: ContinuousClock.Instant
    ) -> Response {
        var headers = routingHeaders(
            for: routed.deployment, decision: routed.decision, reserving: call.headers.count + 5)
        headers.append(contentsOf: call.headers)
        if !routed.value.dropped.isEmpty { headers[.switchyardDroppedParams] = routed.value.dropped.joined(separator: ",") }
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let relay = StreamRelay(
            handler: self, call: call, first: routed,
            encoder: ChunkEncoder(
                fallbackID: "chatcmpl-" + requestID, fallbackModel: routed.deployment.upstreamModel,
                includeUsage: call.chat.includeUsageInStream),
            requestID: requestID, timeToFirstToken: (ContinuousClock.now - started).milliseconds)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await relay.run(&writer) })
    }

    /// Opens a call's stream on one deployment. The client's body is forwarded as written unless the stream is
    /// cached or may be resumed elsewhere: relayed chunks are not assembled, and those need them decoded.
    func open(_ call: ChatCall, on deployment: Deployment) async throws -> OpenedStream {
        let forwardable = call.caching == nil && !call.model.routing.resumeStreams
        return try await open(call.chat, original: forwardable ? call.original : nil, on: deployment, registry: registry)
    }

    /// Opens a stream on one deployment and waits for its first event, so that a failure before it can still fail
    /// over. With `original` (the client's body), a deployment in the client's dialect gets it as written and its
    /// chunks are relayed as they come.
    func open(
        _ chat: ChatRequest, original: ByteBuffer? = nil, on deployment: Deployment, registry: ProviderRegistry
    ) async throws -> OpenedStream {
        try await GenAISpans.attempt(chat, on: deployment, streaming: true, traced: tracing) { _ in
            let provider = registry.provider(for: deployment.provider)
            let prepared = try prepare(chat, for: deployment, on: provider)
            let events = try await provider.stream(
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
