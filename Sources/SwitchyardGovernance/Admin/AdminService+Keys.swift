import Foundation
import SwitchyardStore

extension AdminService {
    /// Creates a key; the secret is returned this once.
    ///
    /// - Throws: `invalid_request`, `not_found` (tenant, team or principal that is not the caller's).
    public func createKey(_ caller: AdminCaller, _ draft: KeyDraft) async throws(GovernanceError) -> CreatedKey {
        let tenantID = try await existingTenant(caller, draft.tenantID)
        if let teamID = draft.teamID { try await requireTeam(teamID, in: tenantID) }
        if let principalID = draft.principalID {
            let principals = try await guarded { try await store.principals(tenantID: tenantID) }
            guard principals.contains(where: { $0.id == principalID }) else { throw Self.notFound("principal") }
        }
        try Self.validateLimits(draft)
        let secret = APIKey.generate()
        let key = VirtualKeyRecord(
            id: RecordID.make("key"), hash: APIKey.hash(secret), prefix: APIKey.prefix(of: secret),
            tenantID: tenantID, teamID: draft.teamID, principalID: draft.principalID, name: draft.name ?? "key",
            scopes: draft.scopes ?? [], allowedModels: draft.models ?? [], allowedRegions: draft.regions ?? [],
            budget: draft.budget, rateLimits: RateLimits(rpm: draft.rpm, tpm: draft.tpm), expiresAt: draft.expiresAt,
            tags: draft.tags ?? [:], enabled: draft.enabled ?? true)
        try await guarded { try await store.createKey(key) }
        cache.upsert(key)
        return CreatedKey(key: secret, view: KeyView(key))
    }

    /// The keys the caller may see, optionally of one tenant.
    public func keys(_ caller: AdminCaller, tenantID: String?) async throws(GovernanceError) -> [KeyView] {
        let tenantID = try scope(caller, tenantID)
        return try await guarded { try await store.keys(tenantID: tenantID) }.map(KeyView.init)
    }

    /// One key. - Throws: `not_found`, also for another tenant's key.
    public func key(_ caller: AdminCaller, id: String) async throws(GovernanceError) -> KeyView {
        KeyView(try await ownedKey(caller, id))
    }

    /// Changes the fields present in `patch`. - Throws: `not_found`, `invalid_request`.
    public func updateKey(_ caller: AdminCaller, id: String, _ patch: KeyDraft) async throws(GovernanceError)
        -> KeyView
    {
        var key = try await ownedKey(caller, id)
        if let tenantID = patch.tenantID, tenantID != key.tenantID {
            throw GovernanceError(.invalidRequest, "A key cannot move to another tenant.", param: "tenant_id")
        }
        if let teamID = patch.teamID { try await requireTeam(teamID, in: key.tenantID) }
        try Self.validateLimits(patch)
        if let name = patch.name {
            try Self.validate(name: name)
            key.name = name
        }
        key.teamID = patch.teamID ?? key.teamID
        key.scopes = patch.scopes ?? key.scopes
        key.allowedModels = patch.models ?? key.allowedModels
        key.allowedRegions = patch.regions ?? key.allowedRegions
        key.budget = patch.budget ?? key.budget
        key.rateLimits = RateLimits(rpm: patch.rpm ?? key.rateLimits.rpm, tpm: patch.tpm ?? key.rateLimits.tpm)
        key.expiresAt = patch.expiresAt ?? key.expiresAt
        key.tags = patch.tags ?? key.tags
        key.enabled = patch.enabled ?? key.enabled
        return KeyView(try await save(key))
    }

    /// Disables a key at once.
    public func disableKey(_ caller: AdminCaller, id: String) async throws(GovernanceError) -> KeyView {
        var key = try await ownedKey(caller, id)
        key.enabled = false
        return KeyView(try await save(key))
    }

    /// Replaces a key's secret (same id, settings and spend); the old secret stops working at once.
    public func rotateKey(_ caller: AdminCaller, id: String) async throws(GovernanceError) -> CreatedKey {
        var key = try await ownedKey(caller, id)
        let secret = APIKey.generate()
        key.hash = APIKey.hash(secret)
        key.prefix = APIKey.prefix(of: secret)
        return CreatedKey(key: secret, view: KeyView(try await save(key)))
    }

    func ownedKey(_ caller: AdminCaller, _ id: String) async throws(GovernanceError) -> VirtualKeyRecord {
        guard let key = try await guarded({ try await store.key(id: id) }),
            caller.tenantID == nil || caller.tenantID == key.tenantID
        else { throw Self.notFound("key") }
        return key
    }

    func save(_ key: VirtualKeyRecord) async throws(GovernanceError) -> VirtualKeyRecord {
        var key = key
        key.updatedAt = Date()
        try await guarded { [key] in try await store.updateKey(key) }
        cache.upsert(key)
        return key
    }

    static func validateLimits(_ draft: KeyDraft) throws(GovernanceError) {
        for (name, value) in [("rpm", draft.rpm), ("tpm", draft.tpm)] {
            if let value, value <= 0 {
                throw GovernanceError(.invalidRequest, "'\(name)' must be a positive integer.", param: name)
            }
        }
        if let budget = draft.budget {
            for (name, value) in [("daily", budget.daily), ("monthly", budget.monthly), ("total", budget.total)] {
                if let value, value < 0 {
                    throw GovernanceError(.invalidRequest, "'budget.\(name)' must not be negative.", param: "budget")
                }
            }
            guard (0...1).contains(budget.softRatio) else {
                throw GovernanceError(.invalidRequest, "'budget.soft_ratio' must be 0...1.", param: "budget")
            }
        }
    }
}
