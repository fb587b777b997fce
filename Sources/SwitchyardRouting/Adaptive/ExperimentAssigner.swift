/// Deterministic, sticky assignment of callers to an experiment's arms by weight.
///
/// The arm is a pure function of the experiment id and the sticky key: a 64-bit FNV-1a hash of
/// `id + "\0" + key`, mixed by the SplitMix64 finaliser, read as a uniform value in 0…1 and placed on the
/// cumulative weights. The same key always lands on the same arm, in every process and replica, and a large set of
/// keys splits in proportion to the weights.
public struct ExperimentAssigner: Sendable, Hashable {
    /// The experiment id (salts the hash, so experiments split independently).
    public let experimentID: String
    /// Cumulative normalised weights; the last is 1.
    private let cumulative: [Double]

    /// Creates an assigner; weights must be positive.
    public init(experimentID: String, weights: [Double]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 > 0 }, "an experiment needs positive weights")
        self.experimentID = experimentID
        let total = weights.reduce(0, +)
        var running = 0.0
        cumulative = weights.map {
            running += $0 / total
            return running
        }
    }

    /// The arm index for a sticky key.
    public func arm(for key: String) -> Int {
        let u = Self.unit(experimentID + "\u{0}" + key)
        return cumulative.firstIndex { u < $0 } ?? (cumulative.count - 1)
    }

    /// A stable uniform value in 0..<1 for a string.
    static func unit(_ text: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        hash ^= hash >> 31
        return Double(hash >> 11) / 9_007_199_254_740_992
    }
}
