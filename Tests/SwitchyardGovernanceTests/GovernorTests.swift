import Foundation
import SwitchyardCore
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct GovernorTests {
    static func request(model: String = "gpt-4o", region: String? = "eu", completion: Int = 100) -> AdmissionRequest {
        AdmissionRequest(
            model: model, region: region, pricing: ModelPricing(inputPerMTok: 2.5, outputPerMTok: 10),
            estimatedPromptTokens: 1_000, estimatedCompletionTokens: completion)
    }

    @Test func modelAndRegionRestrictionsAre403() async throws {
        let fixture = KeyFixture()
        let secret = fixture.addKey(models: ["gpt-4o"], regions: ["eu"])
        let identity = try Authenticator(cache: fixture.cache).authenticate(authorization: nil, apiKey: secret)
        let governor = Governor(cache: fixture.cache, budgets: BudgetTracker(), ledger: nil)
        _ = try await governor.admit(identity, Self.request())
        do {
            _ = try await governor.admit(identity, Self.request(model: "claude"))
            Issue.record("model passed")
        } catch {
            #expect(error.code == .modelNotAllowed)
            #expect(error.code.httpStatus == 403)
        }
        do {
            _ = try await governor.admit(identity, Self.request(region: "us"))
            Issue.record("region passed")
        } catch {
            #expect(error.code == .regionNotAllowed)
        }
    }

    @Test func teamBudgetAndLimitsApplyAndCompleteSettlesAndRecords() async throws {
        let fixture = KeyFixture(teamBudget: BudgetLimits(daily: 0.01), teamLimits: RateLimits(rpm: 100))
        let secret = fixture.addKey()
        let identity = try Authenticator(cache: fixture.cache).authenticate(authorization: nil, apiKey: secret)
        let store = try await SQLStore.sqlite(path: UsageLedgerTests.temporaryPath())
        try await store.migrate()
        let budgets = BudgetTracker()
        let ledger = UsageLedger(store: store, budgets: budgets)
        let governor = Governor(cache: fixture.cache, budgets: budgets, ledger: ledger)

        // Estimate: 1000 × 2.5 + 100 × 10 per million = $0.0035.
        let admission = try await governor.admit(identity, Self.request())
        #expect(admission.headers.contains { $0 == ("x-ratelimit-limit-requests", "100") })
        #expect(abs(admission.reservation.estimate - 0.0035) < 1e-12)
        let usage = Usage(promptTokens: 2_000, completionTokens: 500)
        await governor.complete(
            admission,
            RequestOutcome(requestID: "req_1", deployment: TestDeployments.openAI, usage: usage, status: 200))
        #expect(abs(budgets.spent(BudgetScope(.team, "team_a"), window: .daily) - 0.01) < 1e-12)
        do {
            _ = try await governor.admit(identity, Self.request())
            Issue.record("budget passed")
        } catch {
            #expect(error.code == .budgetExceeded)
            #expect(error.message == "The team's daily budget of $0.01 is exhausted.")
        }
        try await ledger.flush()
        let records = try await store.usageRecords(UsageQuery(tenantID: "ten_a"))
        #expect(records.count == 1)
        #expect(records.first?.teamID == "team_a")
        #expect(records.first?.deployment == "gpt-4o/openai#0")
        #expect(abs((records.first?.cost ?? 0) - 0.01) < 1e-12)
        try await store.close()
    }
}

extension GovernorTests {
    @Test func aSpentBudgetWithADowngradeServesTheCheaperModelIfTheKeyMayUseIt() async throws {
        let fixture = KeyFixture()
        let budget = BudgetLimits(daily: 0.000_001, downgradeModel: "gpt-4o-mini")
        let open = try Authenticator(cache: fixture.cache).authenticate(
            authorization: nil, apiKey: fixture.addKey(id: "key_open", budget: budget))
        let narrow = try Authenticator(cache: fixture.cache).authenticate(
            authorization: nil, apiKey: fixture.addKey(id: "key_narrow", models: ["gpt-4o"], budget: budget))
        let governor = Governor(cache: fixture.cache, budgets: BudgetTracker(), ledger: nil)
        let admission = try await governor.admit(open, Self.request())
        #expect(admission.downgradeModel == "gpt-4o-mini")
        #expect(admission.headers.contains { $0 == ("x-switchyard-budget-downgrade", "gpt-4o-mini") })
        do {
            _ = try await governor.admit(narrow, Self.request())
            Issue.record("a key without the downgrade model passed")
        } catch {
            #expect(error.code == .budgetExceeded)
        }
    }
}
