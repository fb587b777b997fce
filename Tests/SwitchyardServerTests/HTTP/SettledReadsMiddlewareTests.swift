import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import SwitchyardServer

/// The routes that read what settling writes wait for the requests answered before them; the others do not.
@Suite(.timeLimit(.minutes(1))) struct SettledReadsMiddlewareTests {
    @Test(arguments: [
        ("/admin/v1/spend", true), ("/admin/v1/usage", true), ("/metrics", true), ("/v1/feedback", true),
        ("/v1/chat/completions", false), ("/chat/completions", false), ("/v1/models", false), ("/healthz", false),
        ("/v1/routing/decisions/abc", true), ("/administrator", false),
    ])
    func theRoutesThatWait(path: String, waits: Bool) {
        #expect(SettledReadsMiddleware.readsSettledState(path) == waits)
    }

    @Test func anAdminReadIsHeldUntilTheAnswersBeforeItAreSettled() async throws {
        let settlements = Settlements()
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: SettledReadsMiddleware(settlements: settlements))
        let adminRan = Flag()
        router.get("/admin/v1/spend") { _, _ in
            adminRan.set()
            return "spend"
        }
        router.get("/v1/models") { _, _ in "models" }
        let gate = Gate()
        settlements.afterResponse { await gate.wait() }

        try await Application(router: router).test(.router) { client in
            let admin = Task { try await client.execute(uri: "/admin/v1/spend", method: .get) { $0.status } }
            try await waitUntil { settlements.waitingReaders == 1 }
            // Held: its handler has not run, and another route is answered meanwhile.
            #expect(!adminRan.isSet)
            try await client.execute(uri: "/v1/models", method: .get) { #expect($0.status == .ok) }
            #expect(!adminRan.isSet)
            await gate.open()
            #expect(try await admin.value == .ok)
            #expect(adminRan.isSet)
        }
    }
}
