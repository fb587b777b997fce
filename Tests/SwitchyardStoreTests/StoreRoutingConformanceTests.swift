import Foundation
import Testing

@testable import SwitchyardStore

/// One suite, every backend: learned routers' online state and routing feedback.
@Suite struct StoreRoutingConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func routerStatesUpsertByRouterAndScope(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.routerStates(router: nil).isEmpty)
            let first = RouterStateRecord(router: "auto", scope: "ten_a", state: #"{"v":1}"#, updatedAt: Fixture.epoch)
            let other = RouterStateRecord(
                router: "auto", scope: "ten_b", state: #"{"v":2}"#, updatedAt: Fixture.epoch)
            let support = RouterStateRecord(
                router: "support", scope: "ten_a", state: #"{"v":3}"#, updatedAt: Fixture.epoch)
            try await store.saveRouterStates([first, other, support])
            try await store.saveRouterStates([])
            var replaced = first
            replaced.state = #"{"v":4}"#
            replaced.updatedAt = Fixture.epoch.addingTimeInterval(60)
            try await store.saveRouterStates([replaced])

            #expect(try await store.routerStates(router: "auto") == [replaced, other])
            #expect(try await store.routerStates(router: "support") == [support])
            #expect(try await store.routerStates(router: "none").isEmpty)
            #expect(try await store.routerStates(router: nil).count == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func feedbackIsKeptPerRequestInTimeOrder(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let thumbs = FeedbackRecord(
                time: Fixture.epoch.addingTimeInterval(5), requestID: "req_1", tenantID: "ten_a", router: "auto",
                model: "gpt-4o-mini", experiment: "exp", experimentArm: "cheap", metric: "score", score: 1)
            let named = FeedbackRecord(
                time: Fixture.epoch, requestID: "req_1", tenantID: "ten_a", metric: "helpfulness", score: 0.25)
            let other = FeedbackRecord(time: Fixture.epoch, requestID: "req_2", score: 0)
            try await store.appendFeedback([thumbs, named, other])
            try await store.appendFeedback([])

            #expect(try await store.feedback(requestID: "req_1") == [named, thumbs])
            #expect(try await store.feedback(requestID: "req_2") == [other])
            #expect(try await store.feedback(requestID: "unknown").isEmpty)
        }
    }
}
