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
///
/// Memory: the relay's async frames live in the relay's task (``GatewayConnectionHandler`` relays each stream in a
/// task of its own) for as long as the stream is open, and a task keeps the slabs its frames grew into until it ends, so with thousands of slow streams open their size is most of the
/// gateway's memory. The relay is a class (frames hold one reference, not copies of the handler, request and route),
/// and everything that runs only once (settling, storing, recovering from a broken upstream) is in functions that are
/// never inlined, so their locals are not part of the frame that waits for the next chunk (9.9 + 6.3 KB per stream
/// before, measured with jemalloc's heap profiler; bench/results/gateway-2026-11-25-s4-mem.md).
final class StreamRelay: Sendable {
    let handler: ChatCompletionsHandler
    /// The request, its model and features, kept only where the relay needs them again: to resume the answer
    /// elsewhere, or to store it in the response cache. Its prompt is most of a request's size (a 6 KB system prompt
    /// was 6 KB per open stream), and even without one the three are about 700 bytes an open stream would hold.
    let kept: Kept?
    /// The model's name, for the log line of a break.
    let modelName: String
    let first: RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>
    let encoder: ChunkEncoder
    let requestID: String
    let ticket: RequestTicket
    let caching: CachePlan?
    /// Milliseconds from routing start to the first upstream event.
    let timeToFirstToken: Double

    /// What resuming a stream or caching its answer needs of the request.
    final class Kept: Sendable {
        let chat: ChatRequest
        let model: ModelDefinition
        let features: RequestFeatures

        init(chat: ChatRequest, model: ModelDefinition, features: RequestFeatures) {
            self.chat = chat
            self.model = model
            self.features = features
        }
    }

    /// A relay for a call's stream, opened on `first`. The call itself is not kept: its body holds the client's
    /// bytes, which the relay never needs.
    init(
        handler: ChatCompletionsHandler, call: ChatCall,
        first: RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>, encoder: ChunkEncoder, requestID: String,
        timeToFirstToken: Double
    ) {
        self.handler = handler
        self.kept =
            call.model.routing.resumeStreams || call.caching != nil
            ? Kept(chat: call.chat, model: call.model, features: call.features) : nil
        self.modelName = call.model.name
        self.first = first
        self.encoder = encoder
        self.requestID = requestID
        self.ticket = call.ticket
        self.caching = call.caching
        self.timeToFirstToken = timeToFirstToken
    }

    /// What the relay learned: usage and the assembled answer, where it ended, and how it was routed.
    ///
    /// A class, so the async frames of `run` and `relay` hold one reference for as long as the stream is open, not
    /// the deployment, the decision and the assembler (and the temporaries copied around them): `run`'s frame was
    /// 6.8 KB per open stream in a jemalloc heap profile. The route is read from the relay's first one until the
    /// stream breaks off; only then is it copied (into ``Rerouted``), so an open stream does not hold a second copy
    /// of the deployment and the decision (about 1 KB). Used by one task at a time: the relay's, then the child
    /// task that settles it once the relay is done.
    final class Outcome: @unchecked Sendable {
        var assembler = ChatStreamAssembler()
        var interruption: GatewayError?
        private unowned let relay: StreamRelay
        private var rerouted: Rerouted?

        /// The route after a break: the decision with the failed attempt, and the deployment that resumed.
        final class Rerouted {
            var deployment: Deployment
            var decision: RoutingDecision

            init(deployment: Deployment, decision: RoutingDecision) {
                self.deployment = deployment
                self.decision = decision
            }
        }

        init(relay: StreamRelay) {
            self.relay = relay
        }

        /// The deployment that answered last.
        var deployment: Deployment {
            get { rerouted?.deployment ?? relay.first.deployment }
            set { reroute().deployment = newValue }
        }

        /// The routing decision, with the attempts of a broken and resumed stream.
        var decision: RoutingDecision {
            get { rerouted?.decision ?? relay.first.decision }
            _modify { yield &reroute().decision }
        }

        private func reroute() -> Rerouted {
            if let rerouted { return rerouted }
            let made = Rerouted(deployment: relay.first.deployment, decision: relay.first.decision)
            rerouted = made
            return made
        }

        /// The interruption's code, if the upstream broke off.
        var interruptionCode: String? { interruption.map { $0.code.rawValue } }

        // The bookkeeping of a break, in synchronous functions: their copies of the route stay out of the async
        // frame of `recover`, which is part of the connection task's stack while it waits to resume.

        /// Logs the break and records it as an attempt; returns the deployment that broke.
        @inline(never)
        func recordBreak(_ error: GatewayError, model: String, requestID: String, logger: Logger) -> String {
            let broken = deployment.id
            logger.warning(
                "upstream stream broke off",
                metadata: ["request_id": "\(requestID)", "code": "\(error.code)", "deployment": "\(broken)"])
            decision.attempts.append(
                .init(deployment: broken, model: model, outcome: "\(error.code)", upstreamStatus: error.upstream?.status,
                      durationMs: 0, kind: "stream_interrupted"))
            return broken
        }

        /// Records the resumed route and returns its events.
        @inline(never)
        func recordResume(_ continuation: RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>) -> PendingIterator {
            decision.attempts += continuation.decision.attempts.map { attempt in
                var attempt = attempt
                attempt.kind = "resume"
                return attempt
            }
            decision.pick = continuation.deployment.id
            deployment = continuation.deployment
            return continuation.value.events
        }

        /// Records that the stream ends interrupted.
        @inline(never)
        func recordInterruption(_ error: GatewayError) {
            interruption =
                error.code == .upstreamStreamInterrupted
                ? error
                : GatewayError(.upstreamStreamInterrupted, error.message, upstream: error.upstream, underlying: error)
        }
    }

    @inline(never)
    @concurrent func run(_ writer: inout any ResponseBodyWriter) async throws {
        let outcome = makeOutcome()
        do {
            try await relay(&writer, outcome: outcome)
        } catch {
            // The client went away (or the writer failed): what was streamed is still billed.
            let code = GatewayError.Code.clientClosedRequest
            await settle(outcome, status: code.httpStatus, errorCode: code.rawValue)
            throw error
        }
        await settle(outcome, status: 200, errorCode: outcome.interruptionCode)
    }

    /// A new outcome on the first route (built here so the route's copies are not part of `run`'s frame).
    @inline(never)
    private func makeOutcome() -> Outcome {
        Outcome(relay: self)
    }

    /// Bills the stream and, when it completed, stores the assembled answer in the response cache.
    @inline(never)
    private func settle(_ outcome: Outcome, status: Int, errorCode: String?) async {
        await ticket.succeeded(
            deployment: outcome.deployment, usage: outcome.assembler.usage, decision: outcome.decision,
            timeToFirstToken: timeToFirstToken, status: status, errorCode: errorCode)
        if status == 200, outcome.interruption == nil, outcome.assembler.isComplete, let caching, let chat = kept?.chat {
            caching.store(
                outcome.assembler.response(
                    fallbackID: "chatcmpl-" + requestID, fallbackModel: outcome.deployment.upstreamModel),
                for: chat)
        }
    }

    @inline(never)
    @concurrent private func relay(_ writer: inout any ResponseBodyWriter, outcome: Outcome) async throws {
        // The loop's state is one object, every step that does not wait is a synchronous call, and the wait for the
        // upstream is in `nextBytes`: the frame each open stream holds under its waits and writes stays small.
        let state = RelayState(encoder: encoder, events: first.value.events)
        while true {
            do {
                while let bytes = try await state.nextBytes(outcome: outcome) { try await writer.write(bytes) }
                break
            } catch {
                guard try await resumed(after: error, &writer, state: state, outcome: outcome) else { break }
            }
        }
        recordDecision(outcome)
        try await writer.finish(nil)
    }

    @inline(never)
    private func recordDecision(_ outcome: Outcome) {
        handler.engine.decisions.record(outcome.decision)
    }

    /// After the upstream broke off: flushes what was encoded, then resumes elsewhere (`true`) or writes the
    /// terminal error event (`false`). Errors other than the upstream's (the client's writer), and any once the
    /// task is cancelled (the client went away), are rethrown. Its own function, so its temporaries are not part of
    /// the frame every open stream holds.
    @inline(never)
    @concurrent private func resumed(
        after error: any Error, _ writer: inout any ResponseBodyWriter, state: RelayState, outcome: Outcome
    ) async throws -> Bool {
        // The client's writer failed, or the client went away while the upstream was awaited: nothing to resume.
        guard let error = error as? GatewayError, !Task.isCancelled else { throw error }
        if let bytes = state.drain() { try await writer.write(bytes) }
        if let continuation = await recover(from: error, partial: state.partial, failed: &state.failed, outcome: outcome)
        {
            state.events = continuation
            state.resumed = true
            return true
        }
        if let interruption = outcome.interruption { try await writer.write(state.encoder.error(interruption)) }
        return false
    }

    /// The relay loop's state: the chunk encoder, the text so far (for a resume), usage, and the encoded bytes not
    /// yet written. Used by one task only.
    final class RelayState {
        var encoder: ChunkEncoder
        var events: PendingIterator
        var partial = ""
        var failed: Set<String> = []
        var usage = Usage()
        var resumed = false
        /// The chunks of events decoded from one upstream read go out in one write. Bytes are never held while the
        /// relay waits for the upstream (`events.isReady` is false then), so nothing is delayed, and never more
        /// than `maxUnsentBytes` (an upstream that sends faster than the client reads still streams).
        var unsent = ByteBuffer()
        /// Whether the stream's closing bytes were handed out.
        var finished = false

        init(encoder: ChunkEncoder, events: PendingIterator) {
            self.encoder = encoder
            self.events = events
        }

        /// The next bytes to write: events are taken until some are due, then the stream's closing bytes once, then
        /// `nil`. Throws what the upstream's events throw.
        @inline(never)
        func nextBytes(outcome: Outcome) async throws -> ByteBuffer? {
            while let event = try await events.next() {
                if let bytes = take(event, outcome: outcome) { return bytes }
            }
            guard !finished else { return nil }
            finished = true
            return finish()
        }

        /// Records and encodes one event; returns the bytes to write now, if any.
        @inline(never)
        func take(_ event: ChatStreamEvent, outcome: Outcome) -> ByteBuffer? {
            if case .start = event, resumed {} else { outcome.assembler.add(event) }
            var relayed = true
            switch event {
            case .textDelta(_, let text): partial += text
            case .usage(let part):
                usage = StreamRelay.add(usage, part)
                _ = encoder.encode(.usage(usage))
                relayed = false
            case .start where resumed: relayed = false
            default: break
            }
            if relayed, var bytes = encoder.encode(event) { unsent.writeBuffer(&bytes) }
            guard unsent.readableBytes > 0, !events.isReady || unsent.readableBytes >= StreamRelay.maxUnsentBytes
            else { return nil }
            return drain()
        }

        /// The bytes not yet written, if any (and none held after).
        @inline(never)
        func drain() -> ByteBuffer? {
            guard unsent.readableBytes > 0 else { return nil }
            defer { unsent = ByteBuffer() }
            return unsent
        }

        /// What is left plus the stream's closing bytes.
        @inline(never)
        func finish() -> ByteBuffer {
            var closing = encoder.finish()
            unsent.writeBuffer(&closing)
            defer { unsent = ByteBuffer() }
            return unsent
        }
    }

    /// After the upstream broke off: the events of a resumed answer, or `nil` with the interruption recorded.
    @inline(never)
    private func recover(
        from error: GatewayError, partial: String, failed: inout Set<String>, outcome: Outcome
    ) async -> PendingIterator? {
        failed.insert(outcome.recordBreak(error, model: modelName, requestID: requestID, logger: handler.logger))
        if let kept, kept.model.routing.resumeStreams, !partial.isEmpty,
            let continuation = try? await resume(kept, after: partial, excluding: failed)
        {
            return outcome.recordResume(continuation)
        }
        outcome.recordInterruption(error)
        return nil
    }

    /// Routes the continuation: the conversation plus the partial answer as an assistant prefix, on a deployment
    /// that continues prefixes and has not failed for this request.
    private func resume(_ kept: Kept, after partial: String, excluding failed: Set<String>) async throws
        -> RoutingEngine.Routed<ChatCompletionsHandler.OpenedStream>
    {
        let model = kept.model
        var continuation = kept.chat
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
            requestID: requestID, model: model, features: kept.features, excluding: excluded, allowFallbacks: false
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
