import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardCache
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardTelemetry
import Tracing

extension ChatCompletionsHandler {
    /// Decodes and validates the request, assigns its experiment arm, selects a learned router's model, admits it
    /// (budgets, limits, downgrades) and probes the cache.
    ///
    /// Each step that waits is its own function, and the request travels between them in an ``Intake``: a task
    /// keeps the memory its deepest frames needed until it ends, and a stream's wait for its first token reuses
    /// that memory. As one function this frame was 16,752 bytes, with the governor's and the cache's under it.
    @inline(never)
    func accept(_ request: Request, context: GatewayRequestContext) async throws -> Acceptance {
        let intake = try await decode(request, context: context)
        if let governance, let identity = context.identity {
            try await admit(intake, governance: governance, identity: identity)
        }
        let call = callPlan(intake, request: request, context: context)
        guard let cache else { return .call(call.call(caching: nil)) }
        return await probe(cache, call: call, request: request, context: context)
    }

    /// A request between the steps of ``accept(_:context:)``. Used by one task at a time.
    final class Intake {
        var chat: ChatRequest
        let original: ByteBuffer
        var model: ModelDefinition
        let learned: RouterSelection?
        let arm: ExperimentMonitor.Assignment?
        let ticket: RequestTicket
        var headers: HTTPFields

        init(
            chat: ChatRequest, original: ByteBuffer, model: ModelDefinition, learned: RouterSelection?,
            arm: ExperimentMonitor.Assignment?, ticket: RequestTicket, headers: HTTPFields
        ) {
            self.chat = chat
            self.original = original
            self.model = model
            self.learned = learned
            self.arm = arm
            self.ticket = ticket
            self.headers = headers
        }
    }

    /// Decodes and validates the body, assigns the experiment arm and lets a learned router pick the model.
    @inline(never)
    func decode(_ request: Request, context: GatewayRequestContext) async throws -> Intake {
        // The client's bytes are kept for the pass-through path: forwarded with only `model` rewritten when the
        // deployment speaks the same dialect. Everything below changes `chat.model` and nothing else.
        let (parsed, original) = try await bodyDecoder.decodeKeepingBody(
            ChatRequest.self, from: request, wholeBody: context.wholeBody)
        var decoded = parsed
        try ChatRequestValidator.validate(decoded)
        let arm = feedback?.assign(&decoded, request: request, context: context)  // A/B arm: before router selection
        let learned = try await routers?.select(&decoded, request: request, context: context)
        return try intake(decoded, original: original, learned: learned, arm: arm, requestID: context.requestID)
    }

    /// The request's model, ticket and first headers.
    @inline(never)
    func intake(
        _ chat: ChatRequest, original: ByteBuffer, learned: RouterSelection?, arm: ExperimentMonitor.Assignment?,
        requestID: String
    ) throws -> Intake {
        let model = try learned?.model ?? engine.catalog.model(named: chat.model)
        let ticket = RequestTicket(requestID: requestID, model: chat.model, telemetry: telemetry, pricing: pricing)
        feedback?.track(ticket, arm)
        return Intake(
            chat: chat, original: original, model: model, learned: learned, arm: arm, ticket: ticket,
            headers: learned?.headers ?? HTTPFields())
    }

    /// Governance: rights, rate limits, a budget reservation, perhaps a downgrade. A refusal settles the ticket.
    @inline(never)
    func admit(_ intake: Intake, governance: ChatGovernance, identity: Identity) async throws {
        do {
            let admission = try await governance.admit(
                intake.chat, model: intake.model, identity: identity, learned: intake.learned)
            try admitted(admission, intake: intake, governor: governance.runtime.governor)
        } catch {
            await intake.ticket.failed(error)
            throw error
        }
    }

    /// Applies an admission: the ticket, its headers, a downgrade.
    @inline(never)
    func admitted(_ admission: Admission, intake: Intake, governor: Governor) throws {
        intake.ticket.admitted(admission, by: governor)
        intake.headers.set(admission.headers)
        if let downgrade = admission.downgradeModel {
            intake.model = try engine.catalog.model(named: downgrade)
            intake.chat.model = downgrade
            intake.ticket.serve(model: downgrade)
        }
    }

    /// An admitted request before the cache: what routing needs of it. Logs the prompt when the operator asked.
    @inline(never)
    func callPlan(_ intake: Intake, request: Request, context: GatewayRequestContext) -> CallPlan {
        let chat = intake.chat
        if let promptRedactor {
            let text = chat.messages.last { $0.role == .user }?.content?.text ?? ""
            logger.info(
                "prompt", metadata: ["request_id": "\(context.requestID)", "prompt": "\(promptRedactor.redact(text))"])
        }
        let (region, strategyName) = request.headers.values(of: .switchyardRegion, .switchyardStrategy)
        var features = RequestFeatures(
            request: chat, allowedRegions: context.identity?.allowedRegions ?? [],
            preferredRegion: region ?? listenerRegion)
        intake.learned?.constrain(&features)
        let strategy = intake.arm?.strategy ?? strategyName.flatMap(RoutingStrategyKind.init(rawValue:))
        return CallPlan(intake: intake, features: features, strategy: strategy)
    }

    /// An admitted request with its routing features, before the cache.
    struct CallPlan {
        let intake: Intake
        let features: RequestFeatures
        let strategy: RoutingStrategyKind?

        /// The call to make upstream.
        func call(caching: CachePlan?) -> ChatCall {
            ChatCall(
                chat: intake.chat, original: intake.original, model: intake.model, features: features,
                strategy: strategy, ticket: intake.ticket, caching: caching, headers: intake.headers)
        }
    }

    /// Looks the request up in the cache: its answer on a hit, else the call with what storing its answer needs.
    @inline(never)
    func probe(_ cache: GatewayCache, call plan: CallPlan, request: Request, context: GatewayRequestContext) async
        -> Acceptance
    {
        let intake = plan.intake
        let chat = intake.chat
        let tenant = context.identity?.tenantID ?? Identity.anonymous.tenantID
        let control = SwitchyardCache.CacheControl(request: chat, header: request.headers[.cacheControl])
        let probe = await withSpan("cache lookup") { span in
            let probe = await cache.probe(chat, tenant: tenant, control: control)
            span.attributes["switchyard.cache.result"] = probe.lookup.headerValue
            return probe
        }
        let lookup = probe.lookup
        if let cached = lookup.response {
            intake.ticket.cache(lookup.telemetryResult)
            return .answered(
                await answerFromCache(
                    cached, lookup: lookup, chat: chat, model: intake.model, ticket: intake.ticket,
                    headers: intake.headers, requestID: context.requestID))
        }
        intake.ticket.cache(.miss)
        intake.headers[.switchyardCache] = lookup.headerValue
        return .call(plan.call(caching: CachePlan(cache: cache, tenant: tenant, control: control, query: probe.query)))
    }
}
