/// Tests on every UTF-8 byte of a string, over its contiguous storage.
///
/// `string.utf8.allSatisfy` and `string.utf8.contains(where:)` step through `String.UTF8View`'s generic iterator, about
/// 30 instructions a byte under callgrind; the same loop over the string's contiguous bytes (native strings always
/// have them; a small string is copied to the stack first) is a few. On the request path that was 1,500
/// instructions for one 50-byte route reason.
public enum UTF8Scan {
    /// Whether every UTF-8 byte of `text` passes `test` (`true` for an empty string).
    @inlinable
    public static func all(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            for byte in bytes where !test(byte) { return false }
            return true
        }) {
            return result
        }
        return text.utf8.allSatisfy(test)
    }

    /// Whether `text` (a string or a substring) starts with `prefix`, byte for byte (`String.hasPrefix` goes through
    /// the generic `Sequence.starts(with:)`: about 500 instructions for a 7-byte prefix under callgrind).
    @inlinable
    public static func hasPrefix(_ text: some StringProtocol, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard text.utf8.count >= count else { return false }
        let expected = prefix.utf8Start
        if let result = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            for index in 0..<count where bytes[index] != expected[index] { return false }
            return true
        }) {
            return result
        }
        return text.utf8.starts(with: UnsafeBufferPointer(start: expected, count: count))
    }

    /// Whether some UTF-8 byte of `text` passes `test`.
    @inlinable
    public static func any(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        !all(text) { !test($0) }
    }
}
