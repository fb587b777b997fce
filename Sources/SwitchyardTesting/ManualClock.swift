import Synchronization
public import SwitchyardRouting

/// A clock that moves only when told to; `sleep` advances it instantly and records the wait.
public final class ManualClock: MonotonicClock {
    private let state = Mutex<(now: Double, slept: Double)>((1000, 0))

    /// Creates a clock at an arbitrary start time.
    public init() {}

    /// The current time in seconds.
    public func now() -> Double { state.withLock { $0.now } }

    /// Moves time forward.
    public func advance(by seconds: Double) { state.withLock { $0.now += seconds } }

    /// Advances time by the duration instead of waiting.
    public func sleep(for duration: Duration) async throws {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        state.withLock {
            $0.now += seconds
            $0.slept += seconds
        }
    }

    /// Total time "slept", in seconds.
    public var totalSlept: Double { state.withLock { $0.slept } }
}
