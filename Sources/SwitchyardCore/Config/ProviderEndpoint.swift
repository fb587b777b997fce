/// A configured provider: where it is, how to authenticate, and which wire protocol it speaks.
public struct ProviderEndpoint: Sendable, Hashable {
    /// The name the configuration gives it, e.g. `anthropic` or `eu-openai`.
    public var name: String
    /// What kind of provider it is.
    public var kind: ProviderKind
    /// The base URL, without a trailing slash.
    public var baseURL: String
    /// The credential, if the provider needs one.
    public var apiKey: Secret?
    /// Extra headers sent with every request (e.g. an organisation id).
    public var headers: [String: String]
    /// For Ollama: speak its OpenAI-compatible `/v1` endpoint instead of the native API.
    public var useOpenAICompatibleAPI: Bool
    /// For the simulator: its behaviour.
    public var simulator: SimulatorSettings?
    /// Speak HTTP/2 without negotiation ("h2c", prior knowledge) to an `http://` base URL: requests share a few
    /// connections as streams instead of holding one connection each.
    public var http2PriorKnowledge: Bool

    /// Creates a provider endpoint.
    public init(
        name: String, kind: ProviderKind, baseURL: String, apiKey: Secret? = nil, headers: [String: String] = [:],
        useOpenAICompatibleAPI: Bool = false, simulator: SimulatorSettings? = nil, http2PriorKnowledge: Bool = false
    ) {
        self.http2PriorKnowledge = http2PriorKnowledge
        self.name = name
        self.kind = kind
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.apiKey = apiKey
        self.headers = headers
        self.useOpenAICompatibleAPI = useOpenAICompatibleAPI
        self.simulator = simulator
    }
}

/// How the built-in simulator behaves.
public struct SimulatorSettings: Sendable, Hashable {
    /// Delay before the first token, in milliseconds.
    public var latencyMilliseconds: Int
    /// Delay between streamed chunks, in milliseconds.
    public var interChunkMilliseconds: Int
    /// Share of requests that fail with a simulated upstream error, from 0 to 1.
    public var errorRate: Double

    /// Creates simulator settings.
    public init(latencyMilliseconds: Int = 0, interChunkMilliseconds: Int = 0, errorRate: Double = 0) {
        self.latencyMilliseconds = latencyMilliseconds
        self.interChunkMilliseconds = interChunkMilliseconds
        self.errorRate = errorRate
    }
}
