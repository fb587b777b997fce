import SwitchyardCore

extension ChatResponse {
    /// The stream events that replay this answer, for serving a cached answer to a streaming request.
    ///
    /// Order: `start`; per choice its reasoning, text in chunks of at most `chunkCharacters` characters, each tool
    /// call as one delta (id, name, full arguments) and its finish reason; then `usage` when known. Feeding the
    /// events to the server's SSE encoder produces a valid OpenAI stream that ends in `data: [DONE]`.
    ///
    /// - Parameter chunkCharacters: Largest text delta; a cached answer streams in a few pieces, not one token each.
    /// - Returns: The events in order.
    public func replayEvents(chunkCharacters: Int = 64) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = [.start(StreamStart(id: id, model: model, created: created))]
        for choice in choices.sorted(by: { $0.index < $1.index }) {
            let message = choice.message
            if let reasoning = message.reasoningContent, !reasoning.isEmpty {
                events.append(.reasoningDelta(choice: choice.index, reasoning))
            }
            let text = message.content?.text ?? ""
            var start = text.startIndex
            while start < text.endIndex {
                let end =
                    text.index(start, offsetBy: max(1, chunkCharacters), limitedBy: text.endIndex) ?? text.endIndex
                events.append(.textDelta(choice: choice.index, String(text[start..<end])))
                start = end
            }
            for (position, call) in (message.toolCalls ?? []).enumerated() {
                let delta = ToolCallDelta(
                    index: position, id: call.id, name: call.function.name, arguments: call.function.arguments)
                events.append(.toolCallDelta(choice: choice.index, delta))
            }
            events.append(.finish(choice: choice.index, choice.finishReason ?? .stop))
        }
        if let usage { events.append(.usage(usage)) }
        return events
    }
}
