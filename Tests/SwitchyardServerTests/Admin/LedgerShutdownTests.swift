import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import Testing

/// The shutdown test: a real HTTP server under load is stopped gracefully; every request it served must be
/// in the ledger. The wiring is the one the gateway uses: `[store, ledger service, server]` in one `ServiceGroup`,
/// authentication middleware, admit before and complete after the (simulated) upstream call.
@Suite struct LedgerShutdownTests {
    @Test func stoppingTheServerUnderLoadLosesNoLedgerRecord() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchyard-shutdown-\(UUID().uuidString)/switchyard.sqlite").path
        var logger = Logger(label: "shutdown-test")
        logger.logLevel = .critical
        let runtime = try await GovernanceRuntime.make(
            settings: GovernanceSettings(store: .sqlite(path: path), ledgerFlushInterval: .milliseconds(50)),
            logger: logger)
        try await runtime.prepare()
        let tenant = try await runtime.admin.createTenant(.master, TenantDraft(name: "load"))
        let secret = try await runtime.admin.createKey(.master, KeyDraft(tenantID: tenant.id)).key

        let handled = Mutex(0)
        let router = Router(context: IdentityTestContext.self)
        router.add(middleware: APIKeyAuthenticationMiddleware(authenticator: runtime.authenticator))
        router.post("/v1/chat/completions") { _, context -> Response in
            guard let identity = context.identity else { return Response(status: .internalServerError) }
            let governor = runtime.governor
            let admission: Admission
            do {
                admission = try await governor.admit(
                    identity,
                    AdmissionRequest(model: "simulator", region: nil, pricing: nil, estimatedPromptTokens: 10,
                        estimatedCompletionTokens: 10))
            } catch let error as GovernanceError {
                return error.response()
            } catch {
                return Response(status: .internalServerError)
            }
            try? await Task.sleep(for: .milliseconds(2))  // the upstream call
            await governor.complete(
                admission,
                RequestOutcome(requestID: UUID().uuidString, deployment: nil, usage: Usage(promptTokens: 10)))
            handled.withLock { $0 += 1 }
            return Response(status: .ok)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let group = ServiceGroup(services: runtime.services + [app], logger: logger)

        let served = try await withThrowingTaskGroup(of: Int.self) { tasks in
            tasks.addTask {
                try await group.run()
                return 0
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            // Eight clients send requests until the server stops answering.
            for _ in 0..<8 {
                tasks.addTask {
                    var ok = 0
                    for _ in 0..<2_000 {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
                        request.method = .POST
                        request.headers.add(name: "authorization", value: "Bearer \(secret)")
                        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
                            response.status == .ok
                        else { break }
                        ok += 1
                    }
                    return ok
                }
            }
            // Stop while requests are in flight: once some have been served (however slow the machine is), a
            // little later.
            let deadline = ContinuousClock.now + .seconds(60)
            while handled.withLock({ $0 }) < 50, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            var total = 0
            for try await count in tasks { total += count }
            return total
        }
        let handledCount = handled.withLock { $0 }
        #expect(served > 0, "served \(served), handled \(handledCount)")
        #expect(handledCount >= served)
        let reopened = try await SQLStore.sqlite(path: path)
        #expect(try await reopened.usageCount(UsageQuery(tenantID: tenant.id)) == handledCount)
        try await reopened.close()
    }
}
