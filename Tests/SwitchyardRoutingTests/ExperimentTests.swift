import Foundation
import SwitchyardCore
import SwitchyardRouting
import Testing

/// Sticky assignment, split proportions and the always-valid sequential test.
@Suite struct ExperimentTests {
    @Test func assignmentIsStickyAndSplitsByWeight() {
        let assigner = ExperimentAssigner(experimentID: "exp-1", weights: [3, 1])
        var counts = [0, 0]
        for i in 0..<20_000 {
            let arm = assigner.arm(for: "user-\(i)")
            #expect(assigner.arm(for: "user-\(i)") == arm)
            counts[arm] += 1
        }
        // 75% ± 1.5% (the binomial standard deviation is 0.3%).
        #expect(abs(Double(counts[0]) / 20_000 - 0.75) < 0.015)
        // Another experiment splits the same users independently.
        let other = ExperimentAssigner(experimentID: "exp-2", weights: [1, 1])
        let same = (0..<2_000).filter { other.arm(for: "user-\($0)") == assigner.arm(for: "user-\($0)") }.count
        #expect(same > 800 && same < 1_200)
    }

    @Test func monitorAssignsOnlyItsModelAndStaysSticky() {
        let plan = ExperimentPlan(
            id: "cheap-vs-strong", model: "auto",
            arms: [
                .init(name: "strong", target: .model("gpt"), weight: 1),
                .init(name: "router", target: .router("support"), weight: 1),
                .init(name: "latency", target: .strategy(.lowestLatency), weight: 1),
            ], stickiness: .user)
        let monitor = ExperimentMonitor(plans: [plan])
        #expect(monitor.assign(model: "gpt", stickiness: { _ in "u" }, fallbackKey: "r") == nil)
        let first = monitor.assign(model: "auto", stickiness: { $0 == .user ? "alice" : nil }, fallbackKey: "r1")
        let again = monitor.assign(model: "auto", stickiness: { $0 == .user ? "alice" : nil }, fallbackKey: "r2")
        #expect(first != nil && first == again)
        var targets: Set<String> = []
        for i in 0..<300 {
            targets.insert(
                monitor.assign(model: "auto", stickiness: { _ in nil }, fallbackKey: "req-\(i)")?.target.description
                    ?? "")
        }
        #expect(targets == ["model:gpt", "router/support", "strategy:lowest_latency"])
    }

    /// A/A: both arms draw from the same distribution; the test, checked after every observation, must reject in at
    /// most α of the runs.
    @Test func mixtureSPRTKeepsItsLevelUnderContinuousMonitoring() {
        var random = TestRandom(state: 2026)
        let runs = 200
        let steps = 2_000
        var rejected = 0
        for _ in 0..<runs {
            var test = MixtureSPRT(alpha: 0.05)
            var a = RunningMoments()
            var b = RunningMoments()
            for _ in 0..<steps {
                a.add(random.unit() < 0.6 ? 1 : 0)
                b.add(random.unit() < 0.6 ? 1 : 0)
                if test.observe(control: a, treatment: b) != .continuing {
                    rejected += 1
                    break
                }
            }
        }
        #expect(Double(rejected) / Double(runs) <= 0.05)
        print("mSPRT A/A: \(rejected) of \(runs) runs rejected at alpha 0.05 over \(steps) looks each")
        // One long continuous A/A run on a continuous metric never rejects either.
        var test = MixtureSPRT(alpha: 0.05)
        var a = RunningMoments()
        var b = RunningMoments()
        for _ in 0..<20_000 {
            a.add(800 + 120 * random.gaussian())
            b.add(800 + 120 * random.gaussian())
            test.observe(control: a, treatment: b)
        }
        #expect(test.decision == .continuing)
        #expect(test.pValue > 0.05)
    }

    @Test func mixtureSPRTDetectsARealDifference() {
        var random = TestRandom(state: 11)
        var test = MixtureSPRT(alpha: 0.05)
        var a = RunningMoments()
        var b = RunningMoments()
        var decidedAt: Int?
        for step in 1...5_000 {
            a.add(random.unit() < 0.6 ? 1 : 0)
            b.add(random.unit() < 0.7 ? 1 : 0)
            if test.observe(control: a, treatment: b) != .continuing {
                decidedAt = step
                break
            }
        }
        #expect(test.decision == .treatmentHigher)
        #expect(decidedAt != nil)
        print("mSPRT 0.6 vs 0.7: decided after \(decidedAt ?? -1) observations per arm")
        #expect(test.pValue <= 0.05)
    }

    @Test func mixtureSPRTDecidesWhenEachArmIsConstant() {
        // All thumbs down against all thumbs up: each arm's own variance is zero, the pooled one is not.
        var test = MixtureSPRT(alpha: 0.05)
        var a = RunningMoments()
        var b = RunningMoments()
        for _ in 0..<40 {
            a.add(0)
            b.add(1)
            test.observe(control: a, treatment: b)
        }
        #expect(test.decision == .treatmentHigher)
        // Identical constant arms carry no evidence either way.
        var same = MixtureSPRT(alpha: 0.05)
        for _ in 0..<40 { same.observe(control: a, treatment: a) }
        #expect(same.decision == .continuing)
    }

    @Test func autoPromotionSendsAllTrafficToTheWinnerOnAFeedbackMetric() {
        let plan = ExperimentPlan(
            id: "exp", model: "auto",
            arms: [
                .init(name: "a", target: .model("m1"), weight: 1), .init(name: "b", target: .model("m2"), weight: 1),
            ],
            stickiness: .key, metric: .feedback, autoPromote: true)
        let monitor = ExperimentMonitor(plans: [plan])
        var random = TestRandom(state: 5)
        for _ in 0..<3_000 {
            monitor.recordFeedback(experiment: "exp", arm: "a", score: random.unit() < 0.5 ? 1 : 0)
            monitor.recordFeedback(experiment: "exp", arm: "b", score: random.unit() < 0.8 ? 1 : 0)
            if monitor.report(id: "exp")?.promoted != nil { break }
        }
        let report = monitor.report(id: "exp")
        #expect(report?.promoted == "b")
        #expect(report?.status == "promoted")
        #expect(report?.arms[1].decision == .treatmentHigher)
        for i in 0..<50 {
            #expect(monitor.assign(model: "auto", stickiness: { _ in "key-\(i)" }, fallbackKey: "r")?.arm == "b")
        }
    }

    @Test func lowerIsBetterMetricsPickTheCheaperArm() {
        let plan = ExperimentPlan(
            id: "cost", model: "auto",
            arms: [
                .init(name: "a", target: .model("m1"), weight: 1), .init(name: "b", target: .model("m2"), weight: 1),
            ],
            metric: .cost)
        let monitor = ExperimentMonitor(plans: [plan])
        var random = TestRandom(state: 9)
        for _ in 0..<2_000 {
            monitor.recordOutcome(
                experiment: "cost", arm: "a", costUSD: 0.010 + 0.002 * random.gaussian(), latencyMilliseconds: 500,
                failed: false)
            monitor.recordOutcome(
                experiment: "cost", arm: "b", costUSD: 0.004 + 0.002 * random.gaussian(), latencyMilliseconds: 500,
                failed: false)
        }
        let report = monitor.report(id: "cost")
        #expect(report?.winner == "b")
        #expect(report?.promoted == nil)  // auto_promote is off
        #expect(report?.status == "decided")
        #expect(report?.arms[1].decision == .controlHigher)
    }
}
