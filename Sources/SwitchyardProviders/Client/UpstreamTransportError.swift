/// Why the pooled HTTP/1.1 transport could not complete an upstream exchange. ``UpstreamClient`` maps each case to a
/// ``SwitchyardCore/GatewayError`` code, as it does AsyncHTTPClient's errors.
enum UpstreamTransportError: Error, Sendable, Equatable {
    /// No connection within the connect timeout.
    case connectTimeout
    /// The connection could not be opened (refused, unresolvable host, unreachable network).
    case connectFailed(String)
    /// No response head within the first-byte (or idle) limit.
    case firstByteTimeout
    /// The body went silent for longer than the idle limit.
    case idleTimeout
    /// The upstream closed the connection before the response head; `reused` when the connection had served an
    /// earlier exchange (a keep-alive connection the server dropped: safe to try once more on a new one).
    case closedBeforeResponse(reused: Bool)
    /// The upstream closed the connection in the middle of the body.
    case closedMidBody
    /// The waiting task was cancelled.
    case cancelled
    /// The upstream sent bytes that are not HTTP/1.1.
    case malformedResponse(String)
}
