public import SwitchyardCore

/// One A/B experiment as configured (`experiments[]`): the public model it applies to, its arms and their traffic
/// split, sticky assignment, the metric it is judged by and automatic promotion.
///
/// ```yaml
/// experiments:
///   - id: router-vs-gpt
///     model: auto                      # requests for this public model (or router) enter the experiment
///     arms:                            # the first arm is the control
///       - { name: control, model: gpt-4o, weight: 1 }
///       - { name: learned, router: support-bot, weight: 1 }
///       - { name: fastest, strategy: lowest_latency, weight: 1 }
///     sticky: user                     # key | user | conversation
///     metric: feedback                 # feedback | cost | latency | error_rate
///     auto_promote: true
///     alpha: 0.05
/// ```
public struct ExperimentConfiguration: Sendable, Hashable {
    /// What an arm serves.
    public enum Target: Sendable, Hashable {
        /// A configured model (`model: NAME`).
        case model(String)
        /// A learned router (`router: NAME`, served as `router/NAME`).
        case router(String)
        /// The requested model with a deployment strategy (`strategy: KIND`).
        case strategy(RoutingStrategyKind)
    }

    /// One arm.
    public struct Arm: Sendable, Hashable {
        /// The arm's name, unique in its experiment.
        public var name: String
        /// What it serves.
        public var target: Target
        /// Relative traffic share (> 0). Default 1.
        public var weight: Double

        /// Describes an arm.
        public init(name: String, target: Target, weight: Double = 1) {
            self.name = name
            self.target = target
            self.weight = weight
        }
    }

    /// The experiment id (`id`), unique.
    public var id: String
    /// The public model name it applies to (`model`): a configured model, `auto` or `router/NAME`.
    public var model: String
    /// Two or more arms (`arms`); the first is the control.
    public var arms: [Arm]
    /// What keeps a caller on one arm (`sticky`): `key`, `user` or `conversation`. Default `key`.
    public var sticky: String
    /// What decides the winner (`metric`): `feedback`, `cost`, `latency` or `error_rate`. Default `feedback`.
    public var metric: String
    /// Whether a significant winner takes all traffic (`auto_promote`). Default `false`.
    public var autoPromote: Bool
    /// The sequential test's level (`alpha`, 0 < α ≤ 0.5). Default 0.05.
    public var alpha: Double

    /// Describes an experiment.
    public init(
        id: String, model: String, arms: [Arm], sticky: String = "key", metric: String = "feedback",
        autoPromote: Bool = false, alpha: Double = 0.05
    ) {
        self.id = id
        self.model = model
        self.arms = arms
        self.sticky = sticky
        self.metric = metric
        self.autoPromote = autoPromote
        self.alpha = alpha
    }

    /// The stickiness values accepted.
    public static let stickinessValues: Set<String> = ["key", "user", "conversation"]
    /// The metrics accepted.
    public static let metricValues: Set<String> = ["feedback", "cost", "latency", "error_rate"]
}

/// How feedback trains the learned routers' online corrections (`feedback:`).
///
/// ```yaml
/// feedback: { max_exploration_share: 0.05, exploration_window: 200, discount: 0.995, flush_seconds: 30 }
/// ```
public struct FeedbackConfiguration: Sendable, Hashable {
    /// Largest share of a router's requests (per tenant) that may explore. Key: `max_exploration_share`. Default 0.1.
    public var maxExplorationShare: Double = 0.1
    /// Requests the exploring share is measured over. Key: `exploration_window`. Default 200.
    public var explorationWindow: Int = 200
    /// Forgetting factor per feedback, 0…1 (1 never forgets). Key: `discount`. Default 0.995.
    public var discount: Double = 0.995
    /// Projected embedding dimensions. Key: `dimensions`. Default 8.
    public var dimensions: Int = 8
    /// Requests remembered for feedback. Key: `pending_requests`. Default 50 000.
    public var pendingRequests: Int = 50_000
    /// How often learned state is written to the store, seconds. Key: `flush_seconds`. Default 30.
    public var flushSeconds: Int = 30

    /// The defaults.
    public init() {}
}
