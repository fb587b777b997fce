import SwitchyardCore

/// Prices of common models of the eight providers, in US dollars per million tokens, overridable.
///
/// Lookup order: the deployment's own `pricing` (configuration), then an override, then the built-in table by the
/// upstream model name — exact, else the longest name that prefixes it (`gpt-4o-2024-08-06` → `gpt-4o`). Ollama
/// models are free. Unknown models cost 0 and are reported by ``price(for:)`` as `nil` so callers can log them.
public struct PricingCatalogue: Sendable {
    private var table: [String: ModelPricing]
    private let namesByLength: [String]

    /// The built-in table plus `overrides` (which win).
    public init(overrides: [String: ModelPricing] = [:]) {
        table = Self.builtIn.merging(overrides) { _, override in override }
        namesByLength = table.keys.sorted { $0.count > $1.count }
    }

    /// The price of a deployment, or `nil` when unknown.
    public func price(for deployment: Deployment) -> ModelPricing? {
        if let pricing = deployment.pricing { return pricing }
        if deployment.provider.kind == .ollama || deployment.provider.kind == .simulator {
            return ModelPricing(inputPerMTok: 0, outputPerMTok: 0)
        }
        return price(forModel: deployment.upstreamModel)
    }

    /// The price of an upstream model name, or `nil` when unknown.
    public func price(forModel model: String) -> ModelPricing? {
        // Names are nearly always lowercase already; `lowercased()` makes a new string regardless (about 400
        // instructions a lookup, three lookups a request).
        let name = UTF8Scan.any(model) { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? model.lowercased() : model
        if let exact = table[name] { return exact }
        let base = name.split(separator: "/").last.map(String.init) ?? name
        if let exact = table[base] { return exact }
        return namesByLength.first { name.hasPrefix($0) || base.hasPrefix($0) }.flatMap { table[$0] }
    }

    private static func p(_ input: Double, _ output: Double, cached: Double? = nil, write: Double? = nil)
        -> ModelPricing
    {
        ModelPricing(inputPerMTok: input, outputPerMTok: output, cachedInputPerMTok: cached, cacheWritePerMTok: write)
    }

    /// List prices as published by the providers (late 2025); override in configuration when they change.
    static let builtIn: [String: ModelPricing] = [
        // OpenAI
        "gpt-4o": p(2.5, 10, cached: 1.25), "gpt-4o-mini": p(0.15, 0.6, cached: 0.075),
        "gpt-4.1": p(2, 8, cached: 0.5), "gpt-4.1-mini": p(0.4, 1.6, cached: 0.1),
        "gpt-4.1-nano": p(0.1, 0.4, cached: 0.025), "gpt-5": p(1.25, 10, cached: 0.125),
        "gpt-5-mini": p(0.25, 2, cached: 0.025), "gpt-5-nano": p(0.05, 0.4, cached: 0.005),
        "o3": p(2, 8, cached: 0.5), "o4-mini": p(1.1, 4.4, cached: 0.275), "o1": p(15, 60, cached: 7.5),
        "text-embedding-3-small": p(0.02, 0), "text-embedding-3-large": p(0.13, 0),
        // Anthropic
        "claude-opus-4": p(15, 75, cached: 1.5, write: 18.75), "claude-opus-4-1": p(15, 75, cached: 1.5, write: 18.75),
        "claude-opus-4-5": p(5, 25, cached: 0.5, write: 6.25), "claude-sonnet-4": p(3, 15, cached: 0.3, write: 3.75),
        "claude-sonnet-4-5": p(3, 15, cached: 0.3, write: 3.75),
        "claude-3-7-sonnet": p(3, 15, cached: 0.3, write: 3.75),
        "claude-haiku-4-5": p(1, 5, cached: 0.1, write: 1.25), "claude-3-5-haiku": p(0.8, 4, cached: 0.08, write: 1),
        // Google Gemini
        "gemini-2.5-pro": p(1.25, 10, cached: 0.31), "gemini-2.5-flash": p(0.3, 2.5, cached: 0.075),
        "gemini-2.5-flash-lite": p(0.1, 0.4, cached: 0.025), "gemini-2.0-flash": p(0.1, 0.4, cached: 0.025),
        "gemini-embedding-001": p(0.15, 0),
        // xAI
        "grok-4": p(3, 15, cached: 0.75), "grok-4-fast": p(0.2, 0.5, cached: 0.05), "grok-3": p(3, 15, cached: 0.75),
        "grok-3-mini": p(0.3, 0.5, cached: 0.075), "grok-code-fast-1": p(0.2, 1.5, cached: 0.02),
        // Mistral
        "mistral-large": p(2, 6), "mistral-medium": p(0.4, 2), "mistral-small": p(0.1, 0.3),
        "codestral": p(0.3, 0.9), "ministral-8b": p(0.1, 0.1), "open-mistral-nemo": p(0.15, 0.15),
        "mistral-embed": p(0.1, 0),
        // Together.AI (open-weight models)
        "meta-llama/llama-3.3-70b-instruct-turbo": p(0.88, 0.88),
        "meta-llama/meta-llama-3.1-8b-instruct-turbo": p(0.18, 0.18),
        "meta-llama/meta-llama-3.1-405b-instruct-turbo": p(3.5, 3.5),
        "deepseek-ai/deepseek-v3": p(1.25, 1.25), "deepseek-ai/deepseek-r1": p(3, 7),
        "qwen/qwen2.5-72b-instruct-turbo": p(1.2, 1.2), "mistralai/mixtral-8x7b-instruct-v0.1": p(0.6, 0.6),
        // Abacus.AI RouteLLM
        "route-llm": p(3, 15),
    ]
}
