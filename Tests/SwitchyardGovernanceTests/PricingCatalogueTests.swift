import SwitchyardCore
import Testing

@testable import SwitchyardGovernance

@Suite struct PricingCatalogueTests {
    @Test(arguments: [
        ("gpt-4o", 2.5), ("gpt-4o-mini-2024-07-18", 0.15), ("gpt-4o-2024-08-06", 2.5),
        ("claude-sonnet-4-5-20250929", 3), ("gemini-2.5-flash", 0.3), ("grok-4", 3), ("mistral-large-latest", 2),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", 0.88), ("route-llm", 3), ("GPT-4o-Mini", 0.15),
    ])
    func builtInPricesByExactOrLongestPrefix(model: String, input: Double) throws {
        #expect(try #require(PricingCatalogue().price(forModel: model)).inputPerMTok == input)
    }

    @Test func overridesDeploymentsAndLocalModels() {
        let catalogue = PricingCatalogue(overrides: ["gpt-4o": ModelPricing(inputPerMTok: 1, outputPerMTok: 2)])
        #expect(catalogue.price(forModel: "gpt-4o")?.inputPerMTok == 1)
        #expect(catalogue.price(forModel: "unknown-model") == nil)
        var deployment = TestDeployments.openAI
        #expect(catalogue.price(for: deployment)?.inputPerMTok == 2.5)  // its own pricing wins
        deployment.pricing = nil
        deployment.provider = ProviderEndpoint(name: "local", kind: .ollama, baseURL: "http://127.0.0.1:11434")
        #expect(catalogue.price(for: deployment)?.outputPerMTok == 0)
    }
}
