import Synchronization

/// Limits retries to a fraction of traffic, so a failing provider never causes a retry storm.
///
/// Every first attempt deposits `ratio` tokens; every retry withdraws one. The balance starts at, and never exceeds,
/// `reserve` (a few retries are always possible on a quiet gateway), so over any stretch of traffic retries stay
/// below `ratio × requests + reserve`.
public final class RetryBudget: Sendable {
    private let balance: Mutex<Double>
    private let ratio: Double
    private let reserve: Double

    /// Creates a budget.
    ///
    /// - Parameters:
    ///   - ratio: Retries allowed per request, e.g. 0.2.
    ///   - reserve: Retries available before any traffic, and the cap of the balance.
    public init(ratio: Double, reserve: Double = 10) {
        self.ratio = ratio
        self.reserve = max(reserve, 1)
        balance = Mutex(max(reserve, 1))
    }

    /// Records a first attempt.
    public func deposit() {
        balance.withLock { $0 = min(reserve, $0 + ratio) }
    }

    /// Takes a token for a retry; `false` when the budget is spent.
    public func withdraw() -> Bool {
        balance.withLock { value in
            guard value >= 1 else { return false }
            value -= 1
            return true
        }
    }

    /// The tokens left.
    public var available: Double { balance.withLock { $0 } }
}
