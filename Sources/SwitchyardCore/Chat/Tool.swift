/// A tool the model may call. Only function tools exist in Chat Completions.
public struct Tool: Sendable, Hashable, Codable {
    /// Always `function`.
    public var type: String
    /// The function's declaration.
    public var function: FunctionDefinition

    /// Creates a function tool.
    public init(function: FunctionDefinition) {
        self.type = "function"
        self.function = function
    }

    /// A function's name, description and JSON Schema parameters.
    public struct FunctionDefinition: Sendable, Hashable, Codable {
        /// The function's name.
        public var name: String
        /// What the function does.
        public var description: String?
        /// A JSON Schema object for the arguments.
        public var parameters: JSONValue?
        /// Whether the model must follow the schema exactly (OpenAI structured outputs).
        public var strict: Bool?

        /// Creates a function declaration.
        public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil) {
            self.name = name
            self.description = description
            self.parameters = parameters
            self.strict = strict
        }
    }
}

/// Which tool, if any, the model must call.
public enum ToolChoice: Sendable, Hashable, Codable {
    /// Never call a tool.
    case none
    /// The model decides.
    case auto
    /// The model must call some tool.
    case required
    /// The model must call this function.
    case function(String)

    private struct Named: Codable {
        struct Function: Codable { var name: String }
        var type: String
        var function: Function
    }

    /// Decodes `"none"`, `"auto"`, `"required"` or `{"type":"function","function":{"name":…}}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            switch mode {
            case "none": self = .none
            case "auto": self = .auto
            case "required": self = .required
            default:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown tool_choice '\(mode)'")
            }
        } else {
            self = .function(try container.decode(Named.self).function.name)
        }
    }

    /// Encodes in OpenAI's shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .none: try container.encode("none")
        case .auto: try container.encode("auto")
        case .required: try container.encode("required")
        case .function(let name): try container.encode(Named(type: "function", function: .init(name: name)))
        }
    }
}
