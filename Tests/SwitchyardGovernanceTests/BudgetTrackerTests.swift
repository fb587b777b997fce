import Foundation
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct BudgetTrackerTests {
    let key = BudgetScope(.key, "key_1")
    let tenant = BudgetScope(.tenant, "ten_a")
    let now = Date(timeIntervalSince1970: 1_764_064_800)  // 2025-11-25T10:00:00Z

    @Test func periodsAreUTCDaysAndMonths() {
        let periods = BudgetPeriods(at: now)
        #expect(periods.daily == "d:2025-11-25")
        #expect(periods.monthly == "m:2025-11")
        #expect(BudgetPeriods(at: Date(timeIntervalSince1970: 951_782_400)).daily == "d:2000-02-29")
        #expect(BudgetPeriods(at: Date(timeIntervalSince1970: 0)).monthly == "m:1970-01")
    }

    @Test func inFlightEstimatesBoundConcurrentSpend() throws {
        let tracker = BudgetTracker()
        let limits = [BudgetTracker.Limit(scope: key, limits: BudgetLimits(daily: 1.0), tenantID: "ten_a")]
        var held: [BudgetTracker.Reservation] = []
        for _ in 0..<3 { held.append(try tracker.reserve(limits, scopes: [key, tenant], estimate: 0.3, now: now)) }
        // 0.9 in flight: a fourth 0.3 would pass 1.0.
        #expect(throws: GovernanceError.self) {
            try tracker.reserve(limits, scopes: [key, tenant], estimate: 0.3, now: now)
        }
        for reservation in held { _ = tracker.settle(reservation, actualCost: 0.1, limits: limits, now: now) }
        #expect(abs(tracker.spent(key, window: .daily, now: now) - 0.3) < 1e-9)
        #expect(abs(tracker.spent(tenant, window: .total, now: now) - 0.3) < 1e-9)
        _ = try tracker.reserve(limits, scopes: [key], estimate: 0.6, now: now)
    }

    @Test func hardLimitRejectsOrDowngrades() throws {
        let tracker = BudgetTracker()
        tracker.load([BudgetCounter(scope: "key", scopeID: "key_1", period: "total", spent: 5)])
        let reject = [BudgetTracker.Limit(scope: key, limits: BudgetLimits(total: 5), tenantID: "ten_a")]
        #expect {
            try tracker.reserve(reject, scopes: [key], estimate: 0, now: now)
        } throws: { error in
            (error as? GovernanceError)?.code == .budgetExceeded && (error as? GovernanceError)?.code.httpStatus == 429
        }
        let downgrade = [
            BudgetTracker.Limit(
                scope: key, limits: BudgetLimits(total: 5, downgradeModel: "gpt-4o-mini"), tenantID: "ten_a")
        ]
        let reservation = try tracker.reserve(downgrade, scopes: [key], estimate: 0.01, now: now)
        #expect(reservation.downgradeModel == "gpt-4o-mini")
    }

    @Test func softLimitAlertsOncePerPeriod() throws {
        let tracker = BudgetTracker()
        let limits = [
            BudgetTracker.Limit(scope: tenant, limits: BudgetLimits(daily: 10, softRatio: 0.5), tenantID: "ten_a")
        ]
        var alerts: [BudgetAlert] = []
        for _ in 0..<8 {
            let reservation = try tracker.reserve(limits, scopes: [tenant], estimate: 1, now: now)
            alerts += tracker.settle(reservation, actualCost: 1, limits: limits, now: now)
        }
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.scope == "tenant")
        #expect(alert.window == "daily")
        #expect(alert.spentUSD == 5)
        let json = String(decoding: try JSONEncoder().encode(alert), as: UTF8.self)
        #expect(json.contains("\"event\":\"budget.soft_limit_reached\""))
        #expect(json.contains("\"limit_usd\":10"))
    }

    @Test func deltasDrainAndRestore() throws {
        let tracker = BudgetTracker()
        let reservation = try tracker.reserve([], scopes: [key], estimate: 0.5, now: now)
        _ = tracker.settle(reservation, actualCost: 0.25, limits: [], now: now)
        let deltas = tracker.drainDeltas(now: now)
        #expect(deltas.count == 3)
        #expect(deltas.allSatisfy { $0.spent == 0.25 })
        #expect(tracker.drainDeltas(now: now).isEmpty)
        tracker.restore(deltas)
        #expect(tracker.drainDeltas(now: now).count == 3)
    }

    @Test func aNewDayStartsAFreshDailyCounterAndTheDrainForgetsThePastOne() throws {
        let tracker = BudgetTracker()
        let tomorrow = now.addingTimeInterval(86_400)
        let first = try tracker.reserve([], scopes: [key], estimate: 1, now: now)
        _ = tracker.settle(first, actualCost: 1, limits: [], now: now)
        // Settled at midnight, still counted in the day it was reserved in.
        let second = try tracker.reserve([], scopes: [key], estimate: 2, now: now)
        _ = tracker.settle(second, actualCost: 2, limits: [], now: tomorrow)
        let third = try tracker.reserve([], scopes: [key], estimate: 4, now: tomorrow)
        _ = tracker.settle(third, actualCost: 4, limits: [], now: tomorrow)
        #expect(tracker.spent(key, window: .daily, now: now) == 3)
        #expect(tracker.spent(key, window: .daily, now: tomorrow) == 4)
        #expect(tracker.spent(key, window: .total, now: tomorrow) == 7)
        let deltas = tracker.drainDeltas(now: tomorrow)
        let byPeriod = Dictionary(uniqueKeysWithValues: deltas.map { ($0.period, $0.spent) })
        let today = BudgetPeriods(at: now)
        let next = BudgetPeriods(at: tomorrow)
        #expect(byPeriod[today.daily] == 3)
        #expect(byPeriod[next.daily] == 4)
        #expect(byPeriod["total"] == 7)
        // Yesterday's counter is gone after the drain; today's and the total stay.
        #expect(tracker.spent(key, window: .daily, now: now) == 0)
        #expect(tracker.spent(key, window: .daily, now: tomorrow) == 4)
        #expect(tracker.spent(key, window: .total, now: tomorrow) == 7)
    }

    @Test func limitsOfSeveralScopesAreCheckedAgainstTheirOwnSpend() throws {
        let tracker = BudgetTracker()
        let team = BudgetScope(.team, "team_x")
        let teamLimit = BudgetTracker.Limit(
            scope: team, limits: BudgetLimits(daily: 1.5), tenantID: "ten_x")
        let first = try tracker.reserve([teamLimit], scopes: [key, team], estimate: 1, now: now)
        _ = tracker.settle(first, actualCost: 1, limits: [teamLimit], now: now)
        // The key has no limit of its own; the team's 1.5 is what stops the next dollar.
        #expect(throws: GovernanceError.self) { try tracker.reserve([teamLimit], scopes: [key, team], estimate: 1, now: now) }
        #expect(tracker.spent(key, window: .monthly, now: now) == 1)
        #expect(tracker.spent(team, window: .monthly, now: now) == 1)
        #expect(BudgetPeriods.of(now) == BudgetPeriods(at: now))
        #expect(BudgetPeriods.of(now.addingTimeInterval(86_400)) == BudgetPeriods(at: now.addingTimeInterval(86_400)))
    }
}
