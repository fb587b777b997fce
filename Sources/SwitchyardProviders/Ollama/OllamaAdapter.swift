import Foundation
public import NIOCore
public import SwitchyardCore

/// The adapter for Ollama's native API: `POST /api/chat` (NDJSON streaming) and `POST /api/embed`.
///
/// Ollama has no tool call ids, so calls get `call_<n>` ids by their order in the answer; it has no completion id,
/// so one is derived from `created_at`. Images must be inline (`data:` URLs). Sampling parameters go in `options`,
/// `max_tokens` becomes `options.num_predict`, and `stream` is always sent because Ollama streams by default.
/// For Ollama's OpenAI-compatible `/v1` endpoint use ``OpenAICompatibleAdapter`` with the `ollama` dialect instead.
///
/// ```swift
/// let adapter = OllamaAdapter()
/// let upstream = try adapter.encode(request, for: deployment)  // POST http://127.0.0.1:11434/api/chat
/// ```
public struct OllamaAdapter: ChatAdapter, EmbeddingAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always newline-delimited JSON.
    public var streamFraming: StreamFraming { .newlineDelimitedJSON }

    /// The parameters of `request` the native chat API cannot honour.
    ///
    /// These are `tool_choice` other than `auto` or `none` (`none` is honoured by sending no tools), `n` other
    /// than 1, `parallel_tool_calls: false`, OpenAI's `metadata`, `user`, audio input, and `logprobs` /
    /// `top_logprobs` when streaming (a stream event cannot carry them; non-streaming answers include them).
    public func unsupportedParameters(in request: ChatRequest) -> [String] {
        request.presentParameters.filter { name in
            switch name {
            case "tool_choice":
                return request.toolChoice != .auto && request.toolChoice != ToolChoice.none
            case "parallel_tool_calls":
                return request.parallelToolCalls == false
            case "logprobs", "top_logprobs":
                return request.stream
            case "n", "metadata", "user", "input_audio":
                return true
            default:
                return false
            }
        }
    }

    /// Builds `POST {baseURL}/api/chat` with the upstream model.
    ///
    /// - Throws: ``GatewayError`` `invalid_image_url` for an image that is not a base64 `data:` URL;
    ///   `invalid_request` for tool call arguments that are not a JSON object.
    public func encode(_ request: ChatRequest, for deployment: Deployment) throws -> UpstreamRequest {
        var body = OllamaChatRequest(
            model: deployment.upstreamModel, messages: try Self.wireMessages(from: request.messages),
            stream: request.stream)
        if let tools = request.tools, !tools.isEmpty, request.toolChoice != ToolChoice.none {
            body.tools = tools
        }
        body.format = Self.format(for: request.responseFormat)
        body.options = Self.options(for: request)
        body.think = Self.think(for: request.reasoningEffort)
        if request.logprobs == true, !request.stream {
            body.logprobs = true
            body.topLogprobs = request.topLogprobs
        }
        return UpstreamRequest(
            url: deployment.provider.baseURL + "/api/chat", headers: headers(for: deployment),
            body: try WireJSON.encode(body))
    }

    /// Decodes a non-streamed `/api/chat` answer.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` for a body that cannot be parsed, or the mapped
    ///   code when the body is `{"error": …}`.
    public func decodeResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> ChatResponse
    {
        let provider = deployment.provider.name
        let answer = try WireJSON.decodeUpstream(OllamaChatResponse.self, from: body, provider: provider)
        if answer.error != nil {
            throw decodeError(head: head, body: body, for: deployment)
        }
        guard answer.message != nil else {
            throw GatewayError(
                .upstreamMalformedResponse,
                "Provider '\(provider)' returned a response that could not be parsed.",
                upstream: .init(provider: provider, status: head.status))
        }
        let calls = try (answer.message?.toolCalls ?? []).enumerated().map { ordinal, call in
            try OllamaChatResponse.canonicalCall(call, ordinal: ordinal)
        }
        let text = answer.message?.content ?? ""
        let message = ChatMessage(
            role: .assistant, content: text.isEmpty && !calls.isEmpty ? nil : .text(text),
            toolCalls: calls.isEmpty ? nil : calls,
            reasoningContent: answer.message?.thinking.flatMap { $0.isEmpty ? nil : $0 })
        let finish = OllamaChatResponse.finishReason(doneReason: answer.doneReason, calledTools: !calls.isEmpty)
        let logprobs = answer.logprobs.map { JSONValue.object(JSONObject([("content", .array($0))])) }
        return ChatResponse(
            id: answer.synthesizedID, created: answer.created ?? Int(Date().timeIntervalSince1970),
            model: answer.model ?? deployment.upstreamModel,
            choices: [ChatResponse.Choice(index: 0, message: message, finishReason: finish, logprobs: logprobs)],
            usage: answer.usage)
    }

    /// Makes a decoder for the NDJSON chat stream.
    public func makeStreamDecoder(for deployment: Deployment) -> any ChatStreamDecoder {
        OllamaStreamDecoder(provider: deployment.provider.name)
    }

    /// Parses `{"error":"…"}` and maps it by status (404 for an unknown model).
    public func decodeError(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) -> GatewayError {
        let message = WireJSON.parse(body)?["error"]?.stringValue
        return UpstreamErrorMapper.map(
            head: head, provider: deployment.provider.name, providerCode: nil, message: message,
            contextLengthExceeded: head.status == 400 && UpstreamErrorMapper.looksLikeContextOverflow(message))
    }

    /// Builds `POST {baseURL}/api/embed` with all inputs in one call.
    public func encodeEmbeddings(_ request: EmbeddingRequest, for deployment: Deployment) throws -> UpstreamRequest {
        let body = OllamaEmbedRequest(
            model: deployment.upstreamModel, input: request.input, dimensions: request.dimensions)
        return UpstreamRequest(
            url: deployment.provider.baseURL + "/api/embed", headers: headers(for: deployment),
            body: try WireJSON.encode(body))
    }

    /// Decodes an `/api/embed` answer; `prompt_eval_count` is the prompt token count.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` for a body that cannot be parsed.
    public func decodeEmbeddings(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> EmbeddingResponse
    {
        let provider = deployment.provider.name
        let answer = try WireJSON.decodeUpstream(OllamaEmbedResponse.self, from: body, provider: provider)
        return EmbeddingResponse(
            vectors: answer.embeddings, model: answer.model ?? deployment.upstreamModel,
            promptTokens: answer.promptEvalCount ?? 0)
    }

    private func headers(for deployment: Deployment) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let key = deployment.provider.apiKey {
            headers.append(("authorization", "Bearer \(key.value)"))
        }
        for (name, value) in deployment.provider.headers.sorted(by: { $0.key < $1.key }) {
            headers.append((name, value))
        }
        return headers
    }
}
