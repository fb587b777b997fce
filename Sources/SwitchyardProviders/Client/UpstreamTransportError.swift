#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Why the pooled HTTP/1.1 transport could not complete an upstream exchange. ``UpstreamClient`` maps each case to a
/// ``SwitchyardCore/GatewayError`` code, as it does AsyncHTTPClient's errors.
enum UpstreamTransportError: Error, Sendable, Equatable {
    /// No connection within the connect timeout.
    case connectTimeout
    /// The connection could not be opened (refused, unresolvable host, unreachable network).
    case connectFailed(String)
    /// The gateway itself is out of file descriptors (`EMFILE`, `ENFILE`): not the upstream's fault.
    case descriptorsExhausted
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
    /// A TLS handshake chose the other HTTP version (by ALPN) than the pool that opened the connection speaks:
    /// HTTP/2 when `http2`. ``UpstreamClient`` then sends the request through the pool that speaks it.
    case negotiated(http2: Bool)
    /// The request cannot be written as HTTP/1.1: a header (named here; or `method`, `target`, `host`) holds a
    /// character a field may not. Nothing was sent.
    case invalidRequestHeader(String)
}

extension UpstreamTransportError {
    /// What a failed connect means: a timeout, the gateway out of descriptors, or the upstream unreachable.
    static func connect(failure error: any Error) -> UpstreamTransportError {
        if case ChannelError.connectTimeout = error { return .connectTimeout }
        if let io = error as? IOError, io.errnoCode == EMFILE || io.errnoCode == ENFILE { return .descriptorsExhausted }
        if let connect = error as? NIOConnectionError {
            // Every address failed: out of descriptors if any attempt was.
            let causes: [any Error] =
                connect.connectionErrors.map(\.error) + [connect.dnsAError, connect.dnsAAAAError].compactMap { $0 }
            if causes.contains(where: { Self.connect(failure: $0) == .descriptorsExhausted }) {
                return .descriptorsExhausted
            }
        }
        return .connectFailed(String(describing: error))
    }
}

