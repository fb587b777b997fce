/// A Bayesian linear regression with forgetting: the posterior over one candidate's quality correction.
///
/// Model: `residual = φᵀθ + ε`, `ε ~ N(0, σ²)`, prior `θ ~ N(0, I/λ)`. The posterior is `N(A⁻¹b, A⁻¹)` with
/// precision `A = λI + Σ φφᵀ/σ²` and `b = Σ r φ/σ²`. Forgetting with factor `γ` moves the evidence back toward
/// the prior before each update, `A ← γA + (1−γ)λI`, `b ← γb`, so an observation `n` updates old weighs `γⁿ`
/// and the posterior follows a shift within about `1/(1−γ)` updates.
public struct LinearPosterior: Sendable, Hashable, Codable {
    /// Features per observation (bias included).
    public let dimensions: Int
    /// Precision matrix `A`, row-major.
    public private(set) var precision: [Double]
    /// `b`, so that the posterior mean is `A⁻¹b`.
    public private(set) var weightedTargets: [Double]
    /// Observations learned (not discounted).
    public private(set) var observations: Int

    /// The prior: `A = λI`, `b = 0`.
    public init(dimensions: Int, priorPrecision: Double) {
        self.dimensions = dimensions
        precision = (0..<(dimensions * dimensions)).map { $0 % (dimensions + 1) == 0 ? priorPrecision : 0 }
        weightedTargets = [Double](repeating: 0, count: dimensions)
        observations = 0
    }

    /// Moves the evidence toward the prior by `factor` (γ in 0…1; 1 forgets nothing).
    public mutating func discount(by factor: Double, priorPrecision: Double) {
        guard factor < 1 else { return }
        for i in precision.indices { precision[i] *= factor }
        for i in 0..<dimensions { precision[i * dimensions + i] += (1 - factor) * priorPrecision }
        for i in weightedTargets.indices { weightedTargets[i] *= factor }
    }

    /// Learns one observed residual `target` for features `x`, with noise variance `noiseVariance`.
    public mutating func update(features x: [Double], target: Double, noiseVariance: Double) {
        precondition(x.count == dimensions, "feature count differs from the posterior's")
        let w = 1 / noiseVariance
        for i in 0..<dimensions where x[i] != 0 {
            for j in 0..<dimensions { precision[i * dimensions + j] += w * x[i] * x[j] }
            weightedTargets[i] += w * target * x[i]
        }
        observations += 1
    }

    /// The posterior mean and variance of `φᵀθ` for features `x`.
    public func predict(features x: [Double]) -> (mean: Double, variance: Double) {
        guard x.count == dimensions else { return (0, 0) }
        // Solve A [m, v] = [b, x]: m is the posterior mean, xᵀv = xᵀA⁻¹x the variance.
        var rhs = [Double](repeating: 0, count: dimensions * 2)
        for i in 0..<dimensions {
            rhs[i * 2] = weightedTargets[i]
            rhs[i * 2 + 1] = x[i]
        }
        guard let solved = RoutingMath.choleskySolve(precision, n: dimensions, rhs, m: 2) else { return (0, 0) }
        var mean = 0.0
        var variance = 0.0
        for i in 0..<dimensions {
            mean += x[i] * solved[i * 2]
            variance += x[i] * solved[i * 2 + 1]
        }
        return (mean, max(0, variance))
    }
}
