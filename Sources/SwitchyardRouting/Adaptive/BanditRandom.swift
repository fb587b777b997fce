import Foundation
import SwitchyardCore

/// ``SwitchyardCore/SplitMix64`` with the bandit's uniform and normal draws, for its projection and exploration.
///
/// Deterministic for a seed, so a bandit seeded in a test (or a restarted gateway) draws the same projection.
struct BanditRandom: RandomNumberGenerator, Sendable {
    private var bits: SplitMix64

    init(seed: UInt64) {
        bits = SplitMix64(seed: seed)
    }

    mutating func next() -> UInt64 { bits.next() }

    /// A uniform value in (0, 1).
    mutating func unit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    /// A standard normal value (Box–Muller).
    mutating func gaussian() -> Double {
        let u = unit()
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
