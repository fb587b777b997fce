import Foundation
import ServiceLifecycle
import SwitchyardCore
import SwitchyardGovernance
@testable import SwitchyardServer
import Testing

/// Background services run on their own executor's thread, not on whatever thread (an event loop, in `serve`) their
/// task happened to be on; a service that picks an executor of its own keeps it.
@Suite struct OffLoopServiceTests {
    /// A service that notes the names of the threads its work ran on: before and after a suspension, and inside a
    /// preference of its own when it has one.
    final class ThreadNoting: Service, @unchecked Sendable {
        let own: BackgroundExecutor?
        private(set) var names: [String] = []

        init(own: BackgroundExecutor? = nil) {
            self.own = own
        }

        func run() async throws {
            names.append(ThreadName.current)
            try await Task.sleep(for: .milliseconds(5))
            names.append(ThreadName.current)
            if let own {
                let inside = await withTaskExecutorPreference(own) { ThreadName.current }
                names.append(inside)
            }
        }
    }

    #if os(Linux)
    @Test func aWrappedServiceRunsOnTheServicesThread() async throws {
        let noting = ThreadNoting()
        try await OffLoopService(wrapped: noting).run()
        #expect(noting.names == ["sy-services", "sy-services"])
    }

    @Test func aServiceThatPicksItsOwnExecutorKeepsIt() async throws {
        let noting = ThreadNoting(own: BackgroundExecutor.ledger)
        try await OffLoopService(wrapped: noting).run()
        #expect(noting.names == ["sy-services", "sy-services", "sy-ledger"])
    }

    @Test func unwrappedItRunsWhereItsTaskIs() async throws {
        let noting = ThreadNoting()
        try await noting.run()
        #expect(!noting.names.contains("sy-services"))
    }
    #endif
}
