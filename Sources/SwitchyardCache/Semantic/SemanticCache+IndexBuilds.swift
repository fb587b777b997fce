import Synchronization

extension SemanticCache {
    /// Backlog of changes small enough to replay while holding the lock (one graph insert each, about 2 ms at 50,000
    /// entries); a longer backlog is replayed without the lock first.
    static let changesReplayedUnderLock = 8

    /// Hands builds the index asked for to the executor. Call without holding the lock.
    func start(_ builds: [HNSWBuild]) {
        for build in builds {
            let queued = probe == nil ? 0 : SemanticCacheProbe.now()
            indexBuilds.run { self.complete(build, queued: queued) }
        }
    }

    /// Runs a build to completion: the graph from its snapshot and the changes logged since, without the lock, in
    /// rounds until the backlog is short; then the last changes and the swap under the lock.
    func complete(_ build: HNSWBuild, queued: UInt64 = 0) {
        var build = build
        var report = SemanticCacheProbe.Build(
            scope: build.scope, reason: build.reason, queued: queued, built: 0, finished: 0, catchUpRounds: 0,
            replayedOffLock: 0, replayedUnderLock: 0, installed: false)
        defer {
            if let probe {
                report.finished = SemanticCacheProbe.now()
                probe.buildFinished(report)
            }
        }
        guard withState(.buildCatchUp, { $0.index.changes(since: build) != nil }) else { return }
        build.run()
        if probe != nil { report.built = SemanticCacheProbe.now() }
        while true {
            guard let changes = withState(.buildCatchUp, { $0.index.changes(since: build) }) else { return }
            if changes.count <= Self.changesReplayedUnderLock { break }
            build.apply(changes)
            report.catchUpRounds += 1
            report.replayedOffLock += changes.count
        }
        // The graph must reach `install` unshared, or replaying the last changes copies all of it under the lock.
        var last: HNSWBuild? = consume build
        let (retired, replayed, next) = withState(.buildInstall) { state in
            let build = last.take()!
            let replayed = probe == nil ? 0 : state.index.changes(since: build)?.count ?? 0
            return (state.index.installDeferringRelease(consume build), replayed, state.index.takeBuilds())
        }
        // What the swap replaced (the flat entries or old graph: about 160 MB at 100,000 entries) is freed with
        // `retired`, after the lock is released rather than inside it.
        report.installed = retired.installed
        report.replayedUnderLock = replayed
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
