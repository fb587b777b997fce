/// A public model: the name clients send and the deployments that can serve it.
public struct ModelDefinition: Sendable, Hashable {
    /// The public name.
    public var name: String
    /// The deployments, in configuration order.
    public var deployments: [Deployment]
    /// How deployments are chosen and failures handled.
    public var routing: RoutingPolicy

    /// Creates a model definition.
    public init(name: String, deployments: [Deployment], routing: RoutingPolicy = .init()) {
        self.name = name
        self.deployments = deployments
        self.routing = routing
    }

    /// The provider that owns the model, for `GET /v1/models` (`owned_by`): the first deployment's provider kind.
    public var ownedBy: String { deployments.first?.provider.kind.rawValue ?? "switchyard" }
}
