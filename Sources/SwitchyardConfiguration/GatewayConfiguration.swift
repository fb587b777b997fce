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
}
