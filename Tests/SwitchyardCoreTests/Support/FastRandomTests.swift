import SwitchyardCore
import Testing

@Suite("FastRandom")
struct FastRandomTests {
    @Test("draws from many tasks at once never repeat")
    func distinctUnderConcurrency() async {
        let draws = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var random = FastRandom()
                    return (0..<5_000).map { _ in random.next() }
                }
            }
            return await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        #expect(draws.count == 40_000)
        #expect(Set(draws).count == draws.count)
    }

    @Test("bits are balanced and ranges are covered")
    func balanced() {
        var random = FastRandom()
        var ones = 0
        var buckets = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 {
            ones += random.next().nonzeroBitCount
            buckets[Int.random(in: 0..<10, using: &random)] += 1
        }
        let share = Double(ones) / Double(20_000 * 64)
        #expect(abs(share - 0.5) < 0.01)
        #expect(buckets.allSatisfy { (1_700...2_300).contains($0) }, "\(buckets)")
    }
}
