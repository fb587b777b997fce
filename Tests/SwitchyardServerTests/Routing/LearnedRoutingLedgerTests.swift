import Foundation
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import Testing

/// Learned routing with governance: the ledger's router and strongest-model cost, "saved vs strongest" in the
/// usage report, and keys limited to some models.
@Suite struct LearnedRoutingLedgerTests {
    @Test func theLedgerRecordsTheRouterAndWhatTheStrongestModelWouldHaveCost() async throws {
        try await LearnedGateway.run(governed: true) { gateway in
            let reply = try await gateway.chat("router/eco", requestID: "ledger-1")
            #expect(reply.status == .ok)
            let runtime = try #require(gateway.runtime)
            await gateway.settlements.settled()
            try await runtime.ledger.flush()
            let records = try await runtime.store.usageRecords(UsageQuery())
            let record = try #require(records.first { $0.requestID == "ledger-1" })
            #expect(record.model == "claude")
            #expect(record.router == "eco")
            let usage = Usage(promptTokens: record.promptTokens, completionTokens: record.completionTokens)
            #expect(record.promptTokens > 0)
            let strongest = ModelPricing(inputPerMTok: 10, outputPerMTok: 30).cost(of: usage)
            let served = ModelPricing(inputPerMTok: 1, outputPerMTok: 5).cost(of: usage)
            #expect(abs((record.strongestCost ?? -1) - strongest) < 1e-12)
            #expect(abs(record.cost - served) < 1e-12)
            // An ordinary request is not a routed one.
            _ = try await gateway.chat("claude", requestID: "ledger-2")
            await gateway.settlements.settled()
            try await runtime.ledger.flush()
            let all = try await runtime.store.usageRecords(UsageQuery())
            let plain = try #require(all.first { $0.requestID == "ledger-2" })
            #expect(plain.router == nil)
            #expect(plain.strongestCost == nil)

            let report = try await gateway.get("/admin/v1/usage?group_by=tenant")
            #expect(report.status == .ok)
            let rows = try #require(report.json["data"] as? [[String: Any]])
            let row = try #require(rows.first { $0["group"] as? String == Identity.anonymous.tenantID })
            #expect(row["routed_requests"] as? Int == 1)
            let saved = try #require(row["saved_vs_strongest"] as? Double)
            #expect(abs(saved - (strongest - served)) < 1e-12)
            #expect(saved > 0)
        }
    }

    @Test func aKeyLimitedToSomeModelsIsRoutedAmongThemOnly() async throws {
        try await LearnedGateway.run(governed: true) { gateway in
            let claudeOnly = try await gateway.key(models: ["claude"])
            let reply = try await gateway.chat("auto", key: claudeOnly)
            #expect(reply.status == .ok)
            #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            // A key allowed the router may use whatever it picks.
            let routerOnly = try await gateway.key(models: ["auto"])
            let routed = try await gateway.chat("auto", key: routerOnly)
            #expect(routed.status == .ok)
            #expect(routed.header("x-switchyard-upstream-model") == "gpt-plain")
            // A key allowed none of the candidates gets a clear refusal.
            let none = try await gateway.key(models: ["something-else"])
            let refused = try await gateway.chat("auto", key: none)
            #expect(refused.status == .badRequest)
            #expect(refused.code == "no_eligible_deployment")
        }
    }

    @Test func aKeyTagExcludesProvidersFromRouting() async throws {
        try await LearnedGateway.run(governed: true) { gateway in
            let noOpenAI = try await gateway.key(tags: ["exclude_providers": "oai, azure"])
            let reply = try await gateway.chat("auto", requestID: "tagged-1", key: noOpenAI)
            #expect(reply.status == .ok)
            #expect(reply.header("x-switchyard-upstream-model") == "claude-plain")
            let router = try #require(try await gateway.decision("tagged-1")["router"] as? [String: Any])
            let rows = try #require(router["candidates"] as? [[String: Any]])
            #expect(rows[0]["excluded"] as? String == "every deployment excluded (providers or regions)")
            // Without the tag the same key's router picks the strongest.
            let plain = try await gateway.key()
            #expect(try await gateway.chat("auto", key: plain).header("x-switchyard-upstream-model") == "gpt-plain")
        }
    }
}
