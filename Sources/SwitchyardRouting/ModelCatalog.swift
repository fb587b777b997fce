public import SwitchyardCore

/// The public model table: resolves the name a client sends to the deployments that can serve it.
///
/// Immutable and shared by every request; ``RoutingEngine`` chooses among a model's deployments.
public struct ModelCatalog: Sendable {
    private let models: [String: ModelDefinition]
    /// The models in configuration order.
    public let ordered: [ModelDefinition]

    /// Creates a catalog.
    public init(models: [ModelDefinition]) {
        ordered = models
        var byName: [String: ModelDefinition] = [:]
        for model in models { byName[model.name] = model }
        self.models = byName
    }

    /// The model with a public name.
    ///
    /// - Throws: ``GatewayError`` `model_not_found` naming the model (never the list of others' models).
    public func model(named name: String) throws -> ModelDefinition {
        guard let model = models[name] else {
            throw GatewayError(.modelNotFound, "The model '\(name)' does not exist.", param: "model")
        }
        return model
    }
}
