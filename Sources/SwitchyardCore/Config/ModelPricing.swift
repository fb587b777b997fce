/// Prices of one deployment, in US dollars per million tokens.
public struct ModelPricing: Sendable, Hashable, Codable {
    /// Uncached input tokens.
    public var inputPerMTok: Double
    /// Output tokens (reasoning included).
    public var outputPerMTok: Double
    /// Input tokens read from the prompt cache; defaults to the input price.
    public var cachedInputPerMTok: Double?
    /// Input tokens written to the prompt cache; defaults to the input price.
    public var cacheWritePerMTok: Double?

    /// Creates a price list.
    public init(
        inputPerMTok: Double, outputPerMTok: Double, cachedInputPerMTok: Double? = nil, cacheWritePerMTok: Double? = nil
    ) {
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cachedInputPerMTok = cachedInputPerMTok
        self.cacheWritePerMTok = cacheWritePerMTok
    }

    /// The cost of a request's usage in US dollars.
    ///
    /// Cached reads and cache writes are priced separately from the rest of the prompt.
    public func cost(of usage: Usage) -> Double {
        let uncached = max(0, usage.promptTokens - usage.cachedPromptTokens - usage.cacheCreationTokens)
        let input = Double(uncached) * inputPerMTok
        let cached = Double(usage.cachedPromptTokens) * (cachedInputPerMTok ?? inputPerMTok)
        let written = Double(usage.cacheCreationTokens) * (cacheWritePerMTok ?? inputPerMTok)
        let output = Double(usage.completionTokens) * outputPerMTok
        return (input + cached + written + output) / 1_000_000
    }

    private enum CodingKeys: String, CodingKey {
        case inputPerMTok = "input_per_mtok"
        case outputPerMTok = "output_per_mtok"
        case cachedInputPerMTok = "cached_input_per_mtok"
        case cacheWritePerMTok = "cache_write_per_mtok"
    }
}
