/// A complete chat answer in canonical (OpenAI `chat.completion`) form.
public struct ChatResponse: Sendable, Hashable, Codable {
    /// The completion's identifier.
    public var id: String
    /// Always `chat.completion`.
    public var object: String
    /// Unix time of creation, in seconds.
    public var created: Int
    /// The model that answered, as the client named it (the server rewrites the upstream's name).
    public var model: String
    /// The answers.
    public var choices: [Choice]
    /// Token usage.
    public var usage: Usage?
    /// The upstream's backend fingerprint, when it sends one.
    public var systemFingerprint: String?

    /// Creates a response.
    public init(
        id: String, created: Int, model: String, choices: [Choice], usage: Usage?, systemFingerprint: String? = nil
    ) {
        self.id = id
        self.object = "chat.completion"
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
    }

    /// One answer.
    public struct Choice: Sendable, Hashable, Codable {
        /// The choice's position.
        public var index: Int
        /// The assistant message.
        public var message: ChatMessage
        /// Why generation stopped.
        public var finishReason: FinishReason?
        /// Token log probabilities, passed through as the upstream sent them.
        public var logprobs: JSONValue?

        /// Creates a choice.
        public init(index: Int, message: ChatMessage, finishReason: FinishReason?, logprobs: JSONValue? = nil) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
            self.logprobs = logprobs
        }

        private enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }

        /// Encodes the choice; `finish_reason` and `logprobs` are always present, `null` when unknown.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(message, forKey: .message)
            try container.encode(finishReason, forKey: .finishReason)
            try container.encode(logprobs ?? .null, forKey: .logprobs)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
        case systemFingerprint = "system_fingerprint"
    }

    /// Decodes an OpenAI `chat.completion` body.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        object = try container.decodeIfPresent(String.self, forKey: .object) ?? "chat.completion"
        created = try container.decodeIfPresent(Int.self, forKey: .created) ?? 0
        model = try container.decodeIfPresent(String.self, forKey: .model) ?? ""
        choices = try container.decode([Choice].self, forKey: .choices)
        usage = try container.decodeIfPresent(Usage.self, forKey: .usage)
        systemFingerprint = try container.decodeIfPresent(String.self, forKey: .systemFingerprint)
    }
}
