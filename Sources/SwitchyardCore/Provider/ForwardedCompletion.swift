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
    ///
    /// One pass over the body: `usage` is read where it is found, not skipped and then read again.
    public init?(openAIBody body: ByteBuffer) {
        let read: (String, String, Usage?)?? = body.withUnsafeReadableBytes { bytes in
            let scanner = JSONFieldScanner(bytes)
            let end = bytes.count
            var idValue, modelValue, choicesValue: Range<Int>?
            var usage: Usage?
            var usageSeen = false
            var usageValid = true
            let after = scanner.readObject(at: scanner.skippingSpace(from: 0, end: end), end: end) { key, start in
                if !usageSeen, scanner.key(key, is: "usage") {
                    usageSeen = true
                    guard let member = Usage.member(at: start, end: end, with: scanner) else { return nil }
                    (usage, usageValid) = (member.usage, member.valid)
                    return member.end
                }
                guard let valueEnd = scanner.endOfValue(at: start, end: end) else { return nil }
                if idValue == nil, scanner.key(key, is: "id") {
                    idValue = start..<valueEnd
                } else if modelValue == nil, scanner.key(key, is: "model") {
                    modelValue = start..<valueEnd
                } else if choicesValue == nil, scanner.key(key, is: "choices") {
                    choicesValue = start..<valueEnd
                }
                return valueEnd
            }
            guard let after, scanner.skippingSpace(from: after, end: end) == end,
                let idValue, let id = scanner.plainString(at: idValue), !id.isEmpty,
                let choicesValue, bytes[choicesValue.lowerBound] == UInt8(ascii: "[")
            else { return nil }
            let model = modelValue.flatMap { scanner.plainString(at: $0) } ?? ""
            guard usageValid else { return .some(nil) }
            return (id, model, usage)
        }
        guard let read, let (id, model, usage) = read else { return nil }
        self.init(body: body, id: id, model: model, usage: usage)
    }
}

extension Usage {
    /// Reads an OpenAI `usage` object from the bytes at `range`; `nil` when a count is not a plain integer.
    public init?(scanning range: Range<Int>, with scanner: JSONFieldScanner) {
        let start = scanner.skippingSpace(from: range.lowerBound, end: range.upperBound)
        guard let (usage, end) = Self.scan(at: start, end: range.upperBound, with: scanner),
            scanner.skippingSpace(from: end, end: range.upperBound) == range.upperBound, let usage
        else { return nil }
        self = usage
    }

    /// Reads the value of a `usage` member that starts at `start` (its bytes end by `end`), where it is: an object is
    /// read as a usage (``scan(at:end:with:)``), and `null` is no usage. `valid` is `false` for any other value, and
    /// for a usage whose counts are not plain integers (the caller then decodes the whole body). `nil` when the bytes
    /// are not a JSON value.
    public static func member(at start: Int, end: Int, with scanner: JSONFieldScanner)
        -> (usage: Usage?, valid: Bool, end: Int)?
    {
        if scanner.isObjectStart(start) {
            guard let (usage, valueEnd) = scan(at: start, end: end, with: scanner) else { return nil }
            return (usage, usage != nil, valueEnd)
        }
        guard let valueEnd = scanner.endOfValue(at: start, end: end) else { return nil }
        return (nil, scanner.isNull(start..<valueEnd), valueEnd)
    }

    /// Reads the OpenAI `usage` object that opens at `start` (its bytes end by `end`) in one pass, the details
    /// objects where they are found: the index after it, with the usage, or `nil` for the usage when a count is not
    /// a plain integer (or a details member is not an object). `nil` when the bytes are not an object.
    public static func scan(at start: Int, end: Int, with scanner: JSONFieldScanner) -> (usage: Usage?, end: Int)? {
        var prompt, completion, cacheCreation: Range<Int>?
        // A details member's count: 0 when it or its count is absent or null; `nil` when it is not a count.
        var cached: Int? = 0
        var reasoning: Int? = 0
        var promptDetailsSeen = false
        var completionDetailsSeen = false
        /// A count: 0 when absent or null, `nil` (not a usage) when it is not a plain integer.
        func count(_ value: Range<Int>?) -> Int? {
            guard let value, !scanner.isNull(value) else { return 0 }
            return scanner.integer(at: value)
        }
        /// Reads the count called `name` in the details value at `start` into `result`; the index after the value.
        func details(at start: Int, _ name: StaticString, into result: inout Int?) -> Int? {
            guard scanner.isObjectStart(start) else {
                guard let valueEnd = scanner.endOfValue(at: start, end: end) else { return nil }
                if !scanner.isNull(start..<valueEnd) { result = nil }
                return valueEnd
            }
            var inner: Range<Int>?
            let after = scanner.readObject(at: start, end: end) { key, innerStart in
                guard let valueEnd = scanner.endOfValue(at: innerStart, end: end) else { return nil }
                if inner == nil, scanner.key(key, is: name) { inner = innerStart..<valueEnd }
                return valueEnd
            }
            result = count(inner)
            return after
        }
        let after = scanner.readObject(at: start, end: end) { key, valueStart in
            if !promptDetailsSeen, scanner.key(key, is: "prompt_tokens_details") {
                promptDetailsSeen = true
                return details(at: valueStart, "cached_tokens", into: &cached)
            }
            if !completionDetailsSeen, scanner.key(key, is: "completion_tokens_details") {
                completionDetailsSeen = true
                return details(at: valueStart, "reasoning_tokens", into: &reasoning)
            }
            guard let valueEnd = scanner.endOfValue(at: valueStart, end: end) else { return nil }
            if prompt == nil, scanner.key(key, is: "prompt_tokens") {
                prompt = valueStart..<valueEnd
            } else if completion == nil, scanner.key(key, is: "completion_tokens") {
                completion = valueStart..<valueEnd
            } else if cacheCreation == nil, scanner.key(key, is: "cache_creation_input_tokens") {
                cacheCreation = valueStart..<valueEnd
            }
            return valueEnd
        }
        guard let after else { return nil }
        guard let promptTokens = count(prompt), let completionTokens = count(completion),
            let cacheCreationTokens = count(cacheCreation), let cached, let reasoning
        else { return (nil, after) }
        let usage = Usage(
            promptTokens: promptTokens, completionTokens: completionTokens, cachedPromptTokens: cached,
            cacheCreationTokens: cacheCreationTokens, reasoningTokens: reasoning)
        return (usage, after)
    }
}
