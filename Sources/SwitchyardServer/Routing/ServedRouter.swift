import Foundation
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardRouting

/// A configured learned router, loaded: the trained artifact, the configured model behind each candidate and the
/// objective.
struct ServedRouter: Sendable {
    let settings: RouterSettings
    let router: LearnedRouter
    /// The configured model per trained candidate (`nil`: mapped to `none`), in the artifact's order.
    let models: [ModelDefinition?]

    /// Loads the artifact and resolves the candidates.
    ///
    /// - Parameters:
    ///   - settings: The validated router settings.
    ///   - catalog: The configured models.
    ///   - dimensions: The embedder's output size, checked against the artifact's.
    /// - Throws: ``ConfigurationError`` naming `routers.NAME.artifact` when the artifact does not load or does not
    ///   fit the configuration.
    static func load(_ settings: RouterSettings, catalog: ModelCatalog, dimensions: Int?) throws -> ServedRouter {
        let path = "routers.\(settings.name).artifact"
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(message: message, path: path, line: 0)
        }
        guard let data = FileManager.default.contents(atPath: settings.artifactPath) else {
            throw failure("cannot read router artifact \(settings.artifactPath)")
        }
        let router: LearnedRouter
        do {
            router = try JSONDecoder().decode(LearnedRouter.self, from: data)
        } catch {
            throw failure("\(settings.artifactPath) does not decode as a trained router: \(error)")
        }
        guard router.formatVersion == LearnedRouter.currentFormatVersion else {
            throw failure(
                "\(settings.artifactPath) has format version \(router.formatVersion), not "
                    + "\(LearnedRouter.currentFormatVersion)")
        }
        guard router.candidates.map(\.name) == settings.candidateNames else {
            throw failure("\(settings.artifactPath) changed since the configuration was read")
        }
        if let dimensions, let trained = router.embedding["dimensions"].flatMap(Int.init), trained != dimensions {
            throw failure(
                "\(settings.artifactPath) was trained on \(trained)-dimensional embeddings, not \(dimensions)")
        }
        let models = try settings.candidates.map { candidate, model in
            try model.map { name in
                do {
                    return try catalog.model(named: name)
                } catch {
                    throw failure("candidate '\(candidate)' maps to unknown model '\(name)'")
                }
            }
        }
        return ServedRouter(settings: settings, router: router, models: models)
    }

    /// The objective to decide with, its own λ, and the uplift budget pressure adds at `ratio`.
    func objective(budgetRatio ratio: Double?) -> (objective: RoutingObjective, base: Double?, uplift: Double) {
        let base: Double?
        let objective: RoutingObjective
        switch settings.objective {
        case .quality: (objective, base) = (.quality, 0)
        case .balanced: (objective, base) = (.balanced, router.operatingPoints.balancedLambda)
        case .economy: (objective, base) = (.economy, router.operatingPoints.economyLambda)
        case .costWeight(let lambda): (objective, base) = (.costWeight(lambda), lambda)
        case .qualityTarget(let target): (objective, base) = (.qualityTarget(target), nil)
        }
        guard let curve = settings.budgetPressure, let ratio, ratio > curve.start else { return (objective, base, 0) }
        let lambda = curve.lambda(base: base ?? 0, ratio: ratio)
        return (.costWeight(lambda), base, lambda - (base ?? 0))
    }
}
