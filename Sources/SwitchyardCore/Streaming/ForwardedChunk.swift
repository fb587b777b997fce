/// One `chat.completion.chunk` an upstream sent in the gateway's own dialect, relayed to the client as written,
/// with the usage it reports read from its bytes.
public struct ForwardedChunk: Sendable, Hashable {
    /// The chunk's JSON, the `data:` field of its server-sent event.
    public var data: String
    /// The usage the chunk carries, if any.
    public var usage: Usage?
    /// Whether the chunk finishes a choice (has a `finish_reason`).
    public var finishes: Bool
    /// Whether the chunk has no choices (`"choices": []`, as the usage chunk of `include_usage` has).
    public var isUsageOnly: Bool

    /// Creates a forwarded chunk.
    public init(data: String, usage: Usage? = nil, finishes: Bool = false, isUsageOnly: Bool = false) {
        self.data = data
        self.usage = usage
        self.finishes = finishes
        self.isUsageOnly = isUsageOnly
    }
}

extension ForwardedChunk {
    /// Reads an OpenAI `chat.completion.chunk`: `nil` when the frame is not an object with a `choices` array, carries
    /// an `error`, or has a usage that is not plain integers; the caller then decodes it fully.
    public init?(openAIChunk data: String) {
        var data = data
        let read: (Usage?, Bool, Bool)?? = data.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let scanner = JSONFieldScanner(bytes)
            let end = bytes.count
            // One pass over the bytes, keeping the three members it reads; `choices` and `usage` are read where they
            // stand, not skipped and scanned again (a chunk is read per token, so no member arrays either).
            var error: Range<Int>?
            var usage: Usage?
            var usageSeen = false
            var usageValid = true
            var sawChoices = false
            var finishes = false
            var empty = true
            let after = scanner.readObject(at: scanner.skippingSpace(from: 0, end: end), end: end) { key, start in
                if !sawChoices, scanner.key(key, is: "choices") {
                    sawChoices = true
                    if bytes[start] == UInt8(ascii: "n") {
                        guard let valueEnd = scanner.endOfValue(at: start, end: end),
                            scanner.isNull(start..<valueEnd)
                        else { return nil }
                        return valueEnd
                    }
                    return scanner.readArray(at: start, end: end) { element in
                        empty = false
                        var reason: Range<Int>?
                        let elementEnd = scanner.readObject(at: element, end: end) { field, value in
                            guard let valueEnd = scanner.endOfValue(at: value, end: end) else { return nil }
                            if reason == nil, scanner.key(field, is: "finish_reason") { reason = value..<valueEnd }
                            return valueEnd
                        }
                        if let reason, !scanner.isNull(reason) { finishes = true }
                        return elementEnd
                    }
                }
                if !usageSeen, scanner.key(key, is: "usage") {
                    usageSeen = true
                    guard let member = Usage.member(at: start, end: end, with: scanner) else { return nil }
                    (usage, usageValid) = (member.usage, member.valid)
                    return member.end
                }
                guard let valueEnd = scanner.endOfValue(at: start, end: end) else { return nil }
                if error == nil, scanner.key(key, is: "error") { error = start..<valueEnd }
                return valueEnd
            }
            guard let after, scanner.skippingSpace(from: after, end: end) == end else { return nil }
            if let error, !scanner.isNull(error) { return nil }
            guard usageValid else { return .some(nil) }
            return (usage, finishes, empty)
        }
        guard let read, let (usage, finishes, empty) = read else { return nil }
        self.init(data: data, usage: usage, finishes: finishes, isUsageOnly: empty)
    }
}
