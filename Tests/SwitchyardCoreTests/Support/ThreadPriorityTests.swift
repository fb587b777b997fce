import Foundation
import SwitchyardCore
import Testing

@Suite("ThreadPriority")
struct ThreadPriorityTests {
    /// Runs `body` on a new thread of its own (so that lowering its priority lowers nobody else's) and returns what it
    /// returned.
    func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    #if os(Linux)
    @Test("a thread put in the idle class is in it, and the other threads are not")
    func idleClassIsPerThread() async {
        let before = await onOwnThread { ThreadPriority.currentThreadIsIdle }
        let (made, after) = await onOwnThread { (ThreadPriority.makeCurrentThreadIdle(), ThreadPriority.currentThreadIsIdle) }
        #expect(!before)
        #expect(made)
        #expect(after)
        #expect(!ThreadPriority.currentThreadIsIdle)
        #expect(await onOwnThread { ThreadPriority.currentThreadIsIdle } == false)
    }
    #endif

    @Test("lowering a thread's nice value raises it by the steps asked, at most to 19")
    func niceSteps() async {
        let (base, lowered, again) = await onOwnThread {
            let base = ThreadPriority.currentNice
            return (base, ThreadPriority.lowerCurrentThread(by: 3), ThreadPriority.lowerCurrentThread(by: 40))
        }
        #if os(Linux)
        #expect(lowered == min(19, base + 3))
        #expect(again == 19)
        #else
        #expect(lowered == base && again == base)
        #endif
    }
}
