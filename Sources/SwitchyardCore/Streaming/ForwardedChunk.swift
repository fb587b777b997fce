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
            guard let members = scanner.members() else { return nil }
            if let error = scanner.member("error", in: members), !scanner.isNull(error.value) { return nil }
            var finishes = false
            var empty = true
            if let choices = scanner.member("choices", in: members), !scanner.isNull(choices.value) {
                guard let elements = scanner.elements(of: choices.value) else { return nil }
                empty = elements.isEmpty
                for element in elements {
                    guard let fields = scanner.members(of: element) else { return nil }
                    if let reason = scanner.member("finish_reason", in: fields), !scanner.isNull(reason.value) {
                        finishes = true
                    }
                }
            }
            guard let usageMember = scanner.member("usage", in: members), !scanner.isNull(usageMember.value) else {
                return (nil, finishes, empty)
            }
            guard let usage = Usage(scanning: usageMember.value, with: scanner) else { return .some(nil) }
            return (usage, finishes, empty)
        }
        guard let read, let (usage, finishes, empty) = read else { return nil }
        self.init(data: data, usage: usage, finishes: finishes, isUsageOnly: empty)
    }
}
