public import NIOCore

/// A non-streaming answer forwarded as the upstream wrote it, with the few fields the gateway reads from it.
///
/// The pass-through path returns this instead of a decoded ``ChatResponse`` when the client and the upstream speak
/// the same dialect: fields the gateway does not model (`system_fingerprint`, `service_tier`, provider extensions)
/// reach the client unchanged, and the body is not decoded and re-encoded on the hot path.
public struct ForwardedCompletion: Sendable {
    /// The upstream's response body, forwarded as it is.
    public var body: ByteBuffer
    /// The response's `id`.
    public var id: String
    /// The response's `model`.
    public var model: String
    /// Token counts, when the upstream reported them.
    public var usage: Usage?

    /// Creates a forwarded completion.
    public init(body: ByteBuffer, id: String, model: String, usage: Usage?) {
        self.body = body
        self.id = id
        self.model = model
        self.usage = usage
    }

    /// Reads `id`, `model` and `usage` from an OpenAI `chat.completion` body without decoding the rest; `nil` when
    /// the body is not an object with a non-empty `id` and a `choices` array (the caller then decodes it fully,
    /// which reports the problem).
    public init?(openAIBody body: ByteBuffer) {
        let read: (String, String, Usage?)?? = body.withUnsafeReadableBytes { bytes in
            let scanner = JSONFieldScanner(bytes)
            guard let members = scanner.members(),
                let idMember = scanner.member("id", in: members),
                let id = scanner.plainString(at: idMember.value), !id.isEmpty,
                let choices = scanner.member("choices", in: members), bytes[choices.value.lowerBound] == UInt8(ascii: "[")
            else { return nil }
            let model = scanner.member("model", in: members).flatMap { scanner.plainString(at: $0.value) } ?? ""
            guard let usageMember = scanner.member("usage", in: members), !scanner.isNull(usageMember.value) else {
                return (id, model, nil)
            }
            guard let usage = Usage(scanning: usageMember.value, with: scanner) else { return .some(nil) }
            return (id, model, usage)
        }
        guard let read, let (id, model, usage) = read else { return nil }
        self.init(body: body, id: id, model: model, usage: usage)
    }
}

extension Usage {
    /// Reads an OpenAI `usage` object from the bytes at `range`; `nil` when a count is not a plain integer.
    public init?(scanning range: Range<Int>, with scanner: JSONFieldScanner) {
        guard let members = scanner.members(of: range) else { return nil }
        func count(_ name: StaticString, in members: [JSONFieldScanner.Member]) -> Int?? {
            guard let member = scanner.member(name, in: members), !scanner.isNull(member.value) else { return .some(0) }
            return scanner.integer(at: member.value).map { .some($0) } ?? .none
        }
        func nested(_ object: StaticString, _ name: StaticString) -> Int?? {
            guard let member = scanner.member(object, in: members), !scanner.isNull(member.value) else {
                return .some(0)
            }
            guard let inner = scanner.members(of: member.value) else { return .none }
            return count(name, in: inner)
        }
        guard let prompt = count("prompt_tokens", in: members) ?? nil,
            let completion = count("completion_tokens", in: members) ?? nil,
            let cacheCreation = count("cache_creation_input_tokens", in: members) ?? nil,
            let cached = nested("prompt_tokens_details", "cached_tokens") ?? nil,
            let reasoning = nested("completion_tokens_details", "reasoning_tokens") ?? nil
        else { return nil }
        self.init(
            promptTokens: prompt, completionTokens: completion, cachedPromptTokens: cached,
            cacheCreationTokens: cacheCreation, reasoningTokens: reasoning)
    }
}
