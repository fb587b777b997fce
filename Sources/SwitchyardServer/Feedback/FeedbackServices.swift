import Foundation
public import SwitchyardConfiguration
import SwitchyardCore
public import SwitchyardRouting
public import SwitchyardStore

/// Learning from feedback and A/B experiments: the routers' contextual bandit, the experiments' monitor, the log of
/// recent requests feedback may name, and the store feedback and bandit state are kept in.
///
/// ```swift
/// let feedback = FeedbackServices.make(configuration: configuration, store: governance?.store)
/// let routers = try RouterService.make(configuration: configuration, registry: registry, learner: feedback.learner)
/// // background: feedback.persistence (flushes the bandit's state); after migrations: try await feedback.load()
/// ```
///
/// A class: every request's feedback tracking holds it, and a copy of its five services was five reference-count
/// operations.
public final class FeedbackServices: Sendable {
    /// Online corrections of the learned routers' predicted quality.
    public let learner: ContextualBandit
    /// The configured experiments.
    public let experiments: ExperimentMonitor
    /// Where feedback and the bandit's state are kept; `nil` keeps nothing (no store configured).
    public let store: (any Store)?
    /// How often the bandit's changed state is written.
    public let flushInterval: Duration
    let served: ServedRequestLog

    /// Creates the services.
    ///
    /// - Parameters:
    ///   - learner: The bandit.
    ///   - experiments: The experiments.
    ///   - store: Where feedback and state are kept.
    ///   - flushInterval: How often changed state is written.
    ///   - servedCapacity: Recent requests feedback may name.
    public init(
        learner: ContextualBandit = ContextualBandit(), experiments: ExperimentMonitor = ExperimentMonitor(plans: []),
        store: (any Store)? = nil, flushInterval: Duration = .seconds(30), servedCapacity: Int = 100_000
    ) {
        self.learner = learner
        self.experiments = experiments
        self.store = store
        self.flushInterval = flushInterval
        served = ServedRequestLog(capacity: servedCapacity)
    }

    /// The services a configuration asks for (`feedback:` and `experiments:`).
    public static func make(configuration: GatewayConfiguration, store: (any Store)?) -> FeedbackServices {
        let settings = configuration.feedback
        let bandit = ContextualBandit(
            settings: ContextualBanditSettings(
                dimensions: settings.dimensions, discount: settings.discount,
                maxExplorationShare: settings.maxExplorationShare, explorationWindow: settings.explorationWindow,
                pendingCapacity: settings.pendingRequests))
        return FeedbackServices(
            learner: bandit, experiments: ExperimentMonitor(plans: configuration.experiments.map(plan(for:))),
            store: store, flushInterval: .seconds(settings.flushSeconds),
            servedCapacity: max(settings.pendingRequests, 10_000))
    }

    /// The routing layer's plan for a configured experiment.
    static func plan(for experiment: ExperimentConfiguration) -> ExperimentPlan {
        ExperimentPlan(
            id: experiment.id, model: experiment.model,
            arms: experiment.arms.map { arm in
                let target: ExperimentPlan.Target =
                    switch arm.target {
                    case .model(let name): .model(name)
                    case .router(let name): .router(name)
                    case .strategy(let kind): .strategy(kind)
                    }
                return ExperimentPlan.Arm(name: arm.name, target: target, weight: arm.weight)
            },
            stickiness: ExperimentPlan.Stickiness(rawValue: experiment.sticky) ?? .key,
            metric: ExperimentPlan.Metric(rawValue: experiment.metric) ?? .feedback,
            autoPromote: experiment.autoPromote, alpha: experiment.alpha)
    }

    /// The service that writes the bandit's state periodically and at shutdown; `nil` without a store.
    public var persistence: BanditPersistence? {
        store.map { BanditPersistence(learner: learner, store: $0, interval: flushInterval) }
    }

    /// Loads the bandit's saved state (call once the store is migrated).
    ///
    /// - Returns: The states installed (states learned with other settings are skipped).
    /// - Throws: ``StoreError`` when the store fails.
    @discardableResult
    public func load() async throws -> Int {
        guard let persistence else { return 0 }
        return try await persistence.load()
    }
}
