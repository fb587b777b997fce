#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte classes of HTTP/1.1 heads (RFC 9110 §5.1, §5.5), shared by the pooled transport's request writer and
/// response parser and by the gateway's request parser, so all hold the same rules.
public enum HTTP1Syntax {
    /// Whether `byte` is a `tchar`: `!#$%&'*+-.^_`|~`, a digit or a letter (methods and field names).
    ///
    /// A bit per ASCII byte in two words: a shift and a test, where the ranges and the symbols were a chain of
    /// comparisons.
    @inlinable @inline(__always)
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        // Bit n of `low`: byte n (0x00-0x3F) is a tchar; of `high`: byte 0x40 + n.
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        guard byte < 0x80 else { return false }
        return ((byte < 0x40 ? low : high) >> UInt64(byte & 0x3F)) & 1 != 0
    }

    /// Whether `byte` may appear in a field value: anything but a control character other than horizontal tab.
    @inlinable @inline(__always)
    public static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == 0x09
    }

    /// Whether every byte of `value` may appear in a field value (``isFieldValueByte(_:)``), eight bytes at a time.
    ///
    /// A byte at a time took about 14 instructions a byte under callgrind: some 700 per request head, and more for
    /// an upstream's response head.
    @inlinable
    public static func isFieldValue(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let base = value.baseAddress else { return true }
        let count = value.count
        var index = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if controlBytes(word) != 0 {
                // A control byte, or a tab (which is allowed): these eight decide byte by byte.
                for offset in index..<(index + 8) where !isFieldValueByte(value[offset]) { return false }
            }
            index += 8
        }
        while index < count {
            guard isFieldValueByte(value[index]) else { return false }
            index += 1
        }
        return true
    }

    /// Nonzero when a byte of `word` is below 0x20 or is 0x7F (none is missed; bytes of 0x80 and above never count).
    @inlinable @inline(__always)
    static func controlBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // A lane below n borrows in (word - n·ones) with its high bit clear in word: n = 0x20, and 1 for word ^ 0x7F.
        let below = (word &- ones &* 0x20) & ~word & high
        let delete = word ^ (ones &* 0x7F)
        return below | ((delete &- ones) & ~delete & high)
    }

    /// The name and value of a field line (`name: value`, without its line break): the name a token right before the
    /// colon, the value without the spaces and tabs around it and holding no control byte but tab. `nil` for any other
    /// line: a space before the colon, a line that starts with a space or tab (obs-fold), no colon.
    @inlinable
    public static func field(_ line: UnsafeRawBufferPointer)
        -> (name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
    {
        var colon = 0
        while colon < line.count, line[colon] != UInt8(ascii: ":") {
            guard isTokenByte(line[colon]) else { return nil }
            colon += 1
        }
        guard colon > 0, colon < line.count else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: line[valueBounds(in: line, afterColon: colon)])
        guard isFieldValue(value) else { return nil }
        return (UnsafeRawBufferPointer(rebasing: line[..<colon]), value)
    }

    /// Whether `a` and `b` hold the same bytes (`memcmp`).
    @inlinable
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return memcmp(left, right, a.count) == 0
    }

    /// A `Content-Length` value: digits only, at most 18 of them (no sign, no spaces, no list); `nil` otherwise.
    @inlinable
    public static func contentLength(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var length = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return length
    }

    /// The offset of the first LF in `bytes` at or after `start`, or `nil`.
    ///
    /// `memchr`, not `firstIndex(of:)`: the generic search steps a byte at a time through the collection's indices,
    /// about five instructions a byte under callgrind, 157 for one line of a request head.
    @inlinable
    public static func firstLineFeed(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        firstIndex(of: 0x0A, in: bytes, from: start)
    }

    /// The offset of the first `byte` in `bytes` at or after `start`, or `nil` (`memchr`).
    @inlinable
    public static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The line of `bytes` that starts at `start`, without its line break (LF or CRLF), and where the next line
    /// starts (past the end when there is no line break).
    @inlinable
    public static func line(in bytes: UnsafeRawBufferPointer, from start: Int) -> (line: UnsafeRawBufferPointer, next: Int) {
        let newline = firstLineFeed(in: bytes, from: start) ?? max(start, bytes.count)
        var end = newline
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return (UnsafeRawBufferPointer(rebasing: bytes[start..<end]), newline + 1)
    }

    /// The bounds of a field's value in `line`, after the colon at `colon`, without the spaces and tabs around it.
    @inlinable
    public static func valueBounds(in line: UnsafeRawBufferPointer, afterColon colon: Int) -> Range<Int> {
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        return start..<end
    }

    /// Calls `body` with each comma-separated token of a field's value, without the spaces and tabs around it;
    /// empty tokens are skipped. No array of slices (`split` allocates one).
    @inlinable
    public static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var low = start
            var high = end
            while low < high, value[low] == 0x20 || value[low] == 0x09 { low += 1 }
            while high > low, value[high - 1] == 0x20 || value[high - 1] == 0x09 { high -= 1 }
            if high > low { body(UnsafeRawBufferPointer(rebasing: value[low..<high])) }
            start = end + 1
        }
    }

    /// Whether `bytes` spell `lowercase` in any ASCII case.
    @inlinable
    public static func equalIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count {
            var byte = bytes[index]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != expected[index] { return false }
        }
        return true
    }
}
