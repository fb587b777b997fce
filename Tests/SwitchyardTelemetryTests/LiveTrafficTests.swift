import Synchronization
import SwitchyardTelemetry
import Testing

@Suite struct LiveTrafficTests {
    final class Clock: Sendable {
        let seconds = Mutex(1_000_000.0)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
        var now: Double { seconds.withLock { $0 } }
    }

    @Test func summarisesTheLastMinuteAndForgetsOlderTraffic() {
        let clock = Clock()
        let live = LiveTraffic(now: { clock.now })
        for index in 0..<60 {
            live.started()
            live.finished(milliseconds: Double(index + 1), firstTokenMilliseconds: index % 2 == 0 ? 5 : nil, failed: index < 6)
        }
        var summary = live.summary()
        #expect(summary.requestsPerSecond == 1)
        #expect(abs(summary.errorRate - 0.1) < 1e-9)
        #expect(summary.inFlight == 0)
        let p50 = try! #require(summary.latencyP50)
        #expect(p50 >= 30 && p50 <= 32.5)
        #expect((summary.latencyP95 ?? 0) >= 57)
        #expect(summary.firstTokenP50 != nil)
        clock.advance(120)
        summary = live.summary()
        #expect(summary.requestsPerSecond == 0)
        #expect(summary.requestsTotal == 60)
        #expect(summary.errorsTotal == 6)
        #expect(live.series().count == LiveTraffic.bucketsKept)
        #expect(live.series().filter { $0.requestsPerSecond > 0 }.count == 1)
        clock.advance(Double(LiveTraffic.bucketsKept * LiveTraffic.bucketSeconds))
        #expect(live.series().allSatisfy { $0.requestsPerSecond == 0 })
    }

    @Test func histogramQuantilesAreWithinABucket() {
        var histogram = LatencyHistogram()
        for value in 1...1000 { histogram.record(Double(value)) }
        let p99 = try! #require(histogram.quantile(0.99))
        #expect(p99 >= 990 && p99 <= 990 * 1.05)
        #expect(LatencyHistogram().quantile(0.5) == nil)
    }
}
