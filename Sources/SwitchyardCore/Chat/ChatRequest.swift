/// A chat completion request in canonical form.
///
/// The canonical form is OpenAI's Chat Completions request: it is what clients send and the richest common
/// denominator of the providers. Adapters translate it to their wire protocol. Fields the gateway does not know are
/// kept in ``extraFields`` and passed through only to OpenAI-compatible upstreams.
///
/// Its fields live behind one reference (``CopyOnWrite``): a request is copied several times on its way (the call,
/// the attempt, the span, the ticket), and a copy of its strings, arrays and objects was two dozen reference-count
/// operations; now it is one.
public struct ChatRequest: Sendable, Hashable {
    /// The stored fields.
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var model: String
        @usableFromInline var messages: [ChatMessage]
        @usableFromInline var tools: [Tool]? = nil
        @usableFromInline var toolChoice: ToolChoice? = nil
        @usableFromInline var parallelToolCalls: Bool? = nil
        @usableFromInline var responseFormat: ResponseFormat? = nil
        @usableFromInline var temperature: Double? = nil
        @usableFromInline var topP: Double? = nil
        @usableFromInline var maxTokens: Int? = nil
        @usableFromInline var maxCompletionTokens: Int? = nil
        @usableFromInline var stop: [String]? = nil
        @usableFromInline var n: Int? = nil
        @usableFromInline var seed: Int? = nil
        @usableFromInline var user: String? = nil
        @usableFromInline var metadata: JSONObject? = nil
        @usableFromInline var presencePenalty: Double? = nil
        @usableFromInline var frequencyPenalty: Double? = nil
        @usableFromInline var logprobs: Bool? = nil
        @usableFromInline var topLogprobs: Int? = nil
        @usableFromInline var reasoningEffort: String? = nil
        @usableFromInline var stream: Bool
        @usableFromInline var includeUsageInStream: Bool
        @usableFromInline var extraFields: JSONObject
    }

    /// The fields, behind one reference (``CopyOnWrite``).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// The public model name the client asked for.
    @inlinable public var model: String {
        get { storage.value.model }
        _modify { yield &storage.value.model }
    }
    /// The conversation.
    @inlinable public var messages: [ChatMessage] {
        get { storage.value.messages }
        _modify { yield &storage.value.messages }
    }
    /// Tools the model may call.
    @inlinable public var tools: [Tool]? {
        get { storage.value.tools }
        _modify { yield &storage.value.tools }
    }
    /// Which tool the model must call.
    @inlinable public var toolChoice: ToolChoice? {
        get { storage.value.toolChoice }
        _modify { yield &storage.value.toolChoice }
    }
    /// Whether the model may call several tools in one turn.
    @inlinable public var parallelToolCalls: Bool? {
        get { storage.value.parallelToolCalls }
        _modify { yield &storage.value.parallelToolCalls }
    }
    /// The shape of the answer.
    @inlinable public var responseFormat: ResponseFormat? {
        get { storage.value.responseFormat }
        _modify { yield &storage.value.responseFormat }
    }
    /// Sampling temperature.
    @inlinable public var temperature: Double? {
        get { storage.value.temperature }
        _modify { yield &storage.value.temperature }
    }
    /// Nucleus sampling mass.
    @inlinable public var topP: Double? {
        get { storage.value.topP }
        _modify { yield &storage.value.topP }
    }
    /// Legacy output token limit.
    @inlinable public var maxTokens: Int? {
        get { storage.value.maxTokens }
        _modify { yield &storage.value.maxTokens }
    }
    /// Output token limit (OpenAI's newer name, required by reasoning models).
    @inlinable public var maxCompletionTokens: Int? {
        get { storage.value.maxCompletionTokens }
        _modify { yield &storage.value.maxCompletionTokens }
    }
    /// Stop sequences.
    @inlinable public var stop: [String]? {
        get { storage.value.stop }
        _modify { yield &storage.value.stop }
    }
    /// Number of choices to generate.
    @inlinable public var n: Int? {
        get { storage.value.n }
        _modify { yield &storage.value.n }
    }
    /// Seed for deterministic sampling.
    @inlinable public var seed: Int? {
        get { storage.value.seed }
        _modify { yield &storage.value.seed }
    }
    /// End-user identifier.
    @inlinable public var user: String? {
        get { storage.value.user }
        _modify { yield &storage.value.user }
    }
    /// Client-supplied tags.
    @inlinable public var metadata: JSONObject? {
        get { storage.value.metadata }
        _modify { yield &storage.value.metadata }
    }
    /// Presence penalty.
    @inlinable public var presencePenalty: Double? {
        get { storage.value.presencePenalty }
        _modify { yield &storage.value.presencePenalty }
    }
    /// Frequency penalty.
    @inlinable public var frequencyPenalty: Double? {
        get { storage.value.frequencyPenalty }
        _modify { yield &storage.value.frequencyPenalty }
    }
    /// Whether to return log probabilities.
    @inlinable public var logprobs: Bool? {
        get { storage.value.logprobs }
        _modify { yield &storage.value.logprobs }
    }
    /// How many top alternatives to return per token.
    @inlinable public var topLogprobs: Int? {
        get { storage.value.topLogprobs }
        _modify { yield &storage.value.topLogprobs }
    }
    /// Reasoning effort for reasoning models: `minimal`, `low`, `medium`, `high`.
    @inlinable public var reasoningEffort: String? {
        get { storage.value.reasoningEffort }
        _modify { yield &storage.value.reasoningEffort }
    }
    /// Whether to stream the answer.
    @inlinable public var stream: Bool {
        get { storage.value.stream }
        _modify { yield &storage.value.stream }
    }
    /// Whether the last stream chunk carries usage.
    @inlinable public var includeUsageInStream: Bool {
        get { storage.value.includeUsageInStream }
        _modify { yield &storage.value.includeUsageInStream }
    }
    /// Request fields the gateway does not model, kept in order.
    @inlinable public var extraFields: JSONObject {
        get { storage.value.extraFields }
        _modify { yield &storage.value.extraFields }
    }

    /// Creates a request.
    public init(
        model: String, messages: [ChatMessage], stream: Bool = false, includeUsageInStream: Bool = false
    ) {
        storage = CopyOnWrite(
            Fields(
                model: model, messages: messages, stream: stream, includeUsageInStream: includeUsageInStream,
                extraFields: JSONObject()))
    }

    /// Body fields that are instructions to the gateway (`cache: {ttl, no_cache}`), never sent upstream.
    public static let gatewayExtensionFields: Set<String> = ["cache"]

    /// The output token limit, whichever field the client used.
    public var effectiveMaxTokens: Int? { maxCompletionTokens ?? maxTokens }

    /// Whether any message carries an image.
    public var hasImages: Bool { messages.contains { $0.content?.hasImage ?? false } }

    /// Whether any message carries audio.
    public var hasAudio: Bool { messages.contains { $0.content?.hasAudio ?? false } }

    /// The request's parameters that are set, by their OpenAI field names.
    ///
    /// Used to check a request against what a provider can honour.
    public var presentParameters: [String] {
        var names: [String] = []
        if tools?.isEmpty == false { names.append("tools") }
        if toolChoice != nil { names.append("tool_choice") }
        if parallelToolCalls != nil { names.append("parallel_tool_calls") }
        if let responseFormat {
            switch responseFormat {
            case .text: break
            case .jsonObject: names.append("response_format.json_object")
            case .jsonSchema: names.append("response_format.json_schema")
            }
        }
        if temperature != nil { names.append("temperature") }
        if topP != nil { names.append("top_p") }
        if maxTokens != nil { names.append("max_tokens") }
        if maxCompletionTokens != nil { names.append("max_completion_tokens") }
        if stop?.isEmpty == false { names.append("stop") }
        if let n, n != 1 { names.append("n") }
        if seed != nil { names.append("seed") }
        if user != nil { names.append("user") }
        if metadata != nil { names.append("metadata") }
        if presencePenalty != nil { names.append("presence_penalty") }
        if frequencyPenalty != nil { names.append("frequency_penalty") }
        if logprobs == true { names.append("logprobs") }
        if topLogprobs != nil { names.append("top_logprobs") }
        if reasoningEffort != nil { names.append("reasoning_effort") }
        if hasImages { names.append("image_url") }
        if hasAudio { names.append("input_audio") }
        return names
    }

    /// Clears a parameter by its OpenAI field name, as listed in ``presentParameters``.
    public mutating func removeParameter(_ name: String) {
        switch name {
        case "tools": tools = nil
        case "tool_choice": toolChoice = nil
        case "parallel_tool_calls": parallelToolCalls = nil
        case "response_format.json_object", "response_format.json_schema": responseFormat = nil
        case "temperature": temperature = nil
        case "top_p": topP = nil
        case "max_tokens": maxTokens = nil
        case "max_completion_tokens": maxCompletionTokens = nil
        case "stop": stop = nil
        case "n": n = nil
        case "seed": seed = nil
        case "user": user = nil
        case "metadata": metadata = nil
        case "presence_penalty": presencePenalty = nil
        case "frequency_penalty": frequencyPenalty = nil
        case "logprobs": logprobs = nil
        case "top_logprobs": topLogprobs = nil
        case "reasoning_effort": reasoningEffort = nil
        default: extraFields[name] = nil
        }
    }
}
