/// Finds the members of a JSON object without decoding it: the byte ranges that the pass-through path rewrites
/// (a request's `model`) or reads (a response's `usage`), so that bodies the gateway does not need to change are
/// forwarded as the client or upstream wrote them.
///
/// The scanner checks structure (strings, nesting, separators), not every detail of the grammar: the bytes it
/// accepts are forwarded, and anything it rejects falls back to a full decode, which reports the error.
public struct JSONFieldScanner {
    /// One member of an object: the byte ranges of its key (without quotes) and its value.
    public struct Member: Sendable, Hashable {
        /// The key's bytes, without the quotes, escapes left as written.
        public var key: Range<Int>
        /// The value's bytes, from its first to its last byte.
        public var value: Range<Int>
    }

    private let bytes: UnsafeRawBufferPointer

    /// A scanner over bytes that stay valid while it is used.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The members of the object that spans `range` (the whole buffer when `nil`), in order; `nil` when those bytes
    /// are not one object.
    public func members(of range: Range<Int>? = nil) -> [Member]? {
        var members: [Member] = []
        // Room for a typical object's members at once: growing from empty reallocated three times per body.
        members.reserveCapacity(16)
        return forEachMember(of: range) { members.append($0) } ? members : nil
    }

    /// Calls `body` with each member of the object that spans `range` (the whole buffer when `nil`), in order;
    /// `false` when those bytes are not one object (`body` may have seen some members by then). No array is made:
    /// a reader after a few fields keeps what it needs as it goes.
    @discardableResult
    public func forEachMember(of range: Range<Int>? = nil, _ body: (Member) -> Void) -> Bool {
        let range = range ?? 0..<bytes.count
        let after = readObject(at: skipSpace(range.lowerBound, range.upperBound), end: range.upperBound) { key, start in
            guard let end = endOfValue(start, range.upperBound) else { return nil }
            body(Member(key: key, value: start..<end))
            return end
        }
        guard let after else { return false }
        return skipSpace(after, range.upperBound) == range.upperBound
    }

    /// Reads the object that opens at `start` (its bytes end by `end`) in one pass: `value` is called with each
    /// member's key (without quotes) and the index where its value starts, and returns the index after that value
    /// (``endOfValue(at:end:)`` skips one), or `nil` when the value is not valid. Returns the index after the
    /// closing brace, or `nil` when the bytes are not an object.
    ///
    /// A reader that looks inside a member's value reads it here, instead of skipping it and scanning it again.
    public func readObject(at start: Int, end: Int, _ value: (_ key: Range<Int>, _ start: Int) -> Int?) -> Int? {
        guard start < end, bytes[start] == UInt8(ascii: "{") else { return nil }
        var index = skipSpace(start + 1, end)
        if index < end, bytes[index] == UInt8(ascii: "}") { return index + 1 }
        while index < end {
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = endOfString(index, end) else { return nil }
            let key = (index + 1)..<(keyEnd - 1)
            index = skipSpace(keyEnd, end)
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index = skipSpace(index + 1, end)
            guard index < end, let valueEnd = value(key, index), valueEnd > index, valueEnd <= end else { return nil }
            index = skipSpace(valueEnd, end)
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index = skipSpace(index + 1, end)
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            return index + 1
        }
        return nil
    }

    /// Reads the array that opens at `start` (its bytes end by `end`) in one pass: `element` is called with the
    /// index where each element starts and returns the index after it, or `nil` when it is not valid. Returns the
    /// index after the closing bracket, or `nil` when the bytes are not an array.
    public func readArray(at start: Int, end: Int, _ element: (_ start: Int) -> Int?) -> Int? {
        guard start < end, bytes[start] == UInt8(ascii: "[") else { return nil }
        var index = skipSpace(start + 1, end)
        if index < end, bytes[index] == UInt8(ascii: "]") { return index + 1 }
        while index < end {
            guard let elementEnd = element(index), elementEnd > index, elementEnd <= end else { return nil }
            index = skipSpace(elementEnd, end)
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index = skipSpace(index + 1, end)
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { return nil }
            return index + 1
        }
        return nil
    }

    /// The index after the value that starts at `start` (its bytes end by `end`), or `nil` when it is not one.
    public func endOfValue(at start: Int, end: Int) -> Int? {
        endOfValue(start, end)
    }

    /// The first index from `start` (before `end`) that is not JSON whitespace.
    public func skippingSpace(from start: Int, end: Int) -> Int {
        skipSpace(start, end)
    }

    /// The byte ranges of the elements of the array that spans `range`; `nil` when those bytes are not one array.
    public func elements(of range: Range<Int>) -> [Range<Int>]? {
        var elements: [Range<Int>] = []
        return forEachElement(of: range) { elements.append($0) } ? elements : nil
    }

    /// Calls `body` with the byte range of each element of the array that spans `range`, in order; `false` when
    /// those bytes are not one array.
    @discardableResult
    public func forEachElement(of range: Range<Int>, _ body: (Range<Int>) -> Void) -> Bool {
        let after = readArray(at: skipSpace(range.lowerBound, range.upperBound), end: range.upperBound) { start in
            guard let end = endOfValue(start, range.upperBound) else { return nil }
            body(start..<end)
            return end
        }
        guard let after else { return false }
        return skipSpace(after, range.upperBound) == range.upperBound
    }

    /// Whether the key of `member` is exactly `name` (escaped keys never match).
    public func key(_ member: Member, is name: StaticString) -> Bool {
        key(member.key, is: name)
    }

    /// Whether the key at `key` (its bytes without quotes) is exactly `name` (escaped keys never match).
    public func key(_ key: Range<Int>, is name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.count == count else { return false }
        let start = name.utf8Start
        for offset in 0..<count where bytes[key.lowerBound + offset] != start[offset] {
            return false
        }
        return true
    }

    /// The first member called `name`.
    public func member(_ name: StaticString, in members: [Member]) -> Member? {
        members.first { key($0, is: name) }
    }

    /// The integer written at `range`, or `nil` when it is not a plain integer.
    public func integer(at range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        var negative = false
        for index in range {
            let byte = bytes[index]
            if index == range.lowerBound, byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// The string written at `range` when it has no escapes; `nil` for other values and escaped strings.
    public func plainString(at range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""),
            bytes[range.upperBound - 1] == UInt8(ascii: "\"")
        else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
        return String(decoding: inner, as: UTF8.self)
    }

    /// Whether an object opens at `index` (a `{` there).
    public func isObjectStart(_ index: Int) -> Bool {
        index < bytes.count && bytes[index] == UInt8(ascii: "{")
    }

    /// Whether the value at `range` is the literal `null`.
    public func isNull(_ range: Range<Int>) -> Bool {
        range.count == 4 && bytes[range.lowerBound] == UInt8(ascii: "n")
    }

    /// Whether the value at `range` is an empty array (`[]`, spaces allowed).
    public func isEmptyArray(_ range: Range<Int>) -> Bool {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "[") else { return false }
        return skipSpace(range.lowerBound + 1, range.upperBound) == range.upperBound - 1
    }

    // MARK: Grammar

    private func skipSpace(_ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// The index after the closing quote of the string that opens at `start`.
    ///
    /// Eight bytes at a time: each word's first quote, backslash or control character is found with bit arithmetic,
    /// and the bytes before it are skipped at once. Strings are most of a body's bytes (and keys most of its
    /// strings), and the byte loop alone was the larger part of reading a streamed chunk.
    private func endOfString(_ start: Int, _ end: Int) -> Int? {
        var index = start + 1
        while index < end {
            index = Self.skipPlainStringBytes(bytes, from: index, to: end)
            guard index < end else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            case 0..<0x20: return nil
            default: index += 1
            }
        }
        return nil
    }

    /// Skips, eight bytes at a time, the bytes from `index` that are neither a quote, a backslash nor a control
    /// character: returns the index of the first such byte, or where fewer than eight bytes are left before `end`
    /// (the caller's byte loop reads those).
    @inline(__always)
    static func skipPlainStringBytes(_ bytes: UnsafeRawBufferPointer, from index: Int, to end: Int) -> Int {
        var index = index
        while index + 8 <= end {
            let found = endOrEscapeBytes(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        return index
    }

    /// The high bit of each byte of `word` (little-endian) that may be `"`, `\\` or below 0x20. The lowest bit set
    /// always marks such a byte, and none is missed; bits above the lowest may be false alarms, which the byte
    /// check after it handles.
    @inline(__always)
    static func endOrEscapeBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteFound = (quote &- ones) & ~quote & highs
        let backslashFound = (backslash &- ones) & ~backslash & highs
        let controlFound = (word &- ones &* 0x20) & ~word & highs
        return quoteFound | backslashFound | controlFound
    }

    /// The index after the value that starts at `start`.
    private func endOfValue(_ start: Int, _ end: Int) -> Int? {
        guard start < end else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return endOfString(start, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return endOfContainer(start, end)
        default:
            var index = start
            while index < end {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    return index > start ? index : nil
                case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"):
                    return nil  // not part of a number or a literal: `stop"` is a broken string, not a value
                default: index += 1
                }
            }
            return index > start ? index : nil
        }
    }

    /// The index after the object or array that opens at `start`, with brackets balanced outside strings. The
    /// nesting is kept as one bit per level (object or array), so containers nested deeper than 64 levels are
    /// rejected (and decoded fully by the caller).
    private func endOfContainer(_ start: Int, _ end: Int) -> Int? {
        var kinds: UInt64 = 0  // bit n set: level n is an array
        var depth = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let after = endOfString(index, end) else { return nil }
                index = after
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < 64 else { return nil }
                if byte == UInt8(ascii: "[") { kinds |= 1 << depth } else { kinds &= ~(1 << depth) }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return nil }
                depth -= 1
                let isArray = kinds & (1 << depth) != 0
                guard isArray == (byte == UInt8(ascii: "]")) else { return nil }
                if depth == 0 { return index + 1 }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
