/// The kinds of provider the gateway can talk to; the `kind` key of a provider in the configuration.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// OpenAI's Chat Completions API.
    case openai
    /// Anthropic's Messages API.
    case anthropic
    /// Google Gemini's `generateContent` API.
    case gemini
    /// xAI Grok (OpenAI-compatible).
    case xai
    /// Mistral (OpenAI-compatible with its own quirks).
    case mistral
    /// Together.AI (OpenAI-compatible).
    case together
    /// Abacus.AI's RouteLLM endpoint (OpenAI-compatible).
    case abacus
    /// A local Ollama server (native API, or its `/v1` endpoint with `api: openai`).
    case ollama
    /// Any other OpenAI-compatible server.
    case openaiCompatible = "openai_compatible"
    /// The built-in simulator: deterministic answers, no network.
    case simulator
    /// In-process sentence embeddings (all-MiniLM-L6-v2), no network.
    case local

    /// The conventional environment variable holding this provider's API key, if it has one.
    public var standardKeyVariable: String? {
        switch self {
        case .openai: return "OPENAI_API_KEY"
        case .anthropic: return "ANTHROPIC_API_KEY"
        case .gemini: return "GEMINI_API_KEY"
        case .xai: return "XAI_API_KEY"
        case .mistral: return "MISTRAL_API_KEY"
        case .together: return "TOGETHER_API_KEY"
        case .abacus: return "ABACUS_API_KEY"
        case .ollama, .openaiCompatible, .simulator, .local: return nil
        }
    }

    /// Whether the provider continues a final assistant message instead of answering it, which is what resuming an
    /// interrupted stream on another deployment needs.
    public var continuesAssistantPrefix: Bool {
        switch self {
        case .anthropic, .mistral, .ollama, .simulator: return true
        default: return false
        }
    }

    /// The provider's public base URL, used when the configuration names none.
    public var defaultBaseURL: String? {
        switch self {
        case .openai: return "https://api.openai.com/v1"
        case .anthropic: return "https://api.anthropic.com"
        case .gemini: return "https://generativelanguage.googleapis.com/v1beta"
        case .xai: return "https://api.x.ai/v1"
        case .mistral: return "https://api.mistral.ai/v1"
        case .together: return "https://api.together.xyz/v1"
        case .abacus: return "https://routellm.abacus.ai/v1"
        case .ollama: return "http://127.0.0.1:11434"
        case .openaiCompatible, .simulator, .local: return nil
        }
    }
}
