import Foundation
import HTTPTypes
import SwitchyardGovernance
import SwitchyardStore
import Testing

@Suite struct AdminRoutesTests {
    @Test func masterKeyBootstrapsTenantsTeamsAndKeysShownOnce() async throws {
        let harness = try await AdminHarness()
        try await harness.test { client in
            let master = AdminHarness.masterKey
            let tenant = try await client.call(
                .post, "/admin/v1/tenants", as: master, json: #"{"name":"Acme","budget":{"monthly":100},"rpm":600}"#)
            #expect(tenant.status == .created)
            let tenantID = try #require(tenant.string("id"))
            #expect(tenant.json["rate_limits"] as? [String: Int] == ["rpm": 600])
            let team = try await client.call(
                .post, "/admin/v1/teams", as: master, json: #"{"tenant_id":"\#(tenantID)","name":"ML"}"#)
            let teamID = try #require(team.string("id"))
            let created = try await client.call(
                .post, "/admin/v1/keys", as: master,
                json: #"""
                    {"tenant_id":"\#(tenantID)","team_id":"\#(teamID)","name":"ci","models":["gpt-4o"],
                     "budget":{"daily":5,"downgrade_model":"gpt-4o-mini"},"rpm":60,"tpm":10000,
                     "expires_at":"2099-01-01T00:00:00Z","tags":{"env":"prod"}}
                    """#)
            #expect(created.status == .created)
            let secret = try #require(created.string("key"))
            let keyID = try #require(created.string("id"))
            #expect(secret.hasPrefix("sk-sy-"))
            #expect(created.string("prefix") == String(secret.prefix(12)))
            #expect(created.json["hash"] == nil)

            let listed = try await client.call(.get, "/admin/v1/keys", as: master)
            #expect(listed.data.count == 1)
            #expect(listed.data.first?["key"] == nil)
            #expect(!listed.text.contains(secret))
            #expect(!listed.text.contains(APIKey.hash(secret)))

            let identity = try harness.authenticator.authenticate(authorization: "Bearer \(secret)", apiKey: nil)
            #expect(identity.tenantID == tenantID)
            #expect(identity.allowedModels == ["gpt-4o"])

            let rotated = try await client.call(.post, "/admin/v1/keys/\(keyID)/rotate", as: master)
            let newSecret = try #require(rotated.string("key"))
            #expect(throws: GovernanceError.self) {
                try harness.authenticator.authenticate(authorization: nil, apiKey: secret)
            }
            _ = try harness.authenticator.authenticate(authorization: nil, apiKey: newSecret)

            let patched = try await client.call(
                .patch, "/admin/v1/keys/\(keyID)", as: master, json: #"{"rpm":120,"name":"ci-2"}"#)
            #expect(patched.json["rpm"] as? Int == 120)
            #expect(patched.string("name") == "ci-2")
            let disabled = try await client.call(.post, "/admin/v1/keys/\(keyID)/disable", as: master)
            #expect(disabled.json["enabled"] as? Bool == false)
            #expect {
                try harness.authenticator.authenticate(authorization: nil, apiKey: newSecret)
            } throws: { ($0 as? GovernanceError)?.code == .apiKeyDisabled }
        }
    }

    @Test func credentialsAreCheckedWithDistinctCodes() async throws {
        let harness = try await AdminHarness()
        try await harness.test { client in
            let tenant = try await client.call(
                .post, "/admin/v1/tenants", as: AdminHarness.masterKey, json: #"{"name":"A"}"#)
            let tenantID = try #require(tenant.string("id"))
            let plain = try await client.call(
                .post, "/admin/v1/keys", as: AdminHarness.masterKey, json: #"{"tenant_id":"\#(tenantID)"}"#)
            let plainSecret = try #require(plain.string("key"))
            let cases: [(String?, HTTPResponse.Status, String)] = [
                (nil, .unauthorized, "missing_api_key"), ("not-a-key", .unauthorized, "malformed_api_key"),
                (APIKey.generate(), .unauthorized, "invalid_api_key"), (plainSecret, .forbidden, "insufficient_scope"),
            ]
            for (credential, status, code) in cases {
                let reply = try await client.call(.get, "/admin/v1/keys", as: credential)
                #expect(reply.status == status)
                #expect(reply.code == code)
            }
        }
    }

    @Test func usageIsGroupedAndExportedAsCSV() async throws {
        let harness = try await AdminHarness()
        try await harness.store.appendUsage([
            UsageRecord(time: Date(timeIntervalSince1970: 1_764_000_000), requestID: "r1", tenantID: "ten_x",
                model: "gpt-4o", promptTokens: 10, completionTokens: 5, cost: 0.5),
            UsageRecord(time: Date(timeIntervalSince1970: 1_764_000_100), requestID: "r2", tenantID: "ten_x",
                model: "claude, \"sonnet\"", cost: 0.25),
        ])
        try await harness.test { client in
            let master = AdminHarness.masterKey
            let byModel = try await client.call(
                .get, "/admin/v1/usage?group_by=model&from=2025-11-24&to=2025-11-25T00:00:00Z", as: master)
            #expect(byModel.status == .ok)
            #expect(byModel.string("group_by") == "model")
            #expect(byModel.data.map { $0["group"] as? String } == ["gpt-4o", "claude, \"sonnet\""])
            #expect(byModel.data.first?["prompt_tokens"] as? Int == 10)
            let bad = try await client.call(.get, "/admin/v1/usage?group_by=colour", as: master)
            #expect(bad.status == .badRequest)
            #expect(bad.code == "invalid_request")
            let badDate = try await client.call(.get, "/admin/v1/usage?from=yesterday", as: master)
            #expect(badDate.code == "invalid_request")
            let csv = try await client.call(.get, "/admin/v1/usage/export", as: master)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("time,request_id,tenant_id"))
            #expect(lines[2].contains(#""claude, ""sonnet""""#))
        }
    }
}
