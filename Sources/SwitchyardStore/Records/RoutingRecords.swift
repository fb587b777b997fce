import Foundation

/// A learned router's online state for one scope (a bandit's posteriors as JSON), as kept in `router_state`.
public struct RouterStateRecord: Sendable, Hashable, Codable {
    /// The router's configured name.
    public var router: String
    /// What the state is kept per (usually the tenant id).
    public var scope: String
    /// The state, JSON.
    public var state: String
    /// When it was last written.
    public var updatedAt: Date

    /// Describes one state.
    public init(router: String, scope: String, state: String, updatedAt: Date) {
        self.router = router
        self.scope = scope
        self.state = state
        self.updatedAt = updatedAt
    }
}

/// One feedback score on a served request, as kept in `routing_feedback`.
public struct FeedbackRecord: Sendable, Hashable, Codable {
    /// When the feedback arrived.
    public var time: Date
    /// The request it scores.
    public var requestID: String
    /// The request's tenant.
    public var tenantID: String?
    /// The learned router that served it, if one did.
    public var router: String?
    /// The public model that served it.
    public var model: String?
    /// The experiment it ran in, if any.
    public var experiment: String?
    /// The experiment arm, if any.
    public var experimentArm: String?
    /// What was scored (`score` for the plain 0…1 score, or the caller's metric name).
    public var metric: String
    /// The value.
    public var score: Double

    /// Describes one feedback score.
    public init(
        time: Date, requestID: String, tenantID: String? = nil, router: String? = nil, model: String? = nil,
        experiment: String? = nil, experimentArm: String? = nil, metric: String = "score", score: Double
    ) {
        self.time = time
        self.requestID = requestID
        self.tenantID = tenantID
        self.router = router
        self.model = model
        self.experiment = experiment
        self.experimentArm = experimentArm
        self.metric = metric
        self.score = score
    }
}
