import Synchronization

extension SemanticCache {
    /// Backlog of changes small enough to replay while holding the lock (one graph insert each, about 2 ms at 50,000
    /// entries); a longer backlog is replayed without the lock first.
    static let changesReplayedUnderLock = 8

    /// Hands builds the index asked for to the executor. Call without holding the lock.
    func start(_ builds: [HNSWBuild]) {
        for build in builds {
            indexBuilds.run { self.complete(build) }
        }
    }

    /// Runs a build to completion: the graph from its snapshot and the changes logged since, without the lock, in
    /// rounds until the backlog is short; then the last changes and the swap under the lock.
    func complete(_ build: HNSWBuild) {
        var build = build
        guard state.withLock({ $0.index.changes(since: build) != nil }) else { return }
        build.run()
        while true {
            guard let changes = state.withLock({ $0.index.changes(since: build) }) else { return }
            if changes.count <= Self.changesReplayedUnderLock { break }
            build.apply(changes)
        }
        let next = state.withLock { state in
            state.index.install(build)
            return state.index.takeBuilds()
        }
        start(next)
    }

    /// Whether a scope's stage-1 search uses an HNSW graph (it has grown past
    /// ``SemanticCachePolicy/approximateSearchThreshold`` and its graph is built).
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `false` while the scope is searched exactly, including while its graph is being built.
    public func isApproximate(_ scope: SemanticScope) -> Bool {
        state.withLock { $0.index.isApproximate(scope) }
    }

    /// Whether a graph for a scope is being built (or rebuilt) in the background.
    ///
    /// - Parameter scope: The scope.
    /// - Returns: `true` from the change that called for the build until the graph is swapped in or abandoned.
    public func isBuildingIndex(_ scope: SemanticScope) -> Bool {
        state.withLock { $0.index.isBuilding(scope) }
    }
}
