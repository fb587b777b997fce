/// A chat completion request in canonical form.
///
/// The canonical form is OpenAI's Chat Completions request: it is what clients send and the richest common
/// denominator of the providers. Adapters translate it to their wire protocol. Fields the gateway does not know are
/// kept in ``extraFields`` and passed through only to OpenAI-compatible upstreams.
public struct ChatRequest: Sendable, Hashable {
    /// The public model name the client asked for.
    public var model: String
    /// The conversation.
    public var messages: [ChatMessage]
    /// Tools the model may call.
    public var tools: [Tool]?
    /// Which tool the model must call.
    public var toolChoice: ToolChoice?
    /// Whether the model may call several tools in one turn.
    public var parallelToolCalls: Bool?
    /// The shape of the answer.
    public var responseFormat: ResponseFormat?
    /// Sampling temperature.
    public var temperature: Double?
    /// Nucleus sampling mass.
    public var topP: Double?
    /// Legacy output token limit.
    public var maxTokens: Int?
    /// Output token limit (OpenAI's newer name, required by reasoning models).
    public var maxCompletionTokens: Int?
    /// Stop sequences.
    public var stop: [String]?
    /// Number of choices to generate.
    public var n: Int?
    /// Seed for deterministic sampling.
    public var seed: Int?
    /// End-user identifier.
    public var user: String?
    /// Client-supplied tags.
    public var metadata: JSONObject?
    /// Presence penalty.
    public var presencePenalty: Double?
    /// Frequency penalty.
    public var frequencyPenalty: Double?
    /// Whether to return log probabilities.
    public var logprobs: Bool?
    /// How many top alternatives to return per token.
    public var topLogprobs: Int?
    /// Reasoning effort for reasoning models: `minimal`, `low`, `medium`, `high`.
    public var reasoningEffort: String?
    /// Whether to stream the answer.
    public var stream: Bool
    /// Whether the last stream chunk carries usage.
    public var includeUsageInStream: Bool
    /// Request fields the gateway does not model, kept in order.
    public var extraFields: JSONObject

    /// Creates a request.
    public init(
        model: String, messages: [ChatMessage], stream: Bool = false, includeUsageInStream: Bool = false
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.includeUsageInStream = includeUsageInStream
        self.extraFields = JSONObject()
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
