/// Trains a ``LearnedRouter``: chooses the predictor and its hyperparameters by k-fold cross-validation and
/// measures the whole procedure by nested cross-validation.
///
/// - Selection: every setting in ``grid`` (and the mean of the best kNN and the best ridge setting) is scored
///   on out-of-fold predictions by `savings at 95% quality + AUC`; the best one is trained on all rows.
/// - Reporting: for each outer fold, selection runs on the other folds only and the chosen setting predicts
///   the held-out fold; metrics come from these predictions, so no row is scored by a model that saw it or
///   whose hyperparameters were chosen with it.
public struct RouterTrainer: Sendable {
    /// Cross-validation folds (the same folds serve as inner folds of nested cross-validation).
    public var folds: Int
    /// The settings compared.
    public var grid: [PredictorSettings]
    /// Most training vectors a kNN artifact stores (a deterministic subsample beyond that).
    public var maxStoredVectors: Int
    /// Parallel tasks for the neighbour search.
    public var workers: Int

    /// kNN with k ∈ {10…320} and four temperatures, and ridge with λ ∈ {0.1…1000}.
    public static let defaultGrid: [PredictorSettings] =
        [10, 20, 40, 80, 160, 320].flatMap { k in [0.03, 0.1, 0.3, 1].map { PredictorSettings(k: k, temperature: $0) } }
        + [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000].map { PredictorSettings(ridgeLambda: $0) }

    /// Creates a trainer.
    public init(
        folds: Int = 5, grid: [PredictorSettings] = RouterTrainer.defaultGrid, maxStoredVectors: Int = 3500,
        workers: Int = 2
    ) {
        precondition(folds >= 3, "nested cross-validation needs at least 3 folds")
        self.folds = folds
        self.grid = grid
        self.maxStoredVectors = maxStoredVectors
        self.workers = workers
    }

    /// What training produced.
    public struct Result: Sendable {
        /// The router, with provenance filled in.
        public var router: LearnedRouter
        /// The nested cross-validated curve (held-out predictions).
        public var curve: [CurvePoint]
        /// Its evaluation context (oracle, random, single models).
        public var evaluation: RouterEvaluation
        /// The selection score of every setting on the final (non-nested) cross-validation.
        public var scores: [(settings: PredictorSettings, score: Double)]
    }

    /// Trains on all rows of `table`.
    ///
    /// - Parameters:
    ///   - table: The rows.
    ///   - data: The training files, for provenance.
    ///   - command: The command line, for provenance.
    ///   - trainedAt: ISO 8601 timestamp, for provenance.
    /// - Returns: The router and its nested cross-validated curve.
    public func train(
        _ table: RoutingTable, data: [RouterProvenance.DataFile], command: String, trainedAt: String
    ) async -> Result {
        let context = await CrossValidationContext(table: table, folds: folds, grid: grid, workers: workers)
        let all = Set(0..<folds)
        // Nested: choose on the other folds, predict the held-out fold.
        var heldOut = [[Double]](repeating: [], count: table.count)
        var heldOutCosts = [[Double]](repeating: [], count: table.count)
        for outer in 0..<folds {
            let (chosen, _) = context.select(grid, within: all.subtracting([outer]))
            let (quality, costs) = context.predict(chosen, train: all.subtracting([outer]), test: [outer])
            for row in context.rows(in: [outer]) {
                heldOut[row] = quality[row]
                heldOutCosts[row] = costs[row]
            }
        }
        let evaluation = RouterEvaluation(scores: table.scores, costs: table.costs)
        let curve = evaluation.curve(quality: heldOut, predictedCosts: heldOutCosts)
        let nested = evaluation.metrics(curve: curve, candidates: table.candidates)
        // Final: choose on all folds, fit on all rows; operating λs from the chosen setting's CV curve.
        let (chosen, scores) = context.select(grid, within: all)
        let cvCurve = context.curve(chosen, within: all)
        let cvMetrics = evaluation.metrics(curve: cvCurve, candidates: table.candidates)
        var notes: [String] = []
        let predictor = fit(chosen, table: table, notes: &notes)
        let costs = table.costModels(rows: Array(0..<table.count))
        let means = table.candidates.indices.map { m in table.scores.reduce(0) { $0 + $1[m] } / Double(table.count) }
        let router = LearnedRouter(
            formatVersion: LearnedRouter.currentFormatVersion,
            candidates: table.candidates.indices.map {
                LearnedRouter.Candidate(name: table.candidates[$0], meanQuality: means[$0], cost: costs[$0])
            },
            strongestIndex: evaluation.strongest, costUnitUSD: evaluation.costUnit,
            operatingPoints: .init(
                balancedLambda: cvMetrics.lambdaAt95pctQuality ?? 0,
                economyLambda: cvMetrics.lambdaAt85pctQuality ?? 0),
            predictor: predictor,
            embedding: [
                "model": "all-MiniLM-L6-v2", "dimensions": String(table.embeddings.first?.count ?? 0),
                "input": "last user turn, last \(PromptFeatures.defaultEmbeddingCharacters) characters",
            ],
            provenance: RouterProvenance(
                data: data, trainedAt: trainedAt, command: command, folds: folds, settings: chosen, searched: grid,
                crossValidated: nested, notes: notes))
        return Result(router: router, curve: curve, evaluation: evaluation, scores: scores)
    }

    /// Fits `settings` on every row (subsampling stored vectors beyond ``maxStoredVectors``).
    func fit(_ settings: PredictorSettings, table: RoutingTable, notes: inout [String]) -> QualityPredictor {
        var knn: NearestNeighbourPredictor?
        if let k = settings.k, let temperature = settings.temperature {
            var rows = Array(0..<table.count)
            if rows.count > maxStoredVectors {
                let order = table.foldAssignment(folds: 1_000_003)
                rows = Array(rows.sorted { order[$0] < order[$1] }.prefix(maxStoredVectors)).sorted()
            }
            // A subsample keeps the neighbourhood's reach by scaling k with it.
            let storedK = max(1, Int((Double(k) * Double(rows.count) / Double(table.count)).rounded()))
            if rows.count < table.count {
                notes.append(
                    "kNN stores \(rows.count) of \(table.count) rows (deterministic subsample by id hash) with k = "
                        + "\(storedK) (k = \(k) scaled by the subsample ratio)")
            }
            knn = NearestNeighbourPredictor(
                vectors: rows.map { table.embeddings[$0] }, targets: rows.map { table.scores[$0] }, k: storedK,
                temperature: temperature)
        }
        var ridge: RidgePredictor?
        if let lambda = settings.ridgeLambda {
            var moments = RidgePredictor.Moments(
                inputs: (table.embeddings.first?.count ?? 0) + PromptFeatures.count + 1, outputs: table.candidates.count
            )
            for row in 0..<table.count {
                moments.add(
                    input: RidgePredictor.input(embedding: table.embeddings[row], features: table.features[row]),
                    target: table.scores[row])
            }
            ridge = RidgePredictor(moments: moments, lambda: lambda)
        }
        return QualityPredictor(nearestNeighbours: knn, ridge: ridge)
    }
}
