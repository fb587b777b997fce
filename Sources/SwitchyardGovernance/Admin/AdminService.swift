import Foundation
import SwitchyardStore

/// The admin API's logic, without HTTP: who may do what, store writes, and the cache kept in step.
///
/// Isolation rule: a tenant admin (``AdminCaller/tenantAdmin(_:)``) sees only its own tenant. Anything of another
/// tenant — a key, a team, usage, a budget — is answered exactly as if it did not exist (`not_found`), so nothing
/// about other tenants can be learned. Creating tenants needs the master key (`insufficient_scope`).
public struct AdminService: Sendable {
    let store: any Store
    let cache: PolicyCache
    let budgets: BudgetTracker

    /// Creates the service.
    public init(store: any Store, cache: PolicyCache, budgets: BudgetTracker) {
        self.store = store
        self.cache = cache
        self.budgets = budgets
    }

    // MARK: Tenants

    /// Creates a tenant (master key only). - Throws: `insufficient_scope`, `invalid_request`.
    public func createTenant(_ caller: AdminCaller, _ draft: TenantDraft) async throws(GovernanceError) -> Tenant {
        guard caller == .master else {
            throw GovernanceError(.insufficientScope, "Only the master key creates tenants.")
        }
        try Self.validate(name: draft.name)
        let tenant = Tenant(
            id: RecordID.make("ten"), name: draft.name, budget: draft.budget,
            rateLimits: RateLimits(rpm: draft.rpm, tpm: draft.tpm))
        try await guarded { try await store.createTenant(tenant) }
        cache.upsert(tenant)
        return tenant
    }

    /// The tenants the caller may see: all for the master key, its own for a tenant admin.
    public func tenants(_ caller: AdminCaller) async throws(GovernanceError) -> [Tenant] {
        guard let own = caller.tenantID else { return try await guarded { try await store.tenants() } }
        return try await guarded { try await store.tenant(id: own) }.map { [$0] } ?? []
    }

    /// One tenant. - Throws: `not_found` (also for another tenant's).
    public func tenant(_ caller: AdminCaller, id: String) async throws(GovernanceError) -> Tenant {
        let tenantID = try scope(caller, id)
        guard let tenant = try await guarded({ try await store.tenant(id: tenantID ?? id) }) else {
            throw Self.notFound("tenant")
        }
        return tenant
    }

    // MARK: Teams and principals

    /// Creates a team in the caller's tenant (or the named one, for the master key).
    public func createTeam(_ caller: AdminCaller, _ draft: TeamDraft) async throws(GovernanceError) -> Team {
        try Self.validate(name: draft.name)
        let tenantID = try await existingTenant(caller, draft.tenantID)
        let team = Team(
            id: RecordID.make("team"), tenantID: tenantID, name: draft.name, budget: draft.budget,
            rateLimits: RateLimits(rpm: draft.rpm, tpm: draft.tpm))
        try await guarded { try await store.createTeam(team) }
        cache.upsert(team)
        return team
    }

    /// The teams the caller may see, optionally of one tenant.
    public func teams(_ caller: AdminCaller, tenantID: String?) async throws(GovernanceError) -> [Team] {
        let tenantID = try scope(caller, tenantID)
        return try await guarded { try await store.teams(tenantID: tenantID) }
    }

    /// Creates a user or service account in the caller's tenant.
    public func createPrincipal(_ caller: AdminCaller, _ draft: PrincipalDraft) async throws(GovernanceError)
        -> Principal
    {
        try Self.validate(name: draft.name)
        let tenantID = try await existingTenant(caller, draft.tenantID)
        if let teamID = draft.teamID { try await requireTeam(teamID, in: tenantID) }
        let principal = Principal(
            id: RecordID.make("usr"), tenantID: tenantID, teamID: draft.teamID, kind: draft.kind, name: draft.name)
        try await guarded { try await store.createPrincipal(principal) }
        return principal
    }

    /// The users and service accounts the caller may see.
    public func principals(_ caller: AdminCaller, tenantID: String?) async throws(GovernanceError) -> [Principal] {
        let tenantID = try scope(caller, tenantID)
        return try await guarded { try await store.principals(tenantID: tenantID) }
    }

    // MARK: Usage and budgets

    /// Usage sums of the caller's tenant (or any, for the master key).
    public func usage(_ caller: AdminCaller, tenantID: String?, from: Date?, to: Date?, groupBy: UsageGrouping)
        async throws(GovernanceError) -> [UsageGroup]
    {
        let query = UsageQuery(tenantID: try scope(caller, tenantID), from: from, to: to)
        return try await guarded { try await store.usageSummary(query, groupBy: groupBy) }
    }

    /// Usage records of the caller's tenant, for CSV export.
    public func usageRecords(_ caller: AdminCaller, tenantID: String?, from: Date?, to: Date?)
        async throws(GovernanceError) -> [UsageRecord]
    {
        let query = UsageQuery(tenantID: try scope(caller, tenantID), from: from, to: to)
        return try await guarded { try await store.usageRecords(query) }
    }

    /// Budget state of a tenant, its teams and its keys that have budgets (from memory, current periods).
    public func budgets(_ caller: AdminCaller, tenantID: String?) async throws(GovernanceError) -> [BudgetStatus] {
        let scoped = try scope(caller, tenantID)
        var limited: [(BudgetScope, BudgetLimits)] = []
        let tenants: [Tenant] =
            if let scoped {
                try await guarded { try await store.tenant(id: scoped) }.map { [$0] } ?? []
            } else {
                try await guarded { try await store.tenants() }
            }
        for tenant in tenants {
            if let budget = tenant.budget { limited.append((BudgetScope(.tenant, tenant.id), budget)) }
        }
        for team in try await guarded({ try await store.teams(tenantID: scoped) }) {
            if let budget = team.budget { limited.append((BudgetScope(.team, team.id), budget)) }
        }
        for key in try await guarded({ try await store.keys(tenantID: scoped) }) {
            if let budget = key.budget { limited.append((BudgetScope(.key, key.id), budget)) }
        }
        let now = Date()
        return limited.map { scope, limits in
            BudgetStatus(
                scope: scope.kind.rawValue, scopeID: scope.id, limits: limits,
                spentDaily: budgets.spent(scope, window: .daily, now: now),
                spentMonthly: budgets.spent(scope, window: .monthly, now: now),
                spentTotal: budgets.spent(scope, window: .total, now: now))
        }
    }

    // MARK: Helpers

    /// The tenant filter a caller may use: a tenant admin is confined to its own (another is `not_found`).
    func scope(_ caller: AdminCaller, _ requested: String?) throws(GovernanceError) -> String? {
        guard let own = caller.tenantID else { return requested }
        if let requested, requested != own { throw Self.notFound("tenant") }
        return own
    }

    /// The tenant a new record goes into; it must exist.
    func existingTenant(_ caller: AdminCaller, _ requested: String?) async throws(GovernanceError) -> String {
        guard let tenantID = try scope(caller, requested) else {
            throw GovernanceError(.invalidRequest, "Name the tenant ('tenant_id').", param: "tenant_id")
        }
        guard try await guarded({ try await store.tenant(id: tenantID) }) != nil else {
            throw Self.notFound("tenant")
        }
        return tenantID
    }

    func requireTeam(_ teamID: String, in tenantID: String) async throws(GovernanceError) {
        guard let team = try await guarded({ try await store.team(id: teamID) }), team.tenantID == tenantID else {
            throw Self.notFound("team")
        }
    }

    static func notFound(_ what: String) -> GovernanceError {
        GovernanceError(.notFound, "No such \(what).")
    }

    static func validate(name: String?) throws(GovernanceError) {
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw GovernanceError(.invalidRequest, "'name' must be a non-empty string of at most 200 characters.",
                param: "name")
        }
    }

    /// Runs a store call, turning its errors into governance errors that leak nothing.
    func guarded<T>(_ body: () async throws -> T) async throws(GovernanceError) -> T {
        do {
            return try await body()
        } catch let error as GovernanceError {
            throw error
        } catch StoreError.conflict {
            throw GovernanceError(.conflict, "A record with this identity exists.")
        } catch StoreError.notFound {
            throw GovernanceError(.notFound, "A referenced record does not exist.")
        } catch {
            throw GovernanceError(.internalError, "The store failed.")
        }
    }
}
