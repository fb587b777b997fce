/// Spend of one key, team or tenant in one budget period, as persisted (write-behind from memory).
public struct BudgetCounter: Sendable, Hashable, Codable {
    /// Whose spend: `key`, `team` or `tenant`.
    public var scope: String
    /// The key, team or tenant id.
    public var scopeID: String
    /// The period: `d:2026-11-25`, `m:2026-11` or `total`.
    public var period: String
    /// US dollars spent in the period.
    public var spent: Double

    /// Creates a counter (or a delta to add to one).
    public init(scope: String, scopeID: String, period: String, spent: Double) {
        self.scope = scope
        self.scopeID = scopeID
        self.period = period
        self.spent = spent
    }
}
