public import SwitchyardCore

/// Finds the ``ModelProvider`` for a configured provider, by wire protocol.
///
/// Built once at start-up: one adapter per protocol, one shared client, one simulator. Dispatch happens here and
/// nowhere else, so adding a provider kind edits this file and its adapter only.
public struct ProviderRegistry: Sendable {
    /// The OpenAI-compatible providers, at their kind's ``position(of:)``: a `ProviderKind` key hashes its raw
    /// string (about 300 instructions a request).
    private let openAICompatible: [HTTPModelProvider?]
    private let anthropic: HTTPModelProvider
    private let gemini: HTTPModelProvider
    private let ollamaNative: HTTPModelProvider
    private let simulator = SimulatorProvider()
    /// The in-process embedding models (also used by the semantic cache).
    public let local: LocalEmbeddingProvider

    /// Creates the registry over a shared client.
    public init(client: UpstreamClient, modelsDirectory: String = LocalEmbeddingProvider.defaultModelsDirectory) {
        local = LocalEmbeddingProvider(modelsDirectory: modelsDirectory)
        var compatible = [HTTPModelProvider?](repeating: nil, count: ProviderKind.allCases.count)
        for kind in ProviderKind.allCases {
            guard let dialect = OpenAICompatibleDialect.forKind(kind) else { continue }
            let adapter = OpenAICompatibleAdapter(dialect: dialect)
            compatible[Self.position(of: kind)] = HTTPModelProvider(
                adapter: adapter, embeddingAdapter: adapter, client: client)
        }
        openAICompatible = compatible
        anthropic = HTTPModelProvider(adapter: AnthropicAdapter(), embeddingAdapter: nil, client: client)
        let geminiAdapter = GeminiAdapter()
        gemini = HTTPModelProvider(adapter: geminiAdapter, embeddingAdapter: geminiAdapter, client: client)
        let ollamaAdapter = OllamaAdapter()
        ollamaNative = HTTPModelProvider(adapter: ollamaAdapter, embeddingAdapter: ollamaAdapter, client: client)
    }

    /// The provider that serves an endpoint.
    public func provider(for endpoint: ProviderEndpoint) -> any ModelProvider {
        switch endpoint.kind {
        case .simulator: return simulator
        case .local: return local
        case .anthropic: return anthropic
        case .gemini: return gemini
        case .ollama where !endpoint.useOpenAICompatibleAPI: return ollamaNative
        default:
            guard let provider = openAICompatible[Self.position(of: endpoint.kind)]
                ?? openAICompatible[Self.position(of: .openaiCompatible)]
            else {
                return simulator
            }
            return provider
        }
    }

    /// A distinct index below `ProviderKind.allCases.count` for each kind.
    private static func position(of kind: ProviderKind) -> Int {
        switch kind {
        case .openai: 0
        case .anthropic: 1
        case .gemini: 2
        case .xai: 3
        case .mistral: 4
        case .together: 5
        case .abacus: 6
        case .ollama: 7
        case .openaiCompatible: 8
        case .simulator: 9
        case .local: 10
        }
    }
}
