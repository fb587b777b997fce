import Foundation

/// The versioned schema. Append new migrations at the end; never edit one that has shipped.
///
/// Types are chosen to mean the same in SQLite and PostgreSQL (`BIGINT` for
/// integers, booleans and epoch milliseconds, `DOUBLE PRECISION` for money and durations, JSON as `TEXT`).
enum SchemaMigrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(
            version: 1, name: "tenancy, keys, usage ledger, budget counters",
            statements: [
                """
                CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, budget TEXT, rpm BIGINT, tpm BIGINT,
                    created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE teams (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    name TEXT NOT NULL, budget TEXT, rpm BIGINT, tpm BIGINT, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX teams_tenant ON teams(tenant_id)",
                """
                CREATE TABLE principals (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    team_id TEXT REFERENCES teams(id), kind TEXT NOT NULL, name TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE virtual_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id), team_id TEXT REFERENCES teams(id),
                    principal_id TEXT REFERENCES principals(id), name TEXT NOT NULL, scopes TEXT NOT NULL,
                    allowed_models TEXT NOT NULL, allowed_regions TEXT NOT NULL, budget TEXT, rpm BIGINT, tpm BIGINT,
                    expires_at BIGINT, tags TEXT NOT NULL, enabled BIGINT NOT NULL, created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX virtual_keys_tenant ON virtual_keys(tenant_id)",
                """
                CREATE TABLE usage_records (time BIGINT NOT NULL, request_id TEXT NOT NULL, tenant_id TEXT,
                    team_id TEXT, key_id TEXT, key_prefix TEXT, model TEXT NOT NULL, deployment TEXT, region TEXT,
                    prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL,
                    cache_write_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL,
                    cost DOUBLE PRECISION NOT NULL, latency_ms DOUBLE PRECISION NOT NULL, ttft_ms DOUBLE PRECISION,
                    status BIGINT NOT NULL, error_code TEXT, cache_hit BIGINT NOT NULL)
                """,
                "CREATE INDEX usage_records_time ON usage_records(time)",
                "CREATE INDEX usage_records_tenant_time ON usage_records(tenant_id, time)",
                """
                CREATE TABLE budget_counters (scope TEXT NOT NULL, scope_id TEXT NOT NULL, period TEXT NOT NULL,
                    spent DOUBLE PRECISION NOT NULL, PRIMARY KEY (scope, scope_id, period))
                """,
            ]),
        Migration(
            version: 2, name: "money saved by the response cache",
            statements: [
                "ALTER TABLE usage_records ADD COLUMN saved_cost DOUBLE PRECISION NOT NULL DEFAULT 0"
            ]),
        Migration(
            version: 3, name: "learned routing: router and experiment per request, bandit state, feedback",
            statements: [
                "ALTER TABLE usage_records ADD COLUMN router TEXT",
                "ALTER TABLE usage_records ADD COLUMN strongest_cost DOUBLE PRECISION",
                "ALTER TABLE usage_records ADD COLUMN experiment TEXT",
                "ALTER TABLE usage_records ADD COLUMN experiment_arm TEXT",
                """
                CREATE TABLE router_state (router TEXT NOT NULL, scope TEXT NOT NULL, state TEXT NOT NULL,
                    updated_at BIGINT NOT NULL, PRIMARY KEY (router, scope))
                """,
                """
                CREATE TABLE routing_feedback (time BIGINT NOT NULL, request_id TEXT NOT NULL, tenant_id TEXT,
                    router TEXT, model TEXT, experiment TEXT, experiment_arm TEXT, metric TEXT NOT NULL,
                    score DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX routing_feedback_request ON routing_feedback(request_id)",
            ]),
    ]

    /// The newest version.
    static var latest: Int { all.last?.version ?? 0 }

    /// Applies what is missing; returns the version in force.
    static func apply(on driver: any SQLDriver) async throws -> Int {
        let dialect = driver.dialect
        return try await driver.transaction { db in
            if dialect == .postgres {
                // One migrator at a time across replicas; released at commit.
                try await db.execute("SELECT pg_advisory_xact_lock(7262737779)")
            }
            try await db.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL)
                """)
            let current = try await db.query("SELECT MAX(version) FROM schema_migrations", []).first?.int(0) ?? 0
            for migration in all where migration.version > current {
                for statement in migration.statements { try await db.execute(statement) }
                try await db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.int(Int64(migration.version)), .text(migration.name), SQLValue(Date())])
            }
            return max(current, latest)
        }
    }

    /// The version in force, 0 before the first migration.
    static func version(on driver: any SQLDriver) async throws -> Int {
        let exists: [SQLRow]
        switch driver.dialect {
        case .sqlite:
            exists = try await driver.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", [])
        case .postgres:
            exists = try await driver.query("SELECT to_regclass('schema_migrations')::text", [])
                .filter { $0.string(0) != nil }
        }
        guard !exists.isEmpty else { return 0 }
        return try await driver.query("SELECT MAX(version) FROM schema_migrations", []).first?.int(0) ?? 0
    }
}
