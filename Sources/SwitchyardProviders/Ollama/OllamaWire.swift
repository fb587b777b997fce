import Foundation
import SwitchyardCore

/// The `POST /api/chat` body (openapi `ChatRequest`).
struct OllamaChatRequest: Encodable {
    /// A chat message: text content, raw base64 images, tool calls or a tool result.
    struct Message: Encodable {
        var role: String
        var content: String
        var images: [String]?
        var toolCalls: [ToolCall]?
        var toolName: String?
        var thinking: String?

        private enum CodingKeys: String, CodingKey {
            case role, content, images, thinking
            case toolCalls = "tool_calls"
            case toolName = "tool_name"
        }
    }

    /// A tool call: `{function:{name, arguments:{…}}}`; arguments are an object, and there is no id.
    struct ToolCall: Encodable {
        struct Function: Encodable {
            var name: String
            var arguments: JSONValue
        }
        var function: Function
    }

    /// `ModelOptions`, only the fields the gateway maps.
    struct Options: Encodable {
        var temperature: Double?
        var topP: Double?
        var numPredict: Int?
        var stop: [String]?
        var seed: Int?
        var presencePenalty: Double?
        var frequencyPenalty: Double?

        private enum CodingKeys: String, CodingKey {
            case temperature, stop, seed
            case topP = "top_p"
            case numPredict = "num_predict"
            case presencePenalty = "presence_penalty"
            case frequencyPenalty = "frequency_penalty"
        }

        var isEmpty: Bool {
            temperature == nil && topP == nil && numPredict == nil && stop == nil && seed == nil
                && presencePenalty == nil && frequencyPenalty == nil
        }
    }

    /// `think`: a Boolean or a level (`low`, `medium`, `high`, `max`).
    enum Think: Encodable, Equatable {
        case enabled(Bool)
        case level(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .enabled(let flag): try container.encode(flag)
            case .level(let level): try container.encode(level)
            }
        }
    }

    var model: String
    var messages: [Message]
    var tools: [Tool]?
    var format: JSONValue?
    var options: Options?
    var stream: Bool
    var think: Think?
    var logprobs: Bool?
    var topLogprobs: Int?

    private enum CodingKeys: String, CodingKey {
        case model, messages, tools, format, options, stream, think, logprobs
        case topLogprobs = "top_logprobs"
    }
}

/// A `/api/chat` response, a streamed line, or an error line (`{"error":"…"}`).
struct OllamaChatResponse: Decodable {
    struct Message: Decodable {
        var content: String?
        var thinking: String?
        var toolCalls: [ToolCall]?

        private enum CodingKeys: String, CodingKey {
            case content, thinking
            case toolCalls = "tool_calls"
        }
    }

    struct ToolCall: Decodable {
        struct Function: Decodable {
            var name: String
            var arguments: JSONValue?
        }
        var function: Function
    }

    var model: String?
    var createdAt: String?
    var message: Message?
    var done: Bool?
    var doneReason: String?
    var promptEvalCount: Int?
    var evalCount: Int?
    var logprobs: [JSONValue]?
    var error: String?

    private enum CodingKeys: String, CodingKey {
        case model, message, done, logprobs, error
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case promptEvalCount = "prompt_eval_count"
        case evalCount = "eval_count"
    }

    /// Canonical usage from the final line's counters.
    var usage: Usage {
        Usage(promptTokens: promptEvalCount ?? 0, completionTokens: evalCount ?? 0)
    }

    /// The Unix time of `created_at`, or `nil` when absent or unparsable.
    var created: Int? {
        createdAt.flatMap(OllamaTimestamp.unixSeconds)
    }

    /// A completion id derived from `created_at` (Ollama has none), or a random one.
    var synthesizedID: String {
        let digits = (createdAt ?? "").filter(\.isNumber)
        let suffix = digits.isEmpty ? String(UInt64.random(in: 0...UInt64.max), radix: 16) : digits
        return "chatcmpl-ollama-" + suffix
    }

    /// Maps `done_reason`; tool calls win, because Ollama reports `stop` for them.
    static func finishReason(doneReason: String?, calledTools: Bool) -> FinishReason {
        if calledTools { return .toolCalls }
        switch doneReason {
        case nil, "stop": return .stop
        case "length": return .length
        case let other?: return .other(other)
        }
    }

    /// The id the gateway gives the call at `ordinal`, since Ollama sends none.
    static func toolCallID(_ ordinal: Int) -> String { "call_\(ordinal)" }

    /// A tool call in canonical form, its arguments object encoded as a JSON string.
    static func canonicalCall(_ call: ToolCall, ordinal: Int) throws -> SwitchyardCore.ToolCall {
        let arguments = try WireJSON.encodeString(call.function.arguments ?? .object(JSONObject()))
        return SwitchyardCore.ToolCall(id: toolCallID(ordinal), name: call.function.name, arguments: arguments)
    }
}

/// The `POST /api/embed` body.
struct OllamaEmbedRequest: Encodable {
    var model: String
    var input: [String]
    var dimensions: Int?
}

/// The `/api/embed` response.
struct OllamaEmbedResponse: Decodable {
    var model: String?
    var embeddings: [[Float]]
    var promptEvalCount: Int?

    private enum CodingKeys: String, CodingKey {
        case model, embeddings
        case promptEvalCount = "prompt_eval_count"
    }
}

/// Parses Ollama's RFC 3339 timestamps, whose fractional seconds have up to nine digits.
enum OllamaTimestamp {
    static func unixSeconds(_ text: String) -> Int? {
        var whole = text
        if let dot = text.firstIndex(of: ".") {
            let rest = text[text.index(after: dot)...]
            let zone = rest.firstIndex(where: { !$0.isNumber }) ?? rest.endIndex
            whole = String(text[..<dot]) + String(rest[zone...])
        }
        guard let date = ISO8601DateFormatter().date(from: whole) else { return nil }
        return Int(date.timeIntervalSince1970)
    }
}
