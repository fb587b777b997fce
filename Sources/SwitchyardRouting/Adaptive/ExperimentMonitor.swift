import Synchronization

/// Runs the configured A/B experiments in process: assigns requests to arms, keeps each arm's figures, runs the
/// sequential test and promotes a winner when asked to.
///
/// Every non-control arm is tested against the first arm (the control) by a ``MixtureSPRT`` at level
/// `α/(arms − 1)` (Bonferroni), on the experiment's metric. The winner is the best treatment that is significantly
/// better than the control, or the control once every treatment is significantly worse. With `auto_promote`, a
/// winner takes all of the experiment's traffic from then on. Figures live in memory (a restart starts them afresh;
/// the ledger keeps each request's arm).
///
/// ```swift
/// let monitor = ExperimentMonitor(plans: [plan])
/// if let assignment = monitor.assign(model: "auto", stickyKey: keyID) { … serve assignment.target … }
/// monitor.recordOutcome(experiment: a.experiment, arm: a.arm, costUSD: 0.002, latencyMilliseconds: 840, failed: false)
/// ```
public final class ExperimentMonitor: Sendable {
    /// Where one request goes.
    public struct Assignment: Sendable, Hashable {
        /// The experiment id.
        public var experiment: String
        /// The arm's name.
        public var arm: String
        /// What the arm serves.
        public var target: ExperimentPlan.Target
    }

    struct Running: Sendable {
        var plan: ExperimentPlan
        var assigner: ExperimentAssigner
        var stats: [ExperimentStats]
        var tests: [MixtureSPRT]
        var winner: Int?
        var promoted: Int?
    }

    private let experiments: Mutex<[String: Running]>
    /// Experiment ids in configuration order.
    public let ids: [String]

    /// Creates a monitor for the configured experiments.
    public init(plans: [ExperimentPlan]) {
        var running: [String: Running] = [:]
        for plan in plans {
            let level = plan.alpha / Double(max(1, plan.arms.count - 1))
            running[plan.id] = Running(
                plan: plan, assigner: ExperimentAssigner(experimentID: plan.id, weights: plan.arms.map(\.weight)),
                stats: plan.arms.map { _ in ExperimentStats() },
                tests: plan.arms.map { _ in MixtureSPRT(alpha: level) }, winner: nil, promoted: nil)
        }
        experiments = Mutex(running)
        ids = plans.map(\.id)
    }

    /// Whether any experiment is configured.
    public var isEmpty: Bool { ids.isEmpty }

    /// The arm for a request to `model`, or `nil` when no experiment applies to it.
    ///
    /// - Parameters:
    ///   - model: The public model the request asks for.
    ///   - stickyKey: The value the experiment's stickiness names (key id, user, conversation); `nil` or empty
    ///     when the request has none, in which case `fallbackKey` (e.g. the request id) decides.
    ///   - fallbackKey: Used when there is no sticky key.
    public func assign(model: String, stickiness: (ExperimentPlan.Stickiness) -> String?, fallbackKey: String)
        -> Assignment?
    {
        experiments.withLock { experiments in
            guard let id = ids.first(where: { experiments[$0]?.plan.model == model }), let running = experiments[id]
            else { return nil }
            let key = stickiness(running.plan.stickiness).flatMap { $0.isEmpty ? nil : $0 } ?? fallbackKey
            let index = running.promoted ?? running.assigner.arm(for: key)
            let arm = running.plan.arms[index]
            return Assignment(experiment: running.plan.id, arm: arm.name, target: arm.target)
        }
    }

    /// Records a completed request of an arm.
    public func recordOutcome(
        experiment: String, arm: String, costUSD: Double, latencyMilliseconds: Double, failed: Bool
    ) {
        update(experiment: experiment, arm: arm) {
            $0.record(costUSD: costUSD, latencyMilliseconds: latencyMilliseconds, failed: failed)
        }
    }

    /// Records a feedback score (0…1) on a request of an arm.
    public func recordFeedback(experiment: String, arm: String, score: Double) {
        update(experiment: experiment, arm: arm) { $0.record(feedback: score) }
    }

    private func update(experiment: String, arm: String, _ change: (inout ExperimentStats) -> Void) {
        experiments.withLock { experiments in
            guard var running = experiments[experiment],
                let index = running.plan.arms.firstIndex(where: { $0.name == arm })
            else { return }
            change(&running.stats[index])
            Self.evaluate(&running)
            experiments[experiment] = running
        }
    }

    static func evaluate(_ running: inout Running) {
        let metric = running.plan.metric
        let control = running.stats[0].sample(metric)
        for arm in running.plan.arms.indices.dropFirst() {
            running.tests[arm].observe(control: control, treatment: running.stats[arm].sample(metric))
        }
        guard running.winner == nil else { return }
        let better: MixtureSPRT.Decision = metric.higherIsBetter ? .treatmentHigher : .controlHigher
        let winners = running.plan.arms.indices.dropFirst().filter { running.tests[$0].decision == better }
        let sign = metric.higherIsBetter ? 1.0 : -1.0
        if let best = winners.max(by: {
            sign * running.stats[$0].sample(metric).mean < sign * running.stats[$1].sample(metric).mean
        }) {
            running.winner = best
        } else if running.plan.arms.count > 1,
            running.plan.arms.indices.dropFirst().allSatisfy({
                running.tests[$0].decision != .continuing && running.tests[$0].decision != better
            })
        {
            running.winner = 0
        }
        if running.plan.autoPromote, let winner = running.winner { running.promoted = winner }
    }

    /// The report of one experiment, or `nil` for an unknown id.
    public func report(id: String) -> ExperimentReport? {
        experiments.withLock { experiments in experiments[id].map(ExperimentReport.init(running:)) }
    }

    /// Every experiment's report, in configuration order.
    public func reports() -> [ExperimentReport] {
        experiments.withLock { experiments in ids.compactMap { experiments[$0].map(ExperimentReport.init(running:)) } }
    }
}
