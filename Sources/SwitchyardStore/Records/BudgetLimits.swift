/// Spending limits of a key, team or tenant, in US dollars per window.
///
/// A `nil` window has no limit. The soft limit is a fraction of each hard limit: crossing it sends one alert per
/// window; crossing the hard limit rejects the request (`budget_exceeded`) or, when ``downgradeModel`` is set,
/// serves it with that cheaper model instead.
public struct BudgetLimits: Sendable, Hashable, Codable {
    /// The limit per UTC day.
    public var daily: Double?
    /// The limit per UTC calendar month.
    public var monthly: Double?
    /// The limit over the whole lifetime.
    public var total: Double?
    /// The fraction of a hard limit at which the soft alert fires, 0...1.
    public var softRatio: Double
    /// The public model to serve instead once a hard limit is reached; `nil` rejects.
    public var downgradeModel: String?

    /// Creates budget limits.
    public init(
        daily: Double? = nil, monthly: Double? = nil, total: Double? = nil, softRatio: Double = 0.8,
        downgradeModel: String? = nil
    ) {
        self.daily = daily
        self.monthly = monthly
        self.total = total
        self.softRatio = softRatio
        self.downgradeModel = downgradeModel
    }

    /// The limit of one window.
    public func limit(for window: BudgetWindow) -> Double? {
        switch window {
        case .daily: return daily
        case .monthly: return monthly
        case .total: return total
        }
    }

    /// Whether no window has a limit.
    public var isEmpty: Bool { daily == nil && monthly == nil && total == nil }

    private enum CodingKeys: String, CodingKey {
        case daily, monthly, total
        case softRatio = "soft_ratio"
        case downgradeModel = "downgrade_model"
    }

    /// Decodes limits; `soft_ratio` defaults to 0.8.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        daily = try container.decodeIfPresent(Double.self, forKey: .daily)
        monthly = try container.decodeIfPresent(Double.self, forKey: .monthly)
        total = try container.decodeIfPresent(Double.self, forKey: .total)
        softRatio = try container.decodeIfPresent(Double.self, forKey: .softRatio) ?? 0.8
        downgradeModel = try container.decodeIfPresent(String.self, forKey: .downgradeModel)
    }
}

/// A budget window.
public enum BudgetWindow: String, Sendable, Hashable, Codable, CaseIterable {
    /// One UTC day.
    case daily
    /// One UTC calendar month.
    case monthly
    /// The whole lifetime.
    case total
}

/// Requests per minute and tokens per minute; `nil` is unlimited.
public struct RateLimits: Sendable, Hashable, Codable {
    /// Requests per minute.
    public var rpm: Int?
    /// Tokens (prompt plus completion) per minute.
    public var tpm: Int?

    /// Creates rate limits.
    public init(rpm: Int? = nil, tpm: Int? = nil) {
        self.rpm = rpm
        self.tpm = tpm
    }
}
