import SwitchyardCore

extension AnthropicAdapter {
    /// The Messages API form of a conversation: the hoisted system prompt and alternating turns.
    struct Conversation {
        var system: String?
        var messages: [AnthropicRequest.Message]
    }

    /// Converts OpenAI messages to Anthropic turns.
    ///
    /// `system` and `developer` messages become the top-level `system` (joined with a blank line). `tool` messages
    /// become `tool_result` blocks of a user turn. Consecutive turns of the same role are merged, because the API
    /// requires alternation, and within a user turn `tool_result` blocks are moved first, as the API requires.
    /// Audio parts are skipped (reported by ``unsupportedParameters(in:)``); reasoning text of earlier assistant
    /// turns is not sent, since Anthropic only accepts it with the signature the gateway does not keep.
    ///
    /// - Throws: ``GatewayError`` `invalid_request` (param `messages`) for tool calls whose arguments are not a JSON
    ///   object or tool messages without `tool_call_id`; `invalid_image_url` for an unusable image URL.
    static func conversation(from messages: [ChatMessage]) throws -> Conversation {
        var systemParts: [String] = []
        var turns: [AnthropicRequest.Message] = []
        for message in messages {
            let role: String
            let blocks: [AnthropicRequest.Block]
            switch message.role {
            case .system, .developer:
                let text = message.content?.parts.compactMap(\.textValue).joined(separator: "\n") ?? ""
                if !text.isEmpty { systemParts.append(text) }
                continue
            case .user:
                role = "user"
                blocks = try contentBlocks(message.content)
            case .assistant:
                role = "assistant"
                blocks = try contentBlocks(message.content) + toolUseBlocks(message.toolCalls ?? [])
            case .tool:
                guard let id = message.toolCallID, !id.isEmpty else {
                    throw GatewayError(
                        .invalidRequest, "A 'tool' message must carry 'tool_call_id'.", param: "messages")
                }
                role = "user"
                blocks = [.toolResult(toolUseID: id, content: message.content?.text ?? "")]
            }
            guard !blocks.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].content += blocks
            } else {
                turns.append(AnthropicRequest.Message(role: role, content: blocks))
            }
        }
        for index in turns.indices where turns[index].role == "user" {
            let content = turns[index].content
            turns[index].content = content.filter(\.isToolResult) + content.filter { !$0.isToolResult }
        }
        return Conversation(
            system: systemParts.isEmpty ? nil : systemParts.joined(separator: "\n\n"), messages: turns)
    }

    private static func contentBlocks(_ content: MessageContent?) throws -> [AnthropicRequest.Block] {
        guard let content else { return [] }
        var blocks: [AnthropicRequest.Block] = []
        for part in content.parts {
            switch part {
            case .text(let text):
                // The API rejects empty text blocks.
                if !text.isEmpty { blocks.append(.text(text)) }
            case .imageURL(let image):
                blocks.append(.image(try imageSource(image)))
            case .inputAudio:
                continue
            }
        }
        return blocks
    }

    private static func imageSource(_ image: ContentPart.ImageURL) throws -> AnthropicRequest.ImageSource {
        if let inline = image.dataURL {
            return .base64(mediaType: inline.mediaType, data: inline.base64)
        }
        let lower = image.url.prefix(8).lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw GatewayError(
                .invalidImageURL, "Image URLs must be http(s) URLs or base64 'data:' URLs.", param: "messages")
        }
        return .url(image.url)
    }

    private static func toolUseBlocks(_ calls: [ToolCall]) throws -> [AnthropicRequest.Block] {
        try calls.map { call in
            let arguments = call.function.arguments.trimmingSuffix(while: \.isWhitespace)
            let input: JSONValue
            if arguments.isEmpty {
                input = .object(JSONObject())
            } else if let parsed = WireJSON.parse(arguments), case .object = parsed {
                input = parsed
            } else {
                throw GatewayError(
                    .invalidRequest,
                    "The arguments of tool call '\(call.id)' are not a JSON object; Anthropic needs an object.",
                    param: "messages")
            }
            return .toolUse(id: call.id, name: call.function.name, input: input)
        }
    }

    /// Converts OpenAI function tools to Anthropic client tools.
    static func toolDefinitions(_ tools: [Tool]) -> [AnthropicRequest.ToolDefinition] {
        tools.map { tool in
            AnthropicRequest.ToolDefinition(
                name: tool.function.name, description: tool.function.description,
                inputSchema: tool.function.parameters ?? ["type": "object", "properties": [:]],
                strict: tool.function.strict)
        }
    }

    /// Converts `tool_choice` and `parallel_tool_calls`; `nil` when neither needs sending.
    static func toolChoice(_ choice: ToolChoice?, parallelToolCalls: Bool?) -> AnthropicRequest.ToolChoice? {
        let disableParallel: Bool? = parallelToolCalls == false ? true : nil
        guard let choice else {
            return disableParallel.map { AnthropicRequest.ToolChoice(type: "auto", disableParallelToolUse: $0) }
        }
        switch choice {
        case .none:
            return AnthropicRequest.ToolChoice(type: "none")
        case .auto:
            return AnthropicRequest.ToolChoice(type: "auto", disableParallelToolUse: disableParallel)
        case .required:
            return AnthropicRequest.ToolChoice(type: "any", disableParallelToolUse: disableParallel)
        case .function(let name):
            return AnthropicRequest.ToolChoice(type: "tool", name: name, disableParallelToolUse: disableParallel)
        }
    }

    /// The extended-thinking budget for an OpenAI `reasoning_effort`, or `nil` for no thinking.
    ///
    /// - Throws: ``GatewayError`` `invalid_request` (param `reasoning_effort`) for an unknown effort.
    static func thinkingBudget(for effort: String?) throws -> Int? {
        switch effort {
        case nil, "none": return nil
        case "minimal", "low": return 1024
        case "medium": return 4096
        case "high": return 16384
        default:
            throw GatewayError(
                .invalidRequest, "'reasoning_effort' must be one of none, minimal, low, medium, high.",
                param: "reasoning_effort")
        }
    }
}

extension ContentPart {
    fileprivate var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}
