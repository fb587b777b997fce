/// Precision, recall and F1 of a score against labels at one threshold.
public struct OperatingPoint: Sendable, Codable, Equatable {
    /// Score at or above which a pair is called a match.
    public var threshold: Float
    /// Share of called matches that are true.
    public var precision: Double
    /// Share of true matches that were called.
    public var recall: Double
    /// Harmonic mean of precision and recall.
    public var f1: Double
    /// Pairs evaluated.
    public var pairs: Int

    /// Evaluates scores against labels.
    ///
    /// - Parameters:
    ///   - scores: One score per pair.
    ///   - labels: One label per pair.
    ///   - threshold: The cut.
    public init(scores: [Float], labels: [Bool], threshold: Float) {
        var truePositives = 0
        var falsePositives = 0
        var positives = 0
        for (score, label) in zip(scores, labels) {
            if label { positives += 1 }
            if score >= threshold {
                if label { truePositives += 1 } else { falsePositives += 1 }
            }
        }
        self.threshold = threshold
        let called = truePositives + falsePositives
        precision = called == 0 ? 1 : Double(truePositives) / Double(called)
        recall = positives == 0 ? 0 : Double(truePositives) / Double(positives)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        pairs = scores.count
    }

    /// The threshold with the highest recall whose precision is at least `precision`, scanning a fine grid.
    public static func best(scores: [Float], labels: [Bool], minimumPrecision: Double) -> OperatingPoint? {
        stride(from: Float(0.3), through: 0.995, by: 0.005)
            .map { OperatingPoint(scores: scores, labels: labels, threshold: $0) }
            .filter { $0.precision >= minimumPrecision && $0.recall > 0 }
            .max { $0.recall < $1.recall }
    }
}
