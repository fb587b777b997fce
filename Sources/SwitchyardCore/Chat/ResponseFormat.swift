/// The shape the answer must take.
public enum ResponseFormat: Sendable, Hashable, Codable {
    /// Free text.
    case text
    /// Any valid JSON object.
    case jsonObject
    /// JSON that matches a schema.
    case jsonSchema(JSONSchemaFormat)

    /// A named JSON Schema, as in OpenAI's `response_format.json_schema`.
    public struct JSONSchemaFormat: Sendable, Hashable, Codable {
        /// The schema's name.
        public var name: String
        /// What the schema is for.
        public var description: String?
        /// The JSON Schema.
        public var schema: JSONValue?
        /// Whether the schema must be followed exactly.
        public var strict: Bool?

        /// Creates a schema format.
        public init(name: String, description: String? = nil, schema: JSONValue?, strict: Bool? = nil) {
            self.name = name
            self.description = description
            self.schema = schema
            self.strict = strict
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type
        case jsonSchema = "json_schema"
    }

    /// Decodes `{"type":"text"|"json_object"|"json_schema", …}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text
        case "json_object": self = .jsonObject
        case "json_schema": self = .jsonSchema(try container.decode(JSONSchemaFormat.self, forKey: .jsonSchema))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown response_format type '\(type)'")
        }
    }

    /// Encodes in OpenAI's shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text: try container.encode("text", forKey: .type)
        case .jsonObject: try container.encode("json_object", forKey: .type)
        case .jsonSchema(let format):
            try container.encode("json_schema", forKey: .type)
            try container.encode(format, forKey: .jsonSchema)
        }
    }
}
