import Foundation

/// One point of a quality–cost curve: mean realised score and mean cost relative to the strongest model.
public struct CurvePoint: Sendable, Hashable, Codable {
    /// The cost weight that produced it (`nil` for single models).
    public var lambda: Double?
    /// Mean cost divided by the strongest single model's mean cost.
    public var cost: Double
    /// Mean realised score (0…1).
    public var quality: Double
}

/// Per-prompt outcomes and a router's predictions for them, with the curves and savings they give.
///
/// All costs in the curves are fractions of the strongest single model's mean cost on these rows (the model
/// with the best mean score). Realised quality and cost always come from the recorded outcomes; predictions
/// only drive the choices, so evaluating out-of-fold predictions measures held-out behaviour.
public struct RouterEvaluation: Sendable {
    /// Recorded score per row per candidate.
    public let scores: [[Double]]
    /// Recorded cost per row per candidate (US dollars).
    public let costs: [[Double]]
    /// Index of the strongest single candidate.
    public let strongest: Int
    /// The strongest candidate's mean cost.
    public let costUnit: Double

    /// The cost weights swept: 0, then geometric from 10⁻⁴ to 10³, then 10⁶ (cheapest only).
    public static let lambdas: [Double] = [0] + (0...140).map { pow10(-4 + Double($0) * 0.05) } + [1e6]

    /// Creates an evaluation over recorded outcomes.
    public init(scores: [[Double]], costs: [[Double]]) {
        precondition(!scores.isEmpty && scores.count == costs.count, "need outcomes for at least one row")
        self.scores = scores
        self.costs = costs
        let candidates = scores[0].count
        let means = (0..<candidates).map { m in scores.reduce(0) { $0 + $1[m] } / Double(scores.count) }
        let meanCosts = (0..<candidates).map { m in costs.reduce(0) { $0 + $1[m] } / Double(costs.count) }
        strongest = LearnedRouter.best(means, costs: meanCosts)
        costUnit = max(meanCosts[strongest], .leastNonzeroMagnitude)
    }

    /// Each single model as a point.
    public var singleModels: [CurvePoint] {
        (0..<scores[0].count).map { m in
            CurvePoint(
                lambda: nil, cost: costs.reduce(0) { $0 + $1[m] } / Double(costs.count) / costUnit,
                quality: scores.reduce(0) { $0 + $1[m] } / Double(scores.count))
        }
    }

    /// The strongest single model's mean score.
    public var strongestQuality: Double { singleModels[strongest].quality }

    /// The curve of a router whose predictions are `quality` and `predictedCosts`, one point per λ.
    public func curve(quality: [[Double]], predictedCosts: [[Double]]) -> [CurvePoint] {
        Self.lambdas.map { lambda in
            var totalScore = 0.0
            var totalCost = 0.0
            for row in scores.indices {
                let utility = zip(quality[row], predictedCosts[row]).map { $0 - lambda * $1 / costUnit }
                let pick = LearnedRouter.best(utility, costs: predictedCosts[row])
                totalScore += scores[row][pick]
                totalCost += costs[row][pick]
            }
            let n = Double(scores.count)
            return CurvePoint(lambda: lambda, cost: totalCost / n / costUnit, quality: totalScore / n)
        }
    }

    /// The per-prompt oracle: the same sweep with the recorded scores and costs as predictions.
    public var oracleCurve: [CurvePoint] { curve(quality: scores, predictedCosts: costs) }

    /// Quality of random routing (a random mixture of single models) at `cost`: the upper convex hull of the
    /// single models, RouterBench's "zero router"; below the cheapest model, that model's quality.
    public func randomQuality(atCost cost: Double) -> Double {
        let hull = Self.upperHull(singleModels)
        guard let first = hull.first, let last = hull.last else { return 0 }
        if cost <= first.cost { return first.quality }
        if cost >= last.cost { return last.quality }
        for (a, b) in zip(hull, hull.dropFirst()) where cost <= b.cost {
            return a.quality + (b.quality - a.quality) * (cost - a.cost) / max(b.cost - a.cost, 1e-300)
        }
        return last.quality
    }

    /// The points that no other point beats on both cost and quality, cheapest first, quality rising.
    public static func frontier(_ points: [CurvePoint]) -> [CurvePoint] {
        var result: [CurvePoint] = []
        for point in points.sorted(by: { ($0.cost, -$0.quality) < ($1.cost, -$1.quality) })
        where point.quality > (result.last?.quality ?? -.infinity) {
            result.append(point)
        }
        return result
    }

    /// The cheapest point reaching `fraction` of the strongest model's quality, if any.
    public func cheapestPoint(_ points: [CurvePoint], reaching fraction: Double) -> CurvePoint? {
        let goal = fraction * strongestQuality - 1e-12
        return points.filter { $0.quality >= goal }.min { $0.cost < $1.cost }
    }

    /// `1 − cost` of the cheapest point reaching `fraction` of the strongest model's quality; `nil` if none does.
    public func savings(_ points: [CurvePoint], atQualityFraction fraction: Double) -> Double? {
        cheapestPoint(points, reaching: fraction).map { 1 - $0.cost }
    }

    /// Area under the upper convex hull of `points` for cost in 0…1: mixing two routing policies at random
    /// reaches any point between them, so the hull is what a curve achieves. Quality counts 0 below the cheapest
    /// point and stays at the last hull point's quality beyond it.
    public static func area(_ points: [CurvePoint]) -> Double {
        let hull = upperHull(points)
        guard let last = hull.last else { return 0 }
        var area = 0.0
        for (a, b) in zip(hull, hull.dropFirst()) {
            let start = max(0, a.cost)
            let end = min(1, b.cost)
            guard end > start else { continue }
            let slope = (b.quality - a.quality) / max(b.cost - a.cost, 1e-300)
            let qStart = a.quality + slope * (start - a.cost)
            let qEnd = a.quality + slope * (end - a.cost)
            area += (qStart + qEnd) / 2 * (end - start)
        }
        if last.cost < 1 { area += last.quality * (1 - max(0, last.cost)) }
        return area
    }

    static func upperHull(_ points: [CurvePoint]) -> [CurvePoint] {
        var hull: [CurvePoint] = []
        for p in frontier(points) {
            while hull.count >= 2 {
                let a = hull[hull.count - 2]
                let b = hull[hull.count - 1]
                let cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost)
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        return hull
    }

    private static func pow10(_ exponent: Double) -> Double { exp(exponent * 2.302585092994046) }
}
