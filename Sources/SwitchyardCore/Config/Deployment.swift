/// One upstream that can serve a public model: a provider, the model's name there, and how to call it.
///
/// A value type whose fields live behind one immutable reference: a deployment is copied several times per request
/// (the route plan, the attempt, the decision, the ticket, the usage record), and a copy of its dozen strings and
/// collections was a dozen reference-count operations; now it is one. Setting a field (configuration time only)
/// makes a new reference, so copies never share a change.
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

    /// The fields, shared by copies and never mutated.
    @usableFromInline final class Storage: Sendable {
        @usableFromInline let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// Inlinable accessors: `deployment.provider.name` from another module reads the one field instead of copying
    /// the whole provider out of a getter.
    @usableFromInline var storage: Storage

    /// A stable identifier, unique in the configuration, e.g. `claude-sonnet/anthropic#0`.
    @inlinable public var id: String {
        get { storage.fields.id }
        set { update { $0.id = newValue } }
    }
    /// The public model name this deployment serves.
    @inlinable public var publicModel: String {
        get { storage.fields.publicModel }
        set { update { $0.publicModel = newValue } }
    }
    /// The provider to call.
    @inlinable public var provider: ProviderEndpoint {
        get { storage.fields.provider }
        set { update { $0.provider = newValue } }
    }
    /// The model's name at the provider.
    @inlinable public var upstreamModel: String {
        get { storage.fields.upstreamModel }
        set { update { $0.upstreamModel = newValue } }
    }
    /// Where the deployment runs, e.g. `us`, `eu`.
    @inlinable public var region: String? {
        get { storage.fields.region }
        set { update { $0.region = newValue } }
    }
    /// Prices, when known.
    @inlinable public var pricing: ModelPricing? {
        get { storage.fields.pricing }
        set { update { $0.pricing = newValue } }
    }
    /// Whether parameters the provider cannot honour are dropped (and reported) instead of rejected.
    @inlinable public var dropUnsupportedParams: Bool {
        get { storage.fields.dropUnsupportedParams }
        set { update { $0.dropUnsupportedParams = newValue } }
    }
    /// Time limits.
    @inlinable public var timeouts: UpstreamTimeouts {
        get { storage.fields.timeouts }
        set { update { $0.timeouts = newValue } }
    }
    /// Relative share of traffic under the `weighted` strategy. Default: 1.
    @inlinable public var weight: Double {
        get { storage.fields.weight }
        set { update { $0.weight = newValue } }
    }
    /// Failover tier: tier 1 is tried before tier 2. Default: 1.
    @inlinable public var priority: Int {
        get { storage.fields.priority }
        set { update { $0.priority = newValue } }
    }
    /// The model's context window in tokens, when known.
    @inlinable public var contextWindow: Int? {
        get { storage.fields.contextWindow }
        set { update { $0.contextWindow = newValue } }
    }
    /// Requests per minute this deployment may receive from the gateway, when limited.
    @inlinable public var requestsPerMinute: Int? {
        get { storage.fields.requestsPerMinute }
        set { update { $0.requestsPerMinute = newValue } }
    }
    /// Tokens per minute this deployment may receive from the gateway, when limited.
    @inlinable public var tokensPerMinute: Int? {
        get { storage.fields.tokensPerMinute }
        set { update { $0.tokensPerMinute = newValue } }
    }
    /// What the deployment can do. Default: everything.
    @inlinable public var capabilities: DeploymentCapabilities {
        get { storage.fields.capabilities }
        set { update { $0.capabilities = newValue } }
    }

    /// Creates a deployment.
    public init(
        id: String, publicModel: String, provider: ProviderEndpoint, upstreamModel: String, region: String? = nil,
        pricing: ModelPricing? = nil, dropUnsupportedParams: Bool = false, timeouts: UpstreamTimeouts = .init(),
        weight: Double = 1, priority: Int = 1, contextWindow: Int? = nil, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, capabilities: DeploymentCapabilities = .all
    ) {
        storage = Storage(
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

    /// Replaces the storage with a changed copy of its fields.
    @usableFromInline mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    /// Whether two deployments have the same fields (at once when they share them).
    public static func == (lhs: Deployment, rhs: Deployment) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes the fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }
}
