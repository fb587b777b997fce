import Synchronization

/// Random bits for the request path that need no secrecy (request ids, weighted routing picks, retry jitter):
/// SplitMix64 over one process-wide atomic counter, seeded once from the system generator.
///
/// `SystemRandomNumberGenerator` is a `getrandom` system call per draw; a proxied request made three of them (about
/// 5% of its kernel time on this VM, `bench/results/gateway-2026-12-03-session5.md`). Keys, salts and anything an
/// attacker must not predict keep using `SystemRandomNumberGenerator`.
public struct FastRandom: RandomNumberGenerator, Sendable {
    private static let counter: Atomic<UInt64> = {
        var system = SystemRandomNumberGenerator()
        return Atomic(system.next())
    }()

    /// A generator; every instance draws from the same process-wide sequence.
    public init() {}

    /// The next 64 random bits (lock-free; distinct on every call until the counter wraps).
    public mutating func next() -> UInt64 {
        var z = Self.counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: AtomicUpdateOrdering.relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
