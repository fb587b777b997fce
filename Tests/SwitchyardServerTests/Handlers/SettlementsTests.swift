import Synchronization
import Testing

@testable import SwitchyardServer

/// Settling after the response: a reader waits for the settlements started before it, and only for those.
@Suite(.timeLimit(.minutes(1))) struct SettlementsTests {
    @Test func aReaderWaitsForTheSettlementsStartedBeforeIt() async throws {
        let settlements = Settlements()
        let gate = Gate()
        let ran = Flag()
        settlements.afterResponse {
            await gate.wait()
            ran.set()
        }
        #expect(settlements.pendingCount == 1)
        let reader = Task {
            await settlements.settled()
            return ran.isSet
        }
        try await waitUntil { settlements.waitingReaders == 1 }
        #expect(!ran.isSet)
        await gate.open()
        #expect(await reader.value, "the reader returned after the settlement ran")
        #expect(settlements.pendingCount == 0)
    }

    @Test func aReaderDoesNotWaitForLaterSettlements() async throws {
        let settlements = Settlements()
        let (first, second) = (Gate(), Gate())
        settlements.afterResponse { await first.wait() }
        let reader = Task { await settlements.settled() }
        try await waitUntil { settlements.waitingReaders == 1 }
        settlements.afterResponse { await second.wait() }
        await first.open()
        await reader.value  // returns with the second still pending (a hang fails the time limit)
        #expect(settlements.pendingCount == 1)
        await second.open()
        await settlements.settled()
        #expect(settlements.pendingCount == 0)
    }

    @Test func aReaderWithNothingPendingReturnsAtOnce() async {
        let settlements = Settlements()
        await settlements.settled()
        settlements.afterResponse {}
        await settlements.settled()
        #expect(settlements.pendingCount == 0)
        #expect(settlements.waitingReaders == 0)
    }

    /// Where the server binds a queue (its own connections), a settlement waits in it for the request's task, and a
    /// reader still waits for it.
    @Test func aQueuedSettlementRunsWhenTheRequestsTaskRunsTheQueue() async throws {
        let settlements = Settlements()
        let queue = SettlementQueue()
        let order = Mutex<[String]>([])
        Settlements.$queue.withValue(queue) {
            settlements.afterResponse { order.withLock { $0.append("first") } }
            settlements.afterResponse { order.withLock { $0.append("second") } }
        }
        #expect(settlements.pendingCount == 2)
        let reader = Task { await settlements.settled() }
        try await waitUntil { settlements.waitingReaders == 1 }
        #expect(order.withLock { $0 }.isEmpty, "nothing ran before the queue")
        await queue.run()
        await reader.value
        #expect(order.withLock { $0 } == ["first", "second"])
        #expect(settlements.pendingCount == 0)
        // The queue has run: what comes later (a task that inherited the binding) gets a task of its own.
        let late = Flag()
        Settlements.$queue.withValue(queue) { settlements.afterResponse { late.set() } }
        await settlements.settled()
        #expect(late.isSet)
    }

    /// A request whose client went away is cancelled; its settlements run all the same, and not cancelled.
    @Test func aCancelledRequestsSettlementsRunUncancelled() async throws {
        let settlements = Settlements()
        let queue = SettlementQueue()
        let sawCancellation = Mutex<Bool?>(nil)
        Settlements.$queue.withValue(queue) {
            settlements.afterResponse { sawCancellation.withLock { $0 = Task.isCancelled } }
        }
        let request = Task {
            try? await Task.sleep(for: .seconds(60))
            await queue.run()
        }
        request.cancel()
        await request.value
        await settlements.settled()
        #expect(sawCancellation.withLock { $0 } == false)
    }
}
