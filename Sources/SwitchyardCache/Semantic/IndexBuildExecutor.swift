import Foundation

/// Where ``SemanticCache`` runs the HNSW graph builds its index asks for (see ``HNSWBuild``).
///
/// A build is CPU-bound for seconds to minutes, so the default, ``newThread``, gives each build a thread of its own
/// rather than occupying one of the few threads of Swift's cooperative pool. Builds are rare (a scope crossing the
/// threshold, or a graph's tombstones passing the limit) and at most one runs per scope.
///
/// ```swift
/// let cache = SemanticCache(embed: embed, dimensions: 384, verifier: verifier, indexBuilds: .newThread)
/// ```
public struct IndexBuildExecutor: Sendable {
    private let execute: @Sendable (_ work: @escaping @Sendable () -> Void) -> Void

    /// Creates an executor from a function that runs (or schedules) a piece of work; tests use it to hold a build.
    ///
    /// - Parameter execute: Called once per build, never with a lock held; must eventually call `work` exactly once
    ///   (a build never run leaves its scope searched as before, and its changes logged, until it is).
    public init(_ execute: @escaping @Sendable (_ work: @escaping @Sendable () -> Void) -> Void) {
        self.execute = execute
    }

    /// Runs every build on a new thread of its own (the default).
    public static let newThread = IndexBuildExecutor { work in Thread.detachNewThread(work) }

    /// Runs a build on the thread whose insert or lookup called for it, after that call's lock is released: that
    /// caller waits for the build, nobody else does.
    public static let callingThread = IndexBuildExecutor { work in work() }

    func run(_ work: @escaping @Sendable () -> Void) {
        execute(work)
    }
}
