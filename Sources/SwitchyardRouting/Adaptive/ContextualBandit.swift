import Synchronization

/// A contextual bandit that corrects a learned router's predicted quality from feedback: linear Thompson
/// sampling over a random projection of the prompt embedding, per router and scope (tenant).
///
/// For each candidate it keeps a ``LinearPosterior`` over the *residual* `score − predicted` as a linear function
/// of `φ = [1, P·embedding]` (``RandomProjection``, ``ContextualBanditSettings/dimensions`` values plus a bias).
/// A request's adjusted quality is `predicted + φᵀθ̂` (the posterior mean), clipped to 0…1. A request *explores*
/// instead — every candidate's correction drawn from its posterior, `φᵀθ̂ + s·√(φᵀA⁻¹φ)·z` — only while the
/// exploring share of the last ``ContextualBanditSettings/explorationWindow`` requests of that router and scope
/// stays at most ``ContextualBanditSettings/maxExplorationShare``.
///
/// Budget: the bandit changes quality estimates only, never costs or the candidate set, so the caller's router
/// still applies its objective and budget to the adjusted values. When the caller passes `affordable`
/// (``adjust(requestID:router:scope:embedding:predicted:affordable:)``), exploration never *raises* an
/// unaffordable candidate above its posterior-mean estimate, so exploring cannot be what picks it.
///
/// Forgetting (``ContextualBanditSettings/discount``) lets the corrections follow a shift (a model getting worse).
/// Requests wait for feedback in a bounded least-recently-used map. ``dirtyStates()`` and
/// ``restore(router:scope:state:)`` let a persistence service save and load ``ContextualBanditState``s.
///
/// ```swift
/// let bandit = ContextualBandit(settings: ContextualBanditSettings(maxExplorationShare: 0.05))
/// let adjusted = await bandit.adjust(requestID: id, router: "auto", scope: tenant, embedding: v, predicted: q)
/// await bandit.served(requestID: id, candidate: pick)
/// _ = await bandit.learn(requestID: id, score: 1)   // later, from POST /v1/feedback
/// ```
public final class ContextualBandit: RoutingFeedbackLearner {
    /// Identifies one learned state.
    public struct Key: Sendable, Hashable {
        /// The router's configured name.
        public var router: String
        /// The scope (usually the tenant id).
        public var scope: String

        /// Names a state.
        public init(router: String, scope: String) {
            self.router = router
            self.scope = scope
        }
    }

    struct Pending: Sendable {
        var key: Key
        var features: [Double]
        var predicted: [Double]
        var adjusted: [Double]
        var candidate: Int?
    }

    struct Scoped: Sendable {
        var state: ContextualBanditState
        var window: ExplorationWindow
        var dirty = false
    }

    struct Storage: Sendable {
        var scopes: [Key: Scoped] = [:]
        var pending: PendingRequests<Pending>
        var projections: [Int: RandomProjection] = [:]
        var random: BanditRandom
    }

    /// The settings in force.
    public let settings: ContextualBanditSettings
    private let storage: Mutex<Storage>

    /// Creates a bandit with no feedback yet (every correction at its prior, zero).
    public init(settings: ContextualBanditSettings = ContextualBanditSettings()) {
        self.settings = settings
        storage = Mutex(
            Storage(
                pending: PendingRequests(capacity: settings.pendingCapacity),
                random: BanditRandom(seed: settings.seed ^ 0xA5A5_A5A5_A5A5_A5A5)))
    }

    /// See ``RoutingFeedbackLearner/adjust(requestID:router:scope:embedding:predicted:)``.
    public func adjust(
        requestID: String, router: String, scope: String, embedding: [Float], predicted: [Double]
    ) async -> LearnedAdjustment {
        adjust(
            requestID: requestID, router: router, scope: scope, embedding: embedding, predicted: predicted,
            affordable: nil)
    }

    /// Adjusts predictions, never letting exploration raise a candidate the caller cannot afford.
    ///
    /// - Parameters:
    ///   - requestID: The gateway's request id, the handle feedback will name.
    ///   - router: The router's configured name.
    ///   - scope: What state is kept per (usually the tenant id).
    ///   - embedding: The prompt's unit-length embedding.
    ///   - predicted: The trained predictor's quality per candidate.
    ///   - affordable: Per candidate, whether it fits the caller's budget (`nil`: all do).
    /// - Returns: The quality to decide with, and whether this request explored.
    public func adjust(
        requestID: String, router: String, scope: String, embedding: [Float], predicted: [Double],
        affordable: [Bool]?
    ) -> LearnedAdjustment {
        let key = Key(router: router, scope: scope)
        let settings = self.settings
        return storage.withLock { storage in
            let projection = storage.projection(for: embedding.count, settings: settings)
            let features = projection.features(embedding)
            var scoped = storage.scoped(key, candidates: predicted.count, settings: settings)
            let explore = predicted.count > 1 && scoped.window.allows(maxShare: settings.maxExplorationShare)
            var quality = predicted
            for m in predicted.indices {
                let (mean, variance) = scoped.state.candidates[m].predict(features: features)
                var correction = mean
                if explore {
                    let draw = mean + settings.explorationScale * variance.squareRoot() * storage.random.gaussian()
                    let mayRaise = affordable.map { m < $0.count ? $0[m] : true } ?? true
                    correction = mayRaise ? draw : min(draw, mean)
                }
                quality[m] = min(1, max(0, predicted[m] + correction))
            }
            scoped.window.record(explored: explore)
            let feedback = scoped.state.feedback
            storage.scopes[key] = scoped
            storage.pending.set(
                requestID,
                Pending(key: key, features: features, predicted: predicted, adjusted: quality, candidate: nil))
            return LearnedAdjustment(
                quality: quality, explored: explore, note: "bandit: \(feedback) feedback\(explore ? ", explore" : "")")
        }
    }

    /// See ``RoutingFeedbackLearner/served(requestID:candidate:)``.
    public func served(requestID: String, candidate: Int) async {
        storage.withLock { storage in
            guard var pending = storage.pending.get(requestID), pending.predicted.indices.contains(candidate) else {
                return
            }
            pending.candidate = candidate
            storage.pending.set(requestID, pending)
        }
    }

    /// See ``RoutingFeedbackLearner/learn(requestID:score:)``.
    ///
    /// The residual `score − predicted` of the served candidate (the best adjusted one when
    /// ``served(requestID:candidate:)`` was not called) updates that candidate's posterior after every posterior of the state is discounted. A
    /// request learns once: later feedback on it returns `false`.
    public func learn(requestID: String, score: Double) async -> Bool {
        let settings = self.settings
        return storage.withLock { storage in
            guard let pending = storage.pending.remove(requestID), var scoped = storage.scopes[pending.key] else {
                return false
            }
            let candidate =
                pending.candidate ?? pending.adjusted.indices.max { pending.adjusted[$0] < pending.adjusted[$1] } ?? 0
            guard scoped.state.candidates.indices.contains(candidate) else { return false }
            let residual = min(1, max(0, score)) - pending.predicted[candidate]
            for m in scoped.state.candidates.indices {
                scoped.state.candidates[m].discount(by: settings.discount, priorPrecision: settings.priorPrecision)
            }
            scoped.state.candidates[candidate].update(
                features: pending.features, target: residual, noiseVariance: settings.noiseVariance)
            scoped.state.feedback += 1
            scoped.dirty = true
            storage.scopes[pending.key] = scoped
            return true
        }
    }

    /// The learned state of one router and scope, if any.
    public func state(router: String, scope: String) -> ContextualBanditState? {
        storage.withLock { $0.scopes[Key(router: router, scope: scope)]?.state }
    }

    /// The states changed since the last call (feedback learned), marking them clean.
    public func dirtyStates() -> [(key: Key, state: ContextualBanditState)] {
        storage.withLock { storage in
            var result: [(key: Key, state: ContextualBanditState)] = []
            for (key, scoped) in storage.scopes where scoped.dirty {
                result.append((key, scoped.state))
                storage.scopes[key]?.dirty = false
            }
            return result.sorted { ($0.key.router, $0.key.scope) < ($1.key.router, $1.key.scope) }
        }
    }

    /// Marks a state changed again (a save failed).
    public func markDirty(_ key: Key) {
        storage.withLock { $0.scopes[key]?.dirty = true }
    }

    /// Installs a saved state; returns `false` (and keeps nothing) when it was learned with other settings.
    @discardableResult
    public func restore(router: String, scope: String, state: ContextualBanditState) -> Bool {
        guard state.fits(settings) else { return false }
        let size = settings.explorationWindow
        storage.withLock {
            $0.scopes[Key(router: router, scope: scope)] = Scoped(state: state, window: ExplorationWindow(size: size))
        }
        return true
    }

    /// Requests waiting for feedback.
    public var pendingCount: Int { storage.withLock { $0.pending.count } }
}

extension ContextualBandit.Storage {
    mutating func projection(for inputs: Int, settings: ContextualBanditSettings) -> RandomProjection {
        if let existing = projections[inputs] { return existing }
        let made = RandomProjection(dimensions: settings.dimensions, inputDimensions: inputs, seed: settings.seed)
        projections[inputs] = made
        return made
    }

    /// The state for `key`, new (at the prior) when missing or sized for another candidate list.
    func scoped(_ key: ContextualBandit.Key, candidates: Int, settings: ContextualBanditSettings)
        -> ContextualBandit.Scoped
    {
        if let existing = scopes[key], existing.state.candidates.count == candidates { return existing }
        return ContextualBandit.Scoped(
            state: ContextualBanditState(candidates: candidates, settings: settings),
            window: ExplorationWindow(size: settings.explorationWindow))
    }
}
