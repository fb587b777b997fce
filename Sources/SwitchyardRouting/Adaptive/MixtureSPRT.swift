import Foundation

/// An always-valid sequential test of the difference of two arms' means: the mixture sequential probability ratio
/// test (mSPRT) of Johari, Koomen, Pekelis and Walsh ("Peeking at A/B tests", KDD 2017; "Always valid
/// inference", Operations Research 2022) with a normal mixture.
///
/// With `n_A`, `n_B` observations and means `ȳ_A`, `ȳ_B`, the difference `Δ̂ = ȳ_B − ȳ_A` has, under the null of
/// equal distributions, variance `V = s²·(1/n_A + 1/n_B)`, where `s²` is the variance of both samples pooled as one
/// (the null's estimate: never zero when the arms differ, e.g. all-0 against all-1 feedback, and conservative
/// otherwise). Mixing the alternative `Δ ~ N(0, τ²)` over the likelihood ratio of `N(Δ, V)` against `N(0, V)` gives
///
/// ```
/// Λ = √(V / (V + τ²)) · exp( τ² Δ̂² / (2 V (V + τ²)) )
/// ```
///
/// Under the null `Λ` is a martingale with mean 1, so by Ville's inequality `P(sup Λ ≥ 1/α) ≤ α`: the
/// always-valid p-value `p_n = min(p_{n−1}, 1/Λ_n)` may be checked after every observation and the test stopped
/// the first time `p ≤ α`, with a type-I error of at most `α` (exact for known variances; with plug-in variances
/// it holds asymptotically, hence the ``minimumObservations`` burn-in). The mixture scale is set in standard
/// deviations of the pooled data, `τ = τ₀·s`, so the test is scale-free (cost in dollars or latency in
/// milliseconds alike); `τ₀` is the effect size the test is most sensitive to.
public struct MixtureSPRT: Sendable, Hashable {
    /// What the test concluded so far.
    public enum Decision: String, Sendable, Hashable, Codable {
        /// No significant difference yet.
        case continuing = "continue"
        /// The treatment's mean is significantly larger.
        case treatmentHigher = "treatment_higher"
        /// The control's mean is significantly larger.
        case controlHigher = "control_higher"
    }

    /// The level α.
    public let alpha: Double
    /// The mixture's standard deviation in pooled standard deviations (τ₀). Default 0.2.
    public let mixtureScale: Double
    /// Observations each arm needs before the test looks. Default 20.
    public let minimumObservations: Int
    /// The always-valid p-value so far (1 before any evidence).
    public private(set) var pValue = 1.0
    /// The decision, fixed once reached.
    public private(set) var decision = Decision.continuing
    /// The last mixture likelihood ratio computed.
    public private(set) var likelihoodRatio = 1.0

    /// Creates a test at level `alpha`.
    public init(alpha: Double = 0.05, mixtureScale: Double = 0.2, minimumObservations: Int = 20) {
        self.alpha = alpha
        self.mixtureScale = mixtureScale
        self.minimumObservations = max(2, minimumObservations)
    }

    /// The mixture likelihood ratio for the two samples, or `nil` when they cannot be tested yet.
    public func ratio(control: RunningMoments, treatment: RunningMoments) -> Double? {
        guard control.count >= minimumObservations, treatment.count >= minimumObservations else { return nil }
        let nA = Double(control.count)
        let nB = Double(treatment.count)
        let delta = treatment.mean - control.mean
        // Both samples as one: within-arm squares plus the squares of each arm's mean around the common mean.
        let mean = (nA * control.mean + nB * treatment.mean) / (nA + nB)
        let squares =
            (nA - 1) * control.variance + (nB - 1) * treatment.variance
            + nA * (control.mean - mean) * (control.mean - mean) + nB * (treatment.mean - mean)
            * (treatment.mean - mean)
        let pooled = squares / (nA + nB - 1)
        let v = pooled * (1 / nA + 1 / nB)
        let tau2 = mixtureScale * mixtureScale * pooled
        guard v > 1e-300, tau2 > 1e-300 else { return nil }
        let logRatio = 0.5 * log(v / (v + tau2)) + tau2 * delta * delta / (2 * v * (v + tau2))
        return exp(min(logRatio, 700))
    }

    /// Looks at the samples once more; updates the p-value and, at `p ≤ α`, fixes the decision.
    @discardableResult
    public mutating func observe(control: RunningMoments, treatment: RunningMoments) -> Decision {
        guard decision == .continuing, let ratio = ratio(control: control, treatment: treatment) else {
            return decision
        }
        likelihoodRatio = ratio
        pValue = min(pValue, 1 / ratio)
        if pValue <= alpha {
            decision = treatment.mean > control.mean ? .treatmentHigher : .controlHigher
        }
        return decision
    }
}
