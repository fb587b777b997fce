import Foundation
import Logging
import SwitchyardCore
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct GovernanceRuntimeTests {
    /// A restart finds its keys and its spend: keys come back from the store, budgets from the counters.
    @Test func prepareRestoresKeysAndSpendAfterARestart() async throws {
        let path = UsageLedgerTests.temporaryPath()
        let settings = GovernanceSettings(store: .sqlite(path: path), masterKey: Secret("master"))
        let logger = Logger(label: "test")
        let first = try await GovernanceRuntime.make(settings: settings, logger: logger)
        try await first.prepare()
        let tenant = try await first.admin.createTenant(.master, TenantDraft(name: "A", budget: BudgetLimits(daily: 1)))
        let created = try await first.admin.createKey(.master, KeyDraft(tenantID: tenant.id))
        let identity = try first.authenticator.authenticate(authorization: nil, apiKey: created.key)
        let admission = try await first.governor.admit(
            identity,
            AdmissionRequest(
                model: "m", region: nil, pricing: ModelPricing(inputPerMTok: 100, outputPerMTok: 100),
                estimatedPromptTokens: 1_000, estimatedCompletionTokens: 0))
        await first.governor.complete(
            admission,
            RequestOutcome(
                requestID: "r1",
                deployment: Deployment(
                    id: "m#0", publicModel: "m",
                    provider: ProviderEndpoint(name: "p", kind: .openai, baseURL: "https://example.invalid"),
                    upstreamModel: "m", pricing: ModelPricing(inputPerMTok: 100, outputPerMTok: 100)),
                usage: Usage(promptTokens: 5_000)))
        try await first.ledger.flush()
        try await first.store.close()

        let second = try await GovernanceRuntime.make(settings: settings, logger: logger)
        try await second.prepare()
        #expect(try second.authenticator.authenticate(authorization: nil, apiKey: created.key).tenantID == tenant.id)
        #expect(abs(second.budgets.spent(BudgetScope(.tenant, tenant.id), window: .daily) - 0.5) < 1e-9)
        #expect(try await second.store.usageCount(UsageQuery(tenantID: tenant.id)) == 1)
        #expect(second.services.count == 3)
        try await second.store.close()
    }
}
