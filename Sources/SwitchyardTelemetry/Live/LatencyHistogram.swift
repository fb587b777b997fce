/// A fixed log-scale histogram of milliseconds (about 4% resolution from 0.01 ms to 10 minutes) for percentiles
/// without keeping samples.
public struct LatencyHistogram: Sendable, Hashable {
    static let bucketCount = 480
    static let growth = 1.04
    static let smallest = 0.01

    private var counts = [UInt32](repeating: 0, count: bucketCount)
    /// Samples recorded.
    public private(set) var count = 0

    /// Creates an empty histogram.
    public init() {}

    /// Records one duration in milliseconds.
    public mutating func record(_ milliseconds: Double) {
        counts[Self.bucket(of: milliseconds)] &+= 1
        count += 1
    }

    /// Adds another histogram's samples.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in 0..<Self.bucketCount { counts[index] &+= other.counts[index] }
        count += other.count
    }

    /// The `q`-quantile (0…1) in milliseconds, `nil` when empty; the bucket's upper bound.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += Int(bucketCount)
            if seen >= rank { return Self.upperBound(of: index) }
        }
        return Self.upperBound(of: Self.bucketCount - 1)
    }

    static func bucket(of milliseconds: Double) -> Int {
        guard milliseconds > smallest else { return 0 }
        let index = Int((log(milliseconds / smallest) / log(growth)).rounded(.up))
        return min(bucketCount - 1, max(0, index))
    }

    static func upperBound(of bucket: Int) -> Double { smallest * pow(growth, Double(bucket)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
