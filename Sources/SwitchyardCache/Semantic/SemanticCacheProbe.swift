import Dispatch
import Synchronization

/// Timings a ``SemanticCache`` reports while it works, for benchmarks (`switchyard cache bench --switchover`).
///
/// A cache made without a probe (the default) reads no clock and calls nothing: each locked section costs one
/// branch on `nil`. With a probe, every section that holds the cache's lock reports how long it held it (from
/// acquiring to releasing, so waiting for the lock is not counted), and every HNSW build reports its phases.
/// Both closures run after the lock is released, on the thread that held it or ran the build; keep them cheap.
///
/// ```swift
/// let holds = Mutex<[UInt64]>([])
/// let probe = SemanticCacheProbe(lockHeld: { _, nanoseconds in holds.withLock { $0.append(nanoseconds) } })
/// let cache = SemanticCache(embed: embed, dimensions: 384, verifier: verifier, probe: probe)
/// ```
public struct SemanticCacheProbe: Sendable {
    /// What the cache did while holding its lock.
    public enum Section: String, Sendable, Hashable, CaseIterable {
        /// ``SemanticCache/lookup(_:)-(SemanticQuery)``: index search and verification, or, for a scope scanned
        /// outside the lock (``SemanticCachePolicy/offLockScanMinimum``), taking its snapshot.
        case lookup
        /// A lookup verifying the candidates of a scan made outside the lock.
        case lookupVerify
        /// ``SemanticCache/store(_:for:ttl:)-(_,SemanticQuery,_)``: insert, eviction, and starting a build.
        case store
        /// A build copying the changes logged since its last round (before replaying them without the lock).
        case buildCatchUp
        /// A build's switch-over: replaying the last few changes and swapping the graph in.
        case buildInstall
    }

    /// One HNSW build, from its hand-over to the executor to its swap (or abandonment). Times are
    /// `DispatchTime.now().uptimeNanoseconds`.
    public struct Build: Sendable {
        /// The scope the graph is for.
        public var scope: SemanticScope
        /// Why it was built.
        public var reason: HNSWBuild.Reason
        /// When the cache handed it to the ``IndexBuildExecutor``.
        public var queued: UInt64
        /// When the graph from the snapshot was complete.
        public var built: UInt64
        /// When the graph was swapped in (or the build found abandoned).
        public var finished: UInt64
        /// Rounds of changes replayed without the lock.
        public var catchUpRounds: Int
        /// Changes replayed without the lock, over all rounds.
        public var replayedOffLock: Int
        /// Changes replayed under the lock at the switch-over.
        public var replayedUnderLock: Int
        /// Whether the graph was installed (`false`: the index abandoned the build).
        public var installed: Bool
    }

    let lockHeld: @Sendable (_ section: Section, _ nanoseconds: UInt64) -> Void
    let buildFinished: @Sendable (_ build: Build) -> Void

    /// Creates a probe.
    ///
    /// - Parameters:
    ///   - lockHeld: Called after each locked section with how long the lock was held, in nanoseconds.
    ///   - buildFinished: Called when a build ends, installed or abandoned.
    public init(
        lockHeld: @escaping @Sendable (_ section: Section, _ nanoseconds: UInt64) -> Void,
        buildFinished: @escaping @Sendable (_ build: Build) -> Void = { _ in }
    ) {
        self.lockHeld = lockHeld
        self.buildFinished = buildFinished
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

extension SemanticCache {
    /// Runs `body` under the cache's lock; with a probe, reports how long the lock was held.
    @inline(__always)
    func withState<Result: Sendable>(
        _ section: SemanticCacheProbe.Section, _ body: (inout State) -> Result
    ) -> Result {
        guard let probe else { return state.withLock { body(&$0) } }
        let (result, held) = state.withLock { state in
            let start = SemanticCacheProbe.now()
            let result = body(&state)
            return (result, SemanticCacheProbe.now() - start)
        }
        probe.lockHeld(section, held)
        return result
    }
}
