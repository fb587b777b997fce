public import NIOCore
public import SwitchyardCore

/// The adapter for Google Gemini's Generative Language API (v1beta): `generateContent`, `streamGenerateContent`,
/// `embedContent` and `batchEmbedContents`.
///
/// System and developer messages become `systemInstruction`; assistant turns become `model` turns; tool results
/// become `functionResponse` parts in a `user` turn. Tool parameters and `json_schema` response formats are sent as
/// full JSON Schema (`parametersJsonSchema`, `responseJsonSchema`), so no schema rewriting is needed. Streams use
/// `?alt=sse`: every event is a whole `GenerateContentResponse`.
///
/// ```swift
/// let adapter = GeminiAdapter()
/// let upstream = try adapter.encode(request, for: deployment)
/// ```
public struct GeminiAdapter: ChatAdapter, EmbeddingAdapter {
    /// OpenAI parameters Gemini has no field for.
    static let unsupported: Set<String> = ["parallel_tool_calls", "metadata", "user"]

    /// Creates the adapter. It holds no state; one instance serves every Gemini deployment.
    public init() {}

    /// Always server-sent events (the adapter asks for `alt=sse`).
    public var streamFraming: StreamFraming { .serverSentEvents }

    /// The parameters of `request` that Gemini cannot honour.
    ///
    /// Gemini has no end-user field (`user`), no request tags (`metadata`) and no switch for parallel tool calls
    /// (`parallel_tool_calls`); everything else in ``ChatRequest/presentParameters`` maps to a Gemini field.
    ///
    /// - Parameter request: The canonical request.
    /// - Returns: The unsupported parameters that `request` sets, by OpenAI field name.
    public func unsupportedParameters(in request: ChatRequest) -> [String] {
        request.presentParameters.filter { Self.unsupported.contains($0) }
    }

    /// Builds `POST {base}/models/{model}:generateContent`, or `:streamGenerateContent?alt=sse` when streaming.
    ///
    /// Parameters listed by ``unsupportedParameters(in:)`` are ignored here; the caller decides whether to drop
    /// or reject them before encoding.
    ///
    /// - Parameters:
    ///   - request: The canonical request.
    ///   - deployment: Supplies the base URL, the API key (sent as `x-goog-api-key`), extra headers and the
    ///     upstream model.
    /// - Returns: The upstream HTTP request.
    /// - Throws: ``GatewayError`` `invalid_request` (param `messages`) for tool call arguments that are not a JSON
    ///   object, a tool message answering an unknown call, or a non-text system message; `invalid_request`
    ///   (param `reasoning_effort`) for an unknown effort; `invalid_image_url` for an image URL that is neither
    ///   `http(s)` nor a base64 `data:` URL.
    public func encode(_ request: ChatRequest, for deployment: Deployment) throws -> UpstreamRequest {
        let body = try Self.generateContentRequest(for: request)
        let method = request.stream ? "streamGenerateContent?alt=sse" : "generateContent"
        return UpstreamRequest(
            url: Self.url(for: deployment, method: method), headers: Self.headers(for: deployment),
            body: try WireJSON.encode(body))
    }

    /// Decodes a `GenerateContentResponse` into a chat completion, one choice per candidate.
    ///
    /// - Parameters:
    ///   - head: The upstream response head.
    ///   - body: The response body.
    ///   - deployment: The deployment that was called.
    /// - Returns: The canonical response.
    /// - Throws: ``GatewayError`` `content_filtered` when the prompt was blocked (`promptFeedback.blockReason`),
    ///   `upstream_malformed_response` when the body cannot be parsed or has no candidates.
    public func decodeResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> ChatResponse
    {
        let wire = try WireJSON.decodeUpstream(GeminiResponse.self, from: body, provider: deployment.provider.name)
        if let error = wire.error {
            throw Self.gatewayError(for: error, head: head, provider: deployment.provider.name)
        }
        return try Self.chatResponse(from: wire, for: deployment)
    }

    /// Makes a decoder for one `streamGenerateContent?alt=sse` stream.
    ///
    /// - Parameter deployment: The deployment that was called.
    /// - Returns: A fresh decoder holding the stream's state.
    public func makeStreamDecoder(for deployment: Deployment) -> any ChatStreamDecoder {
        GeminiStreamDecoder(provider: deployment.provider.name, upstreamModel: deployment.upstreamModel)
    }

    /// The URL of a model method, e.g. `…/v1beta/models/gemini-2.5-flash:generateContent`.
    ///
    /// An upstream model that already names a collection (`models/…`, `tunedModels/…`) is used as is.
    static func url(for deployment: Deployment, method: String) -> String {
        var base = deployment.provider.baseURL
        if base.isEmpty { base = ProviderKind.gemini.defaultBaseURL ?? "" }
        return "\(base)/\(modelPath(deployment.upstreamModel)):\(method)"
    }

    /// The model's resource name: `models/{model}` unless it already has a collection prefix.
    static func modelPath(_ model: String) -> String {
        model.contains("/") ? model : "models/\(model)"
    }

    /// `content-type`, `x-goog-api-key` when a key is configured, then the provider's extra headers.
    static func headers(for deployment: Deployment) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let key = deployment.provider.apiKey {
            headers.append(("x-goog-api-key", key.value))
        }
        for (name, value) in deployment.provider.headers.sorted(by: { $0.key < $1.key }) {
            headers.append((name, value))
        }
        return headers
    }
}
