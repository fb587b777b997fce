/// One part of a multi-part message: text, an image or audio.
public enum ContentPart: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// An image by URL: `http(s)://…` or a `data:` URL.
    case imageURL(ImageURL)
    /// Inline audio, base64-encoded.
    case inputAudio(InputAudio)

    /// An image reference as OpenAI sends it.
    public struct ImageURL: Sendable, Hashable, Codable {
        /// `http(s)://…` or `data:<media type>;base64,<data>`.
        public var url: String
        /// `auto`, `low` or `high`.
        public var detail: String?

        /// Creates an image reference.
        public init(url: String, detail: String? = nil) {
            self.url = url
            self.detail = detail
        }

        /// The parsed form of a `data:` URL, or `nil` for any other URL.
        public var dataURL: (mediaType: String, base64: String)? {
            guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
            let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
            guard header.hasSuffix(";base64") else { return nil }
            return (String(header.dropLast(7)), String(url[url.index(after: comma)...]))
        }

        /// Whether the URL uses a scheme the gateway accepts (`http`, `https` or `data`).
        public var hasAcceptedScheme: Bool {
            let lower = url.prefix(8).lowercased()
            return lower.hasPrefix("http://") || lower.hasPrefix("https://") || (lower.hasPrefix("data:") && dataURL != nil)
        }
    }

    /// Inline audio as OpenAI sends it.
    public struct InputAudio: Sendable, Hashable, Codable {
        /// Base64-encoded audio.
        public var data: String
        /// `wav` or `mp3`.
        public var format: String

        /// Creates an audio part.
        public init(data: String, format: String) {
            self.data = data
            self.format = format
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, text
        case imageURL = "image_url"
        case inputAudio = "input_audio"
    }

    /// Decodes an OpenAI content part; `image_url` may also be a bare string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "image_url":
            if let url = try? container.decode(String.self, forKey: .imageURL) {
                self = .imageURL(ImageURL(url: url))
            } else {
                self = .imageURL(try container.decode(ImageURL.self, forKey: .imageURL))
            }
        case "input_audio":
            self = .inputAudio(try container.decode(InputAudio.self, forKey: .inputAudio))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unsupported content part type '\(type)'")
        }
    }

    /// Encodes the part in OpenAI's shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .imageURL(let image):
            try container.encode("image_url", forKey: .type)
            try container.encode(image, forKey: .imageURL)
        case .inputAudio(let audio):
            try container.encode("input_audio", forKey: .type)
            try container.encode(audio, forKey: .inputAudio)
        }
    }
}
