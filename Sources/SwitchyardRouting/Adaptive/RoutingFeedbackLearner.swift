/// Online corrections to a learned router's predicted quality, learned from feedback on served requests.
///
/// The serving path calls ``adjust(requestID:router:scope:embedding:predicted:)`` before a learned router picks a
/// candidate, and the feedback endpoint calls ``learn(requestID:score:)`` when the application or an evaluator
/// scores the answer. Implementations remember what they need about a request (its context and the candidate that
/// served it) between the two calls, bounded in memory.
public protocol RoutingFeedbackLearner: Sendable {
    /// Adjusts the trained predictor's quality estimates for one request.
    ///
    /// - Parameters:
    ///   - requestID: The gateway's request id, the handle feedback will name.
    ///   - router: The router's configured name.
    ///   - scope: What state is kept per (usually the tenant id).
    ///   - embedding: The prompt's unit-length embedding.
    ///   - predicted: The trained predictor's quality per candidate, in the router's candidate order.
    /// - Returns: The quality per candidate to decide with, and whether this request explores.
    func adjust(
        requestID: String, router: String, scope: String, embedding: [Float], predicted: [Double]
    ) async -> LearnedAdjustment

    /// Tells the learner which candidate served a request it adjusted (the router's pick may differ from the
    /// best adjusted quality, e.g. under a cost objective).
    func served(requestID: String, candidate: Int) async

    /// Learns from a score in 0...1 for a served request; returns `false` when the request is unknown
    /// (never adjusted, or forgotten).
    func learn(requestID: String, score: Double) async -> Bool
}

/// The outcome of ``RoutingFeedbackLearner/adjust(requestID:router:scope:embedding:predicted:)``.
public struct LearnedAdjustment: Sendable, Hashable {
    /// Quality per candidate to decide with.
    public var quality: [Double]
    /// Whether the quality values were sampled to explore (counted against the exploration share).
    public var explored: Bool
    /// A short explanation for the decision log (e.g. "bandit: 412 feedback, explore").
    public var note: String

    /// Describes an adjustment.
    public init(quality: [Double], explored: Bool, note: String) {
        self.quality = quality
        self.explored = explored
        self.note = note
    }
}
