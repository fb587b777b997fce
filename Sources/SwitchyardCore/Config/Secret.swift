/// A credential that never prints itself.
///
/// `description` and `debugDescription` are `<redacted>`, so a secret interpolated into a log line or an error
/// message leaks nothing. Read the value only where it is sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret's value. Use only to authenticate upstream.
    public let value: String

    /// Wraps a value.
    public init(_ value: String) { self.value = value }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}
