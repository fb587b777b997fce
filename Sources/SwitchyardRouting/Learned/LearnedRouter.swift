/// A trained router: predicts each candidate model's quality for a prompt and picks by an objective.
///
/// The artifact is a small, versioned JSON document (``formatVersion``) holding the candidates and their
/// cost models, the predictor's parameters and the provenance of training. It takes a precomputed embedding
/// of ``PromptFeatures/embeddingText(lastUserTurn:maxCharacters:)`` (all-MiniLM-L6-v2, 384 values) and the
/// prompt's ``PromptFeatures``; it never sees prompt text.
///
/// ```swift
/// let router = try JSONDecoder().decode(LearnedRouter.self, from: data)
/// let decision = router.decide(embedding: vector, features: PromptFeatures(text: prompt), objective: .balanced)
/// print(decision.chosen, decision.reason)
/// ```
public struct LearnedRouter: Sendable, Codable {
    /// The artifact format this build reads and writes.
    public static let currentFormatVersion = 1

    /// One candidate model.
    public struct Candidate: Sendable, Hashable, Codable {
        /// The model name in the training data; configuration maps it to a configured model.
        public var name: String
        /// The candidate's mean score on the training rows.
        public var meanQuality: Double
        /// Expected cost per request.
        public var cost: CandidateCost

        /// Describes one candidate.
        public init(name: String, meanQuality: Double, cost: CandidateCost) {
            self.name = name
            self.meanQuality = meanQuality
            self.cost = cost
        }
    }

    /// The cost weights behind ``RoutingObjective/balanced`` and ``RoutingObjective/economy``.
    public struct OperatingPoints: Sendable, Hashable, Codable {
        /// λ reaching 95% of the strongest candidate's quality at the least cost, in cross-validation.
        public var balancedLambda: Double
        /// λ reaching 85% of it.
        public var economyLambda: Double

        /// Names the two cost weights.
        public init(balancedLambda: Double, economyLambda: Double) {
            self.balancedLambda = balancedLambda
            self.economyLambda = economyLambda
        }
    }

    /// Format version of the artifact; readers reject versions they do not know.
    public var formatVersion: Int
    /// The candidates, in the order of every per-candidate array.
    public var candidates: [Candidate]
    /// Index of the candidate with the best mean quality in training.
    public var strongestIndex: Int
    /// The strongest candidate's mean cost: the unit of cost in λ.
    public var costUnitUSD: Double
    /// Cost weights of the named objectives.
    public var operatingPoints: OperatingPoints
    /// The quality model.
    public var predictor: QualityPredictor
    /// What was embedded and how (model name, dimensions, input rule), for checking at load time.
    public var embedding: [String: String]
    /// Where the router came from.
    public var provenance: RouterProvenance

    /// Creates a router from its parts (training does this; servers decode the JSON artifact).
    public init(
        formatVersion: Int, candidates: [Candidate], strongestIndex: Int, costUnitUSD: Double,
        operatingPoints: OperatingPoints, predictor: QualityPredictor, embedding: [String: String],
        provenance: RouterProvenance
    ) {
        self.formatVersion = formatVersion
        self.candidates = candidates
        self.strongestIndex = strongestIndex
        self.costUnitUSD = costUnitUSD
        self.operatingPoints = operatingPoints
        self.predictor = predictor
        self.embedding = embedding
        self.provenance = provenance
    }

    /// Predicted quality per candidate.
    public func predictQuality(embedding: [Float], features: PromptFeatures) -> [Double] {
        predictor.predict(embedding: embedding, features: features)
    }

    /// Picks a candidate for one request.
    ///
    /// - Parameters:
    ///   - embedding: The unit-length embedding of the last user turn's tail.
    ///   - features: The prompt's cheap features (their `characters` also drive the cost estimate).
    ///   - objective: What to optimise.
    /// - Returns: The decision with every candidate's predicted quality and cost.
    public func decide(embedding: [Float], features: PromptFeatures, objective: RoutingObjective) -> RouterDecision {
        let quality = predictQuality(embedding: embedding, features: features)
        let costs = candidates.map { $0.cost.estimate(characters: features.characters) }
        return decide(quality: quality, costs: costs, objective: objective)
    }

    /// Picks a candidate from given predictions (the rule behind ``decide(embedding:features:objective:)``).
    ///
    /// Ties go to the cheaper candidate.
    public func decide(quality: [Double], costs: [Double], objective: RoutingObjective) -> RouterDecision {
        var lambda: Double?
        var target: Double?
        switch objective {
        case .quality: lambda = 0
        case .balanced: lambda = operatingPoints.balancedLambda
        case .economy: lambda = operatingPoints.economyLambda
        case .costWeight(let value): lambda = value
        case .qualityTarget(let value): target = value
        }
        var choice = 0
        var utilities: [Double]?
        var targetMet: Bool?
        if let lambda {
            let values = zip(quality, costs).map { $0 - lambda * $1 / costUnitUSD }
            choice = Self.best(values, costs: costs)
            utilities = values
        } else if let target {
            let meeting = quality.indices.filter { quality[$0] >= target }
            targetMet = !meeting.isEmpty
            choice = meeting.min { costs[$0] < costs[$1] } ?? Self.best(quality, costs: costs)
        }
        let rows = candidates.indices.map {
            RouterDecision.Candidate(
                model: candidates[$0].name, predictedQuality: quality[$0], expectedCostUSD: costs[$0],
                utility: utilities?[$0])
        }
        return RouterDecision(
            objective: objective, lambda: lambda, candidates: rows, chosenIndex: choice, targetMet: targetMet,
            strongest: candidates[strongestIndex].name, strongestCostUSD: costs[strongestIndex])
    }

    /// The index of the highest value, the cheaper one on ties.
    static func best(_ values: [Double], costs: [Double]) -> Int {
        var best = 0
        for i in values.indices.dropFirst()
        where values[i] > values[best] + 1e-12 || (abs(values[i] - values[best]) <= 1e-12 && costs[i] < costs[best]) {
            best = i
        }
        return best
    }
}

/// Where a learned router came from: data, date, command, chosen hyperparameters and cross-validated metrics.
public struct RouterProvenance: Sendable, Codable {
    /// One training file.
    public struct DataFile: Sendable, Hashable, Codable {
        /// The path as given on the command line.
        public var path: String
        /// SHA-256 of the file's bytes, hex.
        public var sha256: String
        /// Rows used.
        public var rows: Int

        /// Describes one training file.
        public init(path: String, sha256: String, rows: Int) {
            self.path = path
            self.sha256 = sha256
            self.rows = rows
        }
    }

    /// Training files.
    public var data: [DataFile]
    /// When training ran (ISO 8601).
    public var trainedAt: String
    /// The command line that trained it.
    public var command: String
    /// Cross-validation folds.
    public var folds: Int
    /// The chosen hyperparameters.
    public var settings: PredictorSettings
    /// Every setting compared by cross-validation.
    public var searched: [PredictorSettings]
    /// Nested cross-validated metrics of the whole training procedure (selection included).
    public var crossValidated: RouterMetrics
    /// Free-form notes (e.g. subsampling of stored vectors).
    public var notes: [String]

    /// Records where a router came from.
    public init(
        data: [DataFile], trainedAt: String, command: String, folds: Int, settings: PredictorSettings,
        searched: [PredictorSettings], crossValidated: RouterMetrics, notes: [String]
    ) {
        self.data = data
        self.trainedAt = trainedAt
        self.command = command
        self.folds = folds
        self.settings = settings
        self.searched = searched
        self.crossValidated = crossValidated
        self.notes = notes
    }
}
