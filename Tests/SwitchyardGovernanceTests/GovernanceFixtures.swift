import Foundation
import Synchronization
import SwitchyardCore
import SwitchyardStore

@testable import SwitchyardGovernance

/// A cache with one tenant, one team and keys made on demand.
struct KeyFixture {
    let cache = PolicyCache()

    init(tenantBudget: BudgetLimits? = nil, teamBudget: BudgetLimits? = nil, teamLimits: RateLimits = .init()) {
        cache.upsert(Tenant(id: "ten_a", name: "A", budget: tenantBudget))
        cache.upsert(Team(id: "team_a", tenantID: "ten_a", name: "ML", budget: teamBudget, rateLimits: teamLimits))
    }

    /// Adds a key and returns its secret.
    @discardableResult
    func addKey(
        id: String = "key_1", tenant: String = "ten_a", team: String? = "team_a", scopes: [String] = [],
        models: [String] = [], regions: [String] = [], budget: BudgetLimits? = nil, limits: RateLimits = .init(),
        expiresAt: Date? = nil, enabled: Bool = true
    ) -> String {
        let secret = APIKey.generate()
        cache.upsert(
            VirtualKeyRecord(
                id: id, hash: APIKey.hash(secret), prefix: APIKey.prefix(of: secret), tenantID: tenant, teamID: team,
                name: id, scopes: scopes, allowedModels: models, allowedRegions: regions, budget: budget,
                rateLimits: limits, expiresAt: expiresAt, enabled: enabled))
        return secret
    }
}

/// A manual monotonic clock for the rate limiter.
final class ManualClock: Sendable {
    private let seconds = Mutex(1_000.0)
    var now: Double { seconds.withLock { $0 } }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}

/// A sink that keeps alerts.
final class RecordingAlertSink: BudgetAlertSink {
    private let alerts = Mutex<[BudgetAlert]>([])
    var received: [BudgetAlert] { alerts.withLock { $0 } }
    func deliver(_ alert: BudgetAlert) async { alerts.withLock { $0.append(alert) } }
}

enum TestDeployments {
    static let openAI = Deployment(
        id: "gpt-4o/openai#0", publicModel: "gpt-4o",
        provider: ProviderEndpoint(name: "openai", kind: .openai, baseURL: "https://api.openai.com/v1"),
        upstreamModel: "gpt-4o", region: "eu", pricing: ModelPricing(inputPerMTok: 2.5, outputPerMTok: 10))
}
