import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardEmbeddings
import SwitchyardGovernance
import SwitchyardRouting

extension RouterService {
    /// Routes a request that names a router: picks a configured model and rewrites `chat.model` to it.
    ///
    /// - Returns: The selection, or `nil` when the request names an ordinary model.
    /// - Throws: ``GatewayError`` `model_not_found` for an unknown `router/NAME`, `no_eligible_deployment` when no
    ///   candidate may serve this caller.
    func select(_ chat: inout ChatRequest, request: Request, context: GatewayRequestContext) async throws
        -> RouterSelection?
    {
        let requested = chat.model
        guard let served = routers[requested] else {
            if chat.model.hasPrefix("router/") || chat.model == "auto" {
                throw GatewayError(.modelNotFound, "The router '\(chat.model)' does not exist.", param: "model")
            }
            return nil
        }
        let identity = context.identity ?? Identity.anonymous
        let excludedProviders = served.settings.excludedProviders.union(Self.excludedProviders(of: identity))
        let exclusions = served.models.map {
            exclusion(
                of: $0, in: served, requested: requested, identity: identity, excludedProviders: excludedProviders)
        }
        guard exclusions.contains(where: { $0 == nil }) else {
            throw GatewayError(
                .noEligibleDeployment, "No candidate of router '\(served.settings.name)' may serve this request.",
                param: "model")
        }
        let router = served.router
        let texts = chat.messages.compactMap { $0.content?.text }
        let features = PromptFeatures(
            text: texts.joined(separator: "\n"),
            conversationDepth: chat.messages.filter { $0.role == .user }.count,
            toolsRequested: !(chat.tools ?? []).isEmpty)
        let lastUser = chat.messages.last { $0.role == .user }?.content?.text ?? texts.last ?? ""
        let embed = self.embed
        let text = PromptFeatures.embeddingText(lastUserTurn: lastUser)
        let embedding = await ComputeQueue.run { embed(text) }  // a forward pass: off the event loop
        var quality = router.predictQuality(embedding: embedding, features: features)
        var adjustment: LearnedAdjustment?
        if let learner {
            let adjusted = await learner.adjust(
                requestID: context.requestID, router: served.settings.name, scope: identity.tenantID,
                embedding: embedding, predicted: quality)
            if adjusted.quality.count == quality.count {
                quality = adjusted.quality
                adjustment = adjusted
            }
        }
        let costs = router.candidates.map { $0.cost.estimate(characters: features.characters) }
        let ratio = pressure.ratio(for: identity.tenantID)
        let (objective, base, uplift) = served.objective(budgetRatio: ratio)
        let masked = quality.indices.map { exclusions[$0] == nil ? quality[$0] : -1e9 }
        let decision = router.decide(quality: masked, costs: costs, objective: objective)
        var pick = decision.chosenIndex
        var basis = decision.targetMet == false ? "target_not_met" : "objective"
        let conversation = conversationKey(chat, request: request, router: served.settings, tenant: identity.tenantID)
        if let conversation, let sticky = stickyCandidate(conversation, served: served, eligible: exclusions) {
            if sticky != pick { basis = "sticky" }
            pick = sticky
        }
        guard var model = served.models[pick] else {
            throw GatewayError(.internalError, "The router picked an unmapped candidate.")
        }
        let fallbacks = nextBest(after: pick, decision: decision, served: served, eligible: exclusions)
        model.routing.extendFallbacks(with: fallbacks.map(\.name))
        if let conversation {
            stickiness.remember(conversation, model: model.name, requestID: context.requestID, now: now())
        }
        await learner?.served(requestID: context.requestID, candidate: pick)
        let strongest = served.models[router.strongestIndex]
        let explanation = RouterExplanation(
            router: served.settings.name, objective: served.settings.objective.description, baseLambda: base,
            lambda: decision.lambda, budgetRatio: ratio, budgetUplift: uplift,
            candidates: router.candidates.indices.map { index in
                RouterExplanation.Candidate(
                    candidate: router.candidates[index].name, model: served.models[index]?.name,
                    predictedQuality: quality[index], expectedCostUSD: costs[index],
                    utility: exclusions[index] == nil ? decision.candidates[index].utility : nil,
                    excluded: exclusions[index])
            },
            pickCandidate: router.candidates[pick].name, pick: model.name, basis: basis,
            strongestCandidate: decision.strongest, strongest: strongest?.name,
            strongestCostUSD: decision.strongestCostUSD, strongestPricing: strongest.flatMap(Self.representativePrice),
            fallbacks: fallbacks.map(\.name), feedback: adjustment?.note, explored: adjustment?.explored ?? false)
        chat.model = model.name
        return RouterSelection(
            router: served.settings.name, requestedModel: requested, model: model,
            reachableModels: [model] + fallbacks, explanation: explanation,
            excludedProviders: excludedProviders)
    }

    /// The providers a key excludes with its `exclude_providers` tag (comma-separated configured names).
    static func excludedProviders(of identity: Identity) -> Set<String> {
        guard let tag = identity.tags["exclude_providers"] else { return [] }
        return Set(tag.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// Why a candidate cannot serve this caller, or `nil` when it can.
    private func exclusion(
        of model: ModelDefinition?, in served: ServedRouter, requested: String, identity: Identity,
        excludedProviders: Set<String>
    ) -> String? {
        guard let model else { return "not configured" }
        let allowed = identity.allowedModels
        if !allowed.isEmpty, !allowed.contains(model.name), !allowed.contains(requested),
            !allowed.contains("router/\(served.settings.name)")
        {
            return "model \(model.name) not allowed for this key"
        }
        let usable = model.deployments.filter { deployment in
            !excludedProviders.contains(deployment.provider.name)
                && (identity.allowedRegions.isEmpty || deployment.region.map(identity.allowedRegions.contains) == true)
        }
        return usable.isEmpty ? "every deployment excluded (providers or regions)" : nil
    }

    /// Other eligible candidates' models, best first (by utility, or predicted quality under a quality target),
    /// without the pick's model: at most two.
    private func nextBest(after pick: Int, decision: RouterDecision, served: ServedRouter, eligible: [String?])
        -> [ModelDefinition]
    {
        let score = { (index: Int) in
            decision.candidates[index].utility ?? decision.candidates[index].predictedQuality
        }
        var seen: Set<String> = [served.models[pick]?.name ?? ""]
        var result: [ModelDefinition] = []
        for index in decision.candidates.indices.sorted(by: { score($0) > score($1) })
        where index != pick && eligible[index] == nil {
            guard let model = served.models[index], seen.insert(model.name).inserted else { continue }
            result.append(model)
            if result.count == 2 { break }
        }
        return result
    }

    /// The candidate a conversation is stuck to, if it is still eligible and its last request did not fail.
    private func stickyCandidate(_ key: String, served: ServedRouter, eligible: [String?]) -> Int? {
        guard let entry = stickiness.entry(for: key, now: now()) else { return nil }
        var model = entry.model
        if let last = decisions?.decision(for: entry.requestID) {
            guard last.pick != nil, let answered = last.attempts.last(where: { $0.outcome == "ok" }) else {
                stickiness.forget(key)
                return nil
            }
            model = answered.model
        }
        return served.models.indices.first { served.models[$0]?.name == model && eligible[$0] == nil }
    }

    /// `tenant · user · conversation`, when the request names a conversation and the router is sticky.
    private func conversationKey(
        _ chat: ChatRequest, request: Request, router: SwitchyardConfiguration.RouterSettings, tenant: String
    ) -> String? {
        guard router.stickiness else { return nil }
        let id = request.headers[.switchyardConversationID] ?? chat.metadata?["conversation_id"]?.stringValue
        guard let id, !id.isEmpty else { return nil }
        return [router.name, tenant, chat.user ?? "", id].joined(separator: "\u{1F}")
    }

    /// The price of a model's priciest deployment (the counterfactual is priced like a reservation).
    static func representativePrice(_ model: ModelDefinition) -> ModelPricing? {
        model.deployments.compactMap(\.pricing).max {
            $0.inputPerMTok + $0.outputPerMTok < $1.inputPerMTok + $1.outputPerMTok
        }
    }
}

extension RoutingPolicy {
    /// Appends models to every fallback list (and to the default list), keeping configured ones first.
    mutating func extendFallbacks(with models: [String]) {
        guard !models.isEmpty else { return }
        var lists = fallbacks
        if lists[.any] == nil { lists[.any] = [] }
        for (trigger, list) in lists { lists[trigger] = list + models.filter { !list.contains($0) } }
        fallbacks = lists
    }
}
