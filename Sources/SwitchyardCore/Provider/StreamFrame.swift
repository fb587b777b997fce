/// How a provider frames a streamed response.
public enum StreamFraming: Sendable, Hashable {
    /// Server-sent events (`event:` / `data:` lines, blank-line separated).
    case serverSentEvents
    /// One JSON document per line.
    case newlineDelimitedJSON
}

/// One frame of an upstream stream: an SSE event or an NDJSON line.
public struct StreamFrame: Sendable, Hashable {
    /// The SSE `event:` name, if any.
    public var event: String?
    /// The `data:` payload (lines joined with `\n`), or the NDJSON line.
    public var data: String

    /// Creates a frame.
    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// Turns an upstream's frames into canonical events. One decoder per stream; it keeps the stream's state.
public protocol ChatStreamDecoder: Sendable {
    /// Decodes one frame into zero or more events.
    ///
    /// - Throws: ``GatewayError`` with `upstream_malformed_response` for a frame that cannot be parsed, or the
    ///   mapped code for an error the upstream reports inside the stream.
    mutating func decode(_ frame: StreamFrame) throws -> [ChatStreamEvent]

    /// Called when the upstream closes the stream. Returns any final events.
    ///
    /// - Throws: ``GatewayError`` with `upstream_stream_interrupted` when the stream ended before its terminal
    ///   marker (`[DONE]`, `message_stop`, a finish reason, `done: true`).
    mutating func finish() throws -> [ChatStreamEvent]
}
