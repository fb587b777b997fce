/// What a learned router optimises for one request.
public enum RoutingObjective: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The candidate with the highest predicted quality, whatever it costs.
    case quality
    /// The router's balanced trade-off: the λ that reached 95% of the strongest model's quality in training.
    case balanced
    /// The router's economy trade-off: the λ that reached 85% of the strongest model's quality in training.
    case economy
    /// Maximise `quality − λ · cost`, with cost in units of the strongest candidate's mean cost.
    case costWeight(Double)
    /// The cheapest candidate whose predicted quality is at least the target (0…1); the best one when none is.
    case qualityTarget(Double)

    /// Parses `quality`, `balanced`, `economy`, `lambda=0.5` or `target=0.8`.
    ///
    /// - Parameter text: The configured objective.
    public init?(_ text: String) {
        switch text {
        case "quality": self = .quality
        case "balanced": self = .balanced
        case "economy": self = .economy
        default:
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value >= 0 else { return nil }
            switch parts[0] {
            case "lambda": self = .costWeight(value)
            case "target": self = .qualityTarget(value)
            default: return nil
            }
        }
    }

    /// The form ``init(_:)`` parses.
    public var description: String {
        switch self {
        case .quality: "quality"
        case .balanced: "balanced"
        case .economy: "economy"
        case .costWeight(let lambda): "lambda=\(lambda)"
        case .qualityTarget(let target): "target=\(target)"
        }
    }
}

/// Why a learned router picked a candidate: every candidate's prediction, the objective and the pick.
public struct RouterDecision: Sendable, Hashable, Codable {
    /// One candidate's prediction.
    public struct Candidate: Sendable, Hashable, Codable {
        /// The candidate model.
        public var model: String
        /// Predicted quality (expected score, 0…1).
        public var predictedQuality: Double
        /// Expected cost of this request in US dollars.
        public var expectedCostUSD: Double
        /// `quality − λ · normalised cost` under a cost-weighted objective.
        public var utility: Double?
    }

    /// The objective as requested.
    public var objective: RoutingObjective
    /// The cost weight applied, when the objective has one.
    public var lambda: Double?
    /// All candidates, in the router's order.
    public var candidates: [Candidate]
    /// Index of the pick in ``candidates``.
    public var chosenIndex: Int
    /// Whether a quality target was met (`nil` for other objectives).
    public var targetMet: Bool?
    /// The candidate with the best mean quality in training.
    public var strongest: String
    /// What the strongest candidate would have cost for this request.
    public var strongestCostUSD: Double

    /// The chosen model.
    public var chosen: String { candidates[chosenIndex].model }

    /// One line for logs and the `x-switchyard-route-reason` header.
    public var reason: String {
        let pick = candidates[chosenIndex]
        var text = "\(objective): \(pick.model) q=\(Self.format(pick.predictedQuality))"
        text += " cost=$\(Self.format(pick.expectedCostUSD, digits: 6)) vs \(strongest) $"
        text += Self.format(strongestCostUSD, digits: 6)
        if targetMet == false { text += " (target not met: best predicted)" }
        return text
    }

    static func format(_ value: Double, digits: Int = 3) -> String {
        let scale = pow10(digits)
        return String(Double((value * scale).rounded()) / scale)
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 10 } }
}
