import Synchronization

/// Each tenant's forecast spend over its budget, as last computed: read by the router on every request, written
/// only by ``BudgetPressureService`` (never computed on the request path).
public final class BudgetPressureBook: Sendable {
    private let ratios = Mutex<[String: Double]>([:])

    /// Creates an empty book: no tenant under pressure.
    public init() {}

    /// The tenant's `forecast / budget`, if it has a budget and a forecast.
    public func ratio(for tenant: String) -> Double? {
        ratios.withLock { $0[tenant] }
    }

    /// Replaces every ratio (one refresh).
    public func replace(_ values: [String: Double]) {
        ratios.withLock { $0 = values }
    }

    /// Sets one tenant's ratio.
    public func set(_ ratio: Double?, for tenant: String) {
        ratios.withLock { $0[tenant] = ratio }
    }
}
