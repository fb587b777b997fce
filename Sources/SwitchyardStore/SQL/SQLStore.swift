import Foundation
import Logging
import ServiceLifecycle

/// The ``Store`` on SQL: one implementation of the queries, run by a SQLite or a PostgreSQL driver.
///
/// ```swift
/// let embedded = try await SQLStore.sqlite(path: "./switchyard-data/switchyard.sqlite")
/// let shared = try SQLStore.postgres(url: "postgres://switchyard@127.0.0.1:5432/switchyard")
/// ```
public final class SQLStore: Store {
    let driver: any SQLDriver

    init(driver: any SQLDriver) {
        self.driver = driver
    }

    /// Which database this store runs on: `sqlite` or `postgres`.
    public var backendName: String { driver.dialect == .sqlite ? "sqlite" : "postgres" }

    /// Runs the driver (PostgreSQL's connection pool) until graceful shutdown, then closes the database.
    public func run() async throws {
        try await driver.run()
    }

    /// Closes an SQLite database now, for tools that use the store without running it as a service; PostgreSQL
    /// closes its pool when ``run()`` ends.
    public func close() async throws {
        try await driver.close()
    }

    /// See ``Store/migrate()``.
    @discardableResult
    public func migrate() async throws -> Int {
        try await SchemaMigrations.apply(on: driver)
    }

    /// See ``Store/schemaVersion()``.
    public func schemaVersion() async throws -> Int {
        try await SchemaMigrations.version(on: driver)
    }

    // MARK: Tenants

    static let tenantColumns = "id, name, budget, rpm, tpm, created_at"

    /// See ``Store/createTenant(_:)``.
    public func createTenant(_ tenant: Tenant) async throws {
        try await driver.execute(
            "INSERT INTO tenants (\(Self.tenantColumns)) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(tenant.id), .text(tenant.name), try SQLValue(json: tenant.budget),
                SQLValue(tenant.rateLimits.rpm), SQLValue(tenant.rateLimits.tpm), SQLValue(tenant.createdAt),
            ])
    }

    /// See ``Store/updateTenant(_:)``.
    public func updateTenant(_ tenant: Tenant) async throws {
        let rows = try await driver.query(
            "UPDATE tenants SET name = ?, budget = ?, rpm = ?, tpm = ? WHERE id = ? RETURNING id",
            [
                .text(tenant.name), try SQLValue(json: tenant.budget), SQLValue(tenant.rateLimits.rpm),
                SQLValue(tenant.rateLimits.tpm), .text(tenant.id),
            ])
        guard !rows.isEmpty else { throw StoreError.notFound("tenant") }
    }

    /// See ``Store/tenant(id:)``.
    public func tenant(id: String) async throws -> Tenant? {
        try await driver.query("SELECT \(Self.tenantColumns) FROM tenants WHERE id = ?", [.text(id)])
            .first.map(Self.tenant(from:))
    }

    /// See ``Store/tenants()``.
    public func tenants() async throws -> [Tenant] {
        try await driver.query("SELECT \(Self.tenantColumns) FROM tenants ORDER BY created_at, id", [])
            .map(Self.tenant(from:))
    }

    static func tenant(from row: SQLRow) throws -> Tenant {
        Tenant(
            id: try row.requiredString(0), name: try row.requiredString(1),
            budget: try row.json(BudgetLimits.self, 2), rateLimits: RateLimits(rpm: row.int(3), tpm: row.int(4)),
            createdAt: row.date(5) ?? Date(timeIntervalSince1970: 0))
    }

    // MARK: Teams

    static let teamColumns = "id, tenant_id, name, budget, rpm, tpm, created_at"

    /// See ``Store/createTeam(_:)``.
    public func createTeam(_ team: Team) async throws {
        try await driver.execute(
            "INSERT INTO teams (\(Self.teamColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(team.id), .text(team.tenantID), .text(team.name), try SQLValue(json: team.budget),
                SQLValue(team.rateLimits.rpm), SQLValue(team.rateLimits.tpm), SQLValue(team.createdAt),
            ])
    }

    /// See ``Store/team(id:)``.
    public func team(id: String) async throws -> Team? {
        try await driver.query("SELECT \(Self.teamColumns) FROM teams WHERE id = ?", [.text(id)])
            .first.map(Self.team(from:))
    }

    /// See ``Store/teams(tenantID:)``.
    public func teams(tenantID: String?) async throws -> [Team] {
        let rows: [SQLRow]
        if let tenantID {
            rows = try await driver.query(
                "SELECT \(Self.teamColumns) FROM teams WHERE tenant_id = ? ORDER BY created_at, id", [.text(tenantID)])
        } else {
            rows = try await driver.query("SELECT \(Self.teamColumns) FROM teams ORDER BY created_at, id", [])
        }
        return try rows.map(Self.team(from:))
    }

    static func team(from row: SQLRow) throws -> Team {
        Team(
            id: try row.requiredString(0), tenantID: try row.requiredString(1), name: try row.requiredString(2),
            budget: try row.json(BudgetLimits.self, 3), rateLimits: RateLimits(rpm: row.int(4), tpm: row.int(5)),
            createdAt: row.date(6) ?? Date(timeIntervalSince1970: 0))
    }

    // MARK: Principals

    static let principalColumns = "id, tenant_id, team_id, kind, name, created_at"

    /// See ``Store/createPrincipal(_:)``.
    public func createPrincipal(_ principal: Principal) async throws {
        try await driver.execute(
            "INSERT INTO principals (\(Self.principalColumns)) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(principal.id), .text(principal.tenantID), SQLValue(principal.teamID),
                .text(principal.kind.rawValue), .text(principal.name), SQLValue(principal.createdAt),
            ])
    }

    /// See ``Store/principals(tenantID:)``.
    public func principals(tenantID: String?) async throws -> [Principal] {
        let base = "SELECT \(Self.principalColumns) FROM principals"
        let rows =
            if let tenantID {
                try await driver.query(base + " WHERE tenant_id = ? ORDER BY created_at, id", [.text(tenantID)])
            } else {
                try await driver.query(base + " ORDER BY created_at, id", [])
            }
        return try rows.map { row in
            guard let kind = Principal.Kind(rawValue: try row.requiredString(3)) else {
                throw StoreError.corrupt("principal kind")
            }
            return Principal(
                id: try row.requiredString(0), tenantID: try row.requiredString(1), teamID: row.string(2),
                kind: kind, name: try row.requiredString(4), createdAt: row.date(5) ?? Date(timeIntervalSince1970: 0))
        }
    }
}
