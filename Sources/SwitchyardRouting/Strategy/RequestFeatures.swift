public import SwitchyardCore

/// What routing needs to know about a request, computed once.
public struct RequestFeatures: Sendable {
    /// Capabilities a deployment must have.
    public var needs: DeploymentCapabilities
    /// Estimated prompt tokens (about four characters per token, plus a flat cost per image).
    public var promptTokens: Int
    /// The output limit, or a typical answer length when none is set.
    public var expectedCompletionTokens: Int
    /// The output limit the client set.
    public var maxTokens: Int?
    /// Whether the answer is streamed.
    public var streaming: Bool
    /// Regions the caller may use (data residency); empty means any.
    public var allowedRegions: Set<String>
    /// The caller's region, preferred when set.
    public var preferredRegion: String?
    /// Providers (configured names) this request must not use: a router's `exclude_providers`, a key's exclusions.
    public var excludedProviders: Set<String> = []
    /// The learned router's explanation when a router chose the model; the engine copies it into the decision.
    public var router: RouterExplanation? {
        get { routerBox?.explanation }
        set { routerBox = newValue.map(RouterExplanationBox.init) }
    }
    /// ``router``, out of line (``RouterExplanationBox``): features are copied into every frame that routes.
    var routerBox: RouterExplanationBox?
    /// A key for the first ~1,024 tokens of a long prompt (see ``PromptCacheAffinity``); `nil` for short prompts.
    public var promptPrefixKey: Int?

    /// Derives features from a request.
    public init(request: ChatRequest, allowedRegions: Set<String> = [], preferredRegion: String? = nil) {
        needs = .required(by: request)
        promptTokens = request.estimatedPromptTokens
        maxTokens = request.effectiveMaxTokens
        expectedCompletionTokens = maxTokens ?? 256
        streaming = request.stream
        self.allowedRegions = allowedRegions
        self.preferredRegion = preferredRegion
        promptPrefixKey = PromptCacheAffinity.prefixKey(of: request, promptTokens: promptTokens)
    }

    /// The estimated cost of the request on a deployment, in US dollars, or `nil` without pricing.
    public func estimatedCost(on deployment: Deployment) -> Double? {
        deployment.pricing.map {
            (Double(promptTokens) * $0.inputPerMTok + Double(expectedCompletionTokens) * $0.outputPerMTok) / 1_000_000
        }
    }
}
