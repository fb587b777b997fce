import Logging
import ServiceLifecycle

/// Flushes the ``UsageLedger`` every `interval` and, at graceful shutdown, until it is empty.
///
/// Put it in the `ServiceGroup` after the store and *before* the HTTP server: services stop in reverse order, so the
/// server drains its requests first, then this service writes the last records, then the store closes.
public struct UsageLedgerService: Service {
    let ledger: UsageLedger
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - ledger: The ledger to flush.
    ///   - interval: Time between flushes (default 200 ms).
    ///   - logger: Where failures are logged.
    public init(ledger: UsageLedger, interval: Duration = .milliseconds(200), logger: Logger) {
        self.ledger = ledger
        self.interval = interval
        self.logger = logger
    }

    /// Flushes periodically until graceful shutdown or cancellation, then flushes what is left, all on
    /// ``BackgroundExecutor/ledger``'s thread rather than on the event loops that serve requests.
    public func run() async throws {
        try await withTaskExecutorPreference(BackgroundExecutor.ledger) {
            try await flushUntilShutdown()
        }
    }

    private func flushUntilShutdown() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                // Woken by a graceful shutdown: with a long interval (an hour, as callgrind.sh sets), waiting out
                // the sleep held the process's shutdown for as long.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            await flushLoggingErrors()
            if Task.isShuttingDownGracefully { break }
        }
        try await drain()
    }

    /// Flushes until nothing is pending, retrying a failing store a few times.
    func drain() async throws {
        var failures = 0
        while ledger.pendingCount > 0 || failures == 0 {
            do {
                try await ledger.flush()
                if ledger.pendingCount == 0 { return }
            } catch {
                failures += 1
                logger.error("usage ledger flush failed at shutdown", metadata: ["error": "\(error)"])
                if failures >= 5 { throw error }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func flushLoggingErrors() async {
        do {
            try await ledger.flush()
        } catch {
            logger.error(
                "usage ledger flush failed; records kept for the next try",
                metadata: ["error": "\(error)", "pending": "\(ledger.pendingCount)"])
        }
    }
}
