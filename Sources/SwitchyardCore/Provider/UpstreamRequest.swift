public import NIOCore

/// An HTTP request to a provider, as an adapter builds it. The shared client sends it.
public struct UpstreamRequest: Sendable {
    /// The HTTP method; `POST` for every chat call.
    public var method: String
    /// The full URL.
    public var url: String
    /// Headers, authentication included.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: ByteBuffer
    /// Set when the caller reads the whole response body before using any of it (a non-streaming call): the
    /// transport may then collect it where it reads it, up to this many bytes, instead of handing it over piece by
    /// piece. A larger body still ends in the caller's "too large" error.
    public var wholeBodyLimit: Int?

    /// Creates a request.
    public init(method: String = "POST", url: String, headers: [(name: String, value: String)], body: ByteBuffer) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The status and headers of a provider's response.
///
/// The fields are kept as received: a response's headers are read by name only on the way to an error (its
/// `retry-after`), so nothing is lowercased or hashed for the successful answers that are nearly every response
/// (a dictionary built per response was 4,200 instructions of a proxied request under callgrind).
public struct UpstreamResponseHead: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The header fields in the order received, names as the upstream wrote them.
    public var fields: [(String, String)]

    /// Creates a response head.
    public init(status: Int, headers: [(String, String)]) {
        self.status = status
        fields = headers
    }

    /// Headers by lowercased name (a later field wins). Built on each call: read ``value(of:)`` for one field.
    public var headers: [String: String] {
        var map: [String: String] = [:]
        for (name, value) in fields { map[name.lowercased()] = value }
        return map
    }

    /// The value of the field named `name` (given in lowercase; matched in any case), the last when repeated.
    public func value(of name: StaticString) -> String? {
        for (field, value) in fields.reversed() {
            var field = field
            if field.withUTF8({ HTTP1Syntax.equalIgnoringCase(UnsafeRawBufferPointer($0), name) }) { return value }
        }
        return nil
    }

    /// The `retry-after` header in seconds (delta-seconds form), or `retry-after-ms` when present.
    public var retryAfterSeconds: Double? {
        if let ms = value(of: "retry-after-ms").flatMap(Double.init) { return ms / 1000 }
        return value(of: "retry-after").flatMap(Double.init)
    }
}
