import Foundation
public import SwitchyardConfiguration
import SwitchyardCore
public import SwitchyardProviders
public import SwitchyardRouting

/// Serves learned routers: when a chat request names `auto` or `router/NAME`, embeds the prompt in-process, asks
/// the router (after the feedback learner's adjustment, with the tenant's budget pressure), and rewrites the request
/// to the chosen configured model, which then goes through the normal path (admission, cache, deployments,
/// failover). The next-best candidates become the chosen model's fallbacks.
///
/// ```swift
/// let routers = try RouterService.make(configuration: configuration, registry: registry)   // nil without routers
/// ```
public struct RouterService: Sendable {
    /// Routers by the public names that reach them (`router/NAME`, and `auto`).
    let routers: [String: ServedRouter]
    /// Embeds the tail of the last user turn (unit length).
    let embed: @Sendable (String) -> [Float]
    /// Online corrections from feedback, if any.
    let learner: (any RoutingFeedbackLearner)?
    /// Conversations and the model they are on.
    public let stickiness: ConversationStickiness
    /// Tenants' forecast spend over budget.
    public let pressure: BudgetPressureBook
    /// Recent routing decisions (to see whether a sticky conversation's last request failed).
    var decisions: DecisionLog?
    /// Seconds now, for stickiness expiry.
    let now: @Sendable () -> Double

    /// Loads every configured router.
    ///
    /// - Parameters:
    ///   - configuration: The validated configuration (its `routers`).
    ///   - embed: The embedding function (all-MiniLM-L6-v2 in production; tests may inject a deterministic one).
    ///   - dimensions: The embedding size, checked against each artifact.
    ///   - learner: Online corrections from feedback.
    /// - Throws: ``ConfigurationError`` when an artifact does not load or fit.
    public init(
        configuration: GatewayConfiguration, embed: @escaping @Sendable (String) -> [Float], dimensions: Int?,
        learner: (any RoutingFeedbackLearner)? = nil, stickiness: ConversationStickiness = ConversationStickiness(),
        pressure: BudgetPressureBook = BudgetPressureBook(),
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        let catalog = ModelCatalog(models: configuration.models)
        let auto = configuration.autoRouter?.name
        var routers: [String: ServedRouter] = [:]
        for settings in configuration.routers {
            let served = try ServedRouter.load(settings, catalog: catalog, dimensions: dimensions)
            for name in settings.publicNames(isAuto: settings.name == auto) { routers[name] = served }
        }
        self.routers = routers
        self.embed = embed
        self.learner = learner
        self.stickiness = stickiness
        self.pressure = pressure
        self.now = now
    }

    /// The routers of a configuration with the in-process MiniLM embedder (shared with the semantic cache and
    /// `/v1/embeddings` through the registry's local provider), or `nil` when none is configured.
    ///
    /// - Throws: ``GatewayError`` `upstream_unavailable` when the embedding model is not installed;
    ///   ``ConfigurationError`` when an artifact does not load or fit.
    public static func make(
        configuration: GatewayConfiguration, registry: ProviderRegistry, learner: (any RoutingFeedbackLearner)? = nil
    ) throws -> RouterService? {
        guard !configuration.routers.isEmpty else { return nil }
        let embedder = try registry.local.textEmbedder("all-minilm-l6-v2")
        return try RouterService(
            configuration: configuration, embed: embedder.embed, dimensions: embedder.dimensions, learner: learner)
    }

    /// Checks that every configured router loads and fits (for `switchyard config check`), without the embedder.
    ///
    /// - Returns: One line per router: name, artifact, objective and candidates.
    /// - Throws: ``ConfigurationError`` naming the router.
    public static func check(_ configuration: GatewayConfiguration) throws -> [String] {
        let catalog = ModelCatalog(models: configuration.models)
        return try configuration.routers.map { settings in
            let served = try ServedRouter.load(settings, catalog: catalog, dimensions: nil)
            let names = settings.publicNames(isAuto: settings.name == configuration.autoRouter?.name)
            let mapped = settings.candidates.compactMap { candidate, model in model.map { "\(candidate) → \($0)" } }
            return "\(names.joined(separator: ", ")): \(settings.artifactPath) (v\(served.router.formatVersion), "
                + "\(settings.objective)): \(mapped.joined(separator: "; "))"
        }
    }

    /// The same service, reading request outcomes from the engine's decision log.
    func using(decisions: DecisionLog) -> RouterService {
        var copy = self
        copy.decisions = decisions
        return copy
    }

    /// The public names that reach a router (`auto`, `router/NAME`).
    public var publicNames: [String] { routers.keys.sorted() }
}
