import Foundation
import SwitchyardRouting
import Testing

/// The contextual bandit on replayed RouterBench traffic, with feedback drawn from the true per-model scores.
@Suite struct ContextualBanditTests {
    /// Requests after the shift within which the bandit must have moved traffic off the degraded model: the last
    /// 50 requests send it at most 10% of their traffic.
    static let shiftDetectionBound = 200

    /// Replays `steps` requests; feedback is a Bernoulli draw with the true score (times `factor` for `degraded`).
    struct Traffic {
        let replay: BanditReplay
        let bandit: ContextualBandit?
        var random: TestRandom
        var served = 0

        mutating func run(steps: Int, degraded: Int? = nil, factor: Double = 1) async -> (
            picks: [Int], scores: [Double]
        ) {
            var picks: [Int] = []
            var scores: [Double] = []
            for _ in 0..<steps {
                let row = Int(random.next() % UInt64(replay.embeddings.count))
                served += 1
                let id = "req-\(served)"
                var quality = replay.predicted[row]
                if let bandit {
                    quality = await bandit.adjust(
                        requestID: id, router: "auto", scope: "acme", embedding: replay.embeddings[row],
                        predicted: quality
                    ).quality
                }
                let pick = replay.router.decide(quality: quality, costs: replay.costs, objective: .balanced).chosenIndex
                var truth = replay.scores[row][pick]
                if pick == degraded { truth *= factor }
                let score: Double = random.unit() < truth ? 1 : 0
                if let bandit {
                    await bandit.served(requestID: id, candidate: pick)
                    _ = await bandit.learn(requestID: id, score: score)
                }
                picks.append(pick)
                scores.append(truth)
            }
            return (picks, scores)
        }
    }

    static func mostPicked(_ picks: [Int]) -> Int {
        Dictionary(grouping: picks, by: { $0 }).max { $0.value.count < $1.value.count }?.key ?? 0
    }

    /// The first post-shift request after which the last 50 sent at most 10% to `model`.
    static func requestsToMoveOff(_ model: Int, picks: [Int]) -> Int? {
        guard picks.count >= 50 else { return nil }
        return (50...picks.count).first { end in picks[(end - 50)..<end].filter { $0 == model }.count <= 5 }
    }

    @Test func detectsAShiftAndMovesTrafficOffTheDegradedModel() async throws {
        let replay = try BanditReplay.load(rows: 300)
        var learning = Traffic(replay: replay, bandit: ContextualBandit(), random: TestRandom(state: 42))
        var frozen = Traffic(replay: replay, bandit: nil, random: TestRandom(state: 42))
        let before = await learning.run(steps: 1_500)
        _ = await frozen.run(steps: 1_500)
        let usual = Self.mostPicked(Array(before.picks.suffix(500)))
        let usualShare = Double(before.picks.suffix(500).filter { $0 == usual }.count) / 500
        #expect(usualShare > 0.3, "the usually-picked model should carry a large share before the shift")

        // The usually-picked model now gives an acceptable answer a tenth as often.
        let after = await learning.run(steps: 600, degraded: usual, factor: 0.1)
        let control = await frozen.run(steps: 600, degraded: usual, factor: 0.1)
        let moved = try #require(Self.requestsToMoveOff(usual, picks: after.picks))
        #expect(moved <= Self.shiftDetectionBound)
        // Without feedback the router keeps sending it traffic, so the move is the bandit's doing.
        #expect(Self.requestsToMoveOff(usual, picks: control.picks) == nil)
        let tail = after.picks.suffix(300).filter { $0 == usual }.count
        #expect(tail <= 30)
        let learnedQuality = after.scores.suffix(300).reduce(0, +) / 300
        let frozenQuality = control.scores.suffix(300).reduce(0, +) / 300
        #expect(learnedQuality > frozenQuality + 0.1)
        print(
            "shift: \(replay.router.candidates[usual].name) share \(usualShare) moved after \(moved) requests;",
            "quality after shift \(learnedQuality) vs \(frozenQuality) without feedback")
    }

    @Test func explorationStaysWithinItsShareAndNeverRaisesAnUnaffordableCandidate() {
        let settings = ContextualBanditSettings(maxExplorationShare: 0.1, explorationWindow: 100)
        let bandit = ContextualBandit(settings: settings)
        var random = TestRandom(state: 7)
        var explored: [Bool] = []
        var raisedAffordable = false
        for i in 0..<1_000 {
            let embedding = (0..<16).map { _ in Float(random.gaussian()) }
            let predicted = [0.5, 0.6, 0.7]
            let adjusted = bandit.adjust(
                requestID: "r\(i)", router: "auto", scope: "acme", embedding: embedding, predicted: predicted,
                affordable: [true, true, false])
            explored.append(adjusted.explored)
            // No feedback yet: every posterior mean is 0, so a sampled value above the prediction is a raise.
            #expect(adjusted.quality[2] <= predicted[2] + 1e-12)
            if !adjusted.explored { #expect(adjusted.quality == predicted) }
            if adjusted.explored, adjusted.quality[0] > predicted[0] || adjusted.quality[1] > predicted[1] {
                raisedAffordable = true
            }
        }
        for end in 100...explored.count {
            #expect(explored[(end - 100)..<end].filter { $0 }.count <= 10)
        }
        #expect(explored.filter { $0 }.count >= 95)  // it does use its share
        #expect(raisedAffordable)
    }

    @Test func unknownForgottenAndRepeatedRequestsAreNotLearned() async {
        let bandit = ContextualBandit(settings: ContextualBanditSettings(pendingCapacity: 3))
        #expect(await bandit.learn(requestID: "never-seen", score: 1) == false)
        await bandit.served(requestID: "never-seen", candidate: 0)
        for i in 0..<4 {
            _ = await bandit.adjust(
                requestID: "r\(i)", router: "auto", scope: "acme", embedding: [1, 0, 0, 0], predicted: [0.5, 0.5])
        }
        #expect(bandit.pendingCount == 3)
        #expect(await bandit.learn(requestID: "r0", score: 1) == false)  // evicted, least recently used
        await bandit.served(requestID: "r1", candidate: 1)
        #expect(await bandit.learn(requestID: "r1", score: 1) == true)
        #expect(await bandit.learn(requestID: "r1", score: 1) == false)  // learns once
        #expect(bandit.state(router: "auto", scope: "acme")?.candidates[1].observations == 1)
        #expect(bandit.state(router: "auto", scope: "acme")?.candidates[0].observations == 0)
    }

    @Test func stateSurvivesAJSONRoundTripAndGivesTheSameAdjustments() async throws {
        let settings = ContextualBanditSettings(maxExplorationShare: 0)
        let bandit = ContextualBandit(settings: settings)
        var random = TestRandom(state: 3)
        let embeddings = (0..<20).map { _ in (0..<32).map { _ in Float(random.gaussian()) } }
        for (i, embedding) in embeddings.enumerated() {
            _ = await bandit.adjust(
                requestID: "r\(i)", router: "auto", scope: "acme", embedding: embedding, predicted: [0.4, 0.8])
            await bandit.served(requestID: "r\(i)", candidate: i % 2)
            #expect(await bandit.learn(requestID: "r\(i)", score: i % 2 == 0 ? 1 : 0))
        }
        let dirty = bandit.dirtyStates()
        #expect(dirty.count == 1)
        #expect(bandit.dirtyStates().isEmpty)  // marked clean
        let json = try JSONEncoder().encode(dirty[0].state)
        let restored = ContextualBandit(settings: settings)
        #expect(
            restored.restore(
                router: "auto", scope: "acme",
                state: try JSONDecoder().decode(
                    ContextualBanditState.self, from: json)))
        for (i, embedding) in embeddings.enumerated() {
            let a = await bandit.adjust(
                requestID: "a\(i)", router: "auto", scope: "acme", embedding: embedding, predicted: [0.4, 0.8])
            let b = await restored.adjust(
                requestID: "b\(i)", router: "auto", scope: "acme", embedding: embedding, predicted: [0.4, 0.8])
            #expect(a.quality == b.quality)
        }
        // Learned: candidate 0 scored above its prediction, candidate 1 below.
        let after = await restored.adjust(
            requestID: "z", router: "auto", scope: "acme", embedding: embeddings[0], predicted: [0.4, 0.8])
        #expect(after.quality[0] > 0.4 && after.quality[1] < 0.8)
        // A state learned over another projection is refused.
        let other = ContextualBandit(settings: ContextualBanditSettings(dimensions: 4))
        #expect(!other.restore(router: "auto", scope: "acme", state: dirty[0].state))
    }
}
