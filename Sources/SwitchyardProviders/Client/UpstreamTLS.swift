import NIOCore
import NIOSSL
import NIOTLS
import SwitchyardCore
import Synchronization

/// TLS on the pooled transports (``HTTP1ConnectionPool``, ``HTTP2ConnectionPool``): one client context for every
/// `https://` upstream, the handshake in front of each new connection, and which HTTP version each upstream chose.
///
/// Connections offer `h2` and `http/1.1` by ALPN, as AsyncHTTPClient and browsers do, or `http/1.1` alone when so
/// configured. HTTP/2 is the default because it holds thousands of concurrent streams on a few connections: 10,000
/// slow streams over TLS took 207 MB and no error over HTTP/2, and over HTTP/1.1 a connection and a handshake each,
/// 389 MB at 6,500 connections, and most failed (`bench/results/gateway-2026-12-04-session16.md`). HTTP/1.1 is the
/// cheaper per request: against nginx over TLS, HTTP/2 took 26 to 32% more CPU per request, and 88 µs more at the
/// median one request at a time.
///
/// What an upstream chose is remembered per host and port, and later requests go straight to the pool that speaks it.
/// A connection whose handshake chose the other version than the pool that opened it speaks fails with
/// ``UpstreamTransportError/negotiated(http2:)``, and ``UpstreamClient`` sends the request through the other pool. The
/// first connection to an upstream is opened for HTTP/2 when it is offered, so one handshake is thrown away per process
/// for an upstream that chooses HTTP/1.1 (and one when an upstream changes), and none for one that chooses HTTP/2.
///
/// The connect timeout covers the TCP connect and the handshake together. Certificates are verified against the
/// trust roots (the system's by default) and the host name; an IP-literal URL is verified against the address, and
/// sends no SNI.
///
/// Through an HTTP proxy (``UpstreamProxy``, for the hosts it applies to), a connection goes to the proxy, asks it for
/// a tunnel (`CONNECT host:port`, with `Proxy-Authorization` when the proxy URL has credentials), and runs TLS with
/// the upstream inside it: the certificate checked is the upstream's, and the proxy sees only the host and port. The
/// connect timeout covers the tunnel too.
final class UpstreamTLS: Sendable {
    /// An HTTP version chosen by ALPN.
    enum Version: Sendable, Equatable {
        case http1
        case http2
    }

    private let configuration: TLSConfiguration
    /// The proxy TLS upstreams are reached through, for the hosts it applies to.
    let proxy: UpstreamProxy?
    /// The context, made on first use (loading the system's trust roots is not free), or why it could not be made.
    private let context = Mutex<Result<NIOSSLContext, UpstreamTransportError>?>(nil)
    private let chosen = Mutex<[HTTP1ConnectionPool.Key: Version]>([:])

    /// TLS with `configuration`'s trust roots and verification (`nil`: the system's), offering HTTP/1.1, and HTTP/2
    /// first when `offerHTTP2`.
    init(configuration: TLSConfiguration?, offerHTTP2: Bool, proxy: UpstreamProxy? = nil) {
        var configuration = configuration ?? .makeClientConfiguration()
        configuration.applicationProtocols = offerHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
        self.configuration = configuration
        self.proxy = proxy
    }

    /// Where a connection for `key` connects: the proxy, for a TLS upstream it applies to, else the upstream.
    static func address(for key: HTTP1ConnectionPool.Key, tls: UpstreamTLS?) -> (host: String, port: Int) {
        if key.tls, let proxy = tls?.proxy, proxy.applies(to: key.host) { return (proxy.host, proxy.port) }
        return (key.host, key.port)
    }

    /// The version `key`'s upstream chose on its last handshake; `nil` before the first.
    func version(for key: HTTP1ConnectionPool.Key) -> Version? {
        chosen.withLock { $0[key] }
    }

    private func remember(_ version: Version, for key: HTTP1ConnectionPool.Key) {
        chosen.withLock { chosen in
            if chosen[key] != version { chosen[key] = version }
        }
    }

    /// Makes the context now, to report bad settings (an unreadable trust-root file) at start.
    func prepare() throws(UpstreamTransportError) {
        _ = try sslContext()
    }

    private func sslContext() throws(UpstreamTransportError) -> NIOSSLContext {
        let made = context.withLock { context -> Result<NIOSSLContext, UpstreamTransportError> in
            if let context { return context }
            let made: Result<NIOSSLContext, UpstreamTransportError>
            do {
                made = .success(try NIOSSLContext(configuration: configuration))
            } catch {
                made = .failure(.connectFailed("TLS settings: \(error)"))
            }
            context = made
            return made
        }
        return try made.get()
    }

    /// Sets up a new connection's pipeline from its channel initializer: for a TLS `key`, TLS with `tls`, and the HTTP
    /// handlers (`configure`) once the handshake chose `speaks`, which the returned future reports; otherwise the HTTP
    /// handlers at once (`nil`).
    static func setUp(
        _ channel: any Channel, key: HTTP1ConnectionPool.Key, tls: UpstreamTLS?, speaks: Version, timeout: TimeAmount,
        configure: @escaping (any Channel) throws -> Void
    ) throws -> EventLoopFuture<Void>? {
        guard key.tls else {
            try configure(channel)
            return nil
        }
        guard let tls else { throw UpstreamTransportError.connectFailed("this pool has no TLS") }
        if let proxy = tls.proxy, proxy.applies(to: key.host) {
            return try tls.tunnel(
                channel, through: proxy, key: key, speaks: speaks, timeout: timeout, configure: configure)
        }
        return try tls.secure(channel, key: key, speaks: speaks, timeout: timeout, configure: configure)
    }

    /// Asks the proxy (which `channel` connects to) for a tunnel to `key`'s upstream, then runs ``secure`` in it; the
    /// whole within `timeout`.
    private func tunnel(
        _ channel: any Channel, through proxy: UpstreamProxy, key: HTTP1ConnectionPool.Key, speaks: Version,
        timeout: TimeAmount, configure: @escaping (any Channel) throws -> Void
    ) throws -> EventLoopFuture<Void> {
        let deadline = NIODeadline.now() + timeout
        let tunnelled = channel.eventLoop.makePromise(of: Void.self)
        try channel.pipeline.syncOperations.addHandler(
            ProxyTunnelHandler(proxy: proxy, host: key.host, port: key.port, promise: tunnelled))
        let expiry = channel.eventLoop.scheduleTask(deadline: deadline) {
            tunnelled.fail(UpstreamTransportError.connectTimeout)
            channel.close(promise: nil)
        }
        // Run on the channel's loop, as the initializer that made it.
        let configure = UnsafeTransfer(configure)
        return tunnelled.futureResult.always { _ in expiry.cancel() }.flatMap {
            do {
                return try self.secure(
                    channel, key: key, speaks: speaks, timeout: deadline - .now(), configure: configure.value)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }

    /// Adds TLS to a new connection's pipeline (from its channel initializer, on its loop). Once the handshake is
    /// done, `configure` adds the HTTP handlers for `speaks` on the loop, before any byte of the upstream's is read on;
    /// the returned future then succeeds. It fails when the handshake fails, when the upstream chose the other
    /// version (``UpstreamTransportError/negotiated(http2:)``), or when `timeout` passes first.
    func secure(
        _ channel: any Channel, key: HTTP1ConnectionPool.Key, speaks: Version, timeout: TimeAmount,
        configure: @escaping (any Channel) throws -> Void
    ) throws -> EventLoopFuture<Void> {
        let context = try sslContext()
        let host = key.host
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host))
        let done = channel.eventLoop.makePromise(of: Void.self)
        let handshake = TLSHandshakeHandler(done: done) { [weak self] protocolName, channel in
            let version: Version = protocolName == "h2" ? .http2 : .http1
            self?.remember(version, for: key)
            guard version == speaks else { throw UpstreamTransportError.negotiated(http2: version == .http2) }
            try configure(channel)
        }
        try sync.addHandler(handshake)
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            done.fail(UpstreamTransportError.connectTimeout)
            channel.close(promise: nil)
        }
        done.futureResult.whenComplete { _ in deadline.cancel() }
        return done.futureResult
    }
}

/// Waits for a connection's TLS handshake, then lets the pool add its HTTP handlers and steps out of the pipeline.
/// A failure before that (a certificate not trusted, a name that does not match, a close) fails the handshake's
/// promise.
private final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private let configure: (String?, any Channel) throws -> Void
    private var finished = false

    init(done: EventLoopPromise<Void>, configure: @escaping (String?, any Channel) throws -> Void) {
        self.done = done
        self.configure = configure
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !finished, let tls = event as? TLSUserEvent, case .handshakeCompleted(let protocolName) = tls else {
            return context.fireUserInboundEventTriggered(event)
        }
        finished = true
        do {
            try configure(protocolName, context.channel)
        } catch {
            done.fail(error)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        done.succeed(())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished {
            finished = true
            done.fail(UpstreamTransportError.connectFailed("TLS handshake: \(error)"))
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            done.fail(UpstreamTransportError.connectFailed("the connection closed during the TLS handshake"))
        }
        context.fireChannelInactive()
    }
}
