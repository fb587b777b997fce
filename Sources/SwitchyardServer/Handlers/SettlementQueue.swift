import Synchronization

/// Settlements kept for the request's own task, which runs them once it has written the response: where the server
/// offers one (``GatewayConnectionHandler`` binds it to ``Settlements/queue`` while it serves a request), a request
/// needs one task rather than two. Starting a task of its own for each settlement, and running and freeing it, cost
/// about 2,000 instructions per request under callgrind.
///
/// Work enqueued after ``run()`` has started (a task that inherited the binding and outlived the request's serving)
/// is refused, and ``Settlements/afterResponse(_:)`` starts a task for it as before.
final class SettlementQueue: Sendable {
    private struct State {
        var open = true
        var work: [@Sendable () async -> Void] = []
    }

    private let state = Mutex(State())

    /// Creates an open, empty queue.
    init() {}

    /// Keeps `work` for ``run()``; `false` when the queue has closed (then the caller runs it some other way).
    func enqueue(_ work: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            state.work.append(work)
            return true
        }
    }

    /// Closes the queue and runs what it kept, in order. In a task that was cancelled (its client went away), the
    /// work runs in a task of its own instead, which is not: a settlement must not see its request's cancellation.
    func run() async {
        let work = state.withLock { state in
            state.open = false
            return state.work
        }
        guard !work.isEmpty else { return }
        if Task.isCancelled {
            Task {
                for item in work { await item() }
            }
            return
        }
        for item in work { await item() }
    }
}
