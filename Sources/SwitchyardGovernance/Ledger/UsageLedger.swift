import Logging
import Synchronization
import SwitchyardStore

/// The usage ledger's writer: requests append records without waiting; flushes write them to the store in batches.
///
/// ``record(_:)`` is non-isolated and takes a lock for a few nanoseconds, so it can be called from anywhere, even a
/// stream's completion. ``flush()`` (run by ``UsageLedgerService`` periodically and at shutdown) takes everything
/// buffered, together with the budget deltas, and writes it; on failure it puts everything back for the next try.
public actor UsageLedger {
    private let buffer = Mutex<[UsageRecord]>([])
    private let store: any Store
    private let budgets: BudgetTracker?
    private let logger: Logger
    private var written = 0

    /// Creates a ledger.
    ///
    /// - Parameters:
    ///   - store: Where records and budget counters are written.
    ///   - budgets: The tracker whose deltas are written with each flush, if any.
    ///   - logger: Where flush failures are logged.
    public init(store: any Store, budgets: BudgetTracker? = nil, logger: Logger = Logger(label: "switchyard.ledger")) {
        self.store = store
        self.budgets = budgets
        self.logger = logger
    }

    /// Buffers one record. Never blocks on I/O.
    public nonisolated func record(_ record: UsageRecord) {
        buffer.withLock { $0.append(record) }
    }

    /// Records buffered and not yet written.
    public nonisolated var pendingCount: Int { buffer.withLock { $0.count } }

    /// Records written since start.
    public var writtenCount: Int { written }

    /// Writes everything buffered (records and budget deltas), at `priority` (``WritePriority``).
    ///
    /// - Returns: The number of records written.
    /// - Throws: The store's error; nothing is lost, it is retried by the next flush.
    @discardableResult
    public func flush(priority: WritePriority = .normal) async throws -> Int {
        let records = buffer.withLock { buffer in
            let taken = buffer
            buffer.removeAll(keepingCapacity: true)
            return taken
        }
        let deltas = budgets?.drainDeltas() ?? []
        do {
            try await store.appendUsage(records, priority: priority)
        } catch {
            buffer.withLock { $0.insert(contentsOf: records, at: 0) }
            budgets?.restore(deltas)
            throw error
        }
        do {
            try await store.addBudgetSpend(deltas, priority: priority)
        } catch {
            budgets?.restore(deltas)
            logger.error("budget counters not written; will retry", metadata: ["error": "\(error)"])
        }
        written += records.count
        return records.count
    }
}
