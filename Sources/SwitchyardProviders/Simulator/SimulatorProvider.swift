public import SwitchyardCore

/// The built-in simulator: deterministic answers with realistic token counts, configurable latency and error rate,
/// and no network.
///
/// It lets a newcomer without API keys see the whole gateway work, and it is what load tests and the demo use.
/// The answer depends only on the conversation, so the same request always gets the same text.
public struct SimulatorProvider: ModelProvider {
    /// Creates a simulator.
    public init() {}

    /// The simulator accepts every parameter.
    public func unsupportedParameters(in request: ChatRequest) -> [String] { [] }

    /// Answers after the configured latency.
    public func complete(_ request: ChatRequest, deployment: Deployment) async throws -> ChatResponse {
        let settings = deployment.provider.simulator ?? SimulatorSettings()
        try await Self.pause(milliseconds: settings.latencyMilliseconds)
        try Self.maybeFail(settings, provider: deployment.provider.name)
        let script = SimulatorScript(request: request, model: deployment.upstreamModel)
        let message: ChatMessage
        if let call = script.toolCall {
            message = ChatMessage(role: .assistant, content: nil, toolCalls: [call])
        } else {
            message = .text(.assistant, script.text)
        }
        return ChatResponse(
            id: script.id, created: script.created, model: deployment.upstreamModel,
            choices: [.init(index: 0, message: message, finishReason: script.finishReason)], usage: script.usage)
    }

    /// Streams the same answer word by word, pausing between chunks as configured.
    public func stream(_ request: ChatRequest, deployment: Deployment) async throws -> ChatEventStream {
        let settings = deployment.provider.simulator ?? SimulatorSettings()
        try await Self.pause(milliseconds: settings.latencyMilliseconds)
        try Self.maybeFail(settings, provider: deployment.provider.name)
        let events = SimulatorScript(request: request, model: deployment.upstreamModel).events
        let gap = settings.interChunkMilliseconds
        return ChatEventStream {
            let box = SimulatorEventQueue(events)
            return {
                guard let event = box.pop() else { return nil }
                if gap > 0, case .textDelta = event { try await Self.pause(milliseconds: gap) }
                return event
            }
        }
    }

    /// Deterministic unit vectors derived from the text, 64 dimensions (or the requested number).
    public func embed(_ request: EmbeddingRequest, deployment: Deployment) async throws -> EmbeddingResponse {
        let dimensions = request.dimensions ?? 64
        let vectors = request.input.map { SimulatorScript.embedding(of: $0, dimensions: dimensions) }
        let tokens = request.input.reduce(0) { $0 + SimulatorScript.tokenCount($1) }
        return EmbeddingResponse(vectors: vectors, model: deployment.upstreamModel, promptTokens: tokens)
    }

    static func pause(milliseconds: Int) async throws {
        if milliseconds > 0 { try await Task.sleep(for: .milliseconds(milliseconds)) }
    }

    static func maybeFail(_ settings: SimulatorSettings, provider: String) throws {
        guard settings.errorRate > 0, Double.random(in: 0..<1) < settings.errorRate else { return }
        throw GatewayError(
            .upstreamUnavailable, "Provider '\(provider)' (simulator) failed as configured by its error_rate.",
            upstream: .init(provider: provider, status: 503))
    }
}

/// A lock-protected queue of simulator events.
final class SimulatorEventQueue: @unchecked Sendable {
    private var events: [ChatStreamEvent]
    private var index = 0
    private let lock = Lock()

    init(_ events: [ChatStreamEvent]) { self.events = events }

    func pop() -> ChatStreamEvent? {
        lock.withLock {
            guard index < events.count else { return nil }
            defer { index += 1 }
            return events[index]
        }
    }
}
