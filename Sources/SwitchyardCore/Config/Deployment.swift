/// One upstream that can serve a public model: a provider, the model's name there, and how to call it.
public struct Deployment: Sendable, Hashable {
    /// A stable identifier, unique in the configuration, e.g. `claude-sonnet/anthropic#0`.
    public var id: String
    /// The public model name this deployment serves.
    public var publicModel: String
    /// The provider to call.
    public var provider: ProviderEndpoint
    /// The model's name at the provider.
    public var upstreamModel: String
    /// Where the deployment runs, e.g. `us`, `eu`.
    public var region: String?
    /// Prices, when known.
    public var pricing: ModelPricing?
    /// Whether parameters the provider cannot honour are dropped (and reported) instead of rejected.
    public var dropUnsupportedParams: Bool
    /// Time limits.
    public var timeouts: UpstreamTimeouts
    /// Relative share of traffic under the `weighted` strategy. Default: 1.
    public var weight: Double
    /// Failover tier: tier 1 is tried before tier 2. Default: 1.
    public var priority: Int
    /// The model's context window in tokens, when known.
    public var contextWindow: Int?
    /// Requests per minute this deployment may receive from the gateway, when limited.
    public var requestsPerMinute: Int?
    /// Tokens per minute this deployment may receive from the gateway, when limited.
    public var tokensPerMinute: Int?
    /// What the deployment can do. Default: everything.
    public var capabilities: DeploymentCapabilities

    /// Creates a deployment.
    public init(
        id: String, publicModel: String, provider: ProviderEndpoint, upstreamModel: String, region: String? = nil,
        pricing: ModelPricing? = nil, dropUnsupportedParams: Bool = false, timeouts: UpstreamTimeouts = .init(),
        weight: Double = 1, priority: Int = 1, contextWindow: Int? = nil, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, capabilities: DeploymentCapabilities = .all
    ) {
        self.weight = weight
        self.priority = priority
        self.contextWindow = contextWindow
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.capabilities = capabilities
        self.id = id
        self.publicModel = publicModel
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.region = region
        self.pricing = pricing
        self.dropUnsupportedParams = dropUnsupportedParams
        self.timeouts = timeouts
    }
}
