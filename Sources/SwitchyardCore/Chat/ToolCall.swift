/// A function call made by the model.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The call's identifier, echoed back in the `tool` message that answers it.
    public var id: String
    /// Always `function` today.
    public var type: String
    /// The function and its JSON-encoded arguments.
    public var function: FunctionCall

    /// Creates a function call.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.type = "function"
        self.function = FunctionCall(name: name, arguments: arguments)
    }

    /// The function name and its arguments as a JSON string, exactly as OpenAI carries them.
    public struct FunctionCall: Sendable, Hashable, Codable {
        /// The function's name.
        public var name: String
        /// The arguments, a JSON object encoded as a string.
        public var arguments: String

        /// Creates a function call payload.
        public init(name: String, arguments: String) {
            self.name = name
            self.arguments = arguments
        }
    }

    private enum CodingKeys: String, CodingKey { case id, type, function }

    /// Decodes a tool call; `type` defaults to `function`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "function"
        function = try container.decode(FunctionCall.self, forKey: .function)
    }
}
