import SwitchyardCore
import SwitchyardRouting
import Testing

/// A long shared prompt prefix goes back to the deployment that served it, where cached input is discounted.
@Suite struct PromptCacheAffinityTests {
    static let cachedPricing = ModelPricing(inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3)
    static let document = String(repeating: "The quarterly report says revenue grew in every region. ", count: 90)

    static func request(question: String, document: String = document) -> ChatRequest {
        ChatRequest(model: "m", messages: [.text(.system, document), .text(.user, question)])
    }

    static func roundRobin(pricing: ModelPricing?) -> ModelDefinition {
        RoutingWorld.model(
            [RoutingWorld.deployment("a", pricing: pricing), RoutingWorld.deployment("b", pricing: pricing)],
            policy: RoutingPolicy(strategy: .roundRobin))
    }

    @Test func aLongSharedPrefixGoesBackToTheDeploymentThatServedIt() async throws {
        let world = RoutingWorld(models: [])
        let model = Self.roundRobin(pricing: Self.cachedPricing)
        var served: [String] = []
        for question in ["What grew?", "Which region grew most?", "Summarise it."] {
            let features = RequestFeatures(request: Self.request(question: question))
            let routed = try await world.route(model, features: features) { $0.id }
            served.append(routed.deployment.id)
            // Round robin puts the other deployment first on the second request; affinity overrides it.
            if served.count == 2 { #expect(routed.decision.reason.hasPrefix("prompt-cache affinity: \(served[0])")) }
        }
        #expect(Set(served).count == 1)
        #expect(world.engine.affinity.count == 1)
    }

    @Test func shortPromptsAndUndiscountedDeploymentsKeepTheStrategysOrder() async throws {
        let world = RoutingWorld(models: [])
        let discounted = Self.roundRobin(pricing: Self.cachedPricing)
        var short: [String] = []
        for _ in 0..<2 {
            let features = RequestFeatures(request: Self.request(question: "Hi", document: "Be brief."))
            #expect(features.promptPrefixKey == nil)
            short.append(try await world.route(discounted, features: features) { $0.id }.deployment.id)
        }
        #expect(Set(short).count == 2)
        let undiscounted = Self.roundRobin(pricing: ModelPricing(inputPerMTok: 3, outputPerMTok: 15))
        var long: [String] = []
        for _ in 0..<2 {
            let features = RequestFeatures(request: Self.request(question: "What grew?"))
            long.append(try await world.route(undiscounted, features: features) { $0.id }.deployment.id)
        }
        #expect(Set(long).count == 2)
        #expect(world.engine.affinity.count == 0)
    }

    @Test func thePrefixKeyCoversTheFirstThousandTokensOnly() {
        let first = RequestFeatures(request: Self.request(question: "What grew?")).promptPrefixKey
        let second = RequestFeatures(request: Self.request(question: "Something else entirely")).promptPrefixKey
        let otherDocument = RequestFeatures(
            request: Self.request(question: "What grew?", document: "Different. " + Self.document)
        ).promptPrefixKey
        #expect(first != nil)
        #expect(first == second)
        #expect(first != otherDocument)
    }

    @Test func excludedProvidersAreNeverPlanned() async throws {
        let world = RoutingWorld(models: [])
        let model = Self.roundRobin(pricing: nil)
        var features = RequestFeatures(request: RoutingWorld.request)
        features.excludedProviders = ["a"]
        for _ in 0..<3 {
            let routed = try await world.route(model, features: features) { $0.id }
            #expect(routed.deployment.id == "b")
            #expect(routed.decision.candidates.first { $0.deployment == "a" }?.excluded == "provider a excluded")
        }
    }
}
