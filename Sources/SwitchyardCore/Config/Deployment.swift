/// One upstream that can serve a public model: a provider, the model's name there, and how to call it.
///
/// Its fields live behind one reference (``CopyOnWrite``): a deployment is copied several times per request (the
/// route plan, the attempt, the decision, the ticket, the usage record), and a copy of its dozen strings and
/// collections was a dozen reference-count operations; now it is one.
public struct Deployment: Sendable, Hashable {
    /// The stored fields.
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var id: String
        @usableFromInline var publicModel: String
        @usableFromInline var provider: ProviderEndpoint
        @usableFromInline var upstreamModel: String
        @usableFromInline var region: String?
        @usableFromInline var pricing: ModelPricing?
        @usableFromInline var dropUnsupportedParams: Bool
        @usableFromInline var timeouts: UpstreamTimeouts
        @usableFromInline var weight: Double
        @usableFromInline var priority: Int
        @usableFromInline var contextWindow: Int?
        @usableFromInline var requestsPerMinute: Int?
        @usableFromInline var tokensPerMinute: Int?
        @usableFromInline var capabilities: DeploymentCapabilities
    }

    /// The fields, behind one reference (``CopyOnWrite``).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// A stable identifier, unique in the configuration, e.g. `claude-sonnet/anthropic#0`.
    @inlinable public var id: String {
        get { storage.value.id }
        _modify { yield &storage.value.id }
    }
    /// The public model name this deployment serves.
    @inlinable public var publicModel: String {
        get { storage.value.publicModel }
        _modify { yield &storage.value.publicModel }
    }
    /// The provider to call.
    @inlinable public var provider: ProviderEndpoint {
        get { storage.value.provider }
        _modify { yield &storage.value.provider }
    }
    /// The model's name at the provider.
    @inlinable public var upstreamModel: String {
        get { storage.value.upstreamModel }
        _modify { yield &storage.value.upstreamModel }
    }
    /// Where the deployment runs, e.g. `us`, `eu`.
    @inlinable public var region: String? {
        get { storage.value.region }
        _modify { yield &storage.value.region }
    }
    /// Prices, when known.
    @inlinable public var pricing: ModelPricing? {
        get { storage.value.pricing }
        _modify { yield &storage.value.pricing }
    }
    /// Whether parameters the provider cannot honour are dropped (and reported) instead of rejected.
    @inlinable public var dropUnsupportedParams: Bool {
        get { storage.value.dropUnsupportedParams }
        _modify { yield &storage.value.dropUnsupportedParams }
    }
    /// Time limits.
    @inlinable public var timeouts: UpstreamTimeouts {
        get { storage.value.timeouts }
        _modify { yield &storage.value.timeouts }
    }
    /// Relative share of traffic under the `weighted` strategy. Default: 1.
    @inlinable public var weight: Double {
        get { storage.value.weight }
        _modify { yield &storage.value.weight }
    }
    /// Failover tier: tier 1 is tried before tier 2. Default: 1.
    @inlinable public var priority: Int {
        get { storage.value.priority }
        _modify { yield &storage.value.priority }
    }
    /// The model's context window in tokens, when known.
    @inlinable public var contextWindow: Int? {
        get { storage.value.contextWindow }
        _modify { yield &storage.value.contextWindow }
    }
    /// Requests per minute this deployment may receive from the gateway, when limited.
    @inlinable public var requestsPerMinute: Int? {
        get { storage.value.requestsPerMinute }
        _modify { yield &storage.value.requestsPerMinute }
    }
    /// Tokens per minute this deployment may receive from the gateway, when limited.
    @inlinable public var tokensPerMinute: Int? {
        get { storage.value.tokensPerMinute }
        _modify { yield &storage.value.tokensPerMinute }
    }
    /// What the deployment can do. Default: everything.
    @inlinable public var capabilities: DeploymentCapabilities {
        get { storage.value.capabilities }
        _modify { yield &storage.value.capabilities }
    }

    /// Creates a deployment.
    public init(
        id: String, publicModel: String, provider: ProviderEndpoint, upstreamModel: String, region: String? = nil,
        pricing: ModelPricing? = nil, dropUnsupportedParams: Bool = false, timeouts: UpstreamTimeouts = .init(),
        weight: Double = 1, priority: Int = 1, contextWindow: Int? = nil, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, capabilities: DeploymentCapabilities = .all
    ) {
        storage = CopyOnWrite(
            Fields(
                id: id,
                publicModel: publicModel,
                provider: provider,
                upstreamModel: upstreamModel,
                region: region,
                pricing: pricing,
                dropUnsupportedParams: dropUnsupportedParams,
                timeouts: timeouts,
                weight: weight,
                priority: priority,
                contextWindow: contextWindow,
                requestsPerMinute: requestsPerMinute,
                tokensPerMinute: tokensPerMinute,
                capabilities: capabilities))
    }

}
