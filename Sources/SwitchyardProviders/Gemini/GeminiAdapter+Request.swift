import SwitchyardCore

extension GeminiAdapter {
    /// Translates a canonical request into a `GenerateContentRequest`.
    static func generateContentRequest(for request: ChatRequest) throws -> GeminiRequest {
        let (system, contents) = try contents(of: request.messages)
        let tools = tools(request.tools)
        return GeminiRequest(
            contents: contents, systemInstruction: system, tools: tools,
            toolConfig: tools == nil ? nil : toolConfig(request.toolChoice),
            generationConfig: try generationConfig(for: request))
    }

    // MARK: Messages

    /// Splits the conversation into `systemInstruction` and `contents`.
    ///
    /// Tool results need the called function's name, which OpenAI does not repeat; it is looked up by
    /// `tool_call_id` among the earlier assistant tool calls (the most recent call with that id wins). Consecutive
    /// tool results are merged into one `user` turn, as Gemini expects one turn answering all calls of a turn.
    private static func contents(of messages: [ChatMessage]) throws -> (GeminiContent?, [GeminiContent]) {
        var system: [GeminiPart] = []
        var contents: [GeminiContent] = []
        var functionNames: [String: String] = [:]
        for message in messages {
            switch message.role {
            case .system, .developer:
                system.append(try systemPart(of: message))
            case .user:
                contents.append(GeminiContent(role: "user", parts: try parts(of: message.content)))
            case .assistant:
                var parts = try parts(of: message.content).filter { $0.text != "" }
                for call in message.toolCalls ?? [] {
                    functionNames[call.id] = call.function.name
                    let functionCall = GeminiFunctionCall(name: call.function.name, args: try arguments(of: call))
                    parts.append(GeminiPart(functionCall: functionCall))
                }
                if !parts.isEmpty { contents.append(GeminiContent(role: "model", parts: parts)) }
            case .tool:
                let part = try functionResponse(for: message, names: functionNames)
                if let last = contents.last, last.role == "user",
                    last.parts?.allSatisfy({ $0.functionResponse != nil }) == true
                {
                    contents[contents.count - 1].parts?.append(part)
                } else {
                    contents.append(GeminiContent(role: "user", parts: [part]))
                }
            }
        }
        return (system.isEmpty ? nil : GeminiContent(parts: system), contents)
    }

    /// A system or developer message as one text part; `systemInstruction` is text only.
    private static func systemPart(of message: ChatMessage) throws -> GeminiPart {
        let parts = message.content?.parts ?? []
        let textOnly = parts.allSatisfy { if case .text = $0 { return true } else { return false } }
        guard textOnly else {
            throw GatewayError(
                .invalidRequest, "System and developer messages sent to Gemini may contain only text.",
                param: "messages")
        }
        return GeminiPart(text: message.content?.text ?? "")
    }

    /// The parts of a user or assistant message.
    private static func parts(of content: MessageContent?) throws -> [GeminiPart] {
        guard let content else { return [] }
        return try content.parts.map(part(for:))
    }

    private static func part(for part: ContentPart) throws -> GeminiPart {
        switch part {
        case .text(let text):
            return GeminiPart(text: text)
        case .imageURL(let image):
            if let inline = image.dataURL {
                return GeminiPart(inlineData: GeminiBlob(mimeType: inline.mediaType, data: inline.base64))
            }
            let scheme = image.url.prefix(8).lowercased()
            guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
                throw GatewayError(
                    .invalidImageURL, "Image URLs must be http(s) URLs or base64 data: URLs.", param: "messages")
            }
            return GeminiPart(fileData: GeminiFileData(mimeType: imageMediaType(of: image.url), fileUri: image.url))
        case .inputAudio(let audio):
            return GeminiPart(inlineData: GeminiBlob(mimeType: "audio/\(audio.format.lowercased())", data: audio.data))
        }
    }

    /// Guesses an image's media type from its URL's extension; `image/jpeg` when there is none or it is unknown.
    static func imageMediaType(of url: String) -> String {
        let path = url.split(whereSeparator: { $0 == "?" || $0 == "#" }).first ?? ""
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "image/jpeg" }
        switch name[name.index(after: dot)...].lowercased() {
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "heic": return "image/heic"
        case "heif": return "image/heif"
        default: return "image/jpeg"
        }
    }

    /// A tool call's arguments as a JSON object; an empty string means no arguments.
    private static func arguments(of call: ToolCall) throws -> JSONObject {
        let text = call.function.arguments
        if text.allSatisfy(\.isWhitespace) { return JSONObject() }
        guard let object = WireJSON.parse(text)?.objectValue else {
            throw GatewayError(
                .invalidRequest, "The arguments of tool call '\(call.function.name)' are not a JSON object.",
                param: "messages")
        }
        return object
    }

    /// A tool message as a `functionResponse` part: the content itself when it is a JSON object, otherwise
    /// `{"content": <text>}`.
    private static func functionResponse(for message: ChatMessage, names: [String: String]) throws -> GeminiPart {
        guard let id = message.toolCallID, let name = names[id] else {
            throw GatewayError(
                .invalidRequest, "A tool message answers a tool_call_id that no earlier assistant message made.",
                param: "messages")
        }
        let text = message.content?.text ?? ""
        let response = WireJSON.parse(text)?.objectValue ?? JSONObject([("content", .string(text))])
        return GeminiPart(functionResponse: GeminiFunctionResponse(name: name, response: response))
    }

    // MARK: Tools

    private static func tools(_ tools: [Tool]?) -> [GeminiTool]? {
        guard let tools, !tools.isEmpty else { return nil }
        let declarations = tools.map {
            GeminiFunctionDeclaration(
                name: $0.function.name, description: $0.function.description,
                parametersJsonSchema: $0.function.parameters)
        }
        return [GeminiTool(functionDeclarations: declarations)]
    }

    private static func toolConfig(_ choice: ToolChoice?) -> GeminiToolConfig? {
        guard let choice else { return nil }
        let config: GeminiToolConfig.FunctionCallingConfig
        switch choice {
        case .none: config = .init(mode: "NONE")
        case .auto: config = .init(mode: "AUTO")
        case .required: config = .init(mode: "ANY")
        case .function(let name): config = .init(mode: "ANY", allowedFunctionNames: [name])
        }
        return GeminiToolConfig(functionCallingConfig: config)
    }

    // MARK: Generation settings

    /// `generationConfig`, or `nil` when the request sets none of its fields.
    private static func generationConfig(for request: ChatRequest) throws -> GeminiGenerationConfig? {
        var config = GeminiGenerationConfig()
        config.temperature = request.temperature
        config.topP = request.topP
        config.maxOutputTokens = request.effectiveMaxTokens
        config.stopSequences = request.stop?.isEmpty == false ? request.stop : nil
        config.candidateCount = request.n
        config.seed = request.seed
        config.presencePenalty = request.presencePenalty
        config.frequencyPenalty = request.frequencyPenalty
        if request.logprobs == true {
            config.responseLogprobs = true
            config.logprobs = request.topLogprobs
        }
        switch request.responseFormat {
        case .jsonObject:
            config.responseMimeType = "application/json"
        case .jsonSchema(let format):
            config.responseMimeType = "application/json"
            config.responseJsonSchema = format.schema
        case .text, nil:
            break
        }
        if let effort = request.reasoningEffort {
            config.thinkingConfig = .init(thinkingBudget: try thinkingBudget(for: effort))
        }
        return config == GeminiGenerationConfig() ? nil : config
    }

    /// The thinking budget for an OpenAI reasoning effort. `minimal` (and `none`) turn thinking off where the model
    /// allows it.
    static func thinkingBudget(for effort: String) throws -> Int {
        switch effort {
        case "none", "minimal": return 0
        case "low": return 1024
        case "medium": return 8192
        case "high": return 24576
        default:
            throw GatewayError(
                .invalidRequest, "reasoning_effort must be one of minimal, low, medium or high.",
                param: "reasoning_effort")
        }
    }
}
