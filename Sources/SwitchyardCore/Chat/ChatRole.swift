/// The author of a chat message.
public enum ChatRole: String, Sendable, Hashable, Codable {
    /// Instructions from the application.
    case system
    /// Instructions from the developer (OpenAI's newer name for `system` on reasoning models).
    case developer
    /// The end user.
    case user
    /// The model.
    case assistant
    /// The result of a tool call.
    case tool
}
