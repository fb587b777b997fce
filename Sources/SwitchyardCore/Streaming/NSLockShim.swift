import Synchronization

/// A tiny mutex for Core's few pieces of shared state, without importing Foundation.
final class NSLockShim: Sendable {
    private let mutex = Mutex(())

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try mutex.withLock { _ in try body() }
    }
}
