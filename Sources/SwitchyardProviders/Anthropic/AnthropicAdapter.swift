import Foundation
public import NIOCore
public import SwitchyardCore

/// The adapter for Anthropic's Messages API (`POST /v1/messages`, version `2023-06-01`).
///
/// Translates OpenAI-shaped requests: `system`/`developer` messages become the top-level `system`, tool calls and
/// results become `tool_use`/`tool_result` blocks, `response_format.json_schema` becomes `output_config.format`,
/// and `reasoning_effort` becomes an extended-thinking budget. `max_tokens` is required by Anthropic and defaults
/// to ``defaultMaxTokens``.
///
/// ```swift
/// let adapter = AnthropicAdapter()
/// let upstream = try adapter.encode(request, for: deployment)  // POST https://api.anthropic.com/v1/messages
/// ```
public struct AnthropicAdapter: ChatAdapter {
    /// The `anthropic-version` header value sent with every request.
    public static let apiVersion = "2023-06-01"

    /// The output limit sent when the client sets none; Anthropic requires one.
    public static let defaultMaxTokens = 4096

    /// Parameters the Messages API has no equivalent for, by OpenAI field name.
    static let unsupported: Set<String> = [
        "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "input_audio", "metadata",
        "response_format.json_object",
    ]

    /// Creates the adapter.
    public init() {}

    /// Always server-sent events.
    public var streamFraming: StreamFraming { .serverSentEvents }

    /// The parameters of `request` the Messages API cannot honour.
    ///
    /// These are `n` other than 1, `seed`, `presence_penalty`, `frequency_penalty`, `logprobs`, `top_logprobs`,
    /// audio input, OpenAI's `metadata` (Anthropic's `metadata` only carries the end-user id, taken from `user`)
    /// and `response_format` `json_object` (only JSON Schema structured output exists).
    public func unsupportedParameters(in request: ChatRequest) -> [String] {
        request.presentParameters.filter { Self.unsupported.contains($0) }
    }

    /// Builds `POST {baseURL}/v1/messages` with the upstream model.
    ///
    /// Unsupported parameters (see ``unsupportedParameters(in:)``) are left out. With a `reasoning_effort`, thinking
    /// is enabled with a budget of 1024 (`minimal`, `low`), 4096 (`medium`) or 16384 (`high`) tokens, and when the
    /// output limit does not exceed the budget the budget is added to it, since thinking counts towards it.
    ///
    /// - Throws: ``GatewayError`` `invalid_request` for tool call arguments that are not a JSON object, a tool
    ///   message without `tool_call_id`, an unknown `reasoning_effort` or a `json_schema` without a schema;
    ///   `invalid_image_url` for an image URL that is neither `http(s)` nor a base64 `data:` URL.
    public func encode(_ request: ChatRequest, for deployment: Deployment) throws -> UpstreamRequest {
        let conversation = try Self.conversation(from: request.messages)
        var maxTokens = request.effectiveMaxTokens ?? Self.defaultMaxTokens
        var body = AnthropicRequest(
            model: deployment.upstreamModel, maxTokens: maxTokens, system: conversation.system,
            messages: conversation.messages)
        if let tools = request.tools, !tools.isEmpty {
            body.tools = Self.toolDefinitions(tools)
            body.toolChoice = Self.toolChoice(request.toolChoice, parallelToolCalls: request.parallelToolCalls)
        }
        body.temperature = request.temperature
        body.topP = request.topP
        if let stop = request.stop, !stop.isEmpty { body.stopSequences = stop }
        if let user = request.user { body.metadata = AnthropicRequest.Metadata(userID: user) }
        if let budget = try Self.thinkingBudget(for: request.reasoningEffort) {
            if maxTokens <= budget { maxTokens += budget }
            body.maxTokens = maxTokens
            body.thinking = AnthropicRequest.Thinking(budgetTokens: budget)
        }
        if case .jsonSchema(let format) = request.responseFormat {
            guard let schema = format.schema else {
                throw GatewayError(
                    .invalidRequest, "'response_format.json_schema.schema' is required.", param: "response_format")
            }
            body.outputConfig = AnthropicRequest.OutputConfig(format: .init(schema: schema))
        }
        if request.stream { body.stream = true }
        return UpstreamRequest(
            url: deployment.provider.baseURL + "/v1/messages", headers: headers(for: deployment),
            body: try WireJSON.encode(body))
    }

    /// Decodes a `Message` into a `chat.completion`.
    ///
    /// Text blocks are concatenated, `tool_use` blocks become tool calls with their `input` as a JSON string, and
    /// `thinking` blocks become `reasoning_content`.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` for a body that is not a `Message`, or the mapped
    ///   code when the body is an error object.
    public func decodeResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) throws
        -> ChatResponse
    {
        let provider = deployment.provider.name
        let message = try WireJSON.decodeUpstream(AnthropicMessage.self, from: body, provider: provider)
        if message.type == "error" {
            throw decodeError(head: head, body: body, for: deployment)
        }
        guard message.content != nil else {
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' returned a response that could not be parsed.",
                upstream: .init(provider: provider, status: head.status))
        }
        var text = ""
        var reasoning = ""
        var calls: [ToolCall] = []
        for block in message.content ?? [] {
            switch block.type {
            case "text": text += block.text ?? ""
            case "thinking": reasoning += block.thinking ?? ""
            case "tool_use":
                let input = block.input ?? .object(JSONObject())
                calls.append(
                    ToolCall(id: block.id ?? "", name: block.name ?? "", arguments: try WireJSON.encodeString(input)))
            default: continue
            }
        }
        let assistant = ChatMessage(
            role: .assistant, content: text.isEmpty && !calls.isEmpty ? nil : .text(text),
            toolCalls: calls.isEmpty ? nil : calls, reasoningContent: reasoning.isEmpty ? nil : reasoning)
        let finish = message.stopReason.map(AnthropicStopReason.finishReason)
        return ChatResponse(
            id: message.id ?? "", created: Int(Date().timeIntervalSince1970),
            model: message.model ?? deployment.upstreamModel,
            choices: [ChatResponse.Choice(index: 0, message: assistant, finishReason: finish)],
            usage: message.usage?.canonical)
    }

    /// Makes a decoder for the Messages API event stream.
    public func makeStreamDecoder(for deployment: Deployment) -> any ChatStreamDecoder {
        AnthropicStreamDecoder(provider: deployment.provider.name)
    }

    /// Parses `{"type":"error","error":{"type","message"}}` and maps it by status.
    ///
    /// A 400 whose message says the prompt is too long becomes `context_length_exceeded`; 529 becomes
    /// `upstream_overloaded`. The provider's error `type` is kept as the upstream code.
    public func decodeError(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) -> GatewayError {
        let detail = (try? WireJSON.decodeUpstream(AnthropicErrorBody.self, from: body, provider: ""))?.error
        return UpstreamErrorMapper.map(
            head: head, provider: deployment.provider.name, providerCode: detail?.type, message: detail?.message,
            contextLengthExceeded: head.status == 400 && UpstreamErrorMapper.looksLikeContextOverflow(detail?.message))
    }

    private func headers(for deployment: Deployment) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let key = deployment.provider.apiKey {
            headers.append(("x-api-key", key.value))
        }
        let extra = deployment.provider.headers.sorted { $0.key < $1.key }
        if !extra.contains(where: { $0.key.lowercased() == "anthropic-version" }) {
            headers.append(("anthropic-version", Self.apiVersion))
        }
        for (name, value) in extra {
            headers.append((name, value))
        }
        return headers
    }
}
