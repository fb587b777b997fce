import SwitchyardCore

/// The `POST /v1/messages` body (`CreateMessageParams`, API version 2023-06-01).
struct AnthropicRequest: Encodable {
    /// A `user` or `assistant` turn; content is always sent as blocks.
    struct Message: Encodable {
        var role: String
        var content: [Block]
    }

    /// An image source: inline base64 (`Base64ImageSource`) or a URL (`URLImageSource`).
    enum ImageSource: Encodable, Equatable {
        case base64(mediaType: String, data: String)
        case url(String)

        private enum CodingKeys: String, CodingKey {
            case type, data, url
            case mediaType = "media_type"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .base64(let mediaType, let data):
                try container.encode("base64", forKey: .type)
                try container.encode(mediaType, forKey: .mediaType)
                try container.encode(data, forKey: .data)
            case .url(let url):
                try container.encode("url", forKey: .type)
                try container.encode(url, forKey: .url)
            }
        }
    }

    /// The request content blocks the gateway produces.
    enum Block: Encodable, Equatable {
        case text(String)
        case image(ImageSource)
        case toolUse(id: String, name: String, input: JSONValue)
        case toolResult(toolUseID: String, content: String)

        var isToolResult: Bool {
            if case .toolResult = self { return true }
            return false
        }

        private enum CodingKeys: String, CodingKey {
            case type, text, source, id, name, input, content
            case toolUseID = "tool_use_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .text(let text):
                try container.encode("text", forKey: .type)
                try container.encode(text, forKey: .text)
            case .image(let source):
                try container.encode("image", forKey: .type)
                try container.encode(source, forKey: .source)
            case .toolUse(let id, let name, let input):
                try container.encode("tool_use", forKey: .type)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(input, forKey: .input)
            case .toolResult(let toolUseID, let content):
                try container.encode("tool_result", forKey: .type)
                try container.encode(toolUseID, forKey: .toolUseID)
                if !content.isEmpty { try container.encode(content, forKey: .content) }
            }
        }
    }

    /// A client tool (`Tool`).
    struct ToolDefinition: Encodable {
        var name: String
        var description: String?
        var inputSchema: JSONValue
        var strict: Bool?

        private enum CodingKeys: String, CodingKey {
            case name, description, strict
            case inputSchema = "input_schema"
        }
    }

    /// `{type: auto|any|tool|none, name?, disable_parallel_tool_use?}`.
    struct ToolChoice: Encodable {
        var type: String
        var name: String?
        var disableParallelToolUse: Bool?

        private enum CodingKeys: String, CodingKey {
            case type, name
            case disableParallelToolUse = "disable_parallel_tool_use"
        }
    }

    /// `{type: "enabled", budget_tokens}`.
    struct Thinking: Encodable {
        var type = "enabled"
        var budgetTokens: Int

        private enum CodingKeys: String, CodingKey {
            case type
            case budgetTokens = "budget_tokens"
        }
    }

    /// Anthropic's own metadata: only the end-user id.
    struct Metadata: Encodable {
        var userID: String

        private enum CodingKeys: String, CodingKey { case userID = "user_id" }
    }

    /// `output_config` with a JSON Schema `format` (structured outputs).
    struct OutputConfig: Encodable {
        struct Format: Encodable {
            var type = "json_schema"
            var schema: JSONValue
        }
        var format: Format
    }

    var model: String
    var maxTokens: Int
    var system: String?
    var messages: [Message]
    var tools: [ToolDefinition]?
    var toolChoice: ToolChoice?
    var temperature: Double?
    var topP: Double?
    var stopSequences: [String]?
    var metadata: Metadata?
    var thinking: Thinking?
    var outputConfig: OutputConfig?
    var stream: Bool?

    private enum CodingKeys: String, CodingKey {
        case model, system, messages, tools, temperature, metadata, thinking, stream
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
        case topP = "top_p"
        case stopSequences = "stop_sequences"
        case outputConfig = "output_config"
    }
}

/// A response `Message`, also the payload of `message_start`.
struct AnthropicMessage: Decodable {
    /// `message`, or `error` for an error body.
    var type: String?
    var id: String?
    var model: String?
    var content: [AnthropicContentBlock]?
    var stopReason: String?
    var usage: AnthropicUsage?

    private enum CodingKeys: String, CodingKey {
        case type, id, model, content, usage
        case stopReason = "stop_reason"
    }
}

/// A response content block; only the fields of the block types the gateway maps are read.
struct AnthropicContentBlock: Decodable {
    var type: String
    var text: String?
    var id: String?
    var name: String?
    var input: JSONValue?
    var thinking: String?
}

/// `Usage` and the cumulative `MessageDeltaUsage`; every count may be absent or `null`.
struct AnthropicUsage: Decodable {
    var inputTokens: Int?
    var outputTokens: Int?
    var cacheCreationInputTokens: Int?
    var cacheReadInputTokens: Int?

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
    }

    /// Canonical usage: prompt tokens count all input (uncached, cache reads and cache writes), as OpenAI does.
    var canonical: Usage {
        let cacheRead = cacheReadInputTokens ?? 0
        let cacheCreation = cacheCreationInputTokens ?? 0
        return Usage(
            promptTokens: (inputTokens ?? 0) + cacheRead + cacheCreation, completionTokens: outputTokens ?? 0,
            cachedPromptTokens: cacheRead, cacheCreationTokens: cacheCreation)
    }

    /// These counts, with any count missing here taken from `earlier`.
    func overlaying(_ earlier: AnthropicUsage) -> AnthropicUsage {
        AnthropicUsage(
            inputTokens: inputTokens ?? earlier.inputTokens, outputTokens: outputTokens ?? earlier.outputTokens,
            cacheCreationInputTokens: cacheCreationInputTokens ?? earlier.cacheCreationInputTokens,
            cacheReadInputTokens: cacheReadInputTokens ?? earlier.cacheReadInputTokens)
    }
}

/// One streamed event (`MessageStreamEvent`, plus the undocumented-in-spec `error` event).
struct AnthropicStreamEvent: Decodable {
    struct Delta: Decodable {
        var type: String?
        var text: String?
        var partialJSON: String?
        var thinking: String?
        var stopReason: String?

        private enum CodingKeys: String, CodingKey {
            case type, text, thinking
            case partialJSON = "partial_json"
            case stopReason = "stop_reason"
        }
    }

    var type: String
    var message: AnthropicMessage?
    var index: Int?
    var contentBlock: AnthropicContentBlock?
    var delta: Delta?
    var usage: AnthropicUsage?
    var error: AnthropicErrorDetail?

    private enum CodingKeys: String, CodingKey {
        case type, message, index, delta, usage, error
        case contentBlock = "content_block"
    }
}

/// `{"type":"error","error":{"type","message"},"request_id"}`.
struct AnthropicErrorBody: Decodable {
    var error: AnthropicErrorDetail?
}

/// The `error` object of an error body or stream event.
struct AnthropicErrorDetail: Decodable {
    var type: String?
    var message: String?
}

enum AnthropicStopReason {
    /// Maps a `stop_reason` to OpenAI's vocabulary.
    static func finishReason(_ stopReason: String) -> FinishReason {
        switch stopReason {
        case "end_turn", "stop_sequence": return .stop
        case "max_tokens": return .length
        case "tool_use": return .toolCalls
        case "refusal": return .contentFilter
        default: return .other(stopReason)
        }
    }
}
