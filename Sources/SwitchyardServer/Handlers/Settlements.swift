import Synchronization

/// Settles answered requests after their responses are written, and lets a reader of what settling writes (spend,
/// ledger, metrics, feedback) wait for the requests answered before it.
///
/// Settling a request (its budget, token buckets, ledger record, metrics, experiment figures, routing decision)
/// needs the answer but not the client. ``afterResponse(_:)`` keeps it for the request's own task, which runs it
/// right after writing the response (``SettlementQueue``, on the gateway's own connections), or else runs it in a task
/// of its own, queued behind the job that writes the response on the request's event loop (the gateway runs Swift
/// concurrency on its event loops, `EventLoopExecutor`). Either way it starts microseconds after the answer has left,
/// and the client does not wait for it.
///
/// What a client can observe: the admin API, `/metrics`, `POST /v1/feedback` and `GET /v1/routing/decisions/{id}`
/// first wait for every settlement started before them (``SettledReadsMiddleware``), so an answer is counted in every
/// figure read after it. The admission of a *concurrent* request may not see it yet, as a concurrent request never
/// could; LiteLLM's and Portkey's spend tracking is asynchronous too, for seconds rather than microseconds.
public final class Settlements: Sendable {
    private struct State {
        /// The number of the last settlement started.
        var started: UInt64 = 0
        /// The numbers of the settlements started and not finished, in ascending order: numbers are appended as
        /// they are given out. An array, not a set: settlements mostly finish in the order they started, so the one
        /// to remove is nearly always the first, and the oldest is the first (a `Set` hashed every number twice, and
        /// searched the whole set for its minimum).
        var running: [UInt64] = []
        /// Readers waiting for every settlement numbered up to `through`.
        var waiters: [(through: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Creates a tracker with nothing pending.
    public init() {}

    /// Where the request being served keeps its settlements, when its server runs them after the response
    /// (``SettlementQueue``).
    @TaskLocal static var queue: SettlementQueue?

    /// Runs `work` after the response, counted until it returns: in the request's own task once the response is
    /// written, when the server offers a ``queue``, else in a task of its own.
    func afterResponse(_ work: @escaping @Sendable () async -> Void) {
        let number = state.withLock { state in
            state.started &+= 1
            state.running.append(state.started)
            return state.started
        }
        let counted: @Sendable () async -> Void = {
            await work()
            self.finished(number)
        }
        if let queue = Self.queue, queue.enqueue(counted) { return }
        Task { await counted() }
    }

    private func finished(_ number: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if let index = state.running.firstIndex(of: number) { state.running.remove(at: index) }
            guard !state.waiters.isEmpty else { return [] }
            let oldest = state.running.first ?? .max
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.through < oldest else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// The settlements started and not finished.
    public var pendingCount: Int { state.withLock { $0.running.count } }

    /// The readers waiting in ``settled()``.
    var waitingReaders: Int { state.withLock { $0.waiters.count } }

    /// Returns once every settlement started before the call has finished (later ones are not waited for).
    public func settled() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.running.isEmpty { return true }
                state.waiters.append((state.started, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
