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
            var idMember: JSONFieldScanner.Member?
            var modelMember: JSONFieldScanner.Member?
            var choices: JSONFieldScanner.Member?
            var usageMember: JSONFieldScanner.Member?
            let isObject = scanner.forEachMember { member in
                if idMember == nil, scanner.key(member, is: "id") {
                    idMember = member
                } else if modelMember == nil, scanner.key(member, is: "model") {
                    modelMember = member
                } else if choices == nil, scanner.key(member, is: "choices") {
                    choices = member
                } else if usageMember == nil, scanner.key(member, is: "usage") {
                    usageMember = member
                }
            }
            guard isObject, let idMember, let id = scanner.plainString(at: idMember.value), !id.isEmpty,
                let choices, bytes[choices.value.lowerBound] == UInt8(ascii: "[")
            else { return nil }
            let model = modelMember.flatMap { scanner.plainString(at: $0.value) } ?? ""
            guard let usageMember, !scanner.isNull(usageMember.value) else {
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
        var prompt, completion, cacheCreation, promptDetails, completionDetails: JSONFieldScanner.Member?
        let isObject = scanner.forEachMember(of: range) { member in
            if prompt == nil, scanner.key(member, is: "prompt_tokens") {
                prompt = member
            } else if completion == nil, scanner.key(member, is: "completion_tokens") {
                completion = member
            } else if cacheCreation == nil, scanner.key(member, is: "cache_creation_input_tokens") {
                cacheCreation = member
            } else if promptDetails == nil, scanner.key(member, is: "prompt_tokens_details") {
                promptDetails = member
            } else if completionDetails == nil, scanner.key(member, is: "completion_tokens_details") {
                completionDetails = member
            }
        }
        guard isObject else { return nil }
        /// A count: 0 when absent or null, `nil` (not a usage) when it is not a plain integer.
        func count(_ member: JSONFieldScanner.Member?) -> Int? {
            guard let member, !scanner.isNull(member.value) else { return 0 }
            return scanner.integer(at: member.value)
        }
        /// A count inside a details object.
        func nested(_ object: JSONFieldScanner.Member?, _ name: StaticString) -> Int? {
            guard let object, !scanner.isNull(object.value) else { return 0 }
            var inner: JSONFieldScanner.Member?
            guard scanner.forEachMember(of: object.value, { if inner == nil, scanner.key($0, is: name) { inner = $0 } })
            else { return nil }
            return count(inner)
        }
        guard let promptTokens = count(prompt), let completionTokens = count(completion),
            let cacheCreationTokens = count(cacheCreation),
            let cached = nested(promptDetails, "cached_tokens"),
            let reasoning = nested(completionDetails, "reasoning_tokens")
        else { return nil }
        self.init(
            promptTokens: promptTokens, completionTokens: completionTokens, cachedPromptTokens: cached,
            cacheCreationTokens: cacheCreationTokens, reasoningTokens: reasoning)
    }
}
