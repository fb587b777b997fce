/// Out-of-fold verifier scores: each pair is scored by a model trained without its fold.
public enum CrossValidation {
    /// Scores every row with a model trained on the other folds.
    ///
    /// - Parameters:
    ///   - rows: Feature rows.
    ///   - labels: Labels.
    ///   - folds: Number of folds (rows are assigned by a seeded shuffle).
    ///   - trainer: The training settings.
    ///   - blocks: The feature setting.
    /// - Returns: One out-of-fold probability per row.
    public static func outOfFoldScores(
        rows: [[Float]], labels: [Bool], folds: Int, trainer: VerifierTrainer, blocks: Int
    ) async -> [Float] {
        var random = SplitMix(seed: 7)
        var order = Array(0..<rows.count)
        random.shuffle(&order)
        var assignment = [Int](repeating: 0, count: rows.count)
        for (position, index) in order.enumerated() { assignment[index] = position % folds }
        let fold = assignment
        var scores = [Float](repeating: 0, count: rows.count)
        await withTaskGroup(of: [(Int, Float)].self) { group in
            for k in 0..<folds {
                group.addTask {
                    let train = (0..<rows.count).filter { fold[$0] != k }
                    let model = trainer.train(
                        rows: train.map { rows[$0] }, labels: train.map { labels[$0] }, blocks: blocks)
                    return (0..<rows.count).filter { fold[$0] == k }.map { ($0, model.probability(features: rows[$0])) }
                }
            }
            for await part in group { for (index, score) in part { scores[index] = score } }
        }
        return scores
    }
}
