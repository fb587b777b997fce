import Foundation
import HTTPTypes
import SwitchyardGovernance
import SwitchyardStore
import Testing

/// Governance through the real chat route: authentication, rights, limits, budgets and the ledger.
@Suite struct GovernedGatewayTests {
    @Test func keysAreRequiredAndAServedRequestIsBilledToItsKey() async throws {
        try await GovernedGateway.run { gateway in
            let missing = try await gateway.chat("gpt", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.code == "missing_api_key")
            let foreign = try await gateway.chat("gpt", key: "sk-someone-elses-openai-key")
            #expect(foreign.code == "malformed_api_key")

            let key = try await gateway.key(rpm: 100)
            let served = try await gateway.chat("gpt", key: key)
            #expect(served.status == .ok)
            #expect(served.header("x-ratelimit-limit-requests") == "100")
            #expect(served.header("x-ratelimit-remaining-requests") == "99")

            let records = try await gateway.ledger()
            let record = try #require(records.first { $0.status == 200 })
            #expect(records.count == 3 - 2)  // refused credentials never reach the ledger
            #expect(record.model == "gpt")
            #expect(record.deployment != nil)
            #expect(record.region == "us")
            #expect(record.keyPrefix == APIKey.prefix(of: key))
            #expect(record.promptTokens > 0 && record.completionTokens > 0)
            #expect(record.cost > 0)

            let usage = try await gateway.admin("/admin/v1/usage?group_by=model")
            let rows = usage.json["data"] as? [[String: Any]] ?? []
            #expect(rows.first?["group"] as? String == "gpt")
            #expect(rows.first?["requests"] as? Int == 1)
        }
    }

    @Test func expiredAndDisabledKeysAreRefusedWithTheirOwnCodes() async throws {
        try await GovernedGateway.run { gateway in
            let expired = try await gateway.key(expiresAt: Date().addingTimeInterval(-60))
            let reply = try await gateway.chat("gpt", key: expired)
            #expect(reply.status == .unauthorized)
            #expect(reply.code == "api_key_expired")
            let unknown = try await gateway.chat("gpt", key: APIKey.generate())
            #expect(unknown.code == "invalid_api_key")
        }
    }

    @Test func aKeyMayUseOnlyItsModelsAndRegions() async throws {
        try await GovernedGateway.run { gateway in
            let claudeOnly = try await gateway.key(models: ["claude"])
            let refused = try await gateway.chat("gpt", key: claudeOnly)
            #expect(refused.status == .forbidden)
            #expect(refused.code == "model_not_allowed")
            #expect(try await gateway.chat("claude", key: claudeOnly).status == .ok)

            let europe = try await gateway.key(regions: ["eu"])
            let usOnly = try await gateway.chat("gpt", key: europe)
            #expect(usOnly.status == .forbidden)
            #expect(usOnly.code == "region_not_allowed")
            // `failover` prefers a US deployment; the key's pin sends it to the EU one.
            let pinned = try await gateway.chat("failover", key: europe)
            #expect(pinned.status == .ok)
            #expect(pinned.header("x-switchyard-region") == "eu")
        }
    }

    @Test func rateLimitsAnswer429WithRetryAfter() async throws {
        try await GovernedGateway.run { gateway in
            let key = try await gateway.key(rpm: 1)
            #expect(try await gateway.chat("gpt", key: key).status == .ok)
            let limited = try await gateway.chat("gpt", key: key)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.code == "rate_limited")
            #expect(Int(limited.header("retry-after") ?? "") ?? 0 >= 1)
            #expect(limited.header("x-ratelimit-remaining-requests") == "0")
        }
    }

    @Test func aHardBudgetRefusesOrDowngrades() async throws {
        try await GovernedGateway.run { gateway in
            // The estimate alone (512 completion tokens at $0.60/M) exceeds a budget of a hundred-thousandth cent.
            let broke = try await gateway.key(budget: BudgetLimits(total: 0.000_000_1))
            let refused = try await gateway.chat("gpt", key: broke)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "budget_exceeded")
            #expect(!refused.text.contains("acme"))

            let downgrading = try await gateway.key(
                budget: BudgetLimits(total: 0.000_000_1, downgradeModel: "claude"))
            let downgraded = try await gateway.chat("gpt", key: downgrading)
            #expect(downgraded.status == .ok)
            #expect(downgraded.header("x-switchyard-budget-downgrade") == "claude")
            #expect(downgraded.header("x-switchyard-upstream-model") == "claude-plain")
        }
    }

    @Test func streamsAndFailuresAreRecordedToo() async throws {
        try await GovernedGateway.run { gateway in
            let key = try await gateway.key()
            let streamed = try await gateway.chat("gpt", key: key, stream: true)
            #expect(streamed.status == .ok)
            #expect(streamed.text.hasSuffix("data: [DONE]\n\n"))
            let failed = try await gateway.chat("overloaded", key: key)
            #expect(failed.status.code >= 500)
            let records = try await gateway.ledger()
            #expect(records.count == 2)
            let stream = try #require(records.first { $0.model == "gpt" })
            #expect(stream.completionTokens > 0)
            #expect(stream.timeToFirstTokenMilliseconds != nil)
            let failure = try #require(records.first { $0.model == "overloaded" })
            #expect(failure.status == Int(failed.status.code))
            #expect(failure.errorCode == failed.code)
            #expect(failure.cost == 0)
        }
    }

    @Test func openModeServesCallersWithoutAKeyAsTheDefaultTenant() async throws {
        try await GovernedGateway.run(requireKeys: false) { gateway in
            #expect(try await gateway.chat("gpt", key: nil).status == .ok)
            // An OpenAI SDK sends some key even when none is needed: one that is not a Switchyard key is ignored.
            #expect(try await gateway.chat("gpt", key: "sk-anything").status == .ok)
            // A Switchyard key is still checked, and billed to its own tenant.
            #expect(try await gateway.chat("gpt", key: APIKey.generate()).code == "invalid_api_key")
            let key = try await gateway.key(tenant: "globex")
            #expect(try await gateway.chat("gpt", key: key).status == .ok)
            let tenants = try await gateway.ledger().map(\.tenantID)
            #expect(tenants.filter { $0 == "default" }.count == 2)
            #expect(tenants.count == 3)
        }
    }
}
