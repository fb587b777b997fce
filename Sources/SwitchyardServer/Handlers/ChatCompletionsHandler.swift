import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import SwitchyardCache
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardProviders
import SwitchyardRouting
import SwitchyardTelemetry
import Tracing

/// `POST /v1/chat/completions`: decode, route over the model's deployments (retries, failover, fallbacks), call
/// the provider, answer in one piece or as server-sent events, and explain the route in headers and the
/// decision log.
final class ChatCompletionsHandler: Sendable {
    let engine: RoutingEngine
    let registry: ProviderRegistry
    let bodyDecoder: RequestBodyDecoder
    let listenerRegion: String?
    let logger: Logger
    let governance: ChatGovernance?
    let cache: GatewayCache?
    let telemetry: GatewayTelemetry?
    let pricing: PricingCatalogue
    /// When set, prompts are logged through it (operator opted in with `server.log_prompts`).
    let promptRedactor: Redactor?
    /// Learned routers (`model: auto`, `router/NAME`), when configured.
    let routers: RouterService?
    /// Feedback and A/B experiments, when configured.
    let feedback: FeedbackServices?
    /// Settles answered calls once their responses are written.
    let settlements: Settlements
    /// Whether requests are traced (`GatewayServices.tracing`): upstream attempts get spans of their own.
    let tracing: Bool
    /// The fields that name each configured deployment, for the routing headers of every answer.
    let deploymentFields: DeploymentFields

    /// Creates the handler with the gateway's services. A class: every request's frames and every open stream's
    /// relay hold a reference to it, not a kilobyte-sized copy of its services.
    init(
        engine: RoutingEngine, registry: ProviderRegistry, bodyDecoder: RequestBodyDecoder, listenerRegion: String?,
        logger: Logger, governance: ChatGovernance? = nil, cache: GatewayCache? = nil,
        telemetry: GatewayTelemetry? = nil, pricing: PricingCatalogue = PricingCatalogue(),
        promptRedactor: Redactor? = nil, routers: RouterService? = nil, feedback: FeedbackServices? = nil,
        settlements: Settlements = Settlements(), tracing: Bool = false
    ) {
        self.engine = engine
        self.registry = registry
        self.bodyDecoder = bodyDecoder
        self.listenerRegion = listenerRegion
        self.logger = logger
        self.governance = governance
        self.cache = cache
        self.telemetry = telemetry
        self.pricing = pricing
        self.promptRedactor = promptRedactor
        self.routers = routers
        self.feedback = feedback
        self.settlements = settlements
        self.tracing = tracing
        self.deploymentFields = DeploymentFields(engine.catalog.ordered.lazy.flatMap(\.deployments))
    }

    /// Answers one request, in three phases that are separate functions: ``accept(_:context:)`` (decode, validate,
    /// select, admit, probe the cache), then ``stream(_:context:)`` or ``complete(_:context:)``.
    ///
    /// The split is for memory: a stream waits for its upstream's first event (a model's time to first token,
    /// seconds) under every frame above it. As one function, this frame was 36,240 bytes, held for the whole wait;
    /// now it holds the phase's result.
    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        switch try await accept(request, context: context) {
        case .answered(let response):
            return response
        case .call(let call):
            if call.chat.stream { return try await stream(call, context: context) }
            return try await complete(call, context: context)
        }
    }

    /// What ``accept(_:context:)`` decided: the answer (from the cache), or the call to make upstream.
    enum Acceptance: Sendable {
        case answered(Response)
        case call(ChatCall)
    }

    /// Routes a non-streaming call over the model's deployments and answers it in one piece. Like
    /// ``stream(_:context:)``, the frame that waits for the upstream holds only what crosses the wait.
    ///
    /// An answered call is settled (budget, token buckets, ledger record, metrics, the decision log) after its
    /// response is written, not before (``Settlements``): the client does not wait for the bookkeeping. The call and
    /// its answer are released there too, so that freeing them is not on the client's time either.
    @inline(never)
    func complete(_ call: ChatCall, context: GatewayRequestContext) async throws -> Response {
        let routed: RoutingEngine.Routed<Answered>
        do {
            routed = try await engine.route(
                requestID: context.requestID, model: call.model, features: call.features, strategy: call.strategy
            ) { deployment, _ in
                try await self.answer(call, on: deployment)
            }
        } catch {
            await call.ticket.failed(error)
            throw error
        }
        let decisions = engine.decisions
        settlements.afterResponse {
            decisions.record(routed.decision)
            await call.ticket.succeeded(
                deployment: routed.deployment, usage: routed.value.answer.usage, decision: routed.decision)
        }
        return try completeResponse(call, routed: routed, requestID: context.requestID)
    }

    /// One deployment's answer to a non-streaming call.
    func answer(_ call: ChatCall, on deployment: Deployment) async throws -> Answered {
        try await GenAISpans.attempt(call.chat, on: deployment, streaming: false, traced: tracing) { span in
            let provider = registry.provider(for: deployment.provider)
            let prepared = try prepare(call.chat, for: deployment, on: provider)
            let answer = try await provider.complete(
                prepared.request, original: prepared.dropped.isEmpty ? call.original : nil, deployment: deployment)
            GenAISpans.record(answer, on: span)
            return Answered(answer: answer, dropped: prepared.dropped)
        }
    }

    /// The response to a routed non-streaming call: routing headers and the answer, stored in the cache on a miss.
    @inline(never)
    func completeResponse(_ call: ChatCall, routed: RoutingEngine.Routed<Answered>, requestID: String) throws
        -> Response
    {
        let body: ByteBuffer
        switch routed.value.answer {
        case .decoded(let response):
            let answer = completed(response, requestID: requestID)
            call.caching?.store(answer, for: call.chat)
            body = try JSONEncoder().encodeAsByteBuffer(answer, allocator: ByteBufferAllocator())
        case .forwarded(let forwarded):
            if let caching = call.caching, let answer = try? JSONDecoder().decode(ChatResponse.self, from: forwarded.body) {
                caching.store(answer, for: call.chat)
            }
            body = forwarded.body
        }
        // The length, type and deployment's fields from the table. Room for what follows: the attempts, the reason,
        // the dropped parameters, and the responder's `x-request-id` and `Date` (a list that grows past its
        // capacity is copied).
        var headers = deploymentFields.answerFields(
            for: routed.deployment, contentLength: body.readableBytes, reserving: call.headers.count + 5)
        Self.appendDecision(routed.decision, to: &headers)
        headers.append(contentsOf: call.headers)
        if !routed.value.dropped.isEmpty { headers[.switchyardDroppedParams] = routed.value.dropped.joined(separator: ",") }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A request adapted to one deployment, with the parameters dropped for it.
    struct Prepared: Sendable {
        var request: ChatRequest
        var dropped: [String]
    }

    /// A deployment's answer, with the parameters dropped for it.
    struct Answered: Sendable {
        var answer: CompletionAnswer
        var dropped: [String]
    }

    /// Applies the deployment's parameter policy: reject what its provider cannot honour, or drop and report it.
    func prepare(_ chat: ChatRequest, for deployment: Deployment, on provider: any ModelProvider) throws -> Prepared {
        let unsupported = provider.unsupportedParameters(in: chat)
        guard let first = unsupported.first else { return Prepared(request: chat, dropped: []) }
        guard deployment.dropUnsupportedParams else {
            throw GatewayError(
                .unsupportedParameter,
                "Provider '\(deployment.provider.name)' (\(deployment.provider.kind.rawValue)) does not support "
                    + "'\(first)'. Remove it, or set drop_unsupported_params: true for model '\(chat.model)'.",
                param: first)
        }
        var chat = chat
        for name in unsupported { chat.removeParameter(name) }
        return Prepared(request: chat, dropped: unsupported)
    }

    func completed(_ answer: ChatResponse, requestID: String) -> ChatResponse {
        var answer = answer
        if answer.id.isEmpty { answer.id = "chatcmpl-" + requestID }
        if answer.created == 0 { answer.created = Int(Date().timeIntervalSince1970) }
        return answer
    }

    /// The headers that say where a request went and why, with room for `extra` more: the deployment's fields from
    /// ``deploymentFields``, then the attempts and the reason.
    ///
    /// Appended, not assigned: assigning through the subscript searches the list for an earlier field of the same
    /// name every time (this function was 32,000 instructions per request under callgrind).
    func routingHeaders(for deployment: Deployment, decision: RoutingDecision, reserving extra: Int) -> HTTPFields {
        var headers = deploymentFields.fields(for: deployment, reserving: 2 + extra)
        Self.appendDecision(decision, to: &headers)
        return headers
    }

    /// The headers that say where a request went and why, built field by field
    /// (``routingHeaders(for:decision:reserving:)`` for the chat path).
    static func routingHeaders(for deployment: Deployment, decision: RoutingDecision? = nil) -> HTTPFields {
        var headers = DeploymentFields.build(deployment, capacity: 12)
        if let decision { appendDecision(decision, to: &headers) }
        return headers
    }

    /// Appends a decision's `x-switchyard-attempts` and `x-switchyard-route-reason`.
    static func appendDecision(_ decision: RoutingDecision, to headers: inout HTTPFields) {
        let attempts = decision.attempts.count
        headers.append(
            attempts == 1 ? oneAttempt : HTTPField(name: .switchyardAttempts, value: String(attempts)))
        headers.append(HTTPField(name: .switchyardRouteReason, value: headerSafe(decision.reason)))
    }

    /// `x-switchyard-attempts: 1`, the usual value, checked once.
    static let oneAttempt = HTTPField(name: .switchyardAttempts, value: "1")

    /// At most 200 ASCII characters of a reason (the reason itself when it already is).
    static func headerSafe(_ reason: String) -> String {
        if reason.utf8.count <= 200, UTF8Scan.all(reason, { $0 < 0x80 }) { return reason }
        return String(reason.unicodeScalars.filter(\.isASCII).prefix(200))
    }
}
