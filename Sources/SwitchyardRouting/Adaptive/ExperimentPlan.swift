public import SwitchyardCore

/// An A/B experiment as the routing layer runs it: which public model it applies to, its arms and split, how
/// assignment sticks, the metric it is judged by, and whether the winner is promoted automatically.
public struct ExperimentPlan: Sendable, Hashable {
    /// What an arm serves instead of the requested model.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        /// A configured public model.
        case model(String)
        /// A learned router, requested as `router/NAME`.
        case router(String)
        /// The requested model itself, with this deployment strategy.
        case strategy(RoutingStrategyKind)

        /// `model:NAME`, `router/NAME` or `strategy:KIND`.
        public var description: String {
            switch self {
            case .model(let name): "model:\(name)"
            case .router(let name): "router/\(name)"
            case .strategy(let kind): "strategy:\(kind.rawValue)"
            }
        }
    }

    /// What keeps a caller on one arm.
    public enum Stickiness: String, Sendable, Hashable, CaseIterable {
        /// The virtual key (or the tenant, without one).
        case key
        /// The request's `user` field.
        case user
        /// The `x-switchyard-conversation` header (else the `user` field).
        case conversation
    }

    /// What decides the winner.
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        /// Mean feedback score (higher is better).
        case feedback
        /// Mean cost per request (lower is better).
        case cost
        /// Mean latency (lower is better).
        case latency
        /// Error rate (lower is better).
        case errorRate = "error_rate"

        /// Whether a larger mean is better.
        public var higherIsBetter: Bool { self == .feedback }
    }

    /// One arm.
    public struct Arm: Sendable, Hashable {
        /// The arm's name (reported, and recorded in the ledger's `experiment_arm`).
        public var name: String
        /// What it serves.
        public var target: Target
        /// Relative share of traffic (> 0).
        public var weight: Double

        /// Describes an arm.
        public init(name: String, target: Target, weight: Double) {
            self.name = name
            self.target = target
            self.weight = weight
        }
    }

    /// The experiment's id.
    public var id: String
    /// The public model name requests must ask for to enter the experiment (e.g. `auto`).
    public var model: String
    /// Two or more arms; the first is the control the others are tested against.
    public var arms: [Arm]
    /// What keeps a caller on one arm.
    public var stickiness: Stickiness
    /// What decides the winner.
    public var metric: Metric
    /// Whether a significant winner takes all traffic.
    public var autoPromote: Bool
    /// The sequential test's level (always valid: may be checked after every observation).
    public var alpha: Double

    /// Describes an experiment.
    public init(
        id: String, model: String, arms: [Arm], stickiness: Stickiness = .key, metric: Metric = .feedback,
        autoPromote: Bool = false, alpha: Double = 0.05
    ) {
        self.id = id
        self.model = model
        self.arms = arms
        self.stickiness = stickiness
        self.metric = metric
        self.autoPromote = autoPromote
        self.alpha = alpha
    }
}
