import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchyardCore

/// Keep-alive HTTP/1.1 connections to plain-HTTP upstreams, pooled per event loop.
///
/// A request takes an idle connection that lives on the event loop it is running on (with the gateway's executor,
/// the loop that read the client's request), or opens one there. Request, upstream connection and response writer
/// then share one thread: no hop between threads and no shared lock on the way, only the loop's own short-held
/// lock around its idle list. Connections idle for longer than ``idleTimeout`` are closed when next seen, and
/// connections the upstream closed are dropped as soon as their close is read.
///
/// `https://` upstreams that chose HTTP/1.1 by ALPN are served here too, with TLS in front of each connection
/// (``UpstreamTLS``); a handshake that chose HTTP/2 fails the connect with ``UpstreamTransportError/negotiated(http2:)``.
final class HTTP1ConnectionPool: Sendable {
    /// Which upstream a connection is open to, and whether over TLS.
    struct Key: Hashable, Sendable {
        var host: String
        var port: Int
        var tls = false
    }

    /// One open connection and its exchange handler (which is only touched on the connection's event loop).
    final class Connection: @unchecked Sendable {
        let channel: any Channel
        let handler: HTTP1ExchangeHandler
        let key: Key
        /// When it was last put back (under its loop pool's lock).
        var freedAt = NIODeadline.now()

        init(channel: any Channel, handler: HTTP1ExchangeHandler, key: Key) {
            self.channel = channel
            self.handler = handler
            self.key = key
        }
    }

    /// The idle connections to one upstream on one loop, most recently freed last. Changed only under its loop
    /// pool's lock.
    final class IdleList: @unchecked Sendable {
        var connections: [Connection] = []
    }

    /// The idle connections of one event loop.
    ///
    /// By upstream in a ``LastHitDictionary``: a loop's requests mostly go where the one before went, and comparing
    /// that upstream's key (its host string the same storage) costs a few instructions where hashing it cost about
    /// 400, once to take a connection and once to put it back.
    final class LoopPool: Sendable {
        let loop: any EventLoop
        let idle = NIOLockedValueBox(LastHitDictionary<Key, IdleList>())

        init(loop: any EventLoop) {
            self.loop = loop
        }
    }

    private let pools: EventLoopLocal<LoopPool>
    /// How long a connection may sit unused before it is closed instead of reused.
    let idleTimeout: TimeAmount
    /// TLS for `https://` upstreams; `nil` when this pool serves plain HTTP only.
    private let tls: UpstreamTLS?

    /// Creates a pool over an event loop group (by default NIO's singleton group, which the server runs on).
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, idleTimeout: TimeAmount = .seconds(60),
        tls: UpstreamTLS? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.tls = tls
        pools = EventLoopLocal(group: group) { LoopPool(loop: $0) }
    }

    /// Sends a request and returns once the response head arrived; the body streams after.
    ///
    /// A reused connection that turns out closed before answering is replaced by a new one, once.
    func execute(_ request: UpstreamRequest, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts) async throws
        -> HTTP1ExchangeHandler.Answer
    {
        let key = Key(endpoint)
        let pool: LoopPool
        let idle: Connection?
        if let own = pools.current {
            pool = own
            idle = take(key, from: own)
        } else {
            // Not on one of the group's loops (Swift's default executor): any loop's idle connection will do.
            var found: Connection?
            for candidate in pools.all {
                found = take(key, from: candidate)
                if found != nil { break }
            }
            idle = found
            pool = pools.next()
        }
        if let connection = idle {
            do {
                return try await send(request, on: connection, endpoint: endpoint, timeouts: timeouts)
            } catch UpstreamTransportError.closedBeforeResponse(reused: true) {
                // The upstream dropped the idle connection as it was reused: try once on a new connection.
            }
        }
        let connection = try await connect(key, on: pool, timeouts: timeouts)
        return try await send(request, on: connection, endpoint: endpoint, timeouts: timeouts)
    }

    private func send(
        _ request: UpstreamRequest, on connection: Connection, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts
    ) async throws -> HTTP1ExchangeHandler.Answer {
        try await connection.handler.exchange(
            request, on: connection.channel.eventLoop, endpoint: endpoint, timeouts: timeouts)
    }

    /// The most recently freed live connection to `key` on this loop, closing expired ones on the way.
    private func take(_ key: Key, from pool: LoopPool) -> Connection? {
        let now = NIODeadline.now()
        var expired: [Connection] = []
        let found = pool.idle.withLockedValue { idle -> Connection? in
            guard let list = idle.value(for: key) else { return nil }
            while let connection = list.connections.popLast() {
                guard connection.channel.isActive else { continue }
                if now - connection.freedAt > idleTimeout {
                    expired.append(connection)
                    continue
                }
                return connection
            }
            return nil
        }
        for connection in expired { connection.channel.close(promise: nil) }
        return found
    }

    private func release(_ connection: Connection, to pool: LoopPool) {
        connection.freedAt = .now()
        pool.idle.withLockedValue { idle in
            let list: IdleList
            if let found = idle.value(for: connection.key) {
                list = found
            } else {
                list = IdleList()
                idle.set(list, for: connection.key)
            }
            Self.append(connection, to: &list.connections)
        }
    }

    /// Appends a freed connection to its key's list, first dropping the closed ones from a long list.
    private static func append(_ connection: Connection, to list: inout [Connection]) {
        if list.count >= 64, list.count.isMultiple(of: 64) { list.removeAll { !$0.channel.isActive } }
        list.append(connection)
    }

    /// Opens a connection on the pool's loop (with its TLS handshake done, for an `https://` upstream).
    private func connect(_ key: Key, on pool: LoopPool, timeouts: UpstreamTimeouts) async throws -> Connection {
        let made = NIOLockedValueBox<Connection?>(nil)
        let handshake = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
        let tls = self.tls
        let connectTimeout = TimeAmount.nanoseconds(timeouts.connect.nanoseconds)
        let bootstrap = ClientBootstrap(group: pool.loop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    // Responses are parsed by UpstreamResponseDecoder; requests are written as bytes below it
                    // (HTTP1RequestEncoder), so the pipeline has no request encoder.
                    let configure: (any Channel) throws -> Void = { channel in
                        let decoder = UpstreamResponseDecoder(defersFields: true)
                        try channel.pipeline.syncOperations.addHandler(decoder)
                        let handler = HTTP1ExchangeHandler(responseDecoder: decoder)
                        try channel.pipeline.syncOperations.addHandler(handler)
                        let connection = Connection(channel: channel, handler: handler, key: key)
                        // A cycle (connection → handler → closure → connection) that the handler breaks when the
                        // channel closes: while an exchange runs, nothing else holds the connection.
                        handler.onIdle = { _ in self?.release(connection, to: pool) }
                        made.withLockedValue { $0 = connection }
                    }
                    let done = try UpstreamTLS.setUp(
                        channel, key: key, tls: tls, speaks: .http1, timeout: connectTimeout, configure: configure)
                    handshake.withLockedValue { $0 = done }
                }
            }
        let channel: any Channel
        do {
            let address = UpstreamTLS.address(for: key, tls: tls)
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            try await handshake.withLockedValue({ $0 })?.get()
        } catch let error as UpstreamTransportError {
            throw error
        } catch {
            throw UpstreamTransportError.connect(failure: error)
        }
        guard let connection = made.withLockedValue({ $0 }) else {
            channel.close(promise: nil)
            throw UpstreamTransportError.connectFailed("the connection's pipeline was not set up")
        }
        return connection
    }

    /// Closes every idle connection (in-flight exchanges finish on their own).
    func shutdown() {
        for pool in pools.all {
            let all = pool.idle.withLockedValue { idle in
                defer { idle.removeAll() }
                return idle.values.flatMap { $0.connections }
            }
            for connection in all { connection.channel.close(promise: nil) }
        }
    }
}

extension HTTP1ConnectionPool.Key {
    /// The endpoint's host and port, over TLS for `https`.
    init(_ endpoint: UpstreamEndpoint) {
        self.init(host: endpoint.host, port: endpoint.port, tls: endpoint.scheme == "https")
    }
}
