/// One typed event of a streamed answer, independent of the upstream's framing.
///
/// Adapters turn provider events (Anthropic's `content_block_delta`, Gemini's chunks, Ollama's NDJSON lines) into
/// these; the server turns them into OpenAI `chat.completion.chunk` frames.
public enum ChatStreamEvent: Sendable, Hashable {
    /// The answer began. Always the first event.
    case start(StreamStart)
    /// Text for a choice.
    case textDelta(choice: Int, String)
    /// Reasoning text for a choice.
    case reasoningDelta(choice: Int, String)
    /// A piece of a tool call for a choice.
    case toolCallDelta(choice: Int, ToolCallDelta)
    /// Token usage; normally once, near the end.
    case usage(Usage)
    /// A choice finished.
    case finish(choice: Int, FinishReason)
    /// A whole upstream chunk in the gateway's own dialect, relayed as written (pass-through streaming).
    case forwarded(ForwardedChunk)
}

/// What is known when a stream starts.
public struct StreamStart: Sendable, Hashable {
    /// The upstream's response id.
    public var id: String
    /// The upstream's model name.
    public var model: String
    /// Unix time of creation, in seconds.
    public var created: Int

    /// Creates a start marker.
    public init(id: String, model: String, created: Int) {
        self.id = id
        self.model = model
        self.created = created
    }
}

/// A piece of a streamed tool call. The first piece of a call carries its id and name.
public struct ToolCallDelta: Sendable, Hashable {
    /// The call's position in the choice's `tool_calls`.
    public var index: Int
    /// The call's id (first piece only).
    public var id: String?
    /// The function name (first piece only).
    public var name: String?
    /// A piece of the JSON arguments.
    public var arguments: String

    /// Creates a tool call piece.
    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
