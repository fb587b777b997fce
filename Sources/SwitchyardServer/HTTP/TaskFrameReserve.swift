import CSwitchyardRuntime
import Synchronization

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
/// A reserve is a few kilobytes more than the frames need: at most ``limit`` tasks hold one at a time. 10,000
/// requests waiting at once for a model's first token took 28 MB more with a reserve each (308.7 MB against 280.8 at
/// the peak). Only the task that answers a request reserves; the task that relays a streamed body lives as long as
/// the stream.
final class TaskFrameReserve: Sendable {
    /// The gateway's: 16 KB, more than a non-streamed chat request's deepest chain of frames, for up to 1,024 tasks.
    static let shared = TaskFrameReserve(bytes: 16 * 1024, limit: 1_024)

    /// The bytes reserved.
    let bytes: Int
    /// The most tasks that hold a reserve at a time.
    let limit: Int
    /// The tasks holding a reserve.
    private let holders = Atomic<Int>(0)

    /// Creates a reserve of `bytes` per task for at most `limit` tasks at a time.
    init(bytes: Int, limit: Int) {
        self.bytes = bytes
        self.limit = limit
    }

    /// Reserves ``bytes`` in the current task's frame allocator, unless ``limit`` tasks already hold one; whether it
    /// did. Call from a task's own code, first; a task that reserved calls ``release()`` when its work ends.
    func reserve() -> Bool {
        guard holders.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            holders.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        switchyard_task_reserve_frames(bytes)
        return true
    }

    /// Counts the calling task's reserve as given back (its slab goes with the task).
    func release() {
        holders.wrappingSubtract(1, ordering: .relaxed)
    }

    /// The tasks holding a reserve now.
    var holding: Int { holders.load(ordering: .relaxed) }
}
