/// Exact search for small scopes, approximate search for large ones.
///
/// Each ``SemanticScope`` lives in a ``FlatVectorIndex`` while it holds at most ``threshold`` entries, and in an
/// ``HNSWIndex`` once it grows past it. A scope moves back to exact search once removals bring it down to half the
/// threshold, so a scope hovering around the threshold does not rebuild on every change.
///
/// Building a scope's graph takes about a minute at 50,000 384-d entries on one core, and so does rebuilding a graph
/// whose tombstones passed ``HNSWParameters/maxTombstoneFraction``. By default both happen inside the insert or
/// removal that calls for them. With `buildsInBackground`, they never do: the index keeps searching the scope as it
/// is (flat, or the graph with its tombstones), logs the scope's later changes, and hands the work out as an
/// ``HNSWBuild`` from ``takeBuilds()`` for its owner to run elsewhere and ``install(_:)`` when done (see
/// ``HNSWBuild`` for the protocol; ``SemanticCache`` follows it). Under the owner's lock that leaves little work:
/// starting a promotion snapshots the flat scope's chunks (O(chunks), see ``FlatVectorIndex/snapshot(of:)``), a
/// change after it copies only the chunk it touches, and the swap replays the last few changes; what the swap
/// replaces is handed back by ``installDeferringRelease(_:)`` to be freed after the lock is released.
///
/// ```swift
/// var index = HybridVectorIndex(dimensions: 384, threshold: 50_000)
/// index.insert(id: 1, vector: embedding, scope: scope)
/// let nearest = index.search(query, scope: scope, k: 4)
/// ```
public struct HybridVectorIndex: VectorIndex {
    /// A build handed out and not yet installed or abandoned.
    struct PendingBuild {
        var generation: UInt64
        var reason: HNSWBuild.Reason
        /// Changes to the scope since the snapshot, oldest first.
        var changes: [HNSWChange] = []
    }

    public let dimensions: Int
    /// Most entries a scope holds before its search becomes approximate.
    public let threshold: Int
    /// Whether graphs are built by the owner, away from the index (see ``takeBuilds()``), rather than inline.
    public let buildsInBackground: Bool
    private var exact: FlatVectorIndex
    private var approximate: HNSWIndex
    private var pending: [SemanticScope: PendingBuild] = [:]
    private var ready: [HNSWBuild] = []
    private var lastGeneration: UInt64 = 0

    /// Creates an empty index.
    ///
    /// - Parameters:
    ///   - dimensions: Length of every vector.
    ///   - threshold: Most entries a scope holds before it moves to an HNSW graph. Default `50_000`.
    ///   - parameters: The graph parameters used above the threshold.
    ///   - buildsInBackground: When `true`, graphs are never built inside ``insert(id:vector:scope:)`` or
    ///     ``remove(id:scope:)``; the owner takes them from ``takeBuilds()``. Default `false`.
    public init(
        dimensions: Int, threshold: Int = 50_000, parameters: HNSWParameters = HNSWParameters(),
        buildsInBackground: Bool = false
    ) {
        self.dimensions = dimensions
        self.threshold = max(threshold, 0)
        self.buildsInBackground = buildsInBackground
        self.exact = FlatVectorIndex(dimensions: dimensions)
        self.approximate = HNSWIndex(
            dimensions: dimensions, parameters: parameters, compactsInline: !buildsInBackground)
    }

    public var count: Int { exact.count + approximate.count }

    public mutating func insert(id: UInt64, vector: [Float], scope: SemanticScope) {
        if approximate.count(in: scope) > 0 {
            approximate.insert(id: id, vector: vector, scope: scope)
            log(.insert(id: id, vector: vector), in: scope)
            requestCompactionIfNeeded(scope)
            return
        }
        exact.insert(id: id, vector: vector, scope: scope)
        log(.insert(id: id, vector: vector), in: scope)
        guard exact.count(in: scope) > threshold else { return }
        if buildsInBackground {
            guard pending[scope] == nil else { return }
            request(.promotion, for: scope, from: .entries(exact.snapshot(of: scope)))
        } else {
            let (ids, vectors) = exact.take(scope: scope)
            approximate.build(scope: scope, ids: ids, vectors: vectors)
        }
    }

    @discardableResult
    public mutating func remove(id: UInt64, scope: SemanticScope) -> Bool {
        guard approximate.count(in: scope) > 0 else {
            guard exact.remove(id: id, scope: scope) else { return false }
            log(.remove(id: id), in: scope)
            // A promotion under way is pointless once the scope is back to half the threshold.
            if exact.count(in: scope) <= threshold / 2 { abandonBuild(of: scope) }
            return true
        }
        guard approximate.remove(id: id, scope: scope) else { return false }
        log(.remove(id: id), in: scope)
        if approximate.count(in: scope) <= threshold / 2 {
            abandonBuild(of: scope)
            let (ids, vectors) = approximate.take(scope: scope)
            exact.adopt(scope: scope, ids: ids, vectors: vectors)
        } else {
            requestCompactionIfNeeded(scope)
        }
        return true
    }

    public func search(_ query: [Float], scope: SemanticScope, k: Int) -> [VectorMatch] {
        approximate.count(in: scope) > 0
            ? approximate.search(query, scope: scope, k: k) : exact.search(query, scope: scope, k: k)
    }

    /// A flat scope's entries as they are now, to search without the owner's lock (``FlatVectorIndex/snapshot(of:)``).
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `nil` when the scope is searched approximately (search the index itself: an HNSW search is short,
    ///   and a graph kept alive by a reader would be copied whole by the next change).
    public func exactSnapshot(of scope: SemanticScope) -> FlatVectorIndex.Snapshot? {
        approximate.count(in: scope) > 0 ? nil : exact.snapshot(of: scope)
    }

    /// Entries of one scope, searched exactly or approximately.
    public func count(in scope: SemanticScope) -> Int {
        approximate.count(in: scope) + exact.count(in: scope)
    }

    /// Whether a scope is searched approximately (with an HNSW graph) rather than exactly.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `true` once the scope's graph is in place, until the scope shrinks to half of ``threshold``.
    public func isApproximate(_ scope: SemanticScope) -> Bool {
        approximate.count(in: scope) > 0
    }

    /// Whether a graph for a scope has been handed out (``takeBuilds()``) or is waiting to be, and is not installed.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `true` between the change that called for a build and its ``install(_:)`` or abandonment.
    public func isBuilding(_ scope: SemanticScope) -> Bool {
        pending[scope] != nil
    }
}

extension HybridVectorIndex {
    /// The builds requested since the last call, for the owner to run away from the index (background mode only).
    ///
    /// - Returns: At most one build per scope; empty in inline mode.
    public mutating func takeBuilds() -> [HNSWBuild] {
        defer { ready = [] }
        return ready
    }

    /// The changes a build has not applied yet, or `nil` when the index abandoned it (the scope shrank, or a newer
    /// build replaced it): then drop the build.
    ///
    /// - Parameter build: A build from ``takeBuilds()``.
    /// - Returns: The changes to pass to ``HNSWBuild/apply(_:)``, oldest first (a copy).
    public func changes(since build: HNSWBuild) -> [HNSWChange]? {
        guard let state = pending[build.scope], state.generation == build.generation else { return nil }
        return Array(state.changes[build.applied...])
    }

    /// Applies a build's remaining changes and swaps its graph in; runs ``HNSWBuild/run()`` first if needed.
    ///
    /// Frees what the swap replaces (the scope's flat entries or old graph: about 160 MB at 100,000 × 384) before
    /// returning; under a lock, use ``installDeferringRelease(_:)`` instead.
    ///
    /// - Parameter build: A build from ``takeBuilds()``.
    /// - Returns: Whether it was installed; `false` when the index abandoned it.
    @discardableResult
    public mutating func install(_ build: consuming HNSWBuild) -> Bool {
        installDeferringRelease(consume build).installed
    }

    /// Applies a build's remaining changes and swaps its graph in, handing back the storage the swap replaced
    /// instead of freeing it: drop the result after releasing the lock that guards the index.
    ///
    /// Costs one graph insert per change not yet applied, so catch up with ``changes(since:)`` first when the
    /// backlog is long. Pass the caller's last copy of the build (`consume`): a build whose graph is still shared
    /// copies the whole graph (hundreds of milliseconds at 100,000 entries) on the first change replayed.
    ///
    /// - Parameter build: A build from ``takeBuilds()``.
    /// - Returns: Whether it was installed, and what to free (an abandoned build's graph, or the scope's flat entries
    ///   or old graph, and the change log).
    public mutating func installDeferringRelease(_ build: consuming HNSWBuild) -> RetiredIndexStorage {
        guard let state = pending[build.scope], state.generation == build.generation else {
            return RetiredIndexStorage(installed: false, build: consume build)
        }
        pending[build.scope] = nil
        build.apply(state.changes[build.applied...])
        var retired = RetiredIndexStorage(installed: true, changes: state.changes)
        if build.reason == .promotion { retired.entries = exact.remove(scope: build.scope) }
        retired.graph = approximate.install(build.takeGraph(), for: build.scope)
        requestCompactionIfNeeded(build.scope)
        return retired
    }

    /// Forgets a scope's build: not handed out any more, and refused if it comes back.
    private mutating func abandonBuild(of scope: SemanticScope) {
        pending[scope] = nil
        ready.removeAll { $0.scope == scope }
    }

    /// Records a change for the scope's build under way, if any.
    private mutating func log(_ change: HNSWChange, in scope: SemanticScope) {
        pending[scope]?.changes.append(change)
    }

    private mutating func requestCompactionIfNeeded(_ scope: SemanticScope) {
        guard buildsInBackground, pending[scope] == nil, approximate.needsCompaction(scope),
            let graph = approximate.graph(of: scope)
        else { return }
        request(.compaction, for: scope, from: .graph(graph))
    }

    private mutating func request(_ reason: HNSWBuild.Reason, for scope: SemanticScope, from source: HNSWBuild.Source) {
        lastGeneration += 1
        pending[scope] = PendingBuild(generation: lastGeneration, reason: reason)
        ready.removeAll { $0.scope == scope }
        ready.append(
            HNSWBuild(
                scope: scope, reason: reason, generation: lastGeneration, source: source,
                empty: approximate.emptyGraph()))
    }
}

/// What ``HybridVectorIndex/installDeferringRelease(_:)`` took out of the index: dropping this value frees it.
///
/// At 100,000 × 384 a promoted scope's flat entries are about 160 MB; freeing them takes milliseconds, which is
/// why the owner drops this after releasing its lock.
public struct RetiredIndexStorage: Sendable {
    /// Whether the build was installed (`false`: the index had abandoned it, and ``build`` holds it).
    public let installed: Bool
    var build: HNSWBuild?
    var changes: [HNSWChange] = []
    var entries: FlatVectorIndex.Partition?
    var graph: HNSWGraph?

    init(installed: Bool, build: consuming HNSWBuild? = nil, changes: [HNSWChange] = []) {
        self.installed = installed
        self.build = build
        self.changes = changes
    }

    /// Entries whose storage this holds (flat entries and graph nodes, tombstones included).
    public var entriesHeld: Int {
        (entries?.count ?? 0) + (graph?.nodeCount ?? 0) + (build?.graph.nodeCount ?? 0)
    }
}
