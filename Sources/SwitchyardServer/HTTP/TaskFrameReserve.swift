import CSwitchyardRuntime

/// Sizes a new task's frame allocator for a request before the request's frames need it.
///
/// A task allocates its async functions' frames from slabs of its own, taken from `malloc` as the frames grow and
/// freed when the task ends. A slab is about 1 KB unless a frame needs more, and a request's chain of async calls
/// (the responders, decoding, governance, routing, the upstream call) holds 8 to 16 KB of frames at its deepest: a
/// task per request took about a dozen slabs from `malloc` and gave them back, its 57 frame allocations costing about
/// 6,000 instructions per request under callgrind.
///
/// ``reserve()`` allocates ``bytes`` from the task's allocator and frees them at once
/// (`switchyard_task_reserve_frames`, the runtime's `swift_task_alloc` and `swift_task_dealloc`): the allocator
/// takes one slab that size and keeps it, empty. The frames that follow fit in it, one after the other, so the
/// request takes two slabs from `malloc` (the first small one and this), not a dozen. The slab's memory is only
/// touched where frames are written.
///
/// Only the task that answers a request reserves. The task that relays a streamed body lives as long as the stream,
/// and 10,000 open streams would hold a reserve each.
enum TaskFrameReserve {
    /// The bytes reserved: more than a non-streamed chat request's deepest chain of frames.
    static let bytes = 16 * 1024

    /// Reserves ``bytes`` in the current task's frame allocator. Call from a task's own code, first.
    static func reserve() {
        switchyard_task_reserve_frames(bytes)
    }
}
