/// One learned router as configured (`routers.NAME` in the configuration): which trained artifact, which
/// configured models its candidates are, what it optimises and how budget pressure, stickiness and exclusions
/// apply.
///
/// ```yaml
/// routers:
///   auto:                                   # clients send model: "auto" (or "router/auto")
///     artifact: routers/routerbench.json
///     candidates: { gpt-4-1106-preview: gpt-4o, mistralai/mixtral-8x7b-chat: mixtral, claude-v1: none }
///     objective: balanced                   # quality | balanced | economy | { quality_target: 0.8 } | { lambda: 0.5 }
///     budget_pressure: { start: 0.8, full: 1.0, max_lambda: 4 }
///     stickiness: true
///     exclude_providers: [dead-provider]
/// ```
public struct RouterSettings: Sendable, Hashable {
    /// What the router optimises (mirrors the router module's objective without depending on it).
    public enum Objective: Sendable, Hashable, CustomStringConvertible {
        /// The best predicted quality, whatever it costs.
        case quality
        /// The trained balanced trade-off (95% of the strongest model's quality in cross-validation).
        case balanced
        /// The trained economy trade-off (85%).
        case economy
        /// The cheapest candidate predicted to reach this quality (0…1).
        case qualityTarget(Double)
        /// Maximise `quality − λ · cost` (cost in units of the strongest candidate's mean cost).
        case costWeight(Double)

        /// `quality`, `balanced`, `economy`, `target=0.8` or `lambda=0.5`.
        public var description: String {
            switch self {
            case .quality: "quality"
            case .balanced: "balanced"
            case .economy: "economy"
            case .qualityTarget(let target): "target=\(target)"
            case .costWeight(let lambda): "lambda=\(lambda)"
            }
        }
    }

    /// How λ rises as a tenant's forecast spend approaches its budget.
    ///
    /// With `ratio = forecast / budget`: no uplift up to ``start``; from there λ rises linearly to ``maxLambda``,
    /// reached at ``full``. Under a quality target, pressure switches to the cost-weighted rule with the same λ.
    public struct BudgetPressure: Sendable, Hashable {
        /// The ratio where pressure begins. Key: `budget_pressure.start`. Default: 0.8.
        public var start: Double
        /// The ratio where λ reaches ``maxLambda``. Key: `budget_pressure.full`. Default: 1.0.
        public var full: Double
        /// The highest λ pressure can set. Key: `budget_pressure.max_lambda`. Default: 4.
        public var maxLambda: Double

        /// Creates a curve.
        public init(start: Double = 0.8, full: Double = 1.0, maxLambda: Double = 4) {
            self.start = start
            self.full = full
            self.maxLambda = maxLambda
        }

        /// The λ to use at a budget ratio, from the objective's own λ.
        ///
        /// - Returns: `max(base, base + (maxLambda − base) · clamp((ratio − start) / (full − start), 0, 1))`.
        public func lambda(base: Double, ratio: Double) -> Double {
            guard ratio > start else { return base }
            let share = full > start ? min(1, (ratio - start) / (full - start)) : 1
            return max(base, base + (maxLambda - base) * share)
        }
    }

    /// The artifact format version this build reads (must equal the router module's `currentFormatVersion`).
    public static let supportedFormatVersion = 1

    /// The router's name: clients send `router/NAME`, and `auto` when it is named `auto` or marked default.
    public var name: String
    /// The trained router's JSON file. Key: `artifact`.
    public var artifactPath: String
    /// The trained candidates in the artifact's order, each with its configured public model (`nil`: left out).
    public var candidates: [(candidate: String, model: String?)] {
        candidateNames.map { ($0, candidateModels[$0] ?? nil) }
    }
    /// The artifact's candidate names, in its order.
    public var candidateNames: [String]
    /// Configured public model per trained candidate; `nil` where the configuration maps it to `none`.
    public var candidateModels: [String: String?]
    /// What to optimise. Key: `objective`. Default: `balanced`.
    public var objective: Objective
    /// The budget-pressure curve, when λ should rise with the tenant's forecast spend. Key: `budget_pressure`.
    public var budgetPressure: BudgetPressure?
    /// Whether a conversation (same `user` and conversation id) stays on its first model. Key: `stickiness`.
    /// Default: true.
    public var stickiness: Bool
    /// Providers (configured names) this router never uses. Key: `exclude_providers`.
    public var excludedProviders: Set<String>
    /// Whether `model: "auto"` uses this router (when none is named `auto`). Key: `default`.
    public var isDefault: Bool

    /// Creates settings.
    public init(
        name: String, artifactPath: String, candidateNames: [String], candidateModels: [String: String?],
        objective: Objective = .balanced, budgetPressure: BudgetPressure? = nil, stickiness: Bool = true,
        excludedProviders: Set<String> = [], isDefault: Bool = false
    ) {
        self.name = name
        self.artifactPath = artifactPath
        self.candidateNames = candidateNames
        self.candidateModels = candidateModels
        self.objective = objective
        self.budgetPressure = budgetPressure
        self.stickiness = stickiness
        self.excludedProviders = excludedProviders
        self.isDefault = isDefault
    }

    /// The public model names that reach this router: `router/NAME`, plus `auto` for the auto router.
    public func publicNames(isAuto: Bool) -> [String] {
        isAuto ? ["auto", "router/\(name)"] : ["router/\(name)"]
    }
}
