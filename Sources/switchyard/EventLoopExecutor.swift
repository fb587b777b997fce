import CSwitchyardRuntime
import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency on the NIO event loops, so a request stays on the thread that read it.
///
/// By default Swift's global executor is its own thread pool, and NIO's event loops are another: every `await`
/// between a handler and the network moved the request between threads (the profile of
/// `bench/results/gateway-2026-11-25-session2-profile.md` put 61% of the gateway's CPU in executor hops).
/// Installing NIO's singleton event loop group as the global executor keeps a request on its event loop from the
/// inbound read through the upstream call (the upstream transport and Hummingbird both run on that group, and the
/// hook picks the current loop) to the response write.
///
/// Three modes, by `SWITCHYARD_EXECUTOR`:
/// - unset or `event-loops` (the default): ``install(environment:)`` installs its own global-executor hook. It
///   enqueues a job on the current loop and runs it as the *generic* executor (Swift's global concurrent executor),
///   not as the loop's serial executor. That matters: NIO's own hook runs each job "on" the loop's serial executor,
///   and every call into a nonisolated `async` function (which must run on the generic executor) then found itself on
///   the wrong executor and went through the loop's queue again: 115 enqueues per proxied request, about 90,000
///   instructions (`bench/results/gateway-2026-12-03-session5.md`).
/// - `nio`: NIO's hook (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`),
///   for comparison. NIO looks the hook up with `dlsym`, so it installs only in a build that links the runtime
///   dynamically (a debug build); the release build runs Swift's pool then, and `serve` warns.
/// - `default`: Swift's own pool.
///
/// The hook is found by the linker (`CSwitchyardRuntime`), not by `dlsym`: the release build links the runtime
/// statically, where the symbol is hidden from `dlsym` and a lookup found nothing, so every job went to Swift's own
/// pool (twice the kernel time per request).
///
/// CPU-heavy work (embedding a prompt, building an index) must not run inline on a loop; the embedding model runs on
/// its own threads for that reason.
enum EventLoopExecutor {
    /// Installs the executor `SWITCHYARD_EXECUTOR` names; returns which one runs.
    @discardableResult
    static func install(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        switch environment["SWITCHYARD_EXECUTOR"] {
        case "default":
            return "swift-default"
        case "nio":
            return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
                ? "nio-event-loops (NIO's hook)" : "swift-default"
        default:
            return installGenericOnEventLoops() ? "nio-event-loops" : "swift-default"
        }
    }

    /// The hook's type, as the concurrency runtime declares `swift_task_enqueueGlobal_hook`.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Replaces the runtime's global enqueue with one onto the singleton event loops (the current one when called
    /// from a loop thread), running each job on the generic executor. Call once, before any task starts.
    private static func installGenericOnEventLoops() -> Bool {
        let slot = UnsafeMutableRawPointer(switchyard_enqueue_global_hook_slot()).assumingMemoryBound(
            to: UnsafeRawPointer?.self)
        guard slot.pointee == nil else { return false }  // someone else installed one
        _ = GenericJobRunner.executor  // resolve it before the hook can be called
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in
                MultiThreadedEventLoopGroup.singleton.any().execute {
                    job.runSynchronously(on: GenericJobRunner.executor)
                }
            })
            slot.pointee = hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { $0.pointee }
            return true
        }
    }
}

/// The task executor global jobs run on: Swift's global concurrent executor, i.e. "not isolated to anything", so a
/// nonisolated `async` callee needs no executor switch.
private enum GenericJobRunner {
    static let executor: UnownedTaskExecutor = globalConcurrentExecutor.asUnownedTaskExecutor()
}
