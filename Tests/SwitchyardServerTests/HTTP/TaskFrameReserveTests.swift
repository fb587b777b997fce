import Testing

@testable import SwitchyardServer

/// The frame reserve runs in a task's own allocator: the task's frames, before and after it, are intact.
@Suite struct TaskFrameReserveTests {
    /// Sums 1...depth through `depth` nested async frames, each holding a value across an await.
    private static func sum(_ depth: Int) async -> Int {
        guard depth > 0 else { return 0 }
        let mine = depth
        await Task.yield()
        return await sum(depth - 1) + mine
    }

    @Test func framesBeforeAndAfterTheReserveKeepTheirValues() async {
        let results = await withTaskGroup(of: Int.self) { group in
            for depth in [1, 10, 200, 2_000] {
                group.addTask {
                    let before = await Self.sum(depth)
                    TaskFrameReserve.reserve()
                    let after = await Self.sum(depth)
                    TaskFrameReserve.reserve()
                    return before == after ? after : -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == [1, 55, 20_100, 2_001_000])
    }

    @Test func aReserveInAnUnstructuredTaskLeavesItsResultIntact() async {
        let task = Task {
            TaskFrameReserve.reserve()
            return await Self.sum(500)
        }
        #expect(await task.value == 125_250)
    }
}
