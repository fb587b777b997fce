import Synchronization

/// Counts the requests the gateway starts, process-wide, for work that should wait for a quiet moment
/// (``HeapTrimmer``). One relaxed atomic increment per request.
public enum RequestActivity {
    private static let started = Atomic<UInt64>(0)

    /// Notes that a request started.
    @inline(__always)
    public static func noteStarted() {
        started.add(1, ordering: .relaxed)
    }

    /// The requests started since the process began.
    public static var startedCount: UInt64 {
        started.load(ordering: .relaxed)
    }
}
