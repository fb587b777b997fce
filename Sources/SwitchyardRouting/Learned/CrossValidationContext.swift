/// Precomputed state for cross-validating predictors on one table: folds, neighbour lists and per-fold ridge
/// moments, so that any training subset (a union of folds) is cheap to fit and query.
struct CrossValidationContext: Sendable {
    let table: RoutingTable
    let folds: Int
    let foldOf: [Int]
    let neighbours: NeighbourLists
    let moments: [RidgePredictor.Moments]
    let targets: [Float]

    init(table: RoutingTable, folds: Int, grid: [PredictorSettings], workers: Int) async {
        self.table = table
        self.folds = folds
        foldOf = table.foldAssignment(folds: folds)
        // Inner training sets hold about (folds − 2) / folds of the rows; keep enough neighbours for the largest k.
        let largestK = grid.compactMap(\.k).max() ?? 0
        let depth = largestK * folds / max(folds - 2, 1) + 32
        neighbours = await NeighbourLists.compute(
            table.embeddings, depth: min(table.count - 1, depth), workers: workers)
        let inputs = (table.embeddings.first?.count ?? 0) + PromptFeatures.count + 1
        var moments = [RidgePredictor.Moments](
            repeating: RidgePredictor.Moments(inputs: inputs, outputs: table.candidates.count), count: folds)
        for row in 0..<table.count {
            moments[foldOf[row]].add(
                input: RidgePredictor.input(embedding: table.embeddings[row], features: table.features[row]),
                target: table.scores[row])
        }
        self.moments = moments
        targets = table.scores.flatMap { $0.map(Float.init) }
    }

    func rows(in set: Set<Int>) -> [Int] { (0..<table.count).filter { set.contains(foldOf[$0]) } }

    /// Predictions of `settings` trained on folds `train` for the rows of folds `test` (other rows left empty).
    func predict(_ settings: PredictorSettings, train: Set<Int>, test: Set<Int>) -> (
        quality: [[Double]], costs: [[Double]]
    ) {
        let testRows = rows(in: test)
        let costModels = table.costModels(rows: rows(in: train))
        var quality = [[Double]](repeating: [], count: table.count)
        var costs = [[Double]](repeating: [], count: table.count)
        var ridge: RidgePredictor?
        if let lambda = settings.ridgeLambda {
            let sum = train.sorted().map { moments[$0] }.reduce(
                RidgePredictor.Moments(inputs: moments[0].inputs, outputs: moments[0].outputs), +)
            ridge = RidgePredictor(moments: sum, lambda: lambda)
        }
        for row in testRows {
            var parts: [[Double]] = []
            if let k = settings.k, let temperature = settings.temperature {
                let found = neighbours.lists[row].lazy.filter { train.contains(self.foldOf[$0.row]) }.prefix(k)
                parts.append(
                    NearestNeighbourPredictor.combine(
                        Array(found), targets: targets, candidates: table.candidates.count, temperature: temperature))
            }
            if let ridge {
                parts.append(
                    ridge.predict(
                        input: RidgePredictor.input(embedding: table.embeddings[row], features: table.features[row])))
            }
            quality[row] = parts.count == 1 ? parts[0] : zip(parts[0], parts[1]).map { ($0 + $1) / 2 }
            costs[row] = costModels.map { $0.estimate(characters: table.features[row].characters) }
        }
        return (quality, costs)
    }

    /// Out-of-fold predictions for the rows of folds `within`, each fold predicted from the others in `within`.
    func outOfFold(_ settings: PredictorSettings, within: Set<Int>) -> (quality: [[Double]], costs: [[Double]]) {
        var quality = [[Double]](repeating: [], count: table.count)
        var costs = [[Double]](repeating: [], count: table.count)
        for fold in within.sorted() {
            let part = predict(settings, train: within.subtracting([fold]), test: [fold])
            for row in rows(in: [fold]) {
                quality[row] = part.quality[row]
                costs[row] = part.costs[row]
            }
        }
        return (quality, costs)
    }

    /// The out-of-fold curve of `settings` over the rows of `within`.
    func curve(_ settings: PredictorSettings, within: Set<Int>) -> [CurvePoint] {
        let predictions = outOfFold(settings, within: within)
        return curve(predictions, within: within).curve
    }

    func curve(_ predictions: (quality: [[Double]], costs: [[Double]]), within: Set<Int>) -> (
        curve: [CurvePoint], score: Double
    ) {
        let selected = rows(in: within)
        let evaluation = RouterEvaluation(
            scores: selected.map { table.scores[$0] }, costs: selected.map { table.costs[$0] })
        let curve = evaluation.curve(
            quality: selected.map { predictions.quality[$0] }, predictedCosts: selected.map { predictions.costs[$0] })
        let score = (evaluation.savings(curve, atQualityFraction: 0.95) ?? -1) + RouterEvaluation.area(curve)
        return (curve, score)
    }

    /// The best of `grid` (plus the mean of its best kNN and best ridge setting) by out-of-fold score on `within`.
    func select(_ grid: [PredictorSettings], within: Set<Int>) -> (
        PredictorSettings, [(settings: PredictorSettings, score: Double)]
    ) {
        var scored: [(settings: PredictorSettings, score: Double)] = []
        var predictions: [PredictorSettings: (quality: [[Double]], costs: [[Double]])] = [:]
        for settings in grid {
            let oof = outOfFold(settings, within: within)
            predictions[settings] = oof
            scored.append((settings, curve(oof, within: within).score))
        }
        let bestKNN = scored.filter { $0.settings.ridgeLambda == nil }.max { $0.score < $1.score }
        let bestRidge = scored.filter { $0.settings.k == nil }.max { $0.score < $1.score }
        if let knn = bestKNN?.settings, let ridge = bestRidge?.settings, let a = predictions[knn],
            let b = predictions[ridge]
        {
            let blend = PredictorSettings(k: knn.k, temperature: knn.temperature, ridgeLambda: ridge.ridgeLambda)
            let quality = zip(a.quality, b.quality).map { zip($0, $1).map { ($0 + $1) / 2 } }
            scored.append((blend, curve((quality, a.costs), within: within).score))
        }
        let best = scored.max { $0.score < $1.score }!
        return (best.settings, scored)
    }
}
