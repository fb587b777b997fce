/// What a ``ContextualBandit`` has learned for one router and scope: one ``LinearPosterior`` per candidate.
///
/// This is the value persisted in the store's `router_state` table (as JSON). ``formatVersion``,
/// ``dimensions`` and ``projectionSeed`` let a loader drop a state that no longer fits (a new projection or a
/// retrained router with other candidates) instead of misreading it.
public struct ContextualBanditState: Sendable, Hashable, Codable {
    /// The format this build reads and writes.
    public static let currentFormatVersion = 1

    /// Format of this value.
    public var formatVersion: Int
    /// Projected dimensions (bias excluded) the posteriors were learned over.
    public var dimensions: Int
    /// Seed of the projection the posteriors were learned over.
    public var projectionSeed: UInt64
    /// One posterior per candidate, in the router's candidate order.
    public var candidates: [LinearPosterior]
    /// Feedback learned in all.
    public var feedback: Int

    /// A state at the prior for `candidates` candidates.
    public init(candidates: Int, settings: ContextualBanditSettings) {
        formatVersion = Self.currentFormatVersion
        dimensions = settings.dimensions
        projectionSeed = settings.seed
        self.candidates = (0..<candidates).map { _ in
            LinearPosterior(dimensions: settings.dimensions + 1, priorPrecision: settings.priorPrecision)
        }
        feedback = 0
    }

    /// Whether this state was learned with `settings` (same format, projection and sizes).
    public func fits(_ settings: ContextualBanditSettings) -> Bool {
        formatVersion == Self.currentFormatVersion && dimensions == settings.dimensions
            && projectionSeed == settings.seed && candidates.allSatisfy { $0.dimensions == settings.dimensions + 1 }
    }
}
