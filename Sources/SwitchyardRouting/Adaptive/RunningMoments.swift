/// Count, mean and variance of a stream of values (Welford's update).
public struct RunningMoments: Sendable, Hashable, Codable {
    /// Values seen.
    public private(set) var count = 0
    /// Their mean (0 when none).
    public private(set) var mean = 0.0
    private var squares = 0.0

    /// No values yet.
    public init() {}

    /// Adds one value.
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squares += delta * (value - mean)
    }

    /// The sample variance (0 with fewer than two values).
    public var variance: Double { count > 1 ? squares / Double(count - 1) : 0 }
}
