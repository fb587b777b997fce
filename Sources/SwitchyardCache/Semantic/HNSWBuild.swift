/// One scope's HNSW graph, built away from the index that needs it.
///
/// A ``HybridVectorIndex`` in background mode never builds a graph inside an insert or a removal. When a scope
/// crosses the threshold, or its graph's tombstones pass the limit, it snapshots the scope's entries (copy-on-write:
/// O(1) for a graph, O(chunks) for a flat scope, see ``FlatVectorIndex/snapshot(of:)``), keeps serving from what it
/// has, logs every later change to that scope, and hands out an `HNSWBuild` from ``HybridVectorIndex/takeBuilds()``.
/// Its owner then, without holding its lock:
///
/// 1. calls ``run()`` (the expensive part: seconds to minutes at 50,000 entries),
/// 2. replays the changes logged meanwhile with ``HybridVectorIndex/changes(since:)`` and ``apply(_:)``, as often as
///    it takes for the backlog to become small,
///
/// and finally, under its lock, calls ``HybridVectorIndex/installDeferringRelease(_:)``, which applies the last few
/// changes and swaps the graph in, and frees what that returns (the storage the swap replaced) after unlocking.
/// ``SemanticCache`` does exactly this on an ``IndexBuildExecutor``.
///
/// ```swift
/// var build = lock.withLock { index.takeBuilds() }.first!
/// build.run()
/// while let changes = lock.withLock({ index.changes(since: build) }), changes.count > 64 { build.apply(changes) }
/// let retired = lock.withLock { index.installDeferringRelease(build) }  // freed here, after the unlock
/// ```
public struct HNSWBuild: Sendable {
    /// What the graph is built from.
    enum Source: Sendable {
        /// A flat scope's entries.
        case entries(FlatVectorIndex.Snapshot)
        /// The live entries of a graph with too many tombstones.
        case graph(HNSWGraph)
    }

    /// Why the build was started.
    public enum Reason: Sendable, Hashable {
        /// The scope grew past the threshold and moves from exact to approximate search.
        case promotion
        /// The scope's graph holds too many tombstones and is rebuilt from its live entries.
        case compaction
    }

    /// The scope the graph is for.
    public let scope: SemanticScope
    /// Why the build was started.
    public let reason: Reason
    /// Identifies the build within its index; ``HybridVectorIndex/install(_:)`` refuses a build the index has since
    /// abandoned.
    let generation: UInt64
    private var source: Source?
    /// The graph built so far.
    private(set) var graph: HNSWGraph
    /// Logged changes already applied to ``graph``, counted from the snapshot.
    private(set) var applied = 0

    init(scope: SemanticScope, reason: Reason, generation: UInt64, source: Source, empty: HNSWGraph) {
        self.scope = scope
        self.reason = reason
        self.generation = generation
        self.source = source
        self.graph = empty
    }

    /// Whether ``run()`` has built the graph from the snapshot.
    public var hasRun: Bool { source == nil }

    /// Builds the graph from the snapshot. Expensive: call it without holding the lock that guards the index.
    public mutating func run() {
        guard let source else { return }
        self.source = nil
        switch source {
        case .entries(let snapshot):
            graph.reserve(snapshot.count)
            snapshot.forEach { id, vector in graph.insert(id: id, vector: vector) }
        case .graph(let old):
            let (ids, vectors) = old.liveEntries()
            let dimensions = graph.dimensions
            graph.reserve(ids.count)
            for (node, id) in ids.enumerated() {
                graph.insert(id: id, vector: vectors[(node * dimensions)..<((node + 1) * dimensions)])
            }
        }
    }

    /// Moves the graph out, leaving an empty one: the install's only copy, so nothing is shared when it is swapped in.
    mutating func takeGraph() -> HNSWGraph {
        var empty = HNSWGraph(dimensions: graph.dimensions, parameters: graph.parameters)
        empty.compactsInline = graph.compactsInline
        swap(&empty, &graph)
        return empty
    }

    /// Applies changes logged after the snapshot, in order (from ``HybridVectorIndex/changes(since:)``).
    ///
    /// - Parameter changes: The changes not yet applied, oldest first.
    public mutating func apply(_ changes: some Collection<HNSWChange>) {
        run()
        for change in changes {
            switch change {
            case .insert(let id, let vector): graph.insert(id: id, vector: vector[...])
            case .remove(let id): _ = graph.remove(id: id)
            }
        }
        applied += changes.count
    }
}

/// One change to a scope made while its graph was being built.
public enum HNSWChange: Sendable {
    /// An entry was added (or an id's vector replaced).
    case insert(id: UInt64, vector: [Float])
    /// An entry was removed.
    case remove(id: UInt64)
}
