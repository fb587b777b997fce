/// Runs work in a child task, so the memory its deepest await chain needed goes back when it returns.
///
/// A task's allocator keeps the slabs its async frames grew into until the task ends. On Hummingbird's connection
/// path (`SWITCHYARD_HTTP1=hummingbird`, kept for comparison) a connection's task lives as long as the connection and
/// relays its streams, so the request's handling runs in a child task there. ``GatewayConnectionHandler`` needs none:
/// it answers each request in a task of its own and relays each stream in another.
enum ChildTask {
    /// Runs `operation`, which cannot fail, in a child task and returns its value.
    static func run<Value: Sendable>(_ operation: @escaping @Sendable @concurrent () async -> Value) async -> Value {
        await withTaskGroup(of: Value.self) { group in
            group.addTask(operation: operation)
            return await group.next()!
        }
    }
}
