/// Time as routing sees it: monotonic seconds, and a way to wait. Injectable so tests control time.
public protocol MonotonicClock: Sendable {
    /// Seconds since an arbitrary fixed point.
    func now() -> Double
    /// Waits, or (in tests) advances time.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemMonotonicClock: MonotonicClock {
    private let origin = ContinuousClock.now

    /// Creates the clock.
    public init() {}

    /// Seconds since the clock was created.
    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Sleeps.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
