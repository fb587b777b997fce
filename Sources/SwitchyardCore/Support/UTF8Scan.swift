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

    /// Whether some UTF-8 byte of `text` passes `test`.
    @inlinable
    public static func any(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        !all(text) { !test($0) }
    }
}
