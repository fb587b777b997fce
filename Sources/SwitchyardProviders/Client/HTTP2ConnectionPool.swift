import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import SwitchyardCore

/// HTTP/2 with prior knowledge ("h2c") to plain-HTTP upstreams that speak it: many requests share one connection,
/// each as its own stream.
///
/// For a provider configured with `http2_prior_knowledge: true`. An HTTP/1.1 connection carries one request at a
/// time, so 10,000 open streams hold 10,000 upstream sockets beside the 10,000 client sockets, and a process's
/// descriptor limit caps how many streams the gateway can relay. Over HTTP/2 they share a few connections.
///
/// Connections are kept per event loop, as in ``HTTP1ConnectionPool``. A request takes a stream on the loop's
/// first connection to the upstream with a free stream slot, counting the streams still being opened. The
/// upstream's `SETTINGS_MAX_CONCURRENT_STREAMS` sets the slots (until a new connection's settings arrive, the
/// limit the upstream announced last, or 100). When no connection has a free slot, another is opened. A
/// connection that the upstream sends GOAWAY on, or that closes, takes no new streams; one that carries no stream
/// for a minute is closed. Each stream runs an ``HTTP1ExchangeHandler`` behind ``HTTP2StreamCodec``, so
/// timeouts, back-pressure (through HTTP/2 flow control) and error mapping are those of the HTTP/1.1 transport. A
/// stream the upstream refuses before answering (a connection going away, `REFUSED_STREAM`) is retried once on
/// another connection.
///
/// `https://` upstreams that chose HTTP/2 by ALPN are served here too, with TLS in front of each connection
/// (``UpstreamTLS``); a handshake that chose HTTP/1.1 fails with ``UpstreamTransportError/negotiated(http2:)``.
final class HTTP2ConnectionPool: Sendable {
    typealias Key = HTTP1ConnectionPool.Key
    typealias Multiplexer = NIOHTTP2Handler.StreamMultiplexer

    /// One connection, open or being opened. Its counters are guarded by its loop pool's lock.
    final class Connection: @unchecked Sendable {
        let key: Key
        let multiplexer: EventLoopPromise<Multiplexer>
        /// Streams opened or being opened on it.
        var openStreams = 0
        /// The upstream's limit on concurrent streams.
        var maxStreams = 100
        /// Whether new streams may go to it (false after GOAWAY, once closed, or when it could not be opened).
        var usable = true
        /// The socket, once connected.
        var channel: (any Channel)?
        /// When its last stream ended.
        var idleSince = NIODeadline.now()
        /// Whether an idle check is scheduled (at most one at a time).
        var sweepScheduled = false

        init(key: Key, multiplexer: EventLoopPromise<Multiplexer>) {
            self.key = key
            self.multiplexer = multiplexer
        }
    }

    /// The connections of one event loop.
    final class LoopPool: Sendable {
        let loop: any EventLoop
        let connections = NIOLockedValueBox([Key: [Connection]]())
        /// How long a connection may carry no stream before it is closed.
        let idleTimeout: TimeAmount

        init(loop: any EventLoop, idleTimeout: TimeAmount) {
            self.loop = loop
            self.idleTimeout = idleTimeout
        }

        /// A stream of `connection` ended (or was never opened). When it was the last, an idle check is scheduled;
        /// a retired connection is closed.
        func releaseSlot(of connection: Connection) {
            enum Next { case none, sweep, close(any Channel) }
            let next = connections.withLockedValue { _ -> Next in
                connection.openStreams -= 1
                guard connection.openStreams == 0 else { return .none }
                if !connection.usable { return connection.channel.map { .close($0) } ?? .none }
                connection.idleSince = .now()
                defer { connection.sweepScheduled = true }
                return connection.sweepScheduled ? .none : .sweep
            }
            switch next {
            case .none: break
            case .sweep: scheduleSweep(of: connection, in: idleTimeout)
            case .close(let channel): channel.close(promise: nil)
            }
        }

        private func scheduleSweep(of connection: Connection, in delay: TimeAmount) {
            loop.scheduleTask(in: delay) { self.sweep(connection) }
        }

        /// Closes the connection if it has carried no stream for ``idleTimeout``; checks again later if it became
        /// idle since. One check per idle spell, not one per stream.
        private func sweep(_ connection: Connection) {
            enum Verdict { case keep, wait(TimeAmount), close(any Channel) }
            let verdict = connections.withLockedValue { connections -> Verdict in
                guard connection.usable, connection.openStreams == 0, let channel = connection.channel else {
                    connection.sweepScheduled = false
                    return .keep
                }
                let idle = NIODeadline.now() - connection.idleSince
                if idle < idleTimeout { return .wait(idleTimeout - idle) }
                connection.usable = false
                connection.sweepScheduled = false
                connections[connection.key]?.removeAll { $0 === connection }
                return .close(channel)
            }
            switch verdict {
            case .keep: break
            case .wait(let remaining): scheduleSweep(of: connection, in: remaining)
            case .close(let channel): channel.close(promise: nil)
            }
        }

        /// Marks a connection as taking no new streams, and forgets it once closed. An open one is closed once its
        /// last stream has ended (now, when it carries none).
        func retire(_ connection: Connection, closed: Bool) {
            let drained = connections.withLockedValue { connections -> (any Channel)? in
                connection.usable = false
                if closed { connections[connection.key]?.removeAll { $0 === connection } }
                return closed || connection.openStreams > 0 ? nil : connection.channel
            }
            drained?.close(promise: nil)
        }

        /// The upstream's new limit on concurrent streams.
        func updateLimit(of connection: Connection, to limit: Int) {
            connections.withLockedValue { _ in connection.maxStreams = max(1, limit) }
        }
    }

    private let pools: EventLoopLocal<LoopPool>
    /// Each upstream's last announced stream limit, on any loop.
    private let knownLimits = NIOLockedValueBox([Key: Int]())
    /// TLS for `https://` upstreams; `nil` when this pool serves h2c only.
    private let tls: UpstreamTLS?
    /// Every stream's settings: how many resets from the upstream within how long a connection takes before NIOHTTP2
    /// gives it up (``defaultResetLimit``).
    private let streamConfiguration: NIOHTTP2Handler.StreamConfiguration

    /// The default limit on stream resets from the upstream: 1,000 in 100 ms, 10,000 a second, more than a connection carries. NIOHTTP2's own,
    /// 200 in 30 s, is a server's defence against "rapid reset" attacks, but an upstream may end every stream with
    /// RST_STREAM(NO_ERROR) once it has answered without reading the whole request (RFC 9113 §8.1; nginx does), and at
    /// 200 requests in 30 s the connection was given up with every stream on it. (NIOHTTP2 keeps a time per reset in
    /// the window, with room for the whole count made at once: 8 KB a connection.)
    static let defaultResetLimit = (count: 1_000, window: TimeAmount.milliseconds(100))

    /// How much each stream may have in flight from the upstream before the gateway has read it: 1 MiB, advertised in
    /// the connection's SETTINGS and kept by WINDOW_UPDATE as it is read. HTTP/2's default, 64 KiB, let an upstream
    /// send 64 KiB per round trip: a 1 MiB answer from 20 ms away took 630 ms, now 48 ms (`bench/gateway/window.sh`).
    /// Unread data (a client slower than its upstream) is held by NIOHTTP2 up to this, per stream; an HTTP/1.1
    /// connection's kernel buffer holds up to `tcp_rmem`'s largest, 6 MiB on Linux by default.
    static let streamWindow = 1 << 20
    /// How much all the streams of a connection may have in flight together: 16 MiB (HTTP/2's default is 64 KiB),
    /// raised by a WINDOW_UPDATE as soon as the upstream's SETTINGS come (``HTTP2ConnectionWatcher``). NIOHTTP2 gives
    /// it back as data arrives, read or not, so it limits the data in flight, not the memory held (the stream windows
    /// do).
    static let connectionWindow = 16 << 20

    /// Creates a pool over an event loop group (by default NIO's singleton group, which the server runs on);
    /// connections that carry no stream for `idleTimeout` are closed.
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, idleTimeout: TimeAmount = .seconds(60),
        tls: UpstreamTLS? = nil, resetLimit: (count: Int, window: TimeAmount) = defaultResetLimit
    ) {
        self.tls = tls
        var streams = NIOHTTP2Handler.StreamConfiguration()
        streams.streamResetFrameRateLimit.maximumCount = resetLimit.count
        streams.streamResetFrameRateLimit.windowLength = resetLimit.window
        streams.targetWindowSize = Self.streamWindow
        streamConfiguration = streams
        pools = EventLoopLocal(group: group) { LoopPool(loop: $0, idleTimeout: idleTimeout) }
    }

    /// Sends a request on a new stream and returns once the response head arrived; the body streams after.
    func execute(_ request: UpstreamRequest, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts) async throws
        -> HTTP1ExchangeHandler.Answer
    {
        let key = Key(endpoint)
        let own = pools.current
        do {
            return try await attempt(request, key: key, own: own, endpoint: endpoint, timeouts: timeouts)
        } catch UpstreamTransportError.closedBeforeResponse(reused: true) {
            // Refused on a connection that was going away: once more, on a connection that takes new streams.
            return try await attempt(request, key: key, own: own, endpoint: endpoint, timeouts: timeouts)
        }
    }

    private func attempt(
        _ request: UpstreamRequest, key: Key, own: LoopPool?, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts
    ) async throws -> HTTP1ExchangeHandler.Answer {
        let (pool, connection, isNew) = reserve(key, own: own)
        if isNew { open(connection, on: pool, timeouts: timeouts) }
        // A stream refused on a connection that was already open (an upstream going away) may go to another; on a
        // connection opened for it, a refusal is the upstream's answer.
        let handler = HTTP1ExchangeHandler(reusable: false, retryableBeforeHead: !isNew)
        let stream: any Channel
        do {
            let multiplexer = try await connection.multiplexer.futureResult.get()
            stream = try await openStream(on: multiplexer, loop: pool.loop, tls: key.tls, handler: handler)
        } catch {
            pool.releaseSlot(of: connection)
            if let transport = error as? UpstreamTransportError { throw transport }
            throw UpstreamTransportError.closedBeforeResponse(reused: !isNew)
        }
        stream.closeFuture.whenComplete { _ in pool.releaseSlot(of: connection) }
        return try await handler.exchange(request, on: stream.eventLoop, endpoint: endpoint, timeouts: timeouts)
    }

    /// A stream slot on the first usable connection with one free, or on a new connection (`isNew`: the caller
    /// opens it): on the caller's own loop, or, off the group's loops, on any loop.
    private func reserve(_ key: Key, own: LoopPool?) -> (LoopPool, Connection, isNew: Bool) {
        if let own {
            let (connection, isNew) = reserve(key, in: own, create: true)!
            return (own, connection, isNew)
        }
        for candidate in pools.all {
            if let (connection, isNew) = reserve(key, in: candidate, create: false) { return (candidate, connection, isNew) }
        }
        let pool = pools.next()
        let (connection, isNew) = reserve(key, in: pool, create: true)!
        return (pool, connection, isNew)
    }

    private func reserve(_ key: Key, in pool: LoopPool, create: Bool) -> (Connection, isNew: Bool)? {
        pool.connections.withLockedValue { connections in
            if let existing = connections[key]?.first(where: { $0.usable && $0.openStreams < $0.maxStreams }) {
                existing.openStreams += 1
                return (existing, false)
            }
            guard create else { return nil }
            let connection = Connection(key: key, multiplexer: pool.loop.makePromise(of: Multiplexer.self))
            connection.openStreams = 1
            // Until its own SETTINGS arrive, a new connection is assumed to allow what the upstream's last one did
            // (streams above the limit would wait inside NIOHTTP2 instead of going to another connection).
            if let known = knownLimits.withLockedValue({ $0[key] }) { connection.maxStreams = known }
            connections[key, default: []].append(connection)
            return (connection, true)
        }
    }

    /// Opens the connection on the pool's loop and completes its multiplexer promise.
    private func open(_ connection: Connection, on pool: LoopPool, timeouts: UpstreamTimeouts) {
        let key = connection.key
        // The connection's window goes from HTTP/2's initial 65,535 bytes to ``connectionWindow`` on the upstream's
        // first SETTINGS, as Go's client raises it at once; NIOHTTP2 would raise it only once the first data came.
        let watcher = HTTP2ConnectionWatcher(
            windowIncrement: Self.connectionWindow - 65_535,
            onSettings: { [knownLimits] limit in
                pool.updateLimit(of: connection, to: limit)
                knownLimits.withLockedValue { $0[key] = limit }
            },
            onGoAway: { pool.retire(connection, closed: false) },
            onError: { pool.retire(connection, closed: false) })
        // Handed out once connected (and, over TLS, once the handshake chose HTTP/2): streams opened before would be
        // written ahead of the connection preface.
        let made = NIOLockedValueBox<Multiplexer?>(nil)
        let handshake = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
        let (tls, streams) = (self.tls, streamConfiguration)
        let connectTimeout = TimeAmount.nanoseconds(timeouts.connect.nanoseconds)
        let bootstrap = ClientBootstrap(group: pool.loop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let configure: (any Channel) throws -> Void = { channel in
                        let sync = channel.pipeline.syncOperations
                        var settings = NIOHTTP2Handler.ConnectionConfiguration()
                        // Frames the upstream had sent before it read our reset of a stream are dropped quietly for
                        // the last this-many streams reset, and count as the peer's errors beyond: a client closing
                        // many streams at once (a load balancer's clients going away) reset more than the default 32.
                        settings.maximumRecentlyResetStreams = 1_024
                        // The upstream's header blocks are not checked against RFC 9113's rules for names and
                        // pseudo-header fields: 6% of a request's instructions (30,000), for checks that protect a
                        // server from its clients. No upstream header is relayed to our clients; the few that are
                        // read (`:status`, `content-type`, `retry-after`) are parsed where they are used, and a block
                        // without a valid `:status` is a malformed response (``HTTP2StreamCodec``). Our own requests'
                        // blocks are built lower-case, without connection-specific fields. Content lengths are still
                        // checked.
                        settings.headerBlockValidation = .disabled
                        // We open every stream; the upstream opens none (no server push). Streams start with the
                        // window they keep (``streamWindow``).
                        settings.initialSettings =
                            nioDefaultSettings.filter { $0.parameter != .maxConcurrentStreams } + [
                                HTTP2Setting(parameter: .maxConcurrentStreams, value: 0),
                                HTTP2Setting(parameter: .enablePush, value: 0),
                                HTTP2Setting(parameter: .initialWindowSize, value: Self.streamWindow),
                            ]
                        settings.targetWindowSize = Self.connectionWindow
                        let multiplexer = try sync.configureHTTP2Pipeline(
                            mode: .client, connectionConfiguration: settings, streamConfiguration: streams
                        ) { stream in stream.close() }
                        try sync.addHandler(watcher)
                        made.withLockedValue { $0 = multiplexer }
                    }
                    let done = try UpstreamTLS.setUp(
                        channel, key: key, tls: tls, speaks: .http2, timeout: connectTimeout, configure: configure)
                    handshake.withLockedValue { $0 = done }
                }
            }
        let address = UpstreamTLS.address(for: key, tls: tls)
        let connected = bootstrap.connect(host: address.host, port: address.port).flatMap { channel in
            (handshake.withLockedValue { $0 } ?? channel.eventLoop.makeSucceededVoidFuture()).map { channel }
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                pool.connections.withLockedValue { _ in connection.channel = channel }
                channel.closeFuture.whenComplete { _ in pool.retire(connection, closed: true) }
                if let multiplexer = made.withLockedValue({ $0 }) {
                    connection.multiplexer.succeed(multiplexer)
                } else {
                    channel.close(promise: nil)
                    connection.multiplexer.fail(
                        UpstreamTransportError.connectFailed("the connection's pipeline was not set up"))
                }
            case .failure(let error):
                pool.retire(connection, closed: true)
                connection.multiplexer.fail(
                    error as? UpstreamTransportError ?? UpstreamTransportError.connect(failure: error))
            }
        }
    }

    /// Opens a stream whose pipeline is ``HTTP2StreamCodec`` and the exchange handler.
    private func openStream(
        on multiplexer: Multiplexer, loop: any EventLoop, tls: Bool, handler: HTTP1ExchangeHandler
    ) async throws -> any Channel {
        // Made off the loop and not yet in any pipeline: handed to the stream's initializer on the loop.
        let handlerBox = UnsafeTransfer(handler)
        let promise = loop.makePromise(of: (any Channel).self)
        multiplexer.createStreamChannel(promise: promise) { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2StreamCodec(tls: tls))
                try sync.addHandler(handlerBox.value)
            }
        }
        return try await promise.futureResult.get()
    }

    /// Closes every connection (their open streams end with them).
    func shutdown() {
        for pool in pools.all {
            let channels = pool.connections.withLockedValue { connections in
                defer { connections.removeAll() }
                return connections.values.joined().compactMap { connection -> (any Channel)? in
                    connection.usable = false
                    return connection.channel
                }
            }
            for channel in channels { channel.close(promise: nil) }
        }
    }
}
