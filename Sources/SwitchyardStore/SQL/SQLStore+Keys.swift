import Foundation

extension SQLStore {
    static let keyColumns = """
        id, hash, prefix, tenant_id, team_id, principal_id, name, scopes, allowed_models, allowed_regions, budget, \
        rpm, tpm, expires_at, tags, enabled, created_at, updated_at
        """

    /// See ``Store/createKey(_:)``.
    public func createKey(_ key: VirtualKeyRecord) async throws {
        let placeholders = Array(repeating: "?", count: 18).joined(separator: ", ")
        try await driver.execute(
            "INSERT INTO virtual_keys (\(Self.keyColumns)) VALUES (\(placeholders))", try Self.binds(for: key))
    }

    /// See ``Store/updateKey(_:)``.
    public func updateKey(_ key: VirtualKeyRecord) async throws {
        var binds = try Self.binds(for: key)
        let id = binds.removeFirst()
        let rows = try await driver.query(
            """
            UPDATE virtual_keys SET hash = ?, prefix = ?, tenant_id = ?, team_id = ?, principal_id = ?, name = ?,
                scopes = ?, allowed_models = ?, allowed_regions = ?, budget = ?, rpm = ?, tpm = ?, expires_at = ?,
                tags = ?, enabled = ?, created_at = ?, updated_at = ?
            WHERE id = ? RETURNING id
            """, binds + [id])
        guard !rows.isEmpty else { throw StoreError.notFound("key") }
    }

    /// See ``Store/key(id:)``.
    public func key(id: String) async throws -> VirtualKeyRecord? {
        try await driver.query("SELECT \(Self.keyColumns) FROM virtual_keys WHERE id = ?", [.text(id)])
            .first.map(Self.key(from:))
    }

    /// See ``Store/key(hash:)``.
    public func key(hash: String) async throws -> VirtualKeyRecord? {
        try await driver.query("SELECT \(Self.keyColumns) FROM virtual_keys WHERE hash = ?", [.text(hash)])
            .first.map(Self.key(from:))
    }

    /// See ``Store/keys(tenantID:)``.
    public func keys(tenantID: String?) async throws -> [VirtualKeyRecord] {
        let base = "SELECT \(Self.keyColumns) FROM virtual_keys"
        let rows =
            if let tenantID {
                try await driver.query(base + " WHERE tenant_id = ? ORDER BY created_at, id", [.text(tenantID)])
            } else {
                try await driver.query(base + " ORDER BY created_at, id", [])
            }
        return try rows.map(Self.key(from:))
    }

    static func binds(for key: VirtualKeyRecord) throws -> [SQLValue] {
        [
            .text(key.id), .text(key.hash), .text(key.prefix), .text(key.tenantID), SQLValue(key.teamID),
            SQLValue(key.principalID), .text(key.name), try SQLValue(json: key.scopes),
            try SQLValue(json: key.allowedModels), try SQLValue(json: key.allowedRegions),
            try SQLValue(json: key.budget), SQLValue(key.rateLimits.rpm), SQLValue(key.rateLimits.tpm),
            SQLValue(key.expiresAt), try SQLValue(json: key.tags), SQLValue(key.enabled), SQLValue(key.createdAt),
            SQLValue(key.updatedAt),
        ]
    }

    static func key(from row: SQLRow) throws -> VirtualKeyRecord {
        VirtualKeyRecord(
            id: try row.requiredString(0), hash: try row.requiredString(1), prefix: try row.requiredString(2),
            tenantID: try row.requiredString(3), teamID: row.string(4), principalID: row.string(5),
            name: try row.requiredString(6), scopes: try row.json([String].self, 7) ?? [],
            allowedModels: try row.json([String].self, 8) ?? [], allowedRegions: try row.json([String].self, 9) ?? [],
            budget: try row.json(BudgetLimits.self, 10), rateLimits: RateLimits(rpm: row.int(11), tpm: row.int(12)),
            expiresAt: row.date(13), tags: try row.json([String: String].self, 14) ?? [:], enabled: row.bool(15),
            createdAt: row.date(16) ?? Date(timeIntervalSince1970: 0), updatedAt: row.date(17))
    }
}
