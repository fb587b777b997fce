/// What `GET /admin/v1/experiments/{id}` reports: per arm its traffic, cost, latency, errors and feedback, and
/// the sequential test's p-value and decision against the control.
public struct ExperimentReport: Sendable, Hashable, Codable {
    /// One arm's figures.
    public struct Arm: Sendable, Hashable, Codable {
        /// The arm's name.
        public var name: String
        /// What it serves (`model:NAME`, `router/NAME`, `strategy:KIND`).
        public var target: String
        /// Its configured traffic weight.
        public var weight: Double
        /// Requests completed.
        public var requests: Int
        /// Requests that failed.
        public var errors: Int
        /// Failed share.
        public var errorRate: Double
        /// Mean cost per answered request (US dollars).
        public var meanCostUsd: Double
        /// Mean latency per answered request (milliseconds).
        public var meanLatencyMs: Double
        /// Feedback scores received.
        public var feedbackCount: Int
        /// Mean feedback score, when any.
        public var meanFeedback: Double?
        /// The always-valid p-value against the control on the experiment's metric (`nil` for the control).
        public var pValue: Double?
        /// The test's decision against the control (`nil` for the control).
        public var decision: MixtureSPRT.Decision?
    }

    /// The experiment id.
    public var id: String
    /// The public model it applies to.
    public var model: String
    /// The metric judged (`feedback`, `cost`, `latency`, `error_rate`).
    public var metric: String
    /// The test's level α (before the Bonferroni split across treatments).
    public var alpha: Double
    /// The stickiness (`key`, `user`, `conversation`).
    public var stickiness: String
    /// Whether a winner takes all traffic.
    public var autoPromote: Bool
    /// `running` until the test decides, then `decided`; `promoted` once a winner takes all traffic.
    public var status: String
    /// The arm the test found best, once it has.
    public var winner: String?
    /// The arm that takes all traffic, once promoted.
    public var promoted: String?
    /// The arms, control first.
    public var arms: [Arm]

    init(running: ExperimentMonitor.Running) {
        let plan = running.plan
        id = plan.id
        model = plan.model
        metric = plan.metric.rawValue
        alpha = plan.alpha
        stickiness = plan.stickiness.rawValue
        autoPromote = plan.autoPromote
        winner = running.winner.map { plan.arms[$0].name }
        promoted = running.promoted.map { plan.arms[$0].name }
        status = promoted != nil ? "promoted" : winner != nil ? "decided" : "running"
        arms = plan.arms.indices.map { i in
            let stats = running.stats[i]
            return Arm(
                name: plan.arms[i].name, target: plan.arms[i].target.description, weight: plan.arms[i].weight,
                requests: stats.requests, errors: stats.errors, errorRate: stats.errorRate,
                meanCostUsd: stats.cost.mean, meanLatencyMs: stats.latency.mean, feedbackCount: stats.feedback.count,
                meanFeedback: stats.feedback.count > 0 ? stats.feedback.mean : nil,
                pValue: i == 0 ? nil : running.tests[i].pValue, decision: i == 0 ? nil : running.tests[i].decision)
        }
    }
}
