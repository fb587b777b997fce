import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct UsageLedgerTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("switchyard-ledger-\(UUID().uuidString)/switchyard.sqlite").path
    }

    static func record(_ index: Int) -> UsageRecord {
        UsageRecord(
            time: Date(), requestID: "req_\(index)", tenantID: "ten_a", keyID: "key_1", model: "gpt-4o",
            promptTokens: 10, completionTokens: 5, cost: 0.001)
    }

    /// Flushes `count` buffered records and a budget delta of `spent` at `priority`, and checks that all of it was
    /// written.
    static func flushRecordsAndSpend(count: Int, spent: Double, priority: WritePriority) async throws {
        let store = try await SQLStore.sqlite(path: temporaryPath())
        try await store.migrate()
        let budgets = BudgetTracker()
        let ledger = UsageLedger(store: store, budgets: budgets)
        for index in 0..<count { ledger.record(record(index)) }
        let reservation = try budgets.reserve([], scopes: [BudgetScope(.key, "key_1")], estimate: 1)
        _ = budgets.settle(reservation, actualCost: spent, limits: [])
        #expect(ledger.pendingCount == count)
        #expect(try await ledger.flush(priority: priority) == count)
        #expect(ledger.pendingCount == 0)
        #expect(try await store.usageCount(UsageQuery()) == count)
        #expect(try await store.budgetCounters(periods: ["total"]).first?.spent == spent)
        try await store.close()
    }

    @Test func flushWritesBufferedRecordsAndBudgetDeltas() async throws {
        try await Self.flushRecordsAndSpend(count: 2_500, spent: 0.5, priority: .normal)
    }

    @Test func aFailedFlushKeepsEverythingForTheNextOne() async throws {
        let store = try await SQLStore.sqlite(path: Self.temporaryPath())  // not migrated: writes fail
        let ledger = UsageLedger(store: store)
        for index in 0..<10 { ledger.record(Self.record(index)) }
        await #expect(throws: (any Error).self) { try await ledger.flush() }
        #expect(ledger.pendingCount == 10)
        try await store.migrate()
        #expect(try await ledger.flush() == 10)
        try await store.close()
    }

    @Test func aBackgroundFlushWritesEverythingToo() async throws {
        try await Self.flushRecordsAndSpend(count: 300, spent: 0.25, priority: .background)
    }

    /// Routine flushes are background work; a backlog above the bound is flushed at normal priority.
    @Test func aBacklogAboveTheBoundIsFlushedAtNormalPriority() async throws {
        let store = try await SQLStore.sqlite(path: Self.temporaryPath())
        let service = UsageLedgerService(
            ledger: UsageLedger(store: store), urgentBacklog: 1_000, logger: Logger(label: "test"))
        #expect(service.priority(pending: 0) == .background)
        #expect(service.priority(pending: 1_000) == .background)
        #expect(service.priority(pending: 1_001) == .normal)
        try await store.close()
    }

    /// The executors' threads run at the nice value and in the scheduling class they were made with; a task that
    /// prefers one runs there. The routine flushes' executor is in the idle class, the urgent one is not.
    @Test func backgroundExecutorsRunAtTheirPriority() async throws {
        let base = ThreadPriority.currentNice
        let low = BackgroundExecutor(name: "test-low", niceSteps: 4)
        let seen = await withTaskExecutorPreference(low) { (ThreadPriority.currentNice, ThreadPriority.currentThreadIsIdle) }
        #expect(seen.0 == min(19, base + 4))
        #expect(!seen.1)
        let urgent = await withTaskExecutorPreference(BackgroundExecutor.ledgerUrgent) {
            (ThreadPriority.currentNice, ThreadPriority.currentThreadIsIdle)
        }
        #expect(urgent.0 <= base)
        #expect(!urgent.1)
        #if os(Linux)
        let routine = await withTaskExecutorPreference(BackgroundExecutor.ledger) { ThreadPriority.currentThreadIsIdle }
        #expect(routine)
        #endif
    }

    /// A ledger on a fresh SQLite file and the group that runs its flushing service: the store first, the ledger
    /// second, so the ledger stops (and drains) before the store closes.
    static func ledgerService(interval: Duration) async throws -> (path: String, ledger: UsageLedger, group: ServiceGroup) {
        let path = temporaryPath()
        let store = try await SQLStore.sqlite(path: path)
        try await store.migrate()
        let ledger = UsageLedger(store: store)
        let logger = Logger(label: "test")
        let service = UsageLedgerService(ledger: ledger, interval: interval, logger: logger)
        return (path, ledger, ServiceGroup(configuration: .init(services: [store, service], logger: logger)))
    }

    /// A flush interval of an hour must not hold the shutdown for an hour: the records buffered are written at once.
    @Test func aLongIntervalDoesNotHoldTheShutdown() async throws {
        let (path, ledger, group) = try await Self.ledgerService(interval: .seconds(3_600))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<25 { ledger.record(Self.record(index)) }
            await group.triggerGracefulShutdown()
            // Bounded: the group's run returning is the assertion; a hang fails the test here instead of an hour on.
            tasks.addTask {
                try await Task.sleep(for: .seconds(60))
                throw CancellationError()
            }
            try await tasks.next()
            tasks.cancelAll()
        }
        let reopened = try await SQLStore.sqlite(path: path)
        #expect(try await reopened.usageCount(UsageQuery()) == 25)
        try await reopened.close()
    }

    /// Requests keep arriving while the process is told to stop: every record served must be in the database.
    @Test func gracefulShutdownUnderLoadLosesNothing() async throws {
        let (path, ledger, group) = try await Self.ledgerService(interval: .milliseconds(20))
        let served = try await withThrowingTaskGroup(of: Int.self) { tasks in
            tasks.addTask {
                try await group.run()
                return 0
            }
            // Four "request handlers" writing records as fast as they can for a while.
            for worker in 0..<4 {
                tasks.addTask {
                    var count = 0
                    for index in 0..<5_000 {
                        ledger.record(Self.record(worker * 10_000 + index))
                        count += 1
                        if index % 500 == 0 { await Task.yield() }
                    }
                    return count
                }
            }
            var total = 0
            for _ in 0..<4 { total += try await tasks.next() ?? 0 }
            // The HTTP server would have drained its requests here; now the rest of the group stops.
            await group.triggerGracefulShutdown()
            _ = try await tasks.next()
            return total
        }
        #expect(served == 20_000)
        let reopened = try await SQLStore.sqlite(path: path)
        #expect(try await reopened.usageCount(UsageQuery()) == served)
        try await reopened.close()
    }
}
