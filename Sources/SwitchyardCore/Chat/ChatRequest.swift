/// A chat completion request in canonical form.
///
/// The canonical form is OpenAI's Chat Completions request: it is what clients send and the richest common
/// denominator of the providers. Adapters translate it to their wire protocol. Fields the gateway does not know are
/// kept in ``extraFields`` and passed through only to OpenAI-compatible upstreams.
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

    /// The fields behind one reference, copied on write: a request is copied several times on its way (the call,
    /// the attempt, the span, the ticket), and a copy of its strings, arrays and objects was two dozen
    /// reference-count operations; now it is one. Mutated only when uniquely referenced, so never shared mutable.
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    /// The public model name the client asked for.
    @inlinable public var model: String {
        get { storage.fields.model }
        _modify { yield &uniqueStorage().fields.model }
    }
    /// The conversation.
    @inlinable public var messages: [ChatMessage] {
        get { storage.fields.messages }
        _modify { yield &uniqueStorage().fields.messages }
    }
    /// Tools the model may call.
    @inlinable public var tools: [Tool]? {
        get { storage.fields.tools }
        _modify { yield &uniqueStorage().fields.tools }
    }
    /// Which tool the model must call.
    @inlinable public var toolChoice: ToolChoice? {
        get { storage.fields.toolChoice }
        _modify { yield &uniqueStorage().fields.toolChoice }
    }
    /// Whether the model may call several tools in one turn.
    @inlinable public var parallelToolCalls: Bool? {
        get { storage.fields.parallelToolCalls }
        _modify { yield &uniqueStorage().fields.parallelToolCalls }
    }
    /// The shape of the answer.
    @inlinable public var responseFormat: ResponseFormat? {
        get { storage.fields.responseFormat }
        _modify { yield &uniqueStorage().fields.responseFormat }
    }
    /// Sampling temperature.
    @inlinable public var temperature: Double? {
        get { storage.fields.temperature }
        _modify { yield &uniqueStorage().fields.temperature }
    }
    /// Nucleus sampling mass.
    @inlinable public var topP: Double? {
        get { storage.fields.topP }
        _modify { yield &uniqueStorage().fields.topP }
    }
    /// Legacy output token limit.
    @inlinable public var maxTokens: Int? {
        get { storage.fields.maxTokens }
        _modify { yield &uniqueStorage().fields.maxTokens }
    }
    /// Output token limit (OpenAI's newer name, required by reasoning models).
    @inlinable public var maxCompletionTokens: Int? {
        get { storage.fields.maxCompletionTokens }
        _modify { yield &uniqueStorage().fields.maxCompletionTokens }
    }
    /// Stop sequences.
    @inlinable public var stop: [String]? {
        get { storage.fields.stop }
        _modify { yield &uniqueStorage().fields.stop }
    }
    /// Number of choices to generate.
    @inlinable public var n: Int? {
        get { storage.fields.n }
        _modify { yield &uniqueStorage().fields.n }
    }
    /// Seed for deterministic sampling.
    @inlinable public var seed: Int? {
        get { storage.fields.seed }
        _modify { yield &uniqueStorage().fields.seed }
    }
    /// End-user identifier.
    @inlinable public var user: String? {
        get { storage.fields.user }
        _modify { yield &uniqueStorage().fields.user }
    }
    /// Client-supplied tags.
    @inlinable public var metadata: JSONObject? {
        get { storage.fields.metadata }
        _modify { yield &uniqueStorage().fields.metadata }
    }
    /// Presence penalty.
    @inlinable public var presencePenalty: Double? {
        get { storage.fields.presencePenalty }
        _modify { yield &uniqueStorage().fields.presencePenalty }
    }
    /// Frequency penalty.
    @inlinable public var frequencyPenalty: Double? {
        get { storage.fields.frequencyPenalty }
        _modify { yield &uniqueStorage().fields.frequencyPenalty }
    }
    /// Whether to return log probabilities.
    @inlinable public var logprobs: Bool? {
        get { storage.fields.logprobs }
        _modify { yield &uniqueStorage().fields.logprobs }
    }
    /// How many top alternatives to return per token.
    @inlinable public var topLogprobs: Int? {
        get { storage.fields.topLogprobs }
        _modify { yield &uniqueStorage().fields.topLogprobs }
    }
    /// Reasoning effort for reasoning models: `minimal`, `low`, `medium`, `high`.
    @inlinable public var reasoningEffort: String? {
        get { storage.fields.reasoningEffort }
        _modify { yield &uniqueStorage().fields.reasoningEffort }
    }
    /// Whether to stream the answer.
    @inlinable public var stream: Bool {
        get { storage.fields.stream }
        _modify { yield &uniqueStorage().fields.stream }
    }
    /// Whether the last stream chunk carries usage.
    @inlinable public var includeUsageInStream: Bool {
        get { storage.fields.includeUsageInStream }
        _modify { yield &uniqueStorage().fields.includeUsageInStream }
    }
    /// Request fields the gateway does not model, kept in order.
    @inlinable public var extraFields: JSONObject {
        get { storage.fields.extraFields }
        _modify { yield &uniqueStorage().fields.extraFields }
    }

    /// The storage, copied first when shared.
    @inlinable mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    /// Whether two requests have the same fields (at once when they share them).
    public static func == (lhs: ChatRequest, rhs: ChatRequest) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes the fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// Creates a request.
    public init(
        model: String, messages: [ChatMessage], stream: Bool = false, includeUsageInStream: Bool = false
    ) {
        storage = Storage(
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
