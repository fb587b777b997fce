import AsyncHTTPClient
import NIOCore
public import SwitchyardCore

/// A provider reached over HTTP: an adapter translates, the shared ``UpstreamClient`` carries.
public struct HTTPModelProvider: ModelProvider {
    /// The chat translator.
    public let adapter: any ChatAdapter
    /// The embeddings translator, if the protocol has embeddings.
    public let embeddingAdapter: (any EmbeddingAdapter)?
    /// The shared client.
    public let client: UpstreamClient
    /// The adapter again when it can forward bodies unchanged (resolved once, not per request).
    private let passThrough: (any PassThroughAdapter)?

    /// Creates a provider.
    public init(adapter: any ChatAdapter, embeddingAdapter: (any EmbeddingAdapter)?, client: UpstreamClient) {
        self.adapter = adapter
        self.embeddingAdapter = embeddingAdapter
        self.client = client
        self.passThrough = adapter as? any PassThroughAdapter
    }

    /// Asks the adapter.
    public func unsupportedParameters(in request: ChatRequest) -> [String] {
        adapter.unsupportedParameters(in: request)
    }

    /// Sends the request and decodes the answer or the error.
    public func complete(_ request: ChatRequest, deployment: Deployment) async throws -> ChatResponse {
        var request = request
        request.stream = false
        var outgoing = try adapter.encode(request, for: deployment)
        outgoing.wholeBodyLimit = client.configuration.maxResponseBytes
        let response = try await send(outgoing, deployment: deployment, wholeAnswer: true)
        let body = try await response.collect()
        guard response.isSuccess else {
            throw adapter.decodeError(head: response.head, body: body, for: deployment)
        }
        return try adapter.decodeResponse(head: response.head, body: body, for: deployment)
    }

    /// Forwards the client's body when the adapter allows it (only `model` rewritten, the answer read for `id`,
    /// `model` and `usage` only); otherwise encodes and decodes as ``complete(_:deployment:)``.
    public func complete(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> CompletionAnswer
    {
        guard let original, !request.stream, let passThrough,
            var outgoing = passThrough.forwardingRequest(request, original: original, for: deployment)
        else { return .decoded(try await complete(request, deployment: deployment)) }
        outgoing.wholeBodyLimit = client.configuration.maxResponseBytes
        let response = try await send(outgoing, deployment: deployment, wholeAnswer: true)
        let body = try await response.collect()
        guard response.isSuccess else {
            throw adapter.decodeError(head: response.head, body: body, for: deployment)
        }
        if let forwarded = passThrough.forwardedResponse(head: response.head, body: body, for: deployment) {
            return .forwarded(forwarded)
        }
        return .decoded(try adapter.decodeResponse(head: response.head, body: body, for: deployment))
    }

    /// Sends the request and returns its events as they arrive. Errors before the body starts are thrown here.
    public func stream(_ request: ChatRequest, deployment: Deployment) async throws -> ChatEventStream {
        try await stream(request, original: nil, deployment: deployment)
    }

    /// Forwards the client's body and relays the upstream's chunks as written when the adapter allows it;
    /// otherwise encodes the request and decodes every chunk.
    ///
    /// A stream waits for its upstream's response head (a model's time to first token) under this frame, so the
    /// request and its decoder are prepared before the wait, in ``prepareStream(_:original:deployment:)``: the
    /// request is not part of the frame that waits (3,264 bytes as one function).
    public func stream(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> ChatEventStream
    {
        let prepared = try prepareStream(request, original: original, deployment: deployment)
        let response = try await send(prepared.outgoing, deployment: deployment, wholeAnswer: false)
        guard response.isSuccess else { throw try await failure(response, deployment: deployment) }
        return Self.events(of: response, framing: adapter.streamFraming, decoder: prepared.decoder)
    }

    /// A stream's outgoing request (the client's body when it can be forwarded, else encoded) and its decoder.
    @inline(never)
    private func prepareStream(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) throws
        -> (outgoing: UpstreamRequest, decoder: any ChatStreamDecoder)
    {
        var request = request
        request.stream = true
        if let original, let passThrough,
            let forwarding = passThrough.forwardingRequest(request, original: original, for: deployment)
        {
            return (forwarding, passThrough.makeForwardingStreamDecoder(for: request, deployment: deployment))
        }
        return (try adapter.encode(request, for: deployment), adapter.makeStreamDecoder(for: deployment))
    }

    /// The error an unsuccessful answer's body describes.
    @inline(never)
    private func failure(_ response: UpstreamResponse, deployment: Deployment) async throws -> any Error {
        let body = try await response.collect()
        return adapter.decodeError(head: response.head, body: body, for: deployment)
    }

    /// The events of a successful answer, decoded as they arrive.
    @inline(never)
    private static func events(
        of response: UpstreamResponse, framing: StreamFraming, decoder: any ChatStreamDecoder
    ) -> ChatEventStream {
        ChatEventStream(ready: {
            let state = UpstreamEventReader(response: response, framing: framing, decoder: decoder)
            return (next: { try await state.next() }, isReady: { state.hasDecodedEvents })
        })
    }

    /// Sends an embeddings request.
    public func embed(_ request: EmbeddingRequest, deployment: Deployment) async throws -> EmbeddingResponse {
        guard let embeddingAdapter else {
            throw GatewayError(
                .invalidRequest, "Provider '\(deployment.provider.name)' does not offer embeddings.", param: "model")
        }
        let outgoing = try embeddingAdapter.encodeEmbeddings(request, for: deployment)
        let response = try await send(outgoing, deployment: deployment, wholeAnswer: true)
        let body = try await response.collect()
        guard response.isSuccess else {
            throw adapter.decodeError(head: response.head, body: body, for: deployment)
        }
        return try embeddingAdapter.decodeEmbeddings(head: response.head, body: body, for: deployment)
    }

    /// Sends a request with the deployment's timeouts, over HTTP/2 when its provider is configured for it. A call
    /// whose answer comes whole (`wholeAnswer`) is limited by the total time only (``UpstreamTimeouts/forWholeAnswer``).
    private func send(_ outgoing: UpstreamRequest, deployment: Deployment, wholeAnswer: Bool) async throws
        -> UpstreamResponse
    {
        try await client.send(
            outgoing, timeouts: wholeAnswer ? deployment.timeouts.forWholeAnswer : deployment.timeouts,
            provider: deployment.provider.name,
            http2PriorKnowledge: deployment.provider.http2PriorKnowledge)
    }
}
