#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle
@testable import SwitchyardServer
import Testing

/// The heap trimmer: glibc's `malloc_trim` is found and gives free pages inside the heap back, and the service
/// stops at graceful shutdown without waiting out its interval.
@Suite struct HeapTrimmerTests {
    #if canImport(Glibc)
    @Test func releasesTheFreePagesInsideTheHeap() throws {
        let trim = try #require(HeapTrimmer.mallocTrim, "glibc has malloc_trim")
        // 32 MB in 4 KB blocks (below the mmap threshold: they come from the heap), with a block allocated after
        // them so that freeing them leaves a hole inside the heap instead of shrinking its top.
        let blocks = (0..<8_192).map { _ -> UnsafeMutableRawPointer in
            let block = malloc(4_096)!
            memset(block, 1, 4_096)
            return block
        }
        let pin = malloc(4_096)!
        blocks.forEach { free($0) }
        #expect(trim(0) == 1)
        free(pin)
    }
    #endif

    /// It trims after a quiet interval, not a busy one; and requests are counted as they start.
    @Test func trimsOnlyAfterAQuietInterval() {
        let trimmer = HeapTrimmer(interval: .seconds(10), busyRequests: 100, logger: Logger(label: "test"))
        #expect(trimmer.shouldTrim(started: 0))
        #expect(trimmer.shouldTrim(started: 99))
        #expect(!trimmer.shouldTrim(started: 100))
        #expect(!trimmer.shouldTrim(started: 30_000))
        let before = RequestActivity.startedCount
        RequestActivity.noteStarted()
        #expect(RequestActivity.startedCount >= before + 1)
    }

    /// Broken, the group would wait out the hour-long sleep: the time limit turns that hang into a failure.
    @Test(.timeLimit(.minutes(1))) func stopsAtGracefulShutdownWithoutWaitingOutItsInterval() async throws {
        var logger = Logger(label: "heap-trimmer-test")
        logger.logLevel = .critical
        let trimmer = HeapTrimmer(interval: .seconds(3_600), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: trimmer)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
