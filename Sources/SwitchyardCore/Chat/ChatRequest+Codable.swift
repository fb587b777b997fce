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
    }

    private struct StreamOptions: Codable {
        var includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    /// Decodes an OpenAI Chat Completions request body.
    ///
    /// - Throws: `DecodingError` naming the offending field; the server maps it to `invalid_request`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        func value<T: Decodable>(_ field: Field, _ type: T.Type) throws -> T? {
            try container.decodeIfPresent(type, forKey: field.key)
        }
        guard let model = try value(.model, String.self), !model.isEmpty else {
            throw DecodingError.keyNotFound(
                Field.model.key, .init(codingPath: [], debugDescription: "'model' is required"))
        }
        guard let messages = try value(.messages, [ChatMessage].self) else {
            throw DecodingError.keyNotFound(
                Field.messages.key, .init(codingPath: [], debugDescription: "'messages' is required"))
        }
        self.init(model: model, messages: messages)
        tools = try value(.tools, [Tool].self)
        toolChoice = try value(.toolChoice, ToolChoice.self)
        parallelToolCalls = try value(.parallelToolCalls, Bool.self)
        responseFormat = try value(.responseFormat, ResponseFormat.self)
        temperature = try value(.temperature, Double.self)
        topP = try value(.topP, Double.self)
        maxTokens = try value(.maxTokens, Int.self)
        maxCompletionTokens = try value(.maxCompletionTokens, Int.self)
        if let single = try? container.decodeIfPresent(String.self, forKey: Field.stop.key) {
            stop = [single]
        } else {
            stop = try value(.stop, [String].self)
        }
        n = try value(.n, Int.self)
        seed = try value(.seed, Int.self)
        user = try value(.user, String.self)
        metadata = try value(.metadata, JSONObject.self)
        presencePenalty = try value(.presencePenalty, Double.self)
        frequencyPenalty = try value(.frequencyPenalty, Double.self)
        logprobs = try value(.logprobs, Bool.self)
        topLogprobs = try value(.topLogprobs, Int.self)
        reasoningEffort = try value(.reasoningEffort, String.self)
        stream = try value(.stream, Bool.self) ?? false
        includeUsageInStream = try value(.streamOptions, StreamOptions.self)?.includeUsage ?? false
        let known = Set(Field.allCases.map(\.rawValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            extraFields[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
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
