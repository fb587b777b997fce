import SwitchyardCore

/// Decodes `streamGenerateContent?alt=sse` frames into canonical events.
///
/// Every frame is a whole `GenerateContentResponse` chunk: text and thoughts arrive as pieces, function calls arrive
/// whole. `usageMetadata` repeats in every chunk and is cumulative, so only the last one is kept and reported once,
/// when the stream ends. There is no `[DONE]`: a finish reason marks a complete stream.
struct GeminiStreamDecoder: ChatStreamDecoder {
    let provider: String
    let upstreamModel: String
    private var started = false
    private var sawFinish = false
    private var lastUsage: Usage?
    private var toolCallCounts: [Int: Int] = [:]

    init(provider: String, upstreamModel: String) {
        self.provider = provider
        self.upstreamModel = upstreamModel
    }

    mutating func decode(_ frame: StreamFrame) throws -> [ChatStreamEvent] {
        if frame.data.allSatisfy(\.isWhitespace) { return [] }
        let chunk = try WireJSON.decodeUpstream(GeminiResponse.self, from: frame.data, provider: provider)
        if let error = chunk.error {
            let head = UpstreamResponseHead(status: error.code ?? 500, headers: [])
            throw GeminiAdapter.gatewayError(for: error, head: head, provider: provider)
        }
        let candidates = chunk.candidates ?? []
        if candidates.isEmpty, let reason = chunk.promptFeedback?.blockReason {
            throw GeminiAdapter.promptBlocked(provider: provider, reason: reason)
        }
        var events: [ChatStreamEvent] = []
        if !started {
            started = true
            let start = StreamStart(
                id: chunk.responseId ?? GeminiAdapter.syntheticResponseID(), model: chunk.modelVersion ?? upstreamModel,
                created: GeminiAdapter.currentUnixTime())
            events.append(.start(start))
        }
        if let usage = chunk.usageMetadata { lastUsage = usage.usage }
        for (position, candidate) in candidates.enumerated() {
            let choice = candidate.index ?? position
            for part in candidate.content?.parts ?? [] {
                if let event = event(for: part, choice: choice) { events.append(event) }
            }
            if let raw = candidate.finishReason {
                sawFinish = true
                let hasToolCalls = toolCallCounts[choice, default: 0] > 0
                events.append(.finish(choice: choice, GeminiAdapter.finishReason(raw, hasToolCalls: hasToolCalls)))
            }
        }
        return events
    }

    /// The event for one part: a whole tool call, a reasoning piece or a text piece; empty text yields none.
    private mutating func event(for part: GeminiPart, choice: Int) -> ChatStreamEvent? {
        if let call = part.functionCall {
            let index = toolCallCounts[choice, default: 0]
            toolCallCounts[choice] = index + 1
            let toolCall = GeminiAdapter.toolCall(from: call, position: index)
            let delta = ToolCallDelta(
                index: index, id: toolCall.id, name: toolCall.function.name, arguments: toolCall.function.arguments)
            return .toolCallDelta(choice: choice, delta)
        }
        guard let text = part.text, !text.isEmpty else { return nil }
        return part.thought == true ? .reasoningDelta(choice: choice, text) : .textDelta(choice: choice, text)
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard sawFinish else {
            throw GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' ended the stream before it was complete.",
                upstream: .init(provider: provider, status: 200))
        }
        return lastUsage.map { [.usage($0)] } ?? []
    }
}
