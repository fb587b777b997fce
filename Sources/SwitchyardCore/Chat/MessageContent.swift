/// A message's content: a plain string or a list of parts.
public enum MessageContent: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// Text, image and audio parts.
    case parts([ContentPart])

    /// Decodes a string or an array of parts.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }

    /// Encodes a string or an array of parts.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }

    /// All text in the content, parts joined without separator; images and audio are skipped.
    public var text: String {
        switch self {
        case .text(let text): return text
        case .parts(let parts):
            return parts.reduce(into: "") { result, part in
                if case .text(let text) = part { result += text }
            }
        }
    }

    /// The content as parts; a plain string becomes one text part.
    public var parts: [ContentPart] {
        switch self {
        case .text(let text): return [.text(text)]
        case .parts(let parts): return parts
        }
    }

    /// Whether any part is an image. (Not through ``parts``, which allocates an array for plain text.)
    public var hasImage: Bool {
        guard case .parts(let parts) = self else { return false }
        return parts.contains { if case .imageURL = $0 { return true } else { return false } }
    }

    /// Whether any part is audio.
    public var hasAudio: Bool {
        guard case .parts(let parts) = self else { return false }
        return parts.contains { if case .inputAudio = $0 { return true } else { return false } }
    }
}
