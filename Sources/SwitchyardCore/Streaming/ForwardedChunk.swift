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
            // One pass over the members, keeping the three it reads (no member arrays: a chunk is read per token).
            var error: JSONFieldScanner.Member?
            var choices: JSONFieldScanner.Member?
            var usageMember: JSONFieldScanner.Member?
            let isObject = scanner.forEachMember { member in
                if error == nil, scanner.key(member, is: "error") {
                    error = member
                } else if choices == nil, scanner.key(member, is: "choices") {
                    choices = member
                } else if usageMember == nil, scanner.key(member, is: "usage") {
                    usageMember = member
                }
            }
            guard isObject else { return nil }
            if let error, !scanner.isNull(error.value) { return nil }
            var finishes = false
            var empty = true
            if let choices, !scanner.isNull(choices.value) {
                var valid = true
                let isArray = scanner.forEachElement(of: choices.value) { element in
                    empty = false
                    var reason: JSONFieldScanner.Member?
                    let isChoice = scanner.forEachMember(of: element) { field in
                        if reason == nil, scanner.key(field, is: "finish_reason") { reason = field }
                    }
                    if !isChoice { valid = false }
                    if let reason, !scanner.isNull(reason.value) { finishes = true }
                }
                guard isArray, valid else { return nil }
            }
            guard let usageMember, !scanner.isNull(usageMember.value) else {
                return (nil, finishes, empty)
            }
            guard let usage = Usage(scanning: usageMember.value, with: scanner) else { return .some(nil) }
            return (usage, finishes, empty)
        }
        guard let read, let (usage, finishes, empty) = read else { return nil }
        self.init(data: data, usage: usage, finishes: finishes, isUsageOnly: empty)
    }
}
