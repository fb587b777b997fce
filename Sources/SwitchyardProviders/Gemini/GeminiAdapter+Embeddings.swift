public import NIOCore
public import SwitchyardCore

extension GeminiAdapter {
    /// Builds `POST {base}/models/{model}:embedContent` for one input, `:batchEmbedContents` for several.
    ///
    /// `dimensions` becomes `outputDimensionality`; `encoding_format` and `user` have no Gemini field (vectors come
    /// back as floats and the server encodes them as the client asked).
    ///
    /// - Parameters:
    ///   - request: The canonical embeddings request.
    ///   - deployment: Supplies the base URL, the API key, extra headers and the upstream model.
    /// - Returns: The upstream HTTP request.
    /// - Throws: ``GatewayError`` `invalid_request` (param `input`) when there is nothing to embed.
    public func encodeEmbeddings(_ request: EmbeddingRequest, for deployment: Deployment) throws -> UpstreamRequest {
        guard !request.input.isEmpty else {
            throw GatewayError(.invalidRequest, "'input' must contain at least one text.", param: "input")
        }
        let headers = Self.headers(for: deployment)
        func content(_ text: String) -> GeminiContent { GeminiContent(parts: [GeminiPart(text: text)]) }
        if request.input.count == 1 {
            let body = GeminiEmbedRequest(content: content(request.input[0]), outputDimensionality: request.dimensions)
            return UpstreamRequest(
                url: Self.url(for: deployment, method: "embedContent"), headers: headers,
                body: try WireJSON.encode(body))
        }
        let model = Self.modelPath(deployment.upstreamModel)
        let body = GeminiBatchEmbedRequest(
            requests: request.input.map {
                GeminiEmbedRequest(model: model, content: content($0), outputDimensionality: request.dimensions)
            })
        return UpstreamRequest(
            url: Self.url(for: deployment, method: "batchEmbedContents"), headers: headers,
            body: try WireJSON.encode(body))
    }

    /// Decodes `{"embedding":{"values"}}` or `{"embeddings":[{"values"}]}`, in input order.
    ///
    /// - Parameters:
    ///   - head: The upstream response head.
    ///   - body: The response body.
    ///   - deployment: The deployment that was called.
    /// - Returns: The vectors; `promptTokens` is 0 when Gemini does not report usage.
    /// - Throws: ``GatewayError`` `upstream_malformed_response` when the body has no embeddings.
    public func decodeEmbeddings(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> EmbeddingResponse
    {
        let provider = deployment.provider.name
        let wire = try WireJSON.decodeUpstream(GeminiEmbedResponse.self, from: body, provider: provider)
        guard let vectors = wire.embeddings?.map(\.values) ?? wire.embedding.map({ [$0.values] }) else {
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' returned a response without embeddings.",
                upstream: .init(provider: provider, status: head.status))
        }
        return EmbeddingResponse(
            vectors: vectors, model: deployment.upstreamModel,
            promptTokens: wire.usageMetadata?.promptTokenCount ?? 0)
    }
}
