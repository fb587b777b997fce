import Logging
import ServiceLifecycle
import SwitchyardStore

/// Flushes the ``UsageLedger`` every `interval` and, at graceful shutdown, until it is empty.
///
/// Put it in the `ServiceGroup` after the store and *before* the HTTP server: services stop in reverse order, so the
/// server drains its requests first, then this service writes the last records, then the store closes.
///
/// Routine flushes run in the idle scheduling class (``BackgroundExecutor/ledger`` and ``WritePriority/background``),
/// so that they take CPU from requests only when it is free. When more than `urgentBacklog` records are waiting (the
/// process has been saturated for a while and the idle-class flushes fell behind: at concurrency 64 on two cores,
/// every few seconds), a flush runs at normal priority (``BackgroundExecutor/ledgerUrgent``): the buffer stays
/// bounded. The last flushes at shutdown are urgent too.
public struct UsageLedgerService: Service {
    let ledger: UsageLedger
    let interval: Duration
    let urgentBacklog: Int
    let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - ledger: The ledger to flush.
    ///   - interval: Time between flushes (default 200 ms).
    ///   - urgentBacklog: The number of waiting records above which a flush runs at normal priority (default
    ///     20,000, about 10 MB of records).
    ///   - logger: Where failures are logged.
    public init(
        ledger: UsageLedger, interval: Duration = .milliseconds(200), urgentBacklog: Int = 20_000, logger: Logger
    ) {
        self.ledger = ledger
        self.interval = interval
        self.urgentBacklog = urgentBacklog
        self.logger = logger
    }

    /// The priority of a flush with `pending` records waiting.
    public func priority(pending: Int) -> WritePriority {
        pending > urgentBacklog ? .normal : .background
    }

    /// Flushes periodically until graceful shutdown or cancellation, then flushes what is left, all on
    /// ``BackgroundExecutor``'s threads rather than on the event loops that serve requests.
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

    /// Flushes until nothing is pending, at normal priority, retrying a failing store a few times.
    func drain() async throws {
        var failures = 0
        while ledger.pendingCount > 0 || failures == 0 {
            do {
                try await flush(at: .normal)
                if ledger.pendingCount == 0 { return }
            } catch {
                failures += 1
                logger.error("usage ledger flush failed at shutdown", metadata: ["error": "\(error)"])
                if failures >= 5 { throw error }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// One flush at `priority`: a background one on the calling task's executor (``BackgroundExecutor/ledger``), a
    /// normal one on ``BackgroundExecutor/ledgerUrgent``.
    private func flush(at priority: WritePriority) async throws {
        switch priority {
        case .background:
            try await ledger.flush(priority: .background)
        case .normal:
            try await withTaskExecutorPreference(BackgroundExecutor.ledgerUrgent) {
                try await ledger.flush(priority: .normal)
            }
        }
    }

    private func flushLoggingErrors() async {
        do {
            let pending = ledger.pendingCount
            let priority = priority(pending: pending)
            if priority == .normal {
                logger.warning("usage ledger backlog; flushing at normal priority", metadata: ["pending": "\(pending)"])
            }
            try await flush(at: priority)
        } catch {
            logger.error(
                "usage ledger flush failed; records kept for the next try",
                metadata: ["error": "\(error)", "pending": "\(ledger.pendingCount)"])
        }
    }
}
