/// A public model: the name clients send and the deployments that can serve it.
public struct ModelDefinition: Sendable, Hashable {
    /// The public name.
    public var name: String
    /// The deployments, in configuration order.
    public var deployments: [Deployment]

    /// Creates a model definition.
    public init(name: String, deployments: [Deployment]) {
        self.name = name
        self.deployments = deployments
    }

    /// The provider that owns the model, for `GET /v1/models` (`owned_by`): the first deployment's provider kind.
    public var ownedBy: String { deployments.first?.provider.kind.rawValue ?? "switchyard" }
}
