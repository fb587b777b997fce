import Synchronization
@testable import SwitchyardTelemetry
import Testing

/// The metric handle cache, with its memo of the last handle found: each key keeps its own handle, made once,
/// however the keys alternate.
@Suite struct MetricHandleCacheTests {
    final class Handle: Sendable {
        let label: String
        init(_ label: String) { self.label = label }
    }

    @Test func eachKeyKeepsItsOwnHandle() {
        let made = Mutex(0)
        let cache = MetricHandleCache<[String], Handle> { labels in
            made.withLock { $0 += 1 }
            return Handle(labels.joined(separator: "/"))
        }
        let first = cache[["m", "input"]]
        #expect(cache[["m", "input"]] === first)
        let second = cache[["m", "output"]]
        #expect(second.label == "m/output")
        for _ in 0..<3 {
            #expect(cache[["m", "input"]] === first)
            #expect(cache[["m", "output"]] === second)
        }
        #expect(cache[["n", "input"]].label == "n/input")
        #expect(made.withLock { $0 } == 3)
    }
}
