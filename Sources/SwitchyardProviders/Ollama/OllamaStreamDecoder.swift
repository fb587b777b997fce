import Foundation
import SwitchyardCore

/// Decodes Ollama's NDJSON chat stream into canonical events.
///
/// Every line is a partial answer; the first one starts the stream, and the `done: true` line carries the finish
/// reason and the counters. Tool calls arrive whole, so each becomes one delta with its synthesized id.
struct OllamaStreamDecoder: ChatStreamDecoder {
    let provider: String
    private var started = false
    private var done = false
    private var toolCalls = 0

    init(provider: String) {
        self.provider = provider
    }

    mutating func decode(_ frame: StreamFrame) throws -> [ChatStreamEvent] {
        guard !done else { return [] }
        let line = try WireJSON.decodeUpstream(OllamaChatResponse.self, from: frame.data, provider: provider)
        if line.error != nil {
            throw GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' reported an error mid-stream.",
                upstream: .init(provider: provider, status: 200))
        }
        var events: [ChatStreamEvent] = []
        if !started {
            started = true
            events.append(
                .start(
                    StreamStart(
                        id: line.synthesizedID, model: line.model ?? "",
                        created: line.created ?? Int(Date().timeIntervalSince1970))))
        }
        if let message = line.message {
            if let thinking = message.thinking, !thinking.isEmpty {
                events.append(.reasoningDelta(choice: 0, thinking))
            }
            if let content = message.content, !content.isEmpty {
                events.append(.textDelta(choice: 0, content))
            }
            for call in message.toolCalls ?? [] {
                let canonical = try OllamaChatResponse.canonicalCall(call, ordinal: toolCalls)
                events.append(
                    .toolCallDelta(
                        choice: 0,
                        ToolCallDelta(
                            index: toolCalls, id: canonical.id, name: canonical.function.name,
                            arguments: canonical.function.arguments)))
                toolCalls += 1
            }
        }
        if line.done == true {
            done = true
            let reason = OllamaChatResponse.finishReason(doneReason: line.doneReason, calledTools: toolCalls > 0)
            events.append(.finish(choice: 0, reason))
            events.append(.usage(line.usage))
        }
        return events
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard done else {
            throw GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' ended the stream before its 'done' line.",
                upstream: .init(provider: provider, status: 200))
        }
        return []
    }
}
