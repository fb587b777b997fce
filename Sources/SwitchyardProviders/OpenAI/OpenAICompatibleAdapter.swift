public import NIOCore
public import SwitchyardCore

/// The adapter for OpenAI's Chat Completions protocol and every provider that copies it, via a dialect.
public struct OpenAICompatibleAdapter: ChatAdapter, EmbeddingAdapter {
    /// The provider's differences from OpenAI.
    public let dialect: OpenAICompatibleDialect
    /// The last provider's chat URL and headers.
    let chatTargets = UpstreamTargetMemo()

    /// Creates an adapter for a dialect.
    public init(dialect: OpenAICompatibleDialect) {
        self.dialect = dialect
    }

    /// Always server-sent events.
    public var streamFraming: StreamFraming { .serverSentEvents }

    /// The parameters of `request` that the dialect rejects.
    public func unsupportedParameters(in request: ChatRequest) -> [String] {
        // OpenAI's own dialect refuses nothing: then the request's parameters are not listed at all (about 1,200
        // instructions a request).
        guard !dialect.unsupportedParameters.isEmpty else { return [] }
        return request.presentParameters.filter { dialect.unsupportedParameters.contains($0) }
    }

    /// Builds `POST {base}/chat/completions` with the upstream model and the dialect's renames.
    public func encode(_ request: ChatRequest, for deployment: Deployment) throws -> UpstreamRequest {
        var body = request
        body.model = deployment.upstreamModel
        if !dialect.passesExtraFields {
            body.extraFields = JSONObject()
        } else {
            for name in ChatRequest.gatewayExtensionFields { body.extraFields[name] = nil }
        }
        if dialect.seedField != "seed", let seed = body.seed {
            body.seed = nil
            body.extraFields[dialect.seedField] = .number(Double(seed))
        }
        if !dialect.acceptsMaxCompletionTokens, let limit = body.maxCompletionTokens {
            body.maxCompletionTokens = nil
            body.maxTokens = limit
        }
        if body.toolChoice == .required, dialect.requiredToolChoice != "required" {
            body.toolChoice = nil
            body.extraFields["tool_choice"] = .string(dialect.requiredToolChoice)
        }
        if body.stream {
            body.includeUsageInStream = dialect.sendsStreamOptions
        }
        let target = chatTarget(for: deployment)
        return UpstreamRequest(url: target.url, headers: target.headers, body: try WireJSON.encode(body))
    }

    /// `POST {base}/chat/completions`'s URL and headers for the deployment's provider.
    func chatTarget(for deployment: Deployment) -> UpstreamTargetMemo.Target {
        chatTargets.target(for: deployment.provider) { provider in
            (provider.baseURL + dialect.chatPath, headers(for: provider))
        }
    }

    /// Decodes a `chat.completion` body.
    public func decodeResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> ChatResponse
    {
        try WireJSON.decodeUpstream(ChatResponse.self, from: body, provider: deployment.provider.name)
    }

    /// Makes a decoder for `chat.completion.chunk` frames.
    public func makeStreamDecoder(for deployment: Deployment) -> any ChatStreamDecoder {
        OpenAIStreamDecoder(provider: deployment.provider.name)
    }

    /// Parses OpenAI-style error bodies and the shapes its imitators use.
    public func decodeError(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) -> GatewayError {
        let parsed = OpenAIErrorBody.parse(body)
        let contextOverflow =
            parsed.code == "context_length_exceeded" || UpstreamErrorMapper.looksLikeContextOverflow(parsed.message)
        return UpstreamErrorMapper.map(
            head: head, provider: deployment.provider.name, providerCode: parsed.code ?? parsed.type,
            message: parsed.message, contextLengthExceeded: head.status == 400 && contextOverflow,
            contentFiltered: parsed.code == "content_filter" || parsed.code == "content_policy_violation")
    }

    /// Builds `POST {base}/embeddings`.
    ///
    /// - Throws: ``GatewayError`` `invalid_request` when the dialect has no embeddings endpoint.
    public func encodeEmbeddings(_ request: EmbeddingRequest, for deployment: Deployment) throws -> UpstreamRequest {
        guard let path = dialect.embeddingsPath else {
            throw GatewayError(
                .invalidRequest, "Provider '\(deployment.provider.name)' does not offer embeddings.", param: "model")
        }
        var body = request
        body.model = deployment.upstreamModel
        body.encodingFormat = "float"
        return UpstreamRequest(
            url: deployment.provider.baseURL + path, headers: headers(for: deployment), body: try WireJSON.encode(body))
    }

    /// Decodes an OpenAI embeddings list.
    public func decodeEmbeddings(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> EmbeddingResponse
    {
        let list = try WireJSON.decodeUpstream(OpenAIEmbeddingList.self, from: body, provider: deployment.provider.name)
        let ordered = list.data.sorted { $0.index < $1.index }.map(\.embedding)
        return EmbeddingResponse(
            vectors: ordered, model: list.model ?? deployment.upstreamModel, promptTokens: list.usage?.promptTokens ?? 0)
    }

    /// The upstream headers: content type, the bearer key and the provider's configured headers.
    func headers(for deployment: Deployment) -> [(name: String, value: String)] {
        headers(for: deployment.provider)
    }

    /// The upstream headers of a provider.
    func headers(for provider: ProviderEndpoint) -> [(name: String, value: String)] {
        let extra = provider.headers
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(2 + extra.count)
        headers.append(("content-type", "application/json"))
        if dialect.authentication == .bearer, let key = provider.apiKey {
            headers.append(("authorization", "Bearer " + key.value))
        }
        if !extra.isEmpty {
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        }
        return headers
    }
}
