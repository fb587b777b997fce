import Foundation
import SwitchyardCore

/// Decodes the Messages API event stream into canonical events.
///
/// `message_start` gives the id, model and input usage; content blocks give text, thinking and tool-call pieces;
/// `message_delta` gives the stop reason and the final, cumulative usage, emitted once; `message_stop` ends the
/// stream. Tool calls are numbered by their order among `tool_use` blocks, not by block index.
struct AnthropicStreamDecoder: ChatStreamDecoder {
    let provider: String
    private var started = false
    private var stopped = false
    private var startUsage = AnthropicUsage()
    private var toolOrdinals: [Int: Int] = [:]

    init(provider: String) {
        self.provider = provider
    }

    mutating func decode(_ frame: StreamFrame) throws -> [ChatStreamEvent] {
        guard !stopped else { return [] }
        let event = try WireJSON.decodeUpstream(AnthropicStreamEvent.self, from: frame.data, provider: provider)
        switch event.type {
        case "message_start":
            return messageStart(event.message)
        case "content_block_start":
            return startIfNeeded() + blockStart(index: event.index ?? 0, block: event.contentBlock)
        case "content_block_delta":
            return startIfNeeded() + blockDelta(index: event.index ?? 0, delta: event.delta)
        case "message_delta":
            return startIfNeeded() + messageDelta(event)
        case "message_stop":
            stopped = true
            return startIfNeeded()
        case "error":
            throw streamError(event.error)
        default:
            // `ping`, `content_block_stop` and event types added after this adapter was written.
            return []
        }
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard stopped else {
            throw GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' ended the stream before 'message_stop'.",
                upstream: .init(provider: provider, status: 200))
        }
        return []
    }

    private mutating func messageStart(_ message: AnthropicMessage?) -> [ChatStreamEvent] {
        startUsage = message?.usage ?? AnthropicUsage()
        guard !started else { return [] }
        started = true
        return [
            .start(
                StreamStart(
                    id: message?.id ?? "", model: message?.model ?? "", created: Int(Date().timeIntervalSince1970)))
        ]
    }

    private mutating func startIfNeeded() -> [ChatStreamEvent] {
        started ? [] : messageStart(nil)
    }

    private mutating func blockStart(index: Int, block: AnthropicContentBlock?) -> [ChatStreamEvent] {
        guard let block else { return [] }
        switch block.type {
        case "text":
            guard let text = block.text, !text.isEmpty else { return [] }
            return [.textDelta(choice: 0, text)]
        case "thinking":
            guard let thinking = block.thinking, !thinking.isEmpty else { return [] }
            return [.reasoningDelta(choice: 0, thinking)]
        case "tool_use":
            let ordinal = toolOrdinals.count
            toolOrdinals[index] = ordinal
            return [.toolCallDelta(choice: 0, ToolCallDelta(index: ordinal, id: block.id, name: block.name))]
        default:
            return []
        }
    }

    private func blockDelta(index: Int, delta: AnthropicStreamEvent.Delta?) -> [ChatStreamEvent] {
        guard let delta else { return [] }
        switch delta.type {
        case "text_delta":
            guard let text = delta.text, !text.isEmpty else { return [] }
            return [.textDelta(choice: 0, text)]
        case "thinking_delta":
            guard let thinking = delta.thinking, !thinking.isEmpty else { return [] }
            return [.reasoningDelta(choice: 0, thinking)]
        case "input_json_delta":
            guard let piece = delta.partialJSON, !piece.isEmpty, let ordinal = toolOrdinals[index] else { return [] }
            return [.toolCallDelta(choice: 0, ToolCallDelta(index: ordinal, arguments: piece))]
        default:
            // `signature_delta`, `citations_delta` and unknown deltas.
            return []
        }
    }

    private func messageDelta(_ event: AnthropicStreamEvent) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if let reason = event.delta?.stopReason {
            events.append(.finish(choice: 0, AnthropicStopReason.finishReason(reason)))
        }
        // `message_delta` usage is cumulative: it replaces the `message_start` counts instead of adding to them.
        let usage = (event.usage ?? AnthropicUsage()).overlaying(startUsage)
        events.append(.usage(usage.canonical))
        return events
    }

    private func streamError(_ detail: AnthropicErrorDetail?) -> GatewayError {
        let type = detail?.type ?? "unknown"
        let code: GatewayError.Code
        switch type {
        case "overloaded_error": code = .upstreamOverloaded
        case "rate_limit_error": code = .rateLimited
        case "timeout_error": code = .upstreamTimeout
        case "invalid_request_error": code = .upstreamInvalidRequest
        default: code = .upstreamError
        }
        return GatewayError(
            code, "Provider '\(provider)' reported an error mid-stream (\(type)).",
            upstream: .init(provider: provider, status: 200, providerCode: type))
    }
}
