import NIOCore
import ServiceLifecycle
import Synchronization

/// Counts the open client connections, so that a graceful shutdown can wait for the last one to close.
///
/// Hummingbird's server returns from `run()` once the tasks of its connections have returned, and
/// ``GatewayHTTP1Channel`` keeps no task per connection: its handler answers each request in a task of its own. So
/// the server stops before the requests it is still answering. ``ConnectionDrain`` waits for them instead.
final class ConnectionTracker: Sendable {
    private struct State {
        var open = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Counts `channel` until it closes.
    func track(_ channel: any Channel) {
        state.withLock { $0.open += 1 }
        channel.closeFuture.whenComplete { _ in self.closed() }
    }

    /// The number of open connections.
    var open: Int { state.withLock { $0.open } }

    private func closed() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open -= 1
            guard state.open == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no connection is open.
    func drained() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.open == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A service that, on graceful shutdown, waits until the client connections have closed and the requests they
/// answered are settled (``Settlements``).
///
/// Listed before the HTTP server in the application's services, it is shut down after the server: when the listener
/// has closed and every connection has been told to close after its response in progress (Hummingbird's quiescing).
/// What runs after the application, such as the usage ledger's last flush, then sees every request it answered.
struct ConnectionDrain: Service {
    let connections: ConnectionTracker
    let settlements: Settlements

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: no waiting
        }
        await connections.drained()
        await settlements.settled()
    }
}
