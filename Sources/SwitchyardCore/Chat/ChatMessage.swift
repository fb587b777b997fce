/// One message of a conversation, in OpenAI's shape.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote the message.
    public var role: ChatRole
    /// The message content; `nil` for an assistant message that only calls tools.
    public var content: MessageContent?
    /// An optional participant name.
    public var name: String?
    /// Tool calls made by the assistant.
    public var toolCalls: [ToolCall]?
    /// For `tool` messages: the id of the call this answers.
    public var toolCallID: String?
    /// Reasoning text some providers return alongside the answer (xAI, DeepSeek-style `reasoning_content`).
    public var reasoningContent: String?
    /// A refusal message, when the model refused.
    public var refusal: String?
    /// Marks a final assistant message as the beginning of the answer, to be continued rather than answered
    /// (Mistral's `prefix`; Anthropic and Ollama continue a final assistant message by themselves).
    public var prefix: Bool?

    /// Creates a message.
    public init(
        role: ChatRole, content: MessageContent?, name: String? = nil, toolCalls: [ToolCall]? = nil,
        toolCallID: String? = nil, reasoningContent: String? = nil, refusal: String? = nil
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.reasoningContent = reasoningContent
        self.refusal = refusal
    }

    /// Creates a text message.
    public static func text(_ role: ChatRole, _ text: String) -> ChatMessage {
        ChatMessage(role: role, content: .text(text))
    }

    private enum CodingKeys: String, CodingKey {
        case role, content, name, refusal, prefix
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case reasoningContent = "reasoning_content"
    }

    /// Encodes the message. An assistant message always carries `content`, `null` when absent, as OpenAI does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        if let content {
            try container.encode(content, forKey: .content)
        } else {
            try container.encodeNil(forKey: .content)
        }
        try container.encodeIfPresent(name, forKey: .name)
        if let toolCalls, !toolCalls.isEmpty { try container.encode(toolCalls, forKey: .toolCalls) }
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        try container.encodeIfPresent(reasoningContent, forKey: .reasoningContent)
        try container.encodeIfPresent(refusal, forKey: .refusal)
        if prefix == true { try container.encode(true, forKey: .prefix) }
    }
}
