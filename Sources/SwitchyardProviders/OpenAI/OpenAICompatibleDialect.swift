public import SwitchyardCore

/// What distinguishes one OpenAI-compatible provider from another: authentication, paths and the parameters it
/// does not accept or names differently.
///
/// A value, not a subclass: ``OpenAICompatibleAdapter`` is one adapter parameterised by a dialect.
public struct OpenAICompatibleDialect: Sendable, Hashable {
    /// How the API key is sent.
    public enum Authentication: Sendable, Hashable {
        /// `Authorization: Bearer <key>`.
        case bearer
        /// No authentication (local servers).
        case none
    }

    /// The provider kind this dialect describes, for error messages.
    public var name: String
    /// How the key is sent.
    public var authentication: Authentication
    /// The chat path under the base URL.
    public var chatPath: String
    /// The embeddings path under the base URL, or `nil` when the provider has no embeddings.
    public var embeddingsPath: String?
    /// Request parameters (OpenAI names, as in ``ChatRequest/presentParameters``) the provider rejects.
    public var unsupportedParameters: Set<String>
    /// The field name the provider uses for `seed` (Mistral: `random_seed`).
    public var seedField: String
    /// Whether the provider understands `max_completion_tokens`; if not, it is sent as `max_tokens`.
    public var acceptsMaxCompletionTokens: Bool
    /// The `tool_choice` value meaning "must call a tool" (Mistral accepts `any`).
    public var requiredToolChoice: String
    /// Whether to send `stream_options.include_usage` (providers that reject it send usage anyway or not at all).
    public var sendsStreamOptions: Bool
    /// Whether unknown request fields are passed through.
    public var passesExtraFields: Bool

    /// Creates a dialect.
    public init(
        name: String, authentication: Authentication = .bearer, chatPath: String = "/chat/completions",
        embeddingsPath: String? = "/embeddings", unsupportedParameters: Set<String> = [], seedField: String = "seed",
        acceptsMaxCompletionTokens: Bool = true, requiredToolChoice: String = "required",
        sendsStreamOptions: Bool = true, passesExtraFields: Bool = true
    ) {
        self.name = name
        self.authentication = authentication
        self.chatPath = chatPath
        self.embeddingsPath = embeddingsPath
        self.unsupportedParameters = unsupportedParameters
        self.seedField = seedField
        self.acceptsMaxCompletionTokens = acceptsMaxCompletionTokens
        self.requiredToolChoice = requiredToolChoice
        self.sendsStreamOptions = sendsStreamOptions
        self.passesExtraFields = passesExtraFields
    }
}

extension OpenAICompatibleDialect {
    /// OpenAI itself: everything is supported.
    public static let openAI = OpenAICompatibleDialect(name: "openai")

    /// xAI Grok.
    public static let xAI = OpenAICompatibleDialect(
        name: "xai", unsupportedParameters: ["metadata", "input_audio"])

    /// Mistral: `random_seed`, `tool_choice: any`, no log probabilities, no `user`/`metadata`.
    public static let mistral = OpenAICompatibleDialect(
        name: "mistral",
        unsupportedParameters: ["logprobs", "top_logprobs", "user", "metadata", "reasoning_effort", "input_audio"],
        seedField: "random_seed", acceptsMaxCompletionTokens: false, requiredToolChoice: "any",
        sendsStreamOptions: false, passesExtraFields: true)

    /// Together.AI.
    public static let together = OpenAICompatibleDialect(
        name: "together", unsupportedParameters: ["metadata", "parallel_tool_calls", "input_audio"],
        acceptsMaxCompletionTokens: false, sendsStreamOptions: true)

    /// Abacus.AI RouteLLM: a narrow OpenAI-compatible surface and no embeddings.
    public static let abacus = OpenAICompatibleDialect(
        name: "abacus", embeddingsPath: nil,
        unsupportedParameters: [
            "logprobs", "top_logprobs", "n", "seed", "metadata", "presence_penalty", "frequency_penalty",
            "parallel_tool_calls", "reasoning_effort", "input_audio", "user",
        ],
        acceptsMaxCompletionTokens: false, sendsStreamOptions: false, passesExtraFields: false)

    /// Ollama's `/v1` endpoint.
    public static let ollama = OpenAICompatibleDialect(
        name: "ollama",
        unsupportedParameters: ["n", "metadata", "parallel_tool_calls", "logprobs", "top_logprobs", "input_audio"],
        acceptsMaxCompletionTokens: false, sendsStreamOptions: true)

    /// A generic OpenAI-compatible server: assume the full surface and let the server reject what it lacks.
    public static let generic = OpenAICompatibleDialect(name: "openai_compatible")

    /// The dialect for a provider kind, or `nil` for kinds with their own protocol.
    public static func forKind(_ kind: ProviderKind) -> OpenAICompatibleDialect? {
        switch kind {
        case .openai: return .openAI
        case .xai: return .xAI
        case .mistral: return .mistral
        case .together: return .together
        case .abacus: return .abacus
        case .ollama: return .ollama
        case .openaiCompatible: return .generic
        case .anthropic, .gemini, .simulator, .local: return nil
        }
    }
}
