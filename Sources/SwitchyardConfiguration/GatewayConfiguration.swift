public import SwitchyardCore

/// The validated configuration of a gateway: listener settings, providers and the public model table.
///
/// Built from a YAML file by ``GatewayConfiguration/load(yaml:environment:)`` (strict: unknown keys are errors that
/// name their line) or from the environment by ``GatewayConfiguration/embeddedDefault(environment:ollamaAvailable:)``.
public struct GatewayConfiguration: Sendable {
    /// Listener and request settings.
    public var server: ServerSettings
    /// Providers by configured name.
    public var providers: [String: ProviderEndpoint]
    /// Public models in configuration order.
    public var models: [ModelDefinition]
    /// Where the configuration came from, for logs (`/etc/switchyard.yaml`, `embedded default`).
    public var origin: String
    /// Gateway-wide routing settings (`routing:`).
    public var routing = RoutingSettings()
    /// Keys, store and ledger (`admin:`, `store:`, `governance:`).
    public var governance = GovernanceConfiguration()
    /// The response cache (`cache:`).
    public var cache = CacheConfiguration()
    /// Metrics, traces and logs (`telemetry:`).
    public var telemetry = TelemetryConfiguration()
    /// Learned routers (`routers:`), in configuration order.
    public var routers: [RouterSettings] = []
    /// A/B experiments (`experiments:`), in configuration order.
    public var experiments: [ExperimentConfiguration] = []
    /// How feedback trains the routers' online corrections (`feedback:`).
    public var feedback = FeedbackConfiguration()

    /// The router that answers `model: "auto"`: the one named `auto`, else the one marked default.
    public var autoRouter: RouterSettings? {
        routers.first { $0.name == "auto" } ?? routers.first { $0.isDefault }
    }

    /// Creates a configuration.
    public init(
        server: ServerSettings = .init(), providers: [String: ProviderEndpoint], models: [ModelDefinition],
        origin: String
    ) {
        self.server = server
        self.providers = providers
        self.models = models
        self.origin = origin
    }

    /// The public name of the in-process embedding model, present in every configuration.
    public static let localEmbeddingModel = "local/all-minilm-l6-v2"

    /// Adds the built-in models that need no provider (the in-process embedding model), unless the configuration
    /// defines a model of the same name.
    mutating func addBuiltInModels() {
        guard !models.contains(where: { $0.name == Self.localEmbeddingModel }) else { return }
        let endpoint = ProviderEndpoint(name: "local", kind: .local, baseURL: "local://models")
        let deployment = Deployment(
            id: "\(Self.localEmbeddingModel)/local#0", publicModel: Self.localEmbeddingModel, provider: endpoint,
            upstreamModel: "all-minilm-l6-v2", capabilities: [])
        models.append(ModelDefinition(name: Self.localEmbeddingModel, deployments: [deployment]))
    }
}
