import Foundation
import SwitchyardCache
import Synchronization
import Testing

/// A clock tests move by hand.
final class ManualTime: Sendable {
    private let time = Mutex(1000.0)
    var now: Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}

@Suite struct VerifierTests {
    @Test func lexicalGuardsFlagChangedNumbersNegationAndOrder() {
        let features = PairFeatures(blocks: 1)
        let v = [Float](repeating: 0.25, count: 16)
        let base = features.values(
            v, v, textA: "How do I import from Canada to India?", textB: "How do I import from Canada to India?")
        let swapped = features.values(
            v, v, textA: "How do I import from Canada to India?", textB: "How do I import from India to Canada?")
        let number = features.values(v, v, textA: "Is 5 a prime?", textB: "Is 7 a prime?")
        let negated = features.values(v, v, textA: "Is it safe?", textB: "Is it not safe?")
        let guards = 6  // 2 blocks + cosine + cosine², then jaccard and content-word difference
        #expect(base[guards + 4] == 0)
        #expect(swapped[guards + 4] > 0)  // word order
        #expect(number[guards + 0] == 1)  // numbers differ
        #expect(negated[guards + 3] == 1)  // negation mismatch
        #expect(base[guards + 7] == 1)  // identical up to case and punctuation
    }

    @Test func trainerSeparatesAToyProblemAndRoundTrips() throws {
        var rows: [[Float]] = []
        var labels: [Bool] = []
        for i in 0..<400 {
            let x = Float(i % 20) / 20
            rows.append([x, 1 - x, 0.5])
            labels.append(x > 0.5)
        }
        let model = VerifierTrainer(hidden: 4, epochs: 40, learningRate: 0.01).train(
            rows: rows, labels: labels, blocks: 1)
        #expect(model.probability(features: [0.9, 0.1, 0.5]) > 0.8)
        #expect(model.probability(features: [0.1, 0.9, 0.5]) < 0.2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verifier-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.write(to: url)
        let loaded = try Verifier(contentsOf: url)
        #expect(loaded.probability(features: [0.9, 0.1, 0.5]) == model.probability(features: [0.9, 0.1, 0.5]))
    }

    @Test func shippedVerifierLoads() throws {
        let verifier = try #require(Verifier.bundled())
        #expect(verifier.threshold > 0 && verifier.threshold < 1)
        #expect(verifier.mean.count == verifier.features.count)
    }

    @Test func operatingPointCounts() {
        let point = OperatingPoint(scores: [0.9, 0.8, 0.2, 0.95], labels: [true, false, true, true], threshold: 0.85)
        #expect(point.precision == 1)
        #expect(abs(point.recall - 2.0 / 3.0) < 1e-9)
        #expect(point.pairs == 4)
    }
}
