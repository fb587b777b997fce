import SwitchyardCore

extension OllamaAdapter {
    /// Converts OpenAI messages to Ollama's native messages.
    ///
    /// Text parts are joined with a newline; images must be base64 `data:` URLs and are sent as raw base64 in
    /// `images`; tool call arguments are sent as objects; a `tool` message gets the `tool_name` of the call it
    /// answers, looked up by `tool_call_id` among the earlier assistant messages. Audio parts are skipped
    /// (reported by ``unsupportedParameters(in:)``).
    ///
    /// - Throws: ``GatewayError`` `invalid_image_url` (param `messages`) for an `http(s)` or malformed image URL;
    ///   `invalid_request` (param `messages`) for tool call arguments that are not a JSON object.
    static func wireMessages(from messages: [ChatMessage]) throws -> [OllamaChatRequest.Message] {
        var toolNames: [String: String] = [:]
        var result: [OllamaChatRequest.Message] = []
        for message in messages {
            var text: [String] = []
            var images: [String] = []
            for part in message.content?.parts ?? [] {
                switch part {
                case .text(let value): text.append(value)
                case .imageURL(let image): images.append(try inlineImage(image))
                case .inputAudio: continue
                }
            }
            var wire = OllamaChatRequest.Message(
                role: role(message.role), content: text.joined(separator: "\n"), images: images.isEmpty ? nil : images)
            switch message.role {
            case .assistant:
                let calls = message.toolCalls ?? []
                for call in calls { toolNames[call.id] = call.function.name }
                wire.toolCalls = calls.isEmpty ? nil : try calls.map(wireToolCall)
                wire.thinking = message.reasoningContent
            case .tool:
                wire.toolName = message.toolCallID.flatMap { toolNames[$0] }
            case .system, .developer, .user:
                break
            }
            result.append(wire)
        }
        return result
    }

    private static func role(_ role: ChatRole) -> String {
        switch role {
        case .system, .developer: return "system"
        case .user: return "user"
        case .assistant: return "assistant"
        case .tool: return "tool"
        }
    }

    private static func inlineImage(_ image: ContentPart.ImageURL) throws -> String {
        if let inline = image.dataURL { return inline.base64 }
        let lower = image.url.prefix(8).lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            throw GatewayError(
                .invalidImageURL,
                "Ollama needs inline images: send them as base64 'data:' URLs, not http(s) URLs.", param: "messages")
        }
        throw GatewayError(.invalidImageURL, "Image URLs must be base64 'data:' URLs for Ollama.", param: "messages")
    }

    private static func wireToolCall(_ call: ToolCall) throws -> OllamaChatRequest.ToolCall {
        let arguments = call.function.arguments.trimmingSuffix(while: \.isWhitespace)
        let object: JSONValue
        if arguments.isEmpty {
            object = .object(JSONObject())
        } else if let parsed = WireJSON.parse(arguments), case .object = parsed {
            object = parsed
        } else {
            throw GatewayError(
                .invalidRequest, "The arguments of tool call '\(call.id)' are not a JSON object.", param: "messages")
        }
        return OllamaChatRequest.ToolCall(function: .init(name: call.function.name, arguments: object))
    }

    /// The sampling options of a request, or `nil` when none is set.
    static func options(for request: ChatRequest) -> OllamaChatRequest.Options? {
        let options = OllamaChatRequest.Options(
            temperature: request.temperature, topP: request.topP, numPredict: request.effectiveMaxTokens,
            stop: request.stop?.isEmpty == false ? request.stop : nil, seed: request.seed,
            presencePenalty: request.presencePenalty, frequencyPenalty: request.frequencyPenalty)
        return options.isEmpty ? nil : options
    }

    /// `format`: `"json"` for `json_object`, the schema for `json_schema`.
    static func format(for responseFormat: ResponseFormat?) -> JSONValue? {
        switch responseFormat {
        case .jsonObject?: return "json"
        case .jsonSchema(let format)?: return format.schema ?? "json"
        case .text?, nil: return nil
        }
    }

    /// `think` for an OpenAI `reasoning_effort`: a level where Ollama has one, `false` for `none`.
    static func think(for effort: String?) -> OllamaChatRequest.Think? {
        switch effort {
        case nil: return nil
        case "none": return .enabled(false)
        case "minimal", "low": return .level("low")
        case "medium": return .level("medium")
        case "high": return .level("high")
        case "xhigh", "max": return .level("max")
        default: return .enabled(true)
        }
    }
}
