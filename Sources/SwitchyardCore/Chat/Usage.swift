/// Token usage of one request, by kind.
///
/// Kinds are kept apart because providers bill them differently: cached input is discounted, cache writes cost
/// extra at Anthropic, and reasoning tokens are part of the completion.
public struct Usage: Sendable, Hashable, Codable {
    /// Input tokens, cached ones included.
    public var promptTokens: Int
    /// Output tokens, reasoning included.
    public var completionTokens: Int
    /// Input tokens read from the provider's prompt cache.
    public var cachedPromptTokens: Int
    /// Input tokens written to the provider's prompt cache (Anthropic bills these at a premium).
    public var cacheCreationTokens: Int
    /// Output tokens spent on hidden reasoning.
    public var reasoningTokens: Int

    /// Creates a usage record.
    public init(
        promptTokens: Int = 0, completionTokens: Int = 0, cachedPromptTokens: Int = 0, cacheCreationTokens: Int = 0,
        reasoningTokens: Int = 0
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.reasoningTokens = reasoningTokens
    }

    /// Prompt plus completion tokens.
    public var totalTokens: Int { promptTokens + completionTokens }

    private struct PromptDetails: Codable {
        var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    private struct CompletionDetails: Codable {
        var reasoningTokens: Int?
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptDetails = "prompt_tokens_details"
        case completionDetails = "completion_tokens_details"
        case cacheCreationTokens = "cache_creation_input_tokens"
    }

    /// Decodes OpenAI's usage object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        cachedPromptTokens =
            (try? container.decodeIfPresent(PromptDetails.self, forKey: .promptDetails))?.cachedTokens ?? 0
        reasoningTokens =
            (try? container.decodeIfPresent(CompletionDetails.self, forKey: .completionDetails))?.reasoningTokens ?? 0
        cacheCreationTokens = try container.decodeIfPresent(Int.self, forKey: .cacheCreationTokens) ?? 0
    }

    /// Encodes OpenAI's usage object, with details only when they are non-zero.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encode(PromptDetails(cachedTokens: cachedPromptTokens), forKey: .promptDetails)
        try container.encode(CompletionDetails(reasoningTokens: reasoningTokens), forKey: .completionDetails)
        if cacheCreationTokens > 0 { try container.encode(cacheCreationTokens, forKey: .cacheCreationTokens) }
    }
}
