import Foundation
import Testing

@testable import SwitchyardStore

/// One suite, every backend: schema, tenancy and keys.
@Suite struct StoreConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func migrationsAreVersionedAndIdempotent(backend: StoreBackend) async throws {
        try await backend.withStore(migrated: false) { store in
            #expect(try await store.schemaVersion() == 0)
            let latest = SchemaMigrations.latest
            #expect(try await store.migrate() == latest)
            #expect(try await store.migrate() == latest)
            // Several replicas starting at once.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 { group.addTask { try await store.migrate() } }
                for try await version in group { #expect(version == latest) }
            }
            #expect(try await store.schemaVersion() == latest)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func tenantsRoundTripAndConflict(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let tenant = Fixture.tenant("ten_a")
            try await store.createTenant(tenant)
            try await store.createTenant(Fixture.tenant("ten_b"))
            #expect(try await store.tenant(id: "ten_a") == tenant)
            #expect(try await store.tenant(id: "ten_missing") == nil)
            #expect(try await store.tenants().map(\.id) == ["ten_a", "ten_b"])
            await #expect(throws: StoreError.self) { try await store.createTenant(tenant) }

            var renamed = tenant
            renamed.name = "Renamed"
            renamed.budget = nil
            renamed.rateLimits = RateLimits(rpm: 1)
            try await store.updateTenant(renamed)
            #expect(try await store.tenant(id: "ten_a") == renamed)
            await #expect(throws: StoreError.notFound("tenant")) {
                try await store.updateTenant(Fixture.tenant("ten_missing"))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func teamsAndPrincipalsBelongToTheirTenant(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.createTenant(Fixture.tenant("ten_a"))
            try await store.createTenant(Fixture.tenant("ten_b"))
            let team = Team(id: "team_a1", tenantID: "ten_a", name: "ML", budget: BudgetLimits(daily: 5),
                rateLimits: RateLimits(tpm: 1000), createdAt: Fixture.epoch)
            try await store.createTeam(team)
            try await store.createTeam(Team(id: "team_b1", tenantID: "ten_b", name: "Ops", createdAt: Fixture.epoch))
            #expect(try await store.team(id: "team_a1") == team)
            #expect(try await store.teams(tenantID: "ten_a") == [team])
            #expect(try await store.teams(tenantID: nil).count == 2)
            await #expect(throws: StoreError.self) {
                try await store.createTeam(Team(id: "team_x", tenantID: "ten_missing", name: "X"))
            }

            let user = Principal(
                id: "usr_1", tenantID: "ten_a", teamID: "team_a1", kind: .user, name: "ada@example.com",
                createdAt: Fixture.epoch)
            let robot = Principal(
                id: "usr_2", tenantID: "ten_b", kind: .serviceAccount, name: "ci", createdAt: Fixture.epoch)
            try await store.createPrincipal(user)
            try await store.createPrincipal(robot)
            #expect(try await store.principals(tenantID: "ten_a") == [user])
            #expect(try await store.principals(tenantID: nil) == [user, robot])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func keysRoundTripRotateAndStayInTheirTenant(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.createTenant(Fixture.tenant("ten_a"))
            try await store.createTenant(Fixture.tenant("ten_b"))
            try await store.createTeam(Team(id: "team_a1", tenantID: "ten_a", name: "ML", createdAt: Fixture.epoch))
            let key = Fixture.key("key_00000001", tenant: "ten_a", team: "team_a1")
            try await store.createKey(key)
            try await store.createKey(Fixture.key("key_00000002", tenant: "ten_b"))
            #expect(try await store.key(id: key.id) == key)
            #expect(try await store.key(hash: key.hash) == key)
            #expect(try await store.keys(tenantID: "ten_a") == [key])
            #expect(try await store.keys(tenantID: nil).count == 2)
            await #expect(throws: StoreError.self) {
                try await store.createKey(Fixture.key("key_00000003", tenant: "ten_a", hash: key.hash))
            }

            var rotated = key
            rotated.hash = String(repeating: "b", count: 64)
            rotated.prefix = "sk-sy-Zz99"
            rotated.enabled = false
            rotated.updatedAt = Fixture.epoch.addingTimeInterval(60)
            try await store.updateKey(rotated)
            #expect(try await store.key(hash: key.hash) == nil)
            #expect(try await store.key(hash: rotated.hash) == rotated)
            await #expect(throws: StoreError.notFound("key")) {
                try await store.updateKey(Fixture.key("key_missing1", tenant: "ten_a"))
            }
        }
    }
}
