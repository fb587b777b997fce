public import ServiceLifecycle
import SwitchyardGovernance

/// Runs a background service on ``BackgroundExecutor/services`` instead of the event loops that serve requests.
///
/// `switchyard serve` runs Swift concurrency on NIO's event loops, so a service's work ran on whichever loop its task
/// was on, between requests. That was fine for a timer, but not for the periodic work. A key and tenant refresh
/// (`governance.refresh_seconds`) reads every key, about 7 µs of CPU per key: 140 ms for 20,000 keys, during which
/// the requests of its loop waited. At c=1, with such a refresh every second, the p99 went from 16.8 ms on the loops
/// to 5.7 ms off them, and the longest wait from 222 to 18 ms (`bench/results/gateway-2026-12-04-session14.md`).
///
/// A service that picks its own executor (the usage ledger) keeps it: the preference set here is only the default.
///
/// `switchyard serve` wraps every service of its group but the HTTP server: the gateway's background services, the
/// trace exporter and the heap trimmer.
public struct OffLoopService: Service, CustomStringConvertible {
    /// The service run off the loops.
    public let wrapped: any Service

    /// Wraps `wrapped`.
    public init(wrapped: any Service) {
        self.wrapped = wrapped
    }

    /// The wrapped service's description, which the service group logs.
    public var description: String { String(describing: wrapped) }

    /// Runs the wrapped service with ``BackgroundExecutor/services`` as its task's preferred executor.
    public func run() async throws {
        try await withTaskExecutorPreference(BackgroundExecutor.services) {
            try await wrapped.run()
        }
    }
}
