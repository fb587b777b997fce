/// Folds a stream's events back into the complete answer a non-streaming call would have returned: for caching a
/// streamed answer, and for usage accounting.
///
/// ```swift
/// var assembler = ChatStreamAssembler()
/// for try await event in stream { assembler.add(event) }
/// let response = assembler.response(fallbackID: "chatcmpl-1", fallbackModel: "gpt-4o")
/// ```
public struct ChatStreamAssembler: Sendable {
    private struct ChoiceState: Sendable {
        var text = ""
        var reasoning = ""
        var toolCalls: [Int: ToolCallDelta] = [:]
        var finish: FinishReason?
    }

    private var start: StreamStart?
    private var choices: [Int: ChoiceState] = [:]
    /// The usage reported so far (summed over usage events).
    public private(set) var usage: Usage?

    /// Creates an empty assembler.
    public init() {}

    /// Adds one event.
    public mutating func add(_ event: ChatStreamEvent) {
        switch event {
        case .start(let value): if start == nil { start = value }
        case .textDelta(let choice, let text): choices[choice, default: .init()].text += text
        case .reasoningDelta(let choice, let text): choices[choice, default: .init()].reasoning += text
        case .toolCallDelta(let choice, let delta):
            var call = choices[choice, default: .init()].toolCalls[delta.index] ?? ToolCallDelta(index: delta.index)
            if let id = delta.id { call.id = id }
            if let name = delta.name { call.name = (call.name ?? "") + name }
            call.arguments += delta.arguments
            choices[choice, default: .init()].toolCalls[delta.index] = call
        case .finish(let choice, let reason): choices[choice, default: .init()].finish = reason
        case .forwarded(let chunk):
            // Pass-through streams are relayed, not assembled: only their usage is kept.
            guard let part = chunk.usage else { return }
            add(.usage(part))
        case .usage(let part):
            let total = usage ?? Usage()
            usage = Usage(
                promptTokens: total.promptTokens + part.promptTokens,
                completionTokens: total.completionTokens + part.completionTokens,
                cachedPromptTokens: total.cachedPromptTokens + part.cachedPromptTokens,
                cacheCreationTokens: total.cacheCreationTokens + part.cacheCreationTokens,
                reasoningTokens: total.reasoningTokens + part.reasoningTokens)
        }
    }

    /// Whether every choice seen has finished (a stream that broke off is not complete).
    public var isComplete: Bool { !choices.isEmpty && choices.values.allSatisfy { $0.finish != nil } }

    /// The assembled answer.
    ///
    /// - Parameters:
    ///   - fallbackID: The id when the stream named none.
    ///   - fallbackModel: The model when the stream named none.
    public func response(fallbackID: String, fallbackModel: String) -> ChatResponse {
        let answers = choices.sorted { $0.key < $1.key }.map { index, state in
            let calls = state.toolCalls.sorted { $0.key < $1.key }.map { _, call in
                ToolCall(id: call.id ?? "", name: call.name ?? "", arguments: call.arguments)
            }
            let message = ChatMessage(
                role: .assistant, content: state.text.isEmpty && !calls.isEmpty ? nil : .text(state.text),
                toolCalls: calls.isEmpty ? nil : calls, reasoningContent: state.reasoning.isEmpty ? nil : state.reasoning)
            return ChatResponse.Choice(index: index, message: message, finishReason: state.finish)
        }
        return ChatResponse(
            id: start.map(\.id).flatMap { $0.isEmpty ? nil : $0 } ?? fallbackID, created: start?.created ?? 0,
            model: start.map(\.model).flatMap { $0.isEmpty ? nil : $0 } ?? fallbackModel, choices: answers,
            usage: usage)
    }
}
