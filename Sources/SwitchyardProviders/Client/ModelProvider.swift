public import NIOCore
public import SwitchyardCore

/// Something that answers chat and embedding requests for a deployment: an HTTP provider through its adapter, or
/// the built-in simulator.
///
/// Errors are ``GatewayError``s. A stream that fails before its first event throws from ``stream(_:deployment:)``;
/// one that fails later throws from the sequence.
public protocol ModelProvider: Sendable {
    /// The parameters of `request` this provider cannot honour, by OpenAI field name.
    func unsupportedParameters(in request: ChatRequest) -> [String]

    /// Answers a request in one piece.
    func complete(_ request: ChatRequest, deployment: Deployment) async throws -> ChatResponse

    /// Answers a request in one piece, forwarding `original` (the client's body, which decoded to `request`) as it
    /// is when the provider speaks the client's dialect and the request needs no translation; otherwise as
    /// ``complete(_:deployment:)``.
    func complete(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> CompletionAnswer

    /// Answers a request as a stream of events.
    func stream(_ request: ChatRequest, deployment: Deployment) async throws -> ChatEventStream

    /// Answers a request as a stream, forwarding `original` and relaying the upstream's chunks as written when the
    /// provider speaks the client's dialect and the request needs no translation; otherwise as
    /// ``stream(_:deployment:)``.
    func stream(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> ChatEventStream

    /// Computes embeddings.
    ///
    /// - Throws: ``GatewayError`` `invalid_request` when the provider has no embeddings.
    func embed(_ request: EmbeddingRequest, deployment: Deployment) async throws -> EmbeddingResponse
}

extension ModelProvider {
    /// Providers without a pass-through path decode every answer.
    public func complete(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> CompletionAnswer
    {
        .decoded(try await complete(request, deployment: deployment))
    }

    /// Providers without a pass-through path decode every chunk.
    public func stream(_ request: ChatRequest, original: ByteBuffer?, deployment: Deployment) async throws
        -> ChatEventStream
    {
        try await stream(request, deployment: deployment)
    }
}
