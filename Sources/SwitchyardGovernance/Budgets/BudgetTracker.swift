import Foundation
import Synchronization
import SwitchyardStore

/// Spend per key, team and tenant per window, in memory, with reserve-before and settle-after.
///
/// ``reserve(_:scopes:estimate:now:)`` checks every limit against settled spend *plus the estimates of requests
/// still in flight*, then adds its own estimate to the in-flight sum, all under one lock: concurrent requests can
/// overspend a limit by no more than the in-flight estimates. ``settle(_:actualCost:limits:now:)`` swaps the
/// estimate for the real cost, records a delta for the store (write-behind, see ``drainDeltas(now:)``) and returns
/// the soft-limit alerts that the spend crossed.
public final class BudgetTracker: Sendable {
    /// A budget that applies to a request.
    public struct Limit: Sendable, Hashable {
        /// Whose budget.
        public var scope: BudgetScope
        /// The limits.
        public var limits: BudgetLimits
        /// The tenant the scope belongs to (for alerts).
        public var tenantID: String

        /// Creates a limit.
        public init(scope: BudgetScope, limits: BudgetLimits, tenantID: String) {
            self.scope = scope
            self.limits = limits
            self.tenantID = tenantID
        }
    }

    /// An admitted request's hold on the budget; pass it to ``settle(_:actualCost:limits:now:)`` exactly once.
    public struct Reservation: Sendable, Hashable {
        /// Every scope the request spends on.
        public var scopes: [BudgetScope]
        /// The periods it was reserved in.
        public var periods: BudgetPeriods
        /// The estimated cost held.
        public var estimate: Double
        /// The cheaper model to serve instead, when a hard limit with a downgrade was reached.
        public var downgradeModel: String?
    }

    struct CounterKey: Hashable {
        var scope: BudgetScope
        var period: String
    }

    struct Counter {
        var settled: Double = 0
        var inFlight: Double = 0
        /// Spend settled since the store last took it (``drainDeltas(now:)``). Kept in the counter rather than in a
        /// table of its own: settling looks each key up once.
        var unsaved: Double = 0
    }

    /// One scope's counters by period: usually three (the day, the month, the total), a few more around a change
    /// of day until the next drain. Found by comparing period strings, so a request hashes each scope once rather
    /// than each scope and period (twelve hashes of an id and a period cost about 9,000 instructions per request).
    struct ScopeCounters {
        var periods: [String] = []
        var counters: [Counter] = []

        /// The counter of `period`, made when missing.
        subscript(period: String) -> Counter {
            get {
                guard let index = periods.firstIndex(of: period) else { return Counter() }
                return counters[index]
            }
            set {
                if let index = periods.firstIndex(of: period) {
                    counters[index] = newValue
                } else {
                    periods.append(period)
                    counters.append(newValue)
                }
            }
        }

        /// The counter of `period`, when there is one.
        func existing(_ period: String) -> Counter? {
            periods.firstIndex(of: period).map { counters[$0] }
        }
    }

    struct State {
        var scopes: [BudgetScope: ScopeCounters] = [:]
        var alerted: Set<CounterKey> = []

        /// The counter of `key`, when there is one.
        func counter(_ key: CounterKey) -> Counter? {
            scopes[key.scope]?.existing(key.period)
        }
    }

    private let state = Mutex(State())

    /// An empty tracker.
    public init() {}

    /// Seeds settled spend from the store at start-up (the current periods' counters).
    public func load(_ counters: [BudgetCounter]) {
        state.withLock { state in
            for counter in counters {
                guard let kind = BudgetScope.Kind(rawValue: counter.scope) else { continue }
                state.scopes[BudgetScope(kind, counter.scopeID), default: ScopeCounters()][counter.period].settled =
                    counter.spent
            }
        }
    }

    /// Reserves `estimate` dollars on every scope, after checking every limit.
    ///
    /// - Parameters:
    ///   - limits: The budgets to enforce (key, team, tenant), in that order.
    ///   - scopes: Every scope the request spends on, limited or not (its spend is still counted).
    ///   - estimate: The estimated cost in US dollars.
    ///   - now: The time that picks the periods.
    /// - Returns: The reservation; its ``Reservation/downgradeModel`` is set when a limit that configures a downgrade
    ///   was reached (that limit is then not enforced for this request).
    /// - Throws: ``GovernanceError`` `budget_exceeded` (429) naming the caller's own scope and window.
    public func reserve(_ limits: [Limit], scopes: [BudgetScope], estimate: Double, now: Date = Date())
        throws(GovernanceError) -> Reservation
    {
        let periods = BudgetPeriods.of(now)
        let result: Result<String?, GovernanceError> = state.withLock { state in
            var downgrade: String?
            for limit in limits where !limit.limits.isEmpty {
                for window in BudgetWindow.allCases {
                    guard let ceiling = limit.limits.limit(for: window) else { continue }
                    let counter = state.counter(CounterKey(scope: limit.scope, period: periods.period(for: window)))
                    let spent = (counter?.settled ?? 0) + (counter?.inFlight ?? 0)
                    guard spent >= ceiling || spent + estimate > ceiling else { continue }
                    if let cheaper = limit.limits.downgradeModel {
                        downgrade = downgrade ?? cheaper
                        break
                    }
                    let owner = limit.scope.kind.rawValue
                    return .failure(
                        GovernanceError(
                            .budgetExceeded, "The \(owner)'s \(window.rawValue) budget of $\(ceiling) is exhausted."))
                }
            }
            for scope in scopes {
                Self.update(&state.scopes[scope, default: ScopeCounters()], periods: periods) { $0.inFlight += estimate }
            }
            return .success(downgrade)
        }
        let downgrade = try result.get()
        return Reservation(scopes: scopes, periods: periods, estimate: estimate, downgradeModel: downgrade)
    }

    /// Replaces a reservation's estimate with the real cost (0 for a failed request).
    ///
    /// - Returns: The soft-limit alerts this spend crossed (each fires once per scope, window and period).
    public func settle(_ reservation: Reservation, actualCost: Double, limits: [Limit], now: Date = Date())
        -> [BudgetAlert]
    {
        let periods = reservation.periods
        return state.withLock { state in
            for scope in reservation.scopes {
                Self.update(&state.scopes[scope, default: ScopeCounters()], periods: periods) {
                    Self.settle(&$0, estimate: reservation.estimate, cost: actualCost)
                }
            }
            var alerts: [BudgetAlert] = []
            for limit in limits {
                for window in BudgetWindow.allCases {
                    guard let ceiling = limit.limits.limit(for: window), ceiling > 0 else { continue }
                    let key = CounterKey(scope: limit.scope, period: periods.period(for: window))
                    let spent = state.counter(key)?.settled ?? 0
                    guard spent >= ceiling * limit.limits.softRatio, !state.alerted.contains(key) else { continue }
                    state.alerted.insert(key)
                    alerts.append(
                        BudgetAlert(
                            event: "budget.soft_limit_reached", scope: limit.scope.kind.rawValue,
                            scopeID: limit.scope.id, tenantID: limit.tenantID, window: window.rawValue,
                            period: key.period, limitUSD: ceiling, spentUSD: spent, ratio: spent / ceiling,
                            softRatio: limit.limits.softRatio, timestamp: ISO8601DateFormatter().string(from: now)))
                }
            }
            return alerts
        }
    }

    /// Applies `change` to a scope's counters of the three periods.
    private static func update(
        _ counters: inout ScopeCounters, periods: BudgetPeriods, _ change: (inout Counter) -> Void
    ) {
        // Three calls, not a loop over an array of the periods: that array was an allocation per scope.
        update(&counters, period: periods.daily, change)
        update(&counters, period: periods.monthly, change)
        update(&counters, period: periods.total, change)
    }

    /// Changes the counter of one period, made when missing.
    @inline(__always)
    private static func update(
        _ counters: inout ScopeCounters, period: String, _ change: (inout Counter) -> Void
    ) {
        if let index = counters.periods.firstIndex(of: period) {
            change(&counters.counters[index])
        } else {
            var counter = Counter()
            change(&counter)
            counters.periods.append(period)
            counters.counters.append(counter)
        }
    }

    /// Swaps a counter's in-flight estimate for the real cost.
    private static func settle(_ counter: inout Counter, estimate: Double, cost: Double) {
        counter.inFlight -= estimate
        counter.settled += cost
        counter.unsaved += cost
    }

    /// Settled spend of one scope in the window containing `now`.
    public func spent(_ scope: BudgetScope, window: BudgetWindow, now: Date = Date()) -> Double {
        let period = BudgetPeriods(at: now).period(for: window)
        return state.withLock { $0.counter(CounterKey(scope: scope, period: period))?.settled ?? 0 }
    }

    /// Takes the spend settled since the last call, for the store; forgets idle counters of past periods.
    public func drainDeltas(now: Date = Date()) -> [BudgetCounter] {
        let current = BudgetPeriods(at: now).all
        return state.withLock { state in
            var deltas: [BudgetCounter] = []
            for (scope, counters) in state.scopes {
                for (period, counter) in zip(counters.periods, counters.counters) where counter.unsaved != 0 {
                    deltas.append(
                        BudgetCounter(
                            scope: scope.kind.rawValue, scopeID: scope.id, period: period, spent: counter.unsaved))
                }
            }
            var kept: [BudgetScope: ScopeCounters] = [:]
            for (scope, counters) in state.scopes {
                var keep = ScopeCounters()
                for (period, var counter) in zip(counters.periods, counters.counters)
                where current.contains(period) || counter.inFlight > 1e-12 {
                    counter.unsaved = 0
                    keep.periods.append(period)
                    keep.counters.append(counter)
                }
                if !keep.periods.isEmpty { kept[scope] = keep }
            }
            state.scopes = kept
            state.alerted = state.alerted.filter { current.contains($0.period) }
            return deltas
        }
    }

    /// Puts back deltas the store could not take, so the next flush retries them.
    public func restore(_ deltas: [BudgetCounter]) {
        state.withLock { state in
            for delta in deltas {
                guard let kind = BudgetScope.Kind(rawValue: delta.scope) else { continue }
                state.scopes[BudgetScope(kind, delta.scopeID), default: ScopeCounters()][delta.period].unsaved +=
                    delta.spent
            }
        }
    }
}
