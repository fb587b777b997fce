#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization
import SwitchyardCore

/// A task executor with one thread of its own, for work that must not run on the event loops: the usage ledger's
/// flushes, and the periodic background services (``services``).
///
/// `switchyard serve` runs Swift concurrency on NIO's event loops, so a request stays on the thread that read it. A
/// flush then ran there too: turning a few hundred buffered records into SQL binds and text took the loop for
/// milliseconds every 200 ms, and requests behind it waited. At concurrency 1 the p99 added latency was 1.3–1.6 ms
/// with the ledger flushing and 0.4–0.6 ms with it idle (`bench/results/gateway-2026-12-03-session10.md`). A task
/// that prefers this executor (`withTaskExecutorPreference`) runs its nonisolated code, and the default actors it
/// calls, on this thread instead.
///
/// The ledger has two: ``ledger`` runs in the idle scheduling class for routine flushes, whose SQLite work goes to
/// the store's background connection, also in the idle class; ``ledgerUrgent`` runs at normal priority for a backlog
/// that must not grow further, and for the last flush at shutdown. A thread can lower its own priority without
/// privileges but not raise it again, hence two threads rather than one that changes.
///
/// Idle class rather than nice +10 alone: with nice +10 a request whose thread was woken on a core running a flush
/// still waited for the flush's time slice, and the flushes (every 200 ms) made the p99 added latency at
/// concurrency 1 twice that with the ledger idle: +618 against +283 µs; in the idle class, +283 µs
/// (`bench/results/gateway-2026-12-04-session14.md`).
public final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor of the ledger's routine flushes: idle scheduling class, and nice +10 where there is no such class.
    public static let ledger = BackgroundExecutor(name: "sy-ledger", niceSteps: 10, idle: true)
    /// The executor of the ledger's urgent flushes (a backlog, shutdown), at normal priority; started when first used.
    public static let ledgerUrgent = BackgroundExecutor(name: "sy-ledger-now")
    /// The executor of the other periodic services (the key and tenant refresh, spend forecasts, alerts), at normal
    /// priority: their work must keep up (a key disabled on another replica stops working here at the next refresh),
    /// but not on the event loops, where a refresh of 20,000 keys held the requests of its loop for milliseconds.
    public static let services = BackgroundExecutor(name: "sy-services")

    private let jobs = Mutex<[UnownedJob]>([])
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the executor's thread, named `name` (at most 15 bytes show in `ps` and `/proc`), with its nice value
    /// raised by `niceSteps` (``ThreadPriority/lowerCurrentThread(by:)``) and, when `idle`, in the idle scheduling
    /// class (``ThreadPriority/makeCurrentThreadIdle()``).
    public init(name: String, niceSteps: Int32 = 0, idle: Bool = false) {
        let thread = Thread { [unowned self] in
            // Set from the thread itself: a Linux thread otherwise keeps the name of the thread that created it.
            ThreadName.setCurrent(name)
            if niceSteps > 0 { ThreadPriority.lowerCurrentThread(by: niceSteps) }
            if idle { ThreadPriority.makeCurrentThreadIdle() }
            self.run()
        }
        thread.start()
    }

    /// Queues a job for the executor's thread.
    public func enqueue(_ job: UnownedJob) {
        jobs.withLock { $0.append(job) }
        wake.signal()
    }

    /// Runs jobs as they come, for as long as the process lives (the executors are process-wide).
    private func run() {
        let executor = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        while true {
            wake.wait()
            jobs.withLock { swap(&batch, &$0) }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
