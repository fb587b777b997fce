import Synchronization
import Testing

@testable import SwitchyardServer

/// The frame reserve runs in a task's own allocator: the task's frames, before and after it, are intact. At most
/// its limit of tasks hold one at a time, and each gives it back.
@Suite struct TaskFrameReserveTests {
    /// Sums 1...depth through `depth` nested async frames, each holding a value across an await.
    private static func sum(_ depth: Int) async -> Int {
        guard depth > 0 else { return 0 }
        let mine = depth
        await Task.yield()
        return await sum(depth - 1) + mine
    }

    /// Holds tasks until opened, and counts those that came.
    private final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
        private let arrivals = Atomic<Int>(0)

        /// The tasks that came to the gate.
        var arrived: Int { arrivals.load(ordering: .relaxed) }

        func wait() async {
            arrivals.add(1, ordering: .relaxed)
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    if state.open { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    @Test func framesBeforeAndAfterTheReserveKeepTheirValues() async {
        let reserve = TaskFrameReserve(bytes: 16 * 1024, limit: 2)
        let results = await withTaskGroup(of: Int.self) { group in
            for depth in [1, 10, 200, 2_000] {
                group.addTask {
                    let before = await Self.sum(depth)
                    let reserved = reserve.reserve()
                    defer { if reserved { reserve.release() } }
                    let after = await Self.sum(depth)
                    return before == after ? after : -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == [1, 55, 20_100, 2_001_000])
        #expect(reserve.holding == 0)
    }

    @Test func atMostTheLimitHoldAReserveAndEachIsGivenBack() async {
        let reserve = TaskFrameReserve(bytes: 4 * 1024, limit: 8)
        let gate = Gate()
        let tasks = 20
        let reserved = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    let reserved = reserve.reserve()
                    await gate.wait()
                    if reserved { reserve.release() }
                    return reserved
                }
            }
            while gate.arrived < tasks { await Task.yield() }
            #expect(reserve.holding == 8)
            gate.open()
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(reserved == 8)
        #expect(reserve.holding == 0)
        // Given back, a reserve can be taken again.
        #expect(await Task { let taken = reserve.reserve(); if taken { reserve.release() }; return taken }.value)
    }
}
