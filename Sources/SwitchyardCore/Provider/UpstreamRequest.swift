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
