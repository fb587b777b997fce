/// The headline numbers of a router on a set of rows (savings are fractions of the strongest model's cost).
public struct RouterMetrics: Sendable, Hashable, Codable {
    /// Rows evaluated.
    public var rows: Int
    /// The strongest single model on these rows and its mean score.
    public var strongestModel: String
    /// Mean score of ``strongestModel``.
    public var strongestQuality: Double
    /// Savings at 95% of the strongest model's quality; `nil` when the router never reaches it.
    public var costSavingsAt95pctQuality: Double?
    /// Savings at 100% of the strongest model's quality; `nil` when the router never reaches it.
    public var costSavingsAt100pctQuality: Double?
    /// The router's quality at its 95% point (or its best point when it never reaches 95%).
    public var routerQualityAt95pctPoint: Double
    /// Random routing's quality at the same cost as that point.
    public var qualityAtEqualCostRandom: Double
    /// The per-prompt oracle's savings at 95% and 100% of the strongest model's quality.
    public var oracleCostSavingsAt95pctQuality: Double?
    /// The oracle's savings at 100%.
    public var oracleCostSavingsAt100pctQuality: Double?
    /// Area under the router's quality–cost hull, cost 0…1 (``RouterEvaluation/area(_:)``).
    public var auc: Double
    /// Area under the oracle's frontier.
    public var oracleAUC: Double
    /// Area under random routing's hull.
    public var randomAUC: Double
    /// λ of the router's 95% and 85% points.
    public var lambdaAt95pctQuality: Double?
    /// λ of the 85% point.
    public var lambdaAt85pctQuality: Double?

    /// Collects the metrics (``RouterEvaluation/metrics(curve:candidates:)`` computes them).
    public init(
        rows: Int, strongestModel: String, strongestQuality: Double, costSavingsAt95pctQuality: Double?,
        costSavingsAt100pctQuality: Double?, routerQualityAt95pctPoint: Double, qualityAtEqualCostRandom: Double,
        oracleCostSavingsAt95pctQuality: Double?, oracleCostSavingsAt100pctQuality: Double?, auc: Double,
        oracleAUC: Double, randomAUC: Double, lambdaAt95pctQuality: Double?, lambdaAt85pctQuality: Double?
    ) {
        self.rows = rows
        self.strongestModel = strongestModel
        self.strongestQuality = strongestQuality
        self.costSavingsAt95pctQuality = costSavingsAt95pctQuality
        self.costSavingsAt100pctQuality = costSavingsAt100pctQuality
        self.routerQualityAt95pctPoint = routerQualityAt95pctPoint
        self.qualityAtEqualCostRandom = qualityAtEqualCostRandom
        self.oracleCostSavingsAt95pctQuality = oracleCostSavingsAt95pctQuality
        self.oracleCostSavingsAt100pctQuality = oracleCostSavingsAt100pctQuality
        self.auc = auc
        self.oracleAUC = oracleAUC
        self.randomAUC = randomAUC
        self.lambdaAt95pctQuality = lambdaAt95pctQuality
        self.lambdaAt85pctQuality = lambdaAt85pctQuality
    }

    enum CodingKeys: String, CodingKey {
        case rows
        case strongestModel = "strongest_model"
        case strongestQuality = "strongest_quality"
        case costSavingsAt95pctQuality = "cost_savings_at_95pct_quality"
        case costSavingsAt100pctQuality = "cost_savings_at_100pct_quality"
        case routerQualityAt95pctPoint = "router_quality_at_95pct_point"
        case qualityAtEqualCostRandom = "quality_at_equal_cost_random"
        case oracleCostSavingsAt95pctQuality = "oracle_cost_savings_at_95pct_quality"
        case oracleCostSavingsAt100pctQuality = "oracle_cost_savings_at_100pct_quality"
        case auc
        case oracleAUC = "oracle_auc"
        case randomAUC = "random_auc"
        case lambdaAt95pctQuality = "lambda_at_95pct_quality"
        case lambdaAt85pctQuality = "lambda_at_85pct_quality"
    }
}

extension RouterEvaluation {
    /// The headline metrics of a router curve on these rows.
    ///
    /// - Parameters:
    ///   - curve: The router's curve, from ``curve(quality:predictedCosts:)``.
    ///   - candidates: Candidate names, for ``RouterMetrics/strongestModel``.
    public func metrics(curve: [CurvePoint], candidates: [String]) -> RouterMetrics {
        let oracle = oracleCurve
        let point95 = cheapestPoint(curve, reaching: 0.95) ?? curve.max { $0.quality < $1.quality } ?? curve[0]
        return RouterMetrics(
            rows: scores.count, strongestModel: candidates[strongest], strongestQuality: strongestQuality,
            costSavingsAt95pctQuality: savings(curve, atQualityFraction: 0.95),
            costSavingsAt100pctQuality: savings(curve, atQualityFraction: 1),
            routerQualityAt95pctPoint: point95.quality, qualityAtEqualCostRandom: randomQuality(atCost: point95.cost),
            oracleCostSavingsAt95pctQuality: savings(oracle, atQualityFraction: 0.95),
            oracleCostSavingsAt100pctQuality: savings(oracle, atQualityFraction: 1), auc: Self.area(curve),
            oracleAUC: Self.area(oracle), randomAUC: Self.area(singleModels),
            lambdaAt95pctQuality: cheapestPoint(curve, reaching: 0.95)?.lambda,
            lambdaAt85pctQuality: cheapestPoint(curve, reaching: 0.85)?.lambda)
    }
}
