/// The one error type of the gateway: a stable ``Code``, a message safe to show a client, and context for logs.
///
/// Rendered to clients as `{"error":{"message","type","param","code"}}` with the HTTP status of its code.
/// `message` never holds prompt text, keys or a raw upstream body; those stay in ``underlying`` for debug logs.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, from the client's side.
    public var code: Code
    /// A message for the client. No secrets, no prompt text.
    public var message: String
    /// The request parameter at fault, when there is one.
    public var param: String?
    /// The upstream's answer, when the failure came from a provider.
    public var upstream: UpstreamFailure?
    /// The original error, for logs only; never rendered.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, param: String? = nil, upstream: UpstreamFailure? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.param = param
        self.upstream = upstream
        self.underlying = underlying
    }

    /// `code: message`; safe to log.
    public var description: String { "\(code): \(message)" }

    /// What a provider answered when it failed.
    public struct UpstreamFailure: Sendable, Hashable {
        /// The provider's configured name.
        public var provider: String
        /// The upstream HTTP status, if a response arrived.
        public var status: Int?
        /// Seconds the upstream asked us to wait (`retry-after`).
        public var retryAfterSeconds: Double?
        /// The provider's own error type or code, e.g. `overloaded_error`.
        public var providerCode: String?

        /// Creates an upstream failure record.
        public init(provider: String, status: Int?, retryAfterSeconds: Double? = nil, providerCode: String? = nil) {
            self.provider = provider
            self.status = status
            self.retryAfterSeconds = retryAfterSeconds
            self.providerCode = providerCode
        }
    }
}
