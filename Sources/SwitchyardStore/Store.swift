import Foundation
import ServiceLifecycle

/// The gateway's persistent state: tenants, teams, principals, virtual keys, the usage ledger and budget counters.
///
/// Two implementations pass one conformance suite: SQLite (the embedded default, one file under
/// `./switchyard-data/`) and PostgreSQL (shared by several replicas); see ``SQLStore``. The hot path never calls a
/// store: keys and budgets are cached in memory and written behind.
///
/// A store is a `Service`: run it in the process's `ServiceGroup` *before* the services that write to it, so it is
/// shut down after them. ``migrate()`` must run (once ``run()`` has started) before any other call.
///
/// ```swift
/// let store = try await SQLStore.sqlite(path: "./switchyard-data/switchyard.sqlite")
/// // in the ServiceGroup: [store, ledgerService, server]
/// try await store.migrate()
/// ```
public protocol Store: Service {
    /// Applies every schema migration not yet applied, in order, in one transaction. Idempotent, and safe for
    /// several replicas starting at once (PostgreSQL takes an advisory lock; SQLite a write lock).
    ///
    /// - Returns: The schema version now in force.
    /// - Throws: ``StoreError/backend(_:)`` when the database fails.
    @discardableResult
    func migrate() async throws -> Int

    /// The highest migration applied, 0 for an empty database.
    func schemaVersion() async throws -> Int

    /// Adds a tenant. - Throws: ``StoreError/conflict(_:)`` when the id exists.
    func createTenant(_ tenant: Tenant) async throws
    /// Replaces a tenant's name, budget and limits. - Throws: ``StoreError/notFound(_:)``.
    func updateTenant(_ tenant: Tenant) async throws
    /// One tenant, or `nil`.
    func tenant(id: String) async throws -> Tenant?
    /// Every tenant, oldest first.
    func tenants() async throws -> [Tenant]

    /// Adds a team. - Throws: ``StoreError/conflict(_:)``, or ``StoreError/notFound(_:)`` for an unknown tenant.
    func createTeam(_ team: Team) async throws
    /// One team, or `nil`.
    func team(id: String) async throws -> Team?
    /// The teams of one tenant, or of all tenants when `tenantID` is `nil`.
    func teams(tenantID: String?) async throws -> [Team]

    /// Adds a user or service account. - Throws: ``StoreError/conflict(_:)`` or ``StoreError/notFound(_:)``.
    func createPrincipal(_ principal: Principal) async throws
    /// The principals of one tenant, or of all when `nil`.
    func principals(tenantID: String?) async throws -> [Principal]

    /// Adds a key. - Throws: ``StoreError/conflict(_:)`` when the id or hash exists.
    func createKey(_ key: VirtualKeyRecord) async throws
    /// Replaces a key by id (rotation replaces its hash and prefix). - Throws: ``StoreError/notFound(_:)``.
    func updateKey(_ key: VirtualKeyRecord) async throws
    /// One key by id, or `nil`.
    func key(id: String) async throws -> VirtualKeyRecord?
    /// One key by the SHA-256 of its secret, or `nil`.
    func key(hash: String) async throws -> VirtualKeyRecord?
    /// The keys of one tenant, or of all when `nil`, oldest first.
    func keys(tenantID: String?) async throws -> [VirtualKeyRecord]

    /// Appends ledger records in one transaction (in batches the backend can take), at `priority`.
    func appendUsage(_ records: [UsageRecord], priority: WritePriority) async throws
    /// The ledger records a query covers, oldest first.
    func usageRecords(_ query: UsageQuery) async throws -> [UsageRecord]
    /// How many ledger records a query covers.
    func usageCount(_ query: UsageQuery) async throws -> Int
    /// Sums of the records a query covers, one row per group, largest cost first.
    func usageSummary(_ query: UsageQuery, groupBy: UsageGrouping) async throws -> [UsageGroup]
    /// Cost per group (tenant, team, key or model) per hour of the records a query covers, oldest hour first (for
    /// spend forecasting).
    func hourlySpend(_ query: UsageQuery, groupBy: UsageGrouping) async throws -> [HourlySpend]

    /// Adds each delta's `spent` to its counter, creating counters as needed, in one transaction, at `priority`.
    func addBudgetSpend(_ deltas: [BudgetCounter], priority: WritePriority) async throws
    /// The counters of the given periods (all periods when `nil`).
    func budgetCounters(periods: Set<String>?) async throws -> [BudgetCounter]

    /// Inserts or replaces learned routers' online states (by router and scope), in one transaction.
    func saveRouterStates(_ states: [RouterStateRecord]) async throws
    /// The saved states of one router, or of all routers when `nil`, by router then scope.
    func routerStates(router: String?) async throws -> [RouterStateRecord]
    /// Appends feedback scores in one transaction.
    func appendFeedback(_ records: [FeedbackRecord]) async throws
    /// The feedback on one request, oldest first.
    func feedback(requestID: String) async throws -> [FeedbackRecord]
}

/// A store failure. Messages name no tenant data.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A record with this identity exists already.
    case conflict(String)
    /// The record (or one it refers to) does not exist.
    case notFound(String)
    /// The database failed; the message is for logs.
    case backend(String)
    /// A stored value could not be read back.
    case corrupt(String)

    /// A log-safe description.
    public var description: String {
        switch self {
        case .conflict(let what): return "conflict: \(what)"
        case .notFound(let what): return "not found: \(what)"
        case .backend(let what): return "database error: \(what)"
        case .corrupt(let what): return "corrupt value: \(what)"
        }
    }
}

/// Identifiers for new records: a short type prefix and 16 random hex digits (`ten_0f3c…`).
public enum RecordID {
    /// A new random identifier with a prefix such as `ten`, `team`, `usr` or `key`.
    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return prefix + "_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Store {
    /// Appends ledger records in one transaction, at normal priority.
    public func appendUsage(_ records: [UsageRecord]) async throws {
        try await appendUsage(records, priority: .normal)
    }

    /// Adds budget deltas in one transaction, at normal priority.
    public func addBudgetSpend(_ deltas: [BudgetCounter]) async throws {
        try await addBudgetSpend(deltas, priority: .normal)
    }
}
