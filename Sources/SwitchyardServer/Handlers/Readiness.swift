import Synchronization

/// Whether the gateway is ready: configuration loaded and the listener up.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    /// Creates a not-yet-ready flag.
    public init() {}

    /// Marks the gateway ready.
    public func markReady() { ready.store(true, ordering: .releasing) }

    /// Marks the gateway not ready (shutting down).
    public func markNotReady() { ready.store(false, ordering: .releasing) }

    /// Whether the gateway is ready.
    public var isReady: Bool { ready.load(ordering: .acquiring) }
}
