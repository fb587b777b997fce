import Synchronization
import Testing

/// A gate that tasks wait at until it is opened.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Returns once the gate is open.
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Opens the gate for every waiter, present and future.
    func open() {
        isOpen = true
        for waiter in waiting { waiter.resume() }
        waiting = []
    }
}

/// A flag set once, read from any task.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Sets the flag.
    func set() { value.store(true, ordering: .sequentiallyConsistent) }

    /// Whether the flag is set.
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

/// Polls `condition` until it holds, bounded at 20 s: a loaded machine is slow, and this tells it from a hang.
func waitUntil(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while await !condition() {
        try #require(ContinuousClock.now < deadline, "the condition held within 20 s")
        try await Task.sleep(for: .milliseconds(10))
    }
}
