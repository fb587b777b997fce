/// How a ``ContextualBandit`` learns and explores.
///
/// The defaults suit scores in 0…1 (thumbs up/down or a judge's grade): a correction prior with standard
/// deviation 0.5, residual noise of a fair coin, memory of about 200 feedback per router and scope, and at most 10%
/// of requests exploring.
public struct ContextualBanditSettings: Sendable, Hashable, Codable {
    /// Projected embedding dimensions (the bias comes on top). Default 8.
    public var dimensions: Int
    /// Seed of the random projection (and of the exploration draws).
    public var seed: UInt64
    /// Prior precision λ of the correction weights (1/variance). Default 4 (standard deviation 0.5).
    public var priorPrecision: Double
    /// Residual noise variance σ². Default 0.25 (the largest variance of a 0…1 score).
    public var noiseVariance: Double
    /// Forgetting factor γ per feedback in the same router and scope, 0…1 (1 never forgets). Default 0.995.
    public var discount: Double
    /// Largest share of requests (per router and scope, over ``explorationWindow``) that may explore. Default 0.1.
    public var maxExplorationShare: Double
    /// Requests in the sliding window the exploration share is measured over. Default 200.
    public var explorationWindow: Int
    /// Scale of the Thompson draw's standard deviation (1 samples the posterior itself). Default 1.
    public var explorationScale: Double
    /// Requests remembered between adjustment and feedback (least recently used dropped first). Default 50 000.
    public var pendingCapacity: Int

    /// Creates settings; see each property for its meaning and default.
    public init(
        dimensions: Int = 8, seed: UInt64 = 0x5357_4954_4348_5944, priorPrecision: Double = 4,
        noiseVariance: Double = 0.25, discount: Double = 0.995, maxExplorationShare: Double = 0.1,
        explorationWindow: Int = 200, explorationScale: Double = 1, pendingCapacity: Int = 50_000
    ) {
        self.dimensions = max(0, dimensions)
        self.seed = seed
        self.priorPrecision = max(priorPrecision, 1e-6)
        self.noiseVariance = max(noiseVariance, 1e-6)
        self.discount = min(max(discount, 0), 1)
        self.maxExplorationShare = min(max(maxExplorationShare, 0), 1)
        self.explorationWindow = max(1, explorationWindow)
        self.explorationScale = max(0, explorationScale)
        self.pendingCapacity = max(1, pendingCapacity)
    }
}
