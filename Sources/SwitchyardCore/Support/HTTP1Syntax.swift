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
    @inlinable @inline(__always)
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether `byte` may appear in a field value: anything but a control character other than horizontal tab.
    @inlinable @inline(__always)
    public static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == 0x09
    }

    /// The offset of the first LF in `bytes` at or after `start`, or `nil`.
    ///
    /// `memchr`, not `firstIndex(of:)`: the generic search steps a byte at a time through the collection's indices,
    /// about five instructions a byte under callgrind, 157 for one line of a request head.
    @inlinable
    public static func firstLineFeed(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, 0x0A, bytes.count - start)
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
