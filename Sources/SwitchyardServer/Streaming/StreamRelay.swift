import Hummingbird
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardRouting

/// Relays a routed stream to the client. When the upstream breaks off after the first event, it either resumes the
/// answer on another deployment (`resume_streams: true`, with the partial answer as an assistant prefix) and splices
/// the continuation into the same client stream, or ends the stream with a terminal `upstream_stream_interrupted`
/// error event. Usage of everything streamed is kept either way, and settled with governance exactly once, also when
/// the client goes away; a stream that completed is assembled and stored in the response cache.
struct StreamRelay: Sendable {
    let handler: ChatCompletionsHandler
    let chat: ChatRequest
    let model: ModelDefinition
    let features: RequestFeatures
    let first: RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>
    let encoder: ChunkEncoder
    let requestID: String
    let ticket: RequestTicket
    let caching: CachePlan?
    /// Milliseconds from routing start to the first upstream event.
    let timeToFirstToken: Double

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var assembler = ChatStreamAssembler()
        var interruption: GatewayError?
        var deployment = first.deployment
        var decision = first.decision
        do {
            try await relay(
                &writer, assembler: &assembler, interruption: &interruption, deployment: &deployment,
                decision: &decision)
        } catch {
            // The client went away (or the writer failed): what was streamed is still billed.
            await ticket.succeeded(
                deployment: deployment, usage: assembler.usage, decision: decision,
                timeToFirstToken: timeToFirstToken, status: 499, errorCode: "client_closed_request")
            throw error
        }
        await ticket.succeeded(
            deployment: deployment, usage: assembler.usage, decision: decision, timeToFirstToken: timeToFirstToken,
            status: 200, errorCode: interruption.map { $0.code.rawValue })
        if interruption == nil, assembler.isComplete, let caching {
            caching.store(
                assembler.response(fallbackID: "chatcmpl-" + requestID, fallbackModel: deployment.upstreamModel),
                for: chat)
        }
    }

    private func relay(
        _ writer: inout any ResponseBodyWriter, assembler: inout ChatStreamAssembler,
        interruption: inout GatewayError?, deployment: inout Deployment, decision: inout RoutingDecision
    ) async throws {
        var encoder = self.encoder
        var events = first.value.events
        var partial = ""
        var failed: Set<String> = []
        var usage = Usage()
        var resumed = false
        // The chunks of events decoded from one upstream read go out in one write; bytes are never held while the
        // relay waits for the upstream (`events.isReady` is false then), so nothing is delayed, and never more than
        // `maxUnsentBytes` (an upstream that sends faster than the client reads still streams).
        var unsent = ByteBuffer()
        while true {
            do {
                while let event = try await events.next() {
                    if case .start = event, resumed {} else { assembler.add(event) }
                    var relayed = true
                    switch event {
                    case .textDelta(_, let text): partial += text
                    case .usage(let part):
                        usage = Self.add(usage, part)
                        _ = encoder.encode(.usage(usage))
                        relayed = false
                    case .start where resumed: relayed = false
                    default: break
                    }
                    if relayed, var bytes = encoder.encode(event) { unsent.writeBuffer(&bytes) }
                    if unsent.readableBytes > 0, !events.isReady || unsent.readableBytes >= Self.maxUnsentBytes {
                        try await writer.write(unsent)
                        unsent = ByteBuffer()
                    }
                }
                var closing = encoder.finish()
                unsent.writeBuffer(&closing)
                try await writer.write(unsent)
                break
            } catch let error as GatewayError {
                if unsent.readableBytes > 0 {
                    try await writer.write(unsent)
                    unsent = ByteBuffer()
                }
                handler.logger.warning(
                    "upstream stream broke off", metadata: ["request_id": "\(requestID)", "code": "\(error.code)",
                                                            "deployment": "\(deployment.id)"])
                decision.attempts.append(
                    .init(deployment: deployment.id, model: model.name, outcome: "\(error.code)",
                          upstreamStatus: error.upstream?.status, durationMs: 0, kind: "stream_interrupted"))
                failed.insert(deployment.id)
                if model.routing.resumeStreams, !partial.isEmpty,
                    let continuation = try? await resume(after: partial, excluding: failed)
                {
                    decision.attempts += continuation.decision.attempts.map { attempt in
                        var attempt = attempt
                        attempt.kind = "resume"
                        return attempt
                    }
                    decision.pick = continuation.deployment.id
                    events = continuation.value.events
                    deployment = continuation.deployment
                    resumed = true
                    continue
                }
                let interrupted =
                    error.code == .upstreamStreamInterrupted
                    ? error
                    : GatewayError(.upstreamStreamInterrupted, error.message, upstream: error.upstream, underlying: error)
                interruption = interrupted
                try await writer.write(encoder.error(interrupted))
                break
            }
        }
        handler.engine.decisions.record(decision)
        try await writer.finish(nil)
    }

    /// Routes the continuation: the conversation plus the partial answer as an assistant prefix, on a deployment
    /// that continues prefixes and has not failed for this request.
    private func resume(after partial: String, excluding failed: Set<String>) async throws
        -> RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>
    {
        var continuation = chat
        var prefix = ChatMessage.text(.assistant, partial)
        prefix.prefix = true
        continuation.messages.append(prefix)
        var excluded = failed
        for deployment in model.deployments
        where !deployment.provider.kind.continuesAssistantPrefix || deployment.provider.useOpenAICompatibleAPI {
            excluded.insert(deployment.id)
        }
        let handler = self.handler
        let registry = handler.registry
        let request = continuation
        return try await handler.engine.route(
            requestID: requestID, model: model, features: features, excluding: excluded, allowFallbacks: false
        ) { deployment, _ in
            try await handler.open(request, on: deployment, registry: registry)
        }
    }

    /// The most bytes of encoded chunks held back to share one write.
    static let maxUnsentBytes = 16_384

    static func add(_ total: Usage, _ part: Usage) -> Usage {
        Usage(
            promptTokens: total.promptTokens + part.promptTokens,
            completionTokens: total.completionTokens + part.completionTokens,
            cachedPromptTokens: total.cachedPromptTokens + part.cachedPromptTokens,
            cacheCreationTokens: total.cacheCreationTokens + part.cacheCreationTokens,
            reasoningTokens: total.reasoningTokens + part.reasoningTokens)
    }
}
