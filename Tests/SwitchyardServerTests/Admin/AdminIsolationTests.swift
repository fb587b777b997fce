import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardStore
import Testing

/// Tenant B's admin key against every admin endpoint, aimed at tenant A: never A's data, never a hint it exists.
@Suite struct AdminIsolationTests {
    struct World {
        var tenantA = "", teamA = "", keyA = "", secretA = "", adminB = "", tenantB = "", teamB = "", keyB = ""
    }

    static func build(_ client: AdminClient) async throws -> World {
        let master = AdminHarness.masterKey
        var world = World()
        world.tenantA = try #require(
            try await client.call(.post, "/admin/v1/tenants", as: master,
                json: #"{"name":"Alpha Corp","budget":{"daily":3}}"#).string("id"))
        world.tenantB = try #require(
            try await client.call(.post, "/admin/v1/tenants", as: master, json: #"{"name":"Beta Ltd"}"#).string("id"))
        world.teamA = try #require(
            try await client.call(.post, "/admin/v1/teams", as: master,
                json: #"{"tenant_id":"\#(world.tenantA)","name":"alpha-team","budget":{"monthly":9}}"#).string("id"))
        world.teamB = try #require(
            try await client.call(.post, "/admin/v1/teams", as: master,
                json: #"{"tenant_id":"\#(world.tenantB)","name":"beta-team"}"#).string("id"))
        let keyA = try await client.call(.post, "/admin/v1/keys", as: master,
            json: #"""
                {"tenant_id":"\#(world.tenantA)","team_id":"\#(world.teamA)","name":"alpha-key","budget":{"total":7}}
                """#)
        world.keyA = try #require(keyA.string("id"))
        world.secretA = try #require(keyA.string("key"))
        let adminB = try await client.call(.post, "/admin/v1/keys", as: master,
            json: #"{"tenant_id":"\#(world.tenantB)","name":"beta-admin","scopes":["admin"]}"#)
        world.adminB = try #require(adminB.string("key"))
        world.keyB = try #require(adminB.string("id"))
        _ = try await client.call(.post, "/admin/v1/users", as: master,
            json: #"{"tenant_id":"\#(world.tenantA)","kind":"user","name":"alice@alpha.example"}"#)
        return world
    }

    /// Strings of tenant A that must never appear in B's answers.
    static func secretsOfA(_ world: World) -> [String] {
        [world.tenantA, world.teamA, world.keyA, "Alpha Corp", "alpha-team", "alpha-key", "alice@alpha.example",
            String(world.secretA.prefix(12))]
    }

    @Test func aTenantAdminCanNeverReachAnotherTenant() async throws {
        let harness = try await AdminHarness()
        try await harness.test { client in
            let world = try await Self.build(client)
            try await harness.store.appendUsage([
                UsageRecord(time: Date(), requestID: "ra", tenantID: world.tenantA, teamID: world.teamA,
                    keyID: world.keyA, model: "alpha-model", cost: 1),
                UsageRecord(
                    time: Date(), requestID: "rb", tenantID: world.tenantB, keyID: world.keyB, model: "gpt", cost: 2),
            ])
            let b = world.adminB
            let a = world.tenantA
            // Every route, aimed at A: refused exactly like something that does not exist.
            let refused: [(HTTPRequest.Method, String, String?, String)] = [
                (.get, "/admin/v1/tenants/\(a)", nil, "not_found"),
                (.post, "/admin/v1/tenants", #"{"name":"Intruder"}"#, "insufficient_scope"),
                (.post, "/admin/v1/teams", #"{"tenant_id":"\#(a)","name":"x"}"#, "not_found"),
                (.get, "/admin/v1/teams?tenant_id=\(a)", nil, "not_found"),
                (.post, "/admin/v1/users", #"{"tenant_id":"\#(a)","kind":"user","name":"x"}"#, "not_found"),
                (.post, "/admin/v1/users", #"{"team_id":"\#(world.teamA)","kind":"user","name":"x"}"#, "not_found"),
                (.get, "/admin/v1/users?tenant_id=\(a)", nil, "not_found"),
                (.post, "/admin/v1/keys", #"{"tenant_id":"\#(a)"}"#, "not_found"),
                (.post, "/admin/v1/keys", #"{"team_id":"\#(world.teamA)"}"#, "not_found"),
                (.get, "/admin/v1/keys?tenant_id=\(a)", nil, "not_found"),
                (.get, "/admin/v1/keys/\(world.keyA)", nil, "not_found"),
                (.patch, "/admin/v1/keys/\(world.keyA)", #"{"rpm":1}"#, "not_found"),
                (.patch, "/admin/v1/keys/\(world.keyB)", #"{"team_id":"\#(world.teamA)"}"#, "not_found"),
                (.post, "/admin/v1/keys/\(world.keyA)/disable", nil, "not_found"),
                (.post, "/admin/v1/keys/\(world.keyA)/rotate", nil, "not_found"),
                (.get, "/admin/v1/usage?tenant_id=\(a)", nil, "not_found"),
                (.get, "/admin/v1/usage/export?tenant_id=\(a)", nil, "not_found"),
                (.get, "/admin/v1/budgets?tenant_id=\(a)", nil, "not_found"),
            ]
            let missing = "ten_0000000000000000"
            for (method, uri, body, code) in refused {
                let reply = try await client.call(method, uri, as: b, json: body)
                #expect(reply.code == code, "\(method) \(uri)")
                for secret in Self.secretsOfA(world) { #expect(!reply.text.contains(secret), "\(method) \(uri)") }
                if code == "not_found" {
                    // Indistinguishable from a tenant that does not exist.
                    let ghost = try await client.call(method, uri.replacingOccurrences(of: a, with: missing), as: b,
                        json: body?.replacingOccurrences(of: a, with: missing))
                    #expect(ghost.status == reply.status, "\(method) \(uri)")
                }
            }
            // Lists without a filter show only B.
            for uri in ["/admin/v1/tenants", "/admin/v1/teams", "/admin/v1/users", "/admin/v1/keys",
                "/admin/v1/usage?group_by=tenant", "/admin/v1/usage?group_by=team", "/admin/v1/usage?group_by=key",
                "/admin/v1/usage?group_by=model", "/admin/v1/usage/export", "/admin/v1/budgets"]
            {
                let reply = try await client.call(.get, uri, as: b)
                #expect(reply.status == .ok, "\(uri)")
                for secret in Self.secretsOfA(world) { #expect(!reply.text.contains(secret), "\(uri)") }
            }
            let usage = try await client.call(.get, "/admin/v1/usage?group_by=tenant", as: b)
            #expect(usage.data.map { $0["group"] as? String } == [world.tenantB])
            // A's key still works, untouched.
            let identityA = try harness.authenticator.authenticate(authorization: nil, apiKey: world.secretA)
            #expect(identityA.rateLimits.rpm == nil)
        }
    }

    @Test func spendingWithOneTenantsKeyNeverTouchesAnothersBudget() async throws {
        let harness = try await AdminHarness()
        try await harness.test { client in
            let world = try await Self.build(client)
            let identityB = try harness.authenticator.authenticate(authorization: nil, apiKey: world.adminB)
            let governor = Governor(cache: harness.cache, budgets: harness.budgets, ledger: nil)
            let pricing = ModelPricing(inputPerMTok: 1_000, outputPerMTok: 1_000)
            let admission = try await governor.admit(
                identityB,
                AdmissionRequest(model: "gpt", region: nil, pricing: pricing, estimatedPromptTokens: 1_000,
                    estimatedCompletionTokens: 0))
            await governor.complete(admission, RequestOutcome(requestID: "r", deployment: nil, usage: nil))
            #expect(harness.budgets.spent(BudgetScope(.tenant, world.tenantA), window: .daily) == 0)
            #expect(harness.budgets.spent(BudgetScope(.team, world.teamA), window: .monthly) == 0)
            let budgetsOfB = try await client.call(.get, "/admin/v1/budgets", as: world.adminB)
            #expect(budgetsOfB.data.isEmpty)
            let budgetsOfAll = try await client.call(.get, "/admin/v1/budgets", as: AdminHarness.masterKey)
            #expect(budgetsOfAll.data.count == 3)
        }
    }
}
