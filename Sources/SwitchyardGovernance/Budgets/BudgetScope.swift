import Foundation
import Synchronization
import SwitchyardStore

/// Whose budget or rate limit: a key, a team or a tenant.
public struct BudgetScope: Sendable, Hashable, CustomStringConvertible {
    /// The kind of owner.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A virtual key.
        case key
        /// A team.
        case team
        /// A tenant.
        case tenant
    }

    /// The kind of owner.
    public var kind: Kind
    /// The owner's id.
    public var id: String

    /// Creates a scope.
    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// `kind:id`.
    public var description: String { "\(kind.rawValue):\(id)" }
}

/// The period strings budget counters are kept under: `d:YYYY-MM-DD`, `m:YYYY-MM` (UTC) and `total`.
public struct BudgetPeriods: Sendable, Hashable {
    /// The day's period.
    public var daily: String
    /// The month's period.
    public var monthly: String
    /// The lifetime period.
    public var total: String { "total" }
    /// The UTC day number since 1970, for cheap comparisons.
    public var dayNumber: Int

    /// The periods a time falls in.
    public init(at date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let (year, month, day) = Self.civil(fromDays: days)
        dayNumber = days
        monthly = "m:" + Self.pad(year, 4) + "-" + Self.pad(month, 2)
        daily = "d:" + Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
    }

    /// The periods of the day `date` falls in, made once per day: formatting the two strings cost 4,400
    /// instructions per request.
    public static func of(_ date: Date) -> BudgetPeriods {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        if let last = lastMade.withLock({ $0 }), last.dayNumber == days { return last }
        let made = BudgetPeriods(at: date)
        lastMade.withLock { $0 = made }
        return made
    }

    private static let lastMade = Mutex<BudgetPeriods?>(nil)

    /// The period of one window.
    public func period(for window: BudgetWindow) -> String {
        switch window {
        case .daily: return daily
        case .monthly: return monthly
        case .total: return total
        }
    }

    /// All three periods.
    public var all: Set<String> { [daily, monthly, total] }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
