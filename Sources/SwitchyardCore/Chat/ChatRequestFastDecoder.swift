/// Decodes the common shape of a Chat Completions body straight from its bytes, without `JSONDecoder`.
///
/// The common shape: `model`, `messages` whose entries have `role`, a string (or null) `content` and `name`, and
/// the scalar parameters (`temperature`, `max_tokens`, `stream`, `stream_options.include_usage`, `stop`, …). For
/// anything else — tools, content parts, `response_format`, `metadata`, unknown fields, a key written twice, escaped
/// keys, a number an `Int` field would need to convert, JSON that is not valid — it returns `nil`, and the caller
/// decodes with `JSONDecoder` as before, which then gives the same value or the same error as it always did. It
/// never reports an error itself.
///
/// Why: the request's one `JSONDecoder` pass was the largest single cost of a proxied request, about 110,000 of
/// 683,000 instructions (`bench/results/gateway-2026-12-03-session5.md`).
public enum ChatRequestFastDecoder {
    /// The request, or `nil` when the body is outside the fast shape (decode it with `JSONDecoder` then).
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> ChatRequest? {
        var reader = JSONByteReader(bytes)
        return reader.request()
    }
}

/// An object key as ``JSONByteReader`` reads it: its bytes between the quotes (a key with an escape is refused
/// before), compared with names where they are. Made into a `String`, each key cost a string and a string
/// comparison per name tried.
struct JSONKey {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The key's length in bytes.
    var count: Int { bytes.count }

    /// Whether the key is `name`, byte for byte (the comparison of `JSONFieldScanner.key(_:is:)`).
    static func == (key: JSONKey, name: StaticString) -> Bool {
        JSONFieldScanner(key.bytes).key(0..<key.bytes.count, is: name)
    }
}

/// A forward-only reader over JSON bytes that gives up (returns `nil`) at anything unexpected.
struct JSONByteReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The whole body as one request, or `nil`.
    mutating func request() -> ChatRequest? {
        guard let request = topLevel() else { return nil }
        skipWhitespace()
        return index == bytes.count ? request : nil
    }

    /// The top-level object, field by field.
    private mutating func topLevel() -> ChatRequest? {
        var model: String?
        var messages: [ChatMessage]?
        var request = ChatRequest(model: "", messages: [])
        var seen: UInt32 = 0
        let parsed = object { reader, key in
            guard let field = ChatRequest.Field(jsonKey: key), seen & field.bit == 0 else { return false }
            seen |= field.bit
            switch field {
            case .model:
                guard let value = reader.string() else { return false }
                model = value
            case .messages:
                guard let value = reader.messages() else { return false }
                messages = value
            case .temperature: return reader.optionalDouble(&request.temperature)
            case .topP: return reader.optionalDouble(&request.topP)
            case .presencePenalty: return reader.optionalDouble(&request.presencePenalty)
            case .frequencyPenalty: return reader.optionalDouble(&request.frequencyPenalty)
            case .maxTokens: return reader.optionalInt(&request.maxTokens)
            case .maxCompletionTokens: return reader.optionalInt(&request.maxCompletionTokens)
            case .n: return reader.optionalInt(&request.n)
            case .seed: return reader.optionalInt(&request.seed)
            case .topLogprobs: return reader.optionalInt(&request.topLogprobs)
            case .logprobs: return reader.optionalBool(&request.logprobs)
            case .parallelToolCalls: return reader.optionalBool(&request.parallelToolCalls)
            case .stream:
                var stream: Bool?
                guard reader.optionalBool(&stream) else { return false }
                request.stream = stream ?? false
            case .user: return reader.optionalString(&request.user)
            case .reasoningEffort: return reader.optionalString(&request.reasoningEffort)
            case .stop:
                if reader.peek() == UInt8(ascii: "[") {
                    guard let list = reader.stringArray() else { return false }
                    request.stop = list
                } else {
                    var single: String?
                    guard reader.optionalString(&single) else { return false }
                    request.stop = single.map { [$0] }
                }
            case .streamOptions:
                if reader.literal("null") { return true }
                var includeUsage: Bool?
                var seenIncludeUsage = false
                let ok = reader.object { reader, key in
                    guard key == "include_usage", !seenIncludeUsage else { return false }
                    seenIncludeUsage = true
                    return reader.optionalBool(&includeUsage)
                }
                guard ok else { return false }
                request.includeUsageInStream = includeUsage ?? false
            case .tools, .toolChoice, .responseFormat, .metadata:
                return false
            }
            return true
        }
        guard parsed, let model, !model.isEmpty, let messages else { return nil }
        request.model = model
        request.messages = messages
        return request
    }

    // MARK: Values

    /// `[ {role, content, name}, … ]`.
    mutating func messages() -> [ChatMessage]? {
        array { reader in reader.message() }
    }

    /// `{role, content, name}`.
    mutating func message() -> ChatMessage? {
        var role: ChatRole?
        var content: String?
        var hasContent = false
        var name: String?
        var hasName = false
        let ok = object { reader, key in
            if key == "role" {
                // An escaped role is left to `JSONDecoder`, as an escaped key is.
                guard role == nil, let text = reader.plainString(), let value = Self.role(text) else { return false }
                role = value
            } else if key == "content" {
                guard !hasContent else { return false }
                hasContent = true
                return reader.optionalString(&content)
            } else if key == "name" {
                guard !hasName else { return false }
                hasName = true
                return reader.optionalString(&name)
            } else {
                return false
            }
            return true
        }
        guard ok, let role else { return nil }
        return ChatMessage(role: role, content: content.map { .text($0) }, name: name)
    }

    /// The role a role value's bytes name, as `ChatRole(rawValue:)` finds it without a string.
    static func role(_ text: JSONKey) -> ChatRole? {
        switch text.count {
        case 4: text == "user" ? .user : text == "tool" ? .tool : nil
        case 6: text == "system" ? .system : nil
        case 9: text == "assistant" ? .assistant : text == "developer" ? .developer : nil
        default: nil
        }
    }

    mutating func stringArray() -> [String]? {
        array { reader in reader.string() }
    }

    /// `[ element, … ]`; `element` reads one or gives up.
    mutating func array<Element>(_ element: (inout JSONByteReader) -> Element?) -> [Element]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var result: [Element] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return result }
        // Room for a few elements at once: a chat's messages (system, user, ...) grew the array one reallocation
        // at a time, about 300 instructions each under callgrind.
        result.reserveCapacity(4)
        while true {
            skipWhitespace()
            guard let value = element(&self) else { return nil }
            // Moved, not copied: a message is a large struct, and its copy and the local's destruction cost about
            // 350 instructions a message.
            result.append(consume value)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "]")) else { return nil }
            return result
        }
    }

    /// `{ "key": value, … }`; `field` reads each value and says whether it could.
    mutating func object(_ field: (inout JSONByteReader, JSONKey) -> Bool) -> Bool {
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let key = plainString() else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard field(&self, key) else { return false }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    mutating func optionalString(_ value: inout String?) -> Bool {
        if literal("null") {
            value = nil
            return true
        }
        guard let text = string() else { return false }
        value = text
        return true
    }

    mutating func optionalBool(_ value: inout Bool?) -> Bool {
        if literal("null") {
            value = nil
        } else if literal("true") {
            value = true
        } else if literal("false") {
            value = false
        } else {
            return false
        }
        return true
    }

    mutating func optionalDouble(_ value: inout Double?) -> Bool {
        if literal("null") {
            value = nil
            return true
        }
        guard let span = number(integerOnly: false),
            let parsed = Self.shortDecimal(UnsafeRawBufferPointer(rebasing: bytes[span]))
                ?? Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[span]), as: UTF8.self)),
            parsed.isFinite
        else { return false }
        value = parsed
        return true
    }

    /// The value of a number written with at most 15 digits and no exponent (`0.2`, `-1.25`, `512`), exactly as
    /// `Double(String)` reads it; `nil` for any other number, which that reads instead. Its digits make an integer
    /// below 2^53 and its fraction a power of ten up to 10^15, both exact as doubles, so the one division rounds
    /// correctly (Clinger's fast path). `Double(String)` is `strtod` on a new string: about 1,000 instructions for a
    /// request's `temperature`, in code no other part of a request runs.
    static func shortDecimal(_ text: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        let negative = !text.isEmpty && text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if inFraction { fractionDigits += 1 }
            } else {
                return nil  // an exponent
            }
            index += 1
        }
        guard digits > 0, digits <= 15 else { return nil }
        let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    /// 10^0 through 10^15, each exact as a double.
    private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

    mutating func optionalInt(_ value: inout Int?) -> Bool {
        if literal("null") {
            value = nil
            return true
        }
        guard let span = number(integerOnly: true), span.count <= 18 else { return false }
        var result = 0
        var negative = false
        for position in span {
            let byte = bytes[position]
            if byte == UInt8(ascii: "-") {
                negative = true
            } else {
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        value = negative ? -result : result
        return true
    }

    /// The bytes of a JSON number (RFC 8259 grammar); `integerOnly` refuses fractions and exponents.
    private mutating func number(integerOnly: Bool) -> Range<Int>? {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard let first = peek(), isDigit(first) else { return nil }
        index += 1
        if first != UInt8(ascii: "0") { while let byte = peek(), isDigit(byte) { index += 1 } }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            guard !integerOnly else { return nil }
            if consume(UInt8(ascii: ".")) {
                guard let digit = peek(), isDigit(digit) else { return nil }
                while let byte = peek(), isDigit(byte) { index += 1 }
            }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                guard let digit = peek(), isDigit(digit) else { return nil }
                while let byte = peek(), isDigit(byte) { index += 1 }
            }
        }
        return start..<index
    }

    /// The bytes of a string without escapes (a key, a role), not made into a `String`; `nil` for a string with a
    /// backslash or a control character.
    mutating func plainString() -> JSONKey? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        index = JSONFieldScanner.skipPlainStringBytes(bytes, from: index, to: bytes.count)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return JSONKey(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    /// A string value, escapes decoded (the body was already checked to be UTF-8); with `escapes: false`, a string
    /// with a backslash is refused.
    mutating func string(escapes: Bool = true) -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            // Eight bytes at a time up to the first quote, backslash or control character.
            index = JSONFieldScanner.skipPlainStringBytes(bytes, from: index, to: bytes.count)
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return escapes ? escapedString(from: start) : nil }
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    private mutating func escapedString(from start: Int) -> String? {
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            guard byte >= 0x20 else { return nil }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard let escape = next() else { return nil }
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = hex4(),
                        (0xDC00..<0xE000).contains(low)
                    else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    return nil
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                utf8.append(contentsOf: UTF8.encode(unicode)!)
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Bytes

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func skipWhitespaceToEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
