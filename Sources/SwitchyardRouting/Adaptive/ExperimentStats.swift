/// One arm's running figures: requests, errors, cost, latency and feedback.
public struct ExperimentStats: Sendable, Hashable {
    /// Requests completed (answered or failed).
    public private(set) var requests = 0
    /// Requests that failed.
    public private(set) var errors = 0
    /// Cost per answered request, US dollars.
    public private(set) var cost = RunningMoments()
    /// Latency per answered request, milliseconds.
    public private(set) var latency = RunningMoments()
    /// 1 per failed request, 0 per answered one.
    public private(set) var failures = RunningMoments()
    /// Feedback scores (0…1).
    public private(set) var feedback = RunningMoments()

    /// No requests yet.
    public init() {}

    /// Records one completed request.
    public mutating func record(costUSD: Double, latencyMilliseconds: Double, failed: Bool) {
        requests += 1
        failures.add(failed ? 1 : 0)
        if failed {
            errors += 1
        } else {
            cost.add(costUSD)
            latency.add(latencyMilliseconds)
        }
    }

    /// Records one feedback score.
    public mutating func record(feedback score: Double) {
        feedback.add(score)
    }

    /// The sample a metric is judged on.
    public func sample(_ metric: ExperimentPlan.Metric) -> RunningMoments {
        switch metric {
        case .feedback: feedback
        case .cost: cost
        case .latency: latency
        case .errorRate: failures
        }
    }

    /// Failed share of requests (0 with none).
    public var errorRate: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }
}
