import SwitchyardCore

/// Decodes `chat.completion.chunk` SSE frames into canonical events, or, when `forwarding`, yields each well-formed
/// chunk as it is (``ChatStreamEvent/forwarded(_:)``) and decodes only errors and frames it cannot read.
struct OpenAIStreamDecoder: ChatStreamDecoder {
    let provider: String
    /// Whether chunks are relayed as written (pass-through) rather than decoded.
    var forwarding = false
    /// When forwarding: whether the client asked for the usage chunk (if not, it becomes a usage event only).
    var clientWantsUsage = true
    private var started = false
    private var sawDone = false
    private var sawFinish = false

    init(provider: String, forwarding: Bool = false, clientWantsUsage: Bool = true) {
        self.provider = provider
        self.forwarding = forwarding
        self.clientWantsUsage = clientWantsUsage
    }

    mutating func decode(_ frame: StreamFrame) throws -> [ChatStreamEvent] {
        if frame.data == "[DONE]" {
            sawDone = true
            return []
        }
        if forwarding, let chunk = ForwardedChunk(openAIChunk: frame.data) {
            started = true
            if chunk.finishes { sawFinish = true }
            if !clientWantsUsage, let usage = chunk.usage, chunk.isUsageOnly { return [.usage(usage)] }
            return [.forwarded(chunk)]
        }
        let chunk = try WireJSON.decodeUpstream(OpenAIChunk.self, from: frame.data, provider: provider)
        if let error = chunk.error {
            throw GatewayError(
                .upstreamStreamInterrupted,
                "Provider '\(provider)' reported an error mid-stream (\(error.code ?? error.type ?? "unknown")).",
                upstream: .init(provider: provider, status: 200, providerCode: error.code ?? error.type))
        }
        var events: [ChatStreamEvent] = []
        if !started {
            started = true
            events.append(.start(StreamStart(id: chunk.id ?? "", model: chunk.model ?? "", created: chunk.created ?? 0)))
        }
        for choice in chunk.choices ?? [] {
            let index = choice.index ?? 0
            if let delta = choice.delta {
                if let reasoning = delta.reasoningContent ?? delta.reasoning, !reasoning.isEmpty {
                    events.append(.reasoningDelta(choice: index, reasoning))
                }
                if let content = delta.content, !content.isEmpty {
                    events.append(.textDelta(choice: index, content))
                }
                for (position, call) in (delta.toolCalls ?? []).enumerated() {
                    events.append(
                        .toolCallDelta(
                            choice: index,
                            ToolCallDelta(
                                index: call.index ?? position, id: call.id, name: call.function?.name,
                                arguments: call.function?.arguments ?? "")))
                }
            }
            if let reason = choice.finishReason {
                sawFinish = true
                events.append(.finish(choice: index, reason))
            }
        }
        if let usage = chunk.usage {
            events.append(.usage(usage))
        }
        return events
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard sawDone || sawFinish else {
            throw GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' ended the stream before it was complete.",
                upstream: .init(provider: provider, status: 200))
        }
        return []
    }
}
