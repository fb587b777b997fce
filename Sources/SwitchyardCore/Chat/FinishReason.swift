/// Why the model stopped, in OpenAI's vocabulary.
public enum FinishReason: Sendable, Hashable, Codable {
    /// A natural stop or a stop sequence.
    case stop
    /// The output token limit was reached.
    case length
    /// The model called tools.
    case toolCalls
    /// Content was withheld by a safety filter.
    case contentFilter
    /// A provider-specific reason with no OpenAI equivalent.
    case other(String)

    /// The OpenAI string.
    public var rawValue: String {
        switch self {
        case .stop: return "stop"
        case .length: return "length"
        case .toolCalls: return "tool_calls"
        case .contentFilter: return "content_filter"
        case .other(let value): return value
        }
    }

    /// Parses an OpenAI finish reason.
    public init(rawValue: String) {
        switch rawValue {
        case "stop", "eos": self = .stop
        case "length", "model_length": self = .length
        case "tool_calls", "function_call": self = .toolCalls
        case "content_filter": self = .contentFilter
        default: self = .other(rawValue)
        }
    }

    /// Decodes an OpenAI finish reason string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the OpenAI string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
