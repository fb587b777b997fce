import SwitchyardCore

// Gemini's JSON wire shapes (proto3 JSON mapping: lowerCamelCase of the proto field names). Internal to the module;
// only the fields the adapter reads or writes are modelled, everything else is ignored when decoding.

/// `GenerateContentRequest`, minus `model` (it is in the path).
struct GeminiRequest: Encodable {
    var contents: [GeminiContent]
    var systemInstruction: GeminiContent?
    var tools: [GeminiTool]?
    var toolConfig: GeminiToolConfig?
    var generationConfig: GeminiGenerationConfig?
}

/// `Content`: a role (`user` or `model`) and its parts.
struct GeminiContent: Codable {
    var role: String?
    var parts: [GeminiPart]?
}

/// `Part`: one of text, inline bytes, a file reference, a function call or a function response.
struct GeminiPart: Codable {
    var text: String?
    var thought: Bool?
    var thoughtSignature: String?
    var inlineData: GeminiBlob?
    var fileData: GeminiFileData?
    var functionCall: GeminiFunctionCall?
    var functionResponse: GeminiFunctionResponse?
}

/// `Blob`: base64 bytes with their media type.
struct GeminiBlob: Codable {
    var mimeType: String
    var data: String
}

/// `FileData`: media by URI.
struct GeminiFileData: Codable {
    var mimeType: String?
    var fileUri: String
}

/// `FunctionCall`: `args` is a JSON object, sent whole (never streamed in pieces).
struct GeminiFunctionCall: Codable {
    var id: String?
    var name: String
    var args: JSONObject?
}

/// `FunctionResponse`: `response` must be a JSON object (proto `Struct`).
struct GeminiFunctionResponse: Codable {
    var id: String?
    var name: String
    var response: JSONObject
}

/// `Tool`, function declarations only.
struct GeminiTool: Encodable {
    var functionDeclarations: [GeminiFunctionDeclaration]
}

/// `FunctionDeclaration` with its parameters as full JSON Schema (`parametersJsonSchema`), not the OpenAPI subset.
struct GeminiFunctionDeclaration: Encodable {
    var name: String
    var description: String?
    var parametersJsonSchema: JSONValue?
}

/// `ToolConfig`.
struct GeminiToolConfig: Encodable {
    /// `FunctionCallingConfig`: `mode` is `AUTO`, `ANY` or `NONE`; `allowedFunctionNames` only with `ANY`.
    struct FunctionCallingConfig: Encodable {
        var mode: String
        var allowedFunctionNames: [String]?
    }

    var functionCallingConfig: FunctionCallingConfig
}

/// `GenerationConfig`.
struct GeminiGenerationConfig: Encodable, Equatable {
    /// `ThinkingConfig`; `thinkingBudget` is in the proto, `thinkingLevel` only in the OpenAPI file (Gemini 3+).
    struct ThinkingConfig: Encodable, Equatable {
        var thinkingBudget: Int
    }

    var temperature: Double?
    var topP: Double?
    var maxOutputTokens: Int?
    var stopSequences: [String]?
    var candidateCount: Int?
    var seed: Int?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var responseLogprobs: Bool?
    var logprobs: Int?
    var responseMimeType: String?
    var responseJsonSchema: JSONValue?
    var thinkingConfig: ThinkingConfig?
}

/// `GenerateContentResponse`, also each chunk of a stream. `error` appears only in a failed stream frame.
struct GeminiResponse: Decodable {
    var candidates: [GeminiCandidate]?
    var promptFeedback: GeminiPromptFeedback?
    var usageMetadata: GeminiUsageMetadata?
    var modelVersion: String?
    var responseId: String?
    var error: GeminiErrorBody.Detail?
}

/// `Candidate`.
struct GeminiCandidate: Decodable {
    var content: GeminiContent?
    var finishReason: String?
    var index: Int?
    var logprobsResult: GeminiLogprobsResult?
}

/// `PromptFeedback`: a `blockReason` means the prompt was refused and no candidates follow.
struct GeminiPromptFeedback: Decodable {
    var blockReason: String?
}

/// `UsageMetadata`. proto3 JSON omits zero counts, so every field may be absent. Cumulative in streams.
struct GeminiUsageMetadata: Decodable {
    var promptTokenCount: Int?
    var candidatesTokenCount: Int?
    var cachedContentTokenCount: Int?
    var thoughtsTokenCount: Int?

    /// Canonical usage: thoughts count as completion tokens and as reasoning tokens.
    var usage: Usage {
        let thoughts = thoughtsTokenCount ?? 0
        return Usage(
            promptTokens: promptTokenCount ?? 0, completionTokens: (candidatesTokenCount ?? 0) + thoughts,
            cachedPromptTokens: cachedContentTokenCount ?? 0, reasoningTokens: thoughts)
    }
}

/// `LogprobsResult`: the chosen token and the top alternatives at each decoding step.
struct GeminiLogprobsResult: Decodable {
    struct Candidate: Decodable {
        var token: String?
        var logProbability: Double?
    }

    struct TopCandidates: Decodable {
        var candidates: [Candidate]?
    }

    var topCandidates: [TopCandidates]?
    var chosenCandidates: [Candidate]?
}

/// Google's HTTP error body: `{"error":{"code","message","status","details"}}`.
struct GeminiErrorBody: Decodable {
    /// `google.rpc.Status`. Decoded leniently: an odd field never hides the rest.
    struct Detail: Decodable {
        var code: Int?
        var message: String?
        var status: String?
        var details: [Item]?

        enum CodingKeys: String, CodingKey { case code, message, status, details }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try? container.decodeIfPresent(Int.self, forKey: .code)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
            details = try? container.decodeIfPresent([Item].self, forKey: .details)
        }

        /// `google.rpc.RetryInfo.retryDelay` (`"31s"`) in seconds, when present.
        var retryDelaySeconds: Double? {
            guard let delay = details?.lazy.compactMap(\.retryDelay).first, delay.hasSuffix("s") else { return nil }
            return Double(delay.dropLast())
        }
    }

    /// One entry of `details`: `ErrorInfo` carries `reason`, `RetryInfo` carries `retryDelay`.
    struct Item: Decodable {
        var reason: String?
        var retryDelay: String?

        enum CodingKeys: String, CodingKey { case reason, retryDelay }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            reason = try? container.decodeIfPresent(String.self, forKey: .reason)
            retryDelay = try? container.decodeIfPresent(String.self, forKey: .retryDelay)
        }
    }

    var error: Detail
}

/// `EmbedContentRequest`; `model` is sent only inside a batch (the path names it otherwise).
struct GeminiEmbedRequest: Encodable {
    var model: String?
    var content: GeminiContent
    var outputDimensionality: Int?
}

/// `BatchEmbedContentsRequest`.
struct GeminiBatchEmbedRequest: Encodable {
    var requests: [GeminiEmbedRequest]
}

/// `EmbedContentResponse` (`embedding`) or `BatchEmbedContentsResponse` (`embeddings`).
struct GeminiEmbedResponse: Decodable {
    struct Embedding: Decodable {
        var values: [Float]
    }

    struct EmbeddingUsage: Decodable {
        var promptTokenCount: Int?
    }

    var embedding: Embedding?
    var embeddings: [Embedding]?
    var usageMetadata: EmbeddingUsage?
}
