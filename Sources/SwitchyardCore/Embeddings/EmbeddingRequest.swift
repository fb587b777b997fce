/// An embeddings request in canonical (OpenAI) form.
public struct EmbeddingRequest: Sendable, Hashable, Codable {
    /// The public model name.
    public var model: String
    /// The texts to embed.
    public var input: [String]
    /// Requested dimensions, for models that can shorten their vectors.
    public var dimensions: Int?
    /// `float` (default) or `base64`.
    public var encodingFormat: String?
    /// End-user identifier.
    public var user: String?

    /// Creates a request.
    public init(model: String, input: [String], dimensions: Int? = nil, encodingFormat: String? = nil, user: String? = nil) {
        self.model = model
        self.input = input
        self.dimensions = dimensions
        self.encodingFormat = encodingFormat
        self.user = user
    }

    private enum CodingKeys: String, CodingKey {
        case model, input, dimensions, user
        case encodingFormat = "encoding_format"
    }

    /// Decodes `input` as a string or an array of strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        if let single = try? container.decode(String.self, forKey: .input) {
            input = [single]
        } else {
            input = try container.decode([String].self, forKey: .input)
        }
        dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
        encodingFormat = try container.decodeIfPresent(String.self, forKey: .encodingFormat)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        if let encodingFormat, encodingFormat != "float", encodingFormat != "base64" {
            throw DecodingError.dataCorruptedError(
                forKey: .encodingFormat, in: container, debugDescription: "encoding_format must be float or base64")
        }
    }
}

/// Embedding vectors for the inputs of an ``EmbeddingRequest``, in input order.
public struct EmbeddingResponse: Sendable, Hashable {
    /// One vector per input.
    public var vectors: [[Float]]
    /// The model that produced them.
    public var model: String
    /// Input tokens counted by the upstream.
    public var promptTokens: Int

    /// Creates a response.
    public init(vectors: [[Float]], model: String, promptTokens: Int) {
        self.vectors = vectors
        self.model = model
        self.promptTokens = promptTokens
    }
}
