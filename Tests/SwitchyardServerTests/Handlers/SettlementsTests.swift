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
}
