/// Runs work in a child task, so the memory its deepest await chain needed goes back when it returns.
///
/// A task's allocator keeps the slabs its async frames grew into until the task ends, and the connection's task
/// lives as long as the connection: a stream relayed for minutes, a keep-alive client that stays. Handling a request
/// (decoding, governance, routing, opening the upstream) and settling a stream (the governor, the ledger, metrics)
/// stack deep async frames: 30–60 KB and over 20 KB, measured with jemalloc's heap profiler and read from the
/// binary's async function pointers. Run in a child task, that memory is freed when the work is done instead of
/// staying under every later frame of the connection; the cost is one task.
enum ChildTask {
    /// Runs `operation` in a child task and returns its value or rethrows its error.
    static func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask(operation: operation)
            return try await group.next()!
        }
    }

    /// Runs `operation`, which cannot fail, in a child task and returns its value.
    static func run<Value: Sendable>(_ operation: @escaping @Sendable () async -> Value) async -> Value {
        await withTaskGroup(of: Value.self) { group in
            group.addTask(operation: operation)
            return await group.next()!
        }
    }
}
