extension ChatRequest: Codable {
    enum Field: String, CaseIterable {
        case model, messages, tools, temperature, stop, n, seed, user, metadata, logprobs, stream
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
        case responseFormat = "response_format"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case topLogprobs = "top_logprobs"
        case reasoningEffort = "reasoning_effort"
        case streamOptions = "stream_options"

        var key: AnyCodingKey { AnyCodingKey(rawValue) }

        /// The field named `key`, as ``init(rawValue:)`` finds it (by its bytes, as the decoder reads keys).
        init?(jsonKey key: String) {
            var key = key
            guard let field = key.withUTF8({ Self(jsonKey: JSONKey(UnsafeRawBufferPointer($0))) }) else { return nil }
            self = field
        }

        /// The field named by the key's bytes, as ``init(rawValue:)`` finds it, but by the key's length first and
        /// then among the few names of that length: the synthesized initializer compares the key with every name in
        /// turn (about 2,000 instructions for a request's keys under callgrind), and the bytes are not made into a
        /// string first.
        init?(jsonKey key: JSONKey) {
            let field: Field?
            switch key.count {
            case 1: field = key == "n" ? .n : nil
            case 4: field = key == "stop" ? .stop : key == "seed" ? .seed : key == "user" ? .user : nil
            case 5: field = key == "model" ? .model : key == "tools" ? .tools : key == "top_p" ? .topP : nil
            case 6: field = key == "stream" ? .stream : nil
            case 8:
                field = key == "messages" ? .messages : key == "metadata" ? .metadata : key == "logprobs" ? .logprobs : nil
            case 10: field = key == "max_tokens" ? .maxTokens : nil
            case 11: field = key == "temperature" ? .temperature : key == "tool_choice" ? .toolChoice : nil
            case 12: field = key == "top_logprobs" ? .topLogprobs : nil
            case 14: field = key == "stream_options" ? .streamOptions : nil
            case 15: field = key == "response_format" ? .responseFormat : nil
            case 16:
                field = key == "presence_penalty" ? .presencePenalty : key == "reasoning_effort" ? .reasoningEffort : nil
            case 17: field = key == "frequency_penalty" ? .frequencyPenalty : nil
            case 19: field = key == "parallel_tool_calls" ? .parallelToolCalls : nil
            case 21: field = key == "max_completion_tokens" ? .maxCompletionTokens : nil
            default: field = nil
            }
            guard let field else { return nil }
            self = field
        }

        /// A bit of its own, to tell a key written twice.
        var bit: UInt32 {
            switch self {
            case .model: 1 << 0
            case .messages: 1 << 1
            case .tools: 1 << 2
            case .temperature: 1 << 3
            case .stop: 1 << 4
            case .n: 1 << 5
            case .seed: 1 << 6
            case .user: 1 << 7
            case .metadata: 1 << 8
            case .logprobs: 1 << 9
            case .stream: 1 << 10
            case .toolChoice: 1 << 11
            case .parallelToolCalls: 1 << 12
            case .responseFormat: 1 << 13
            case .topP: 1 << 14
            case .maxTokens: 1 << 15
            case .maxCompletionTokens: 1 << 16
            case .presencePenalty: 1 << 17
            case .frequencyPenalty: 1 << 18
            case .topLogprobs: 1 << 19
            case .reasoningEffort: 1 << 20
            case .streamOptions: 1 << 21
            }
        }
    }

    private struct StreamOptions: Codable {
        var includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    /// Decodes an OpenAI Chat Completions request body.
    ///
    /// Walks the keys the body has, once, instead of asking for each of the fields the type knows: a typical body
    /// has five of them, and every absent field asked for cost a key lookup.
    ///
    /// - Throws: `DecodingError` naming the offending field; the server maps it to `invalid_request`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var model: String?
        var messages: [ChatMessage]?
        var request = ChatRequest(model: "", messages: [])
        for key in container.allKeys {
            guard let field = Field(rawValue: key.stringValue) else {
                request.extraFields[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
                continue
            }
            func value<T: Decodable>(_ type: T.Type) throws -> T? { try container.decodeIfPresent(type, forKey: key) }
            switch field {
            case .model: model = try value(String.self)
            case .messages: messages = try value([ChatMessage].self)
            case .tools: request.tools = try value([Tool].self)
            case .toolChoice: request.toolChoice = try value(ToolChoice.self)
            case .parallelToolCalls: request.parallelToolCalls = try value(Bool.self)
            case .responseFormat: request.responseFormat = try value(ResponseFormat.self)
            case .temperature: request.temperature = try value(Double.self)
            case .topP: request.topP = try value(Double.self)
            case .maxTokens: request.maxTokens = try value(Int.self)
            case .maxCompletionTokens: request.maxCompletionTokens = try value(Int.self)
            case .stop:
                if let single = try? container.decodeIfPresent(String.self, forKey: key) {
                    request.stop = [single]
                } else {
                    request.stop = try value([String].self)
                }
            case .n: request.n = try value(Int.self)
            case .seed: request.seed = try value(Int.self)
            case .user: request.user = try value(String.self)
            case .metadata: request.metadata = try value(JSONObject.self)
            case .presencePenalty: request.presencePenalty = try value(Double.self)
            case .frequencyPenalty: request.frequencyPenalty = try value(Double.self)
            case .logprobs: request.logprobs = try value(Bool.self)
            case .topLogprobs: request.topLogprobs = try value(Int.self)
            case .reasoningEffort: request.reasoningEffort = try value(String.self)
            case .stream: request.stream = try value(Bool.self) ?? false
            case .streamOptions: request.includeUsageInStream = try value(StreamOptions.self)?.includeUsage ?? false
            }
        }
        guard let model, !model.isEmpty else {
            throw DecodingError.keyNotFound(
                Field.model.key, .init(codingPath: [], debugDescription: "'model' is required"))
        }
        guard let messages else {
            throw DecodingError.keyNotFound(
                Field.messages.key, .init(codingPath: [], debugDescription: "'messages' is required"))
        }
        request.model = model
        request.messages = messages
        self = request
    }

    /// Encodes the request as an OpenAI Chat Completions body, extra fields included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(model, forKey: Field.model.key)
        try container.encode(messages, forKey: Field.messages.key)
        try container.encodeIfPresent(tools, forKey: Field.tools.key)
        try container.encodeIfPresent(toolChoice, forKey: Field.toolChoice.key)
        try container.encodeIfPresent(parallelToolCalls, forKey: Field.parallelToolCalls.key)
        try container.encodeIfPresent(responseFormat, forKey: Field.responseFormat.key)
        try container.encodeIfPresent(temperature, forKey: Field.temperature.key)
        try container.encodeIfPresent(topP, forKey: Field.topP.key)
        try container.encodeIfPresent(maxTokens, forKey: Field.maxTokens.key)
        try container.encodeIfPresent(maxCompletionTokens, forKey: Field.maxCompletionTokens.key)
        try container.encodeIfPresent(stop, forKey: Field.stop.key)
        try container.encodeIfPresent(n, forKey: Field.n.key)
        try container.encodeIfPresent(seed, forKey: Field.seed.key)
        try container.encodeIfPresent(user, forKey: Field.user.key)
        try container.encodeIfPresent(metadata, forKey: Field.metadata.key)
        try container.encodeIfPresent(presencePenalty, forKey: Field.presencePenalty.key)
        try container.encodeIfPresent(frequencyPenalty, forKey: Field.frequencyPenalty.key)
        try container.encodeIfPresent(logprobs, forKey: Field.logprobs.key)
        try container.encodeIfPresent(topLogprobs, forKey: Field.topLogprobs.key)
        try container.encodeIfPresent(reasoningEffort, forKey: Field.reasoningEffort.key)
        if stream {
            try container.encode(true, forKey: Field.stream.key)
            if includeUsageInStream {
                try container.encode(StreamOptions(includeUsage: true), forKey: Field.streamOptions.key)
            }
        }
        for (key, value) in extraFields {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
