public import NIOCore

/// Translates canonical chat requests to one upstream wire protocol and back. Performs no I/O.
///
/// One adapter serves every deployment of its protocol; anything deployment-specific (URL, key, upstream model)
/// comes from the ``Deployment`` passed in. The shared upstream client does the I/O.
public protocol ChatAdapter: Sendable {
    /// How the upstream frames a stream; the client picks the matching frame decoder.
    var streamFraming: StreamFraming { get }

    /// The request's parameters that this upstream cannot honour, by OpenAI field name.
    func unsupportedParameters(in request: ChatRequest) -> [String]

    /// Builds the upstream HTTP request.
    ///
    /// - Throws: ``GatewayError`` with `invalid_request` when the request cannot be expressed in this protocol.
    func encode(_ request: ChatRequest, for deployment: Deployment) throws -> UpstreamRequest

    /// Decodes a successful (2xx) non-streaming response.
    ///
    /// - Throws: ``GatewayError`` with `upstream_malformed_response`, or a mapped code when the body reports an error.
    func decodeResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws -> ChatResponse

    /// Makes a decoder for one streamed response.
    func makeStreamDecoder(for deployment: Deployment) -> any ChatStreamDecoder

    /// Maps an error response (non-2xx) to a gateway error, parsing the provider's error body.
    func decodeError(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) -> GatewayError
}

/// An adapter that can also compute embeddings.
public protocol EmbeddingAdapter: Sendable {
    /// Builds the upstream embeddings request.
    func encodeEmbeddings(_ request: EmbeddingRequest, for deployment: Deployment) throws -> UpstreamRequest

    /// Decodes a successful embeddings response.
    func decodeEmbeddings(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> EmbeddingResponse
}
