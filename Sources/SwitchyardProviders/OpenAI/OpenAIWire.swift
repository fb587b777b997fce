import NIOCore
import SwitchyardCore

/// `chat.completion.chunk` as OpenAI-compatible providers send it.
struct OpenAIChunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable {
            struct ToolCall: Decodable {
                struct Function: Decodable {
                    var name: String?
                    var arguments: String?
                }
                var index: Int?
                var id: String?
                var function: Function?
            }
            var content: String?
            var reasoningContent: String?
            var reasoning: String?
            var toolCalls: [ToolCall]?
            var refusal: String?
            enum CodingKeys: String, CodingKey {
                case content, reasoning, refusal
                case reasoningContent = "reasoning_content"
                case toolCalls = "tool_calls"
            }
        }
        var index: Int?
        var delta: Delta?
        var finishReason: FinishReason?
        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }
    var id: String?
    var created: Int?
    var model: String?
    var choices: [Choice]?
    var usage: Usage?
    var error: OpenAIErrorBody.Detail?
}

/// OpenAI's error body, and the looser shapes of its imitators (`{"error":"text"}`, `{"message":…}`, `{"detail":…}`).
struct OpenAIErrorBody {
    struct Detail: Decodable {
        var message: String?
        var type: String?
        var code: String?
        var param: String?

        enum CodingKeys: String, CodingKey { case message, type, code, param }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            }
            param = try? container.decodeIfPresent(String.self, forKey: .param)
        }
    }

    var message: String?
    var type: String?
    var code: String?

    static func parse(_ body: ByteBuffer) -> OpenAIErrorBody {
        guard let json = WireJSON.parse(body) else { return OpenAIErrorBody() }
        return parse(json)
    }

    static func parse(_ json: JSONValue) -> OpenAIErrorBody {
        var result = OpenAIErrorBody()
        if let error = json["error"]?.objectValue {
            result.message = error["message"]?.stringValue
            result.type = error["type"]?.stringValue
            result.code = error["code"]?.stringValue ?? error["code"]?.intValue.map(String.init)
        } else if let text = json["error"]?.stringValue {
            result.message = text
            result.code = json["code"]?.stringValue
        } else if let message = json["message"]?.stringValue {
            result.message = message
            result.type = json["type"]?.stringValue
            result.code = json["code"]?.stringValue
        } else if let detail = json["detail"] {
            result.message = detail.stringValue ?? detail.arrayValue?.first?["msg"]?.stringValue
            result.type = "validation_error"
        }
        return result
    }
}

/// An OpenAI embeddings list.
struct OpenAIEmbeddingList: Decodable {
    struct Item: Decodable {
        var index: Int
        var embedding: [Float]
    }
    struct EmbeddingUsage: Decodable {
        var promptTokens: Int?
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens" }
    }
    var data: [Item]
    var model: String?
    var usage: EmbeddingUsage?
}
