import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency on the NIO event loops, so a request stays on the thread that read it.
///
/// By default Swift's global executor is its own thread pool, and NIO's event loops are another: every `await`
/// between a handler and the network moved the request between threads (the profile of
/// `bench/results/gateway-2026-11-25-session2-profile.md` put 61% of the gateway's CPU in executor hops).
/// Installing NIO's singleton event loop group as the global executor keeps a request on its event loop from the
/// inbound read through the upstream call (AsyncHTTPClient and Hummingbird both run on that group, and its
/// `any()` is sticky to the current loop) to the response write.
///
/// `SWITCHYARD_EXECUTOR=default` keeps Swift's own pool (for comparison, or if a dependency misbehaves). CPU-heavy
/// work (embedding a prompt, building an index) must not run inline on a loop; the embedding model runs on its own
/// threads for that reason.
enum EventLoopExecutor {
    /// Installs the event loops as the global executor unless `SWITCHYARD_EXECUTOR=default`; returns which one runs.
    @discardableResult
    static func install(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard environment["SWITCHYARD_EXECUTOR"] != "default" else { return "swift-default" }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            ? "nio-event-loops" : "swift-default"
    }
}
