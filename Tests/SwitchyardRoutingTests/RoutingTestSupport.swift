import Synchronization
import SwitchyardCore
import SwitchyardRouting
import SwitchyardTesting

/// Builds models and engines for routing tests, with a manual clock.
struct RoutingWorld {
    let clock = ManualClock()
    let health: DeploymentHealthBook
    let engine: RoutingEngine

    init(models: [ModelDefinition], retryBudget: Double = 0.2, breaker: CircuitBreaker.Settings = .init()) {
        health = DeploymentHealthBook(breakerSettings: breaker, clock: clock)
        engine = RoutingEngine(
            catalog: ModelCatalog(models: models), health: health, retryBudget: RetryBudget(ratio: retryBudget),
            decisions: DecisionLog(capacity: 100))
    }

    static func deployment(
        _ id: String, model: String = "m", region: String? = "us", weight: Double = 1, priority: Int = 1,
        capabilities: DeploymentCapabilities = .all, contextWindow: Int? = nil, pricing: ModelPricing? = nil
    ) -> Deployment {
        Deployment(
            id: id, publicModel: model, provider: ProviderEndpoint(name: id, kind: .simulator, baseURL: "simulator://"),
            upstreamModel: id, region: region, pricing: pricing, weight: weight, priority: priority,
            contextWindow: contextWindow, capabilities: capabilities)
    }

    static func model(_ deployments: [Deployment], name: String = "m", policy: RoutingPolicy = .init()) -> ModelDefinition {
        ModelDefinition(name: name, deployments: deployments, routing: policy)
    }

    static var request: ChatRequest { ChatRequest(model: "m", messages: [.text(.user, "Hello there")]) }

    func route(
        _ model: ModelDefinition, features: RequestFeatures = RequestFeatures(request: RoutingWorld.request),
        _ behaviour: @escaping @Sendable (Deployment) throws -> String
    ) async throws -> RoutingEngine.Routed<String> {
        try await engine.route(requestID: "r", model: model, features: features) { deployment, _ in
            try behaviour(deployment)
        }
    }
}

/// Counts calls per deployment from concurrent closures.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func hit(_ id: String) { counts.withLock { $0[id, default: 0] += 1 } }
    subscript(id: String) -> Int { counts.withLock { $0[id, default: 0] } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

extension GatewayError {
    static func upstream(_ code: GatewayError.Code, retryAfter: Double? = nil) -> GatewayError {
        GatewayError(code, "simulated", upstream: .init(provider: "p", status: 500, retryAfterSeconds: retryAfter))
    }
}
