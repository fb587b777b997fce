/// Copies bytes into memory whose size was counted beforehand: a head of forty strings written with one
/// `ByteBuffer` write instead of forty (each `ByteBuffer` write checks capacity, uniqueness and bounds, about 250
/// instructions). Used for HTTP/1.1 heads, both the gateway's responses and its upstream requests.
///
/// The caller counts first and must not append more than it counted: there is no bounds check beyond the
/// buffer's own debug precondition.
public struct ByteAppender {
    /// The memory written to.
    public let bytes: UnsafeMutableRawBufferPointer
    /// How many bytes were appended so far.
    public private(set) var count = 0

    /// How many more bytes fit.
    public var room: Int { bytes.count - count }

    /// An appender at the start of `bytes`.
    public init(bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Appends one byte.
    public mutating func append(_ byte: UInt8) {
        bytes[count] = byte
        count += 1
    }

    /// Appends a static string's UTF-8 bytes.
    public mutating func append(_ text: StaticString) {
        copy(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Appends a string's UTF-8 bytes.
    public mutating func append(_ text: String) {
        // Not `withUTF8`, which needs a mutable copy, nor a rebased slice per write: a plain copy to the end.
        let copied = text.utf8.withContiguousStorageIfAvailable { source -> Int in
            if let start = source.baseAddress { copy(start, source.count) }
            return source.count
        }
        if copied == nil {
            for byte in text.utf8 { append(byte) }
        }
    }

    /// Appends raw bytes.
    public mutating func append(_ raw: UnsafeRawBufferPointer) {
        guard let start = raw.baseAddress else { return }
        copy(start.assumingMemoryBound(to: UInt8.self), raw.count)
    }

    private mutating func copy(_ source: UnsafePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        precondition(count + length <= bytes.count, "ByteAppender: more bytes than counted")
        (bytes.baseAddress! + count).copyMemory(from: source, byteCount: length)
        count += length
    }

    /// Appends a non-negative integer in decimal.
    public mutating func append(decimal value: Int) {
        precondition(value >= 0, "negative")
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        var remaining = value
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            bytes[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        count += digits
    }

    /// How many bytes ``append(decimal:)`` writes for `value`.
    public static func decimalCount(_ value: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        return digits
    }
}
