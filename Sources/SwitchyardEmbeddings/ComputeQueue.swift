import Dispatch

/// Runs CPU-heavy work (a model forward pass) off the caller's thread.
///
/// The gateway runs its request handling on the NIO event loops (`EventLoopExecutor`): a 10–20 ms embedding run
/// inline would stall every other connection on that loop. Work submitted here runs on Dispatch's global pool
/// instead, and the awaiting request resumes on its loop when it is done; the loop keeps serving meanwhile.
///
/// ```swift
/// let vector = await ComputeQueue.run { embedder.embed(text) }
/// ```
public enum ComputeQueue {
    /// Runs `work` on a compute thread and returns its result.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }

    /// Runs throwing `work` on a compute thread and returns its result or error.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
