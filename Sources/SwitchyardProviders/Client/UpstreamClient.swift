import AsyncHTTPClient
import Instrumentation
import Foundation
import Synchronization
import Tracing
import NIOCore
import NIOPosix
import NIOHTTP1
import NIOSSL
public import SwitchyardCore

/// The one HTTP client every provider call goes through: pooled keep-alive connections, HTTP/2 where the upstream
/// offers it, and the gateway's timeouts.
///
/// Two transports. The gateway's own pools, on the event loop that serves the request: ``HTTP1ConnectionPool``
/// (keep-alive HTTP/1.1) and ``HTTP2ConnectionPool`` (HTTP/2), for plain-HTTP upstreams (local Ollama, vLLM,
/// in-cluster deployments, sidecars; HTTP/2 with prior knowledge when the provider says so) and for TLS upstreams
/// (every hosted provider), where ALPN chooses between the two (``UpstreamTLS``). Or AsyncHTTPClient, when
/// ``Configuration/plainHTTPTransport`` or ``Configuration/tlsTransport`` says so (to compare the two, or to fall
/// back).
///
/// Timeouts, all per deployment: `connect` is a connection setting, so deployments that share it share one
/// connection pool; the first-byte limit (until the head and, on a streamed body, until its first byte), the idle
/// limit between pieces after that, and the total time are kept per exchange, on both transports
/// (``HTTP1ExchangeHandler``, ``AsyncHTTPClientExchange``).
public final class UpstreamClient: Sendable {
    /// Settings of the shared client.
    public struct Configuration: Sendable {
        /// Largest non-streaming response body accepted.
        public var maxResponseBytes: Int
        /// Most concurrent HTTP/1.1 connections per upstream host (each open stream holds one). AsyncHTTPClient
        /// queues requests above it; the pooled transport opens what the load needs.
        public var maxConnectionsPerHost: Int
        /// How plain-HTTP (`http://`) upstreams are reached.
        public var plainHTTPTransport: PlainHTTPTransport
        /// How TLS (`https://`) upstreams are reached.
        public var tlsTransport: PlainHTTPTransport
        /// A PEM file of certificates trusted for TLS upstreams besides the system's; `nil` for none.
        public var additionalTrustRootsFile: String?
        /// Whether the pooled transport offers HTTP/2 to TLS upstreams (by ALPN, before HTTP/1.1).
        public var tlsHTTP2: Bool
        /// The HTTP proxy TLS upstreams are reached through (for the hosts it applies to), on either transport;
        /// `nil` for none. Plain-HTTP upstreams do not use it.
        public var proxy: UpstreamProxy?

        /// A transport for `http://` or `https://` upstreams.
        public enum PlainHTTPTransport: String, Sendable, CaseIterable {
            /// The gateway's own pools on the request's event loop (the default): keep-alive HTTP/1.1, or HTTP/2
            /// where the upstream chose it by ALPN or the provider says it speaks it without TLS.
            case pooled
            /// AsyncHTTPClient.
            case asyncHTTPClient = "async-http-client"
        }

        /// Creates settings.
        public init(
            maxResponseBytes: Int = 64 << 20, maxConnectionsPerHost: Int = 16_384,
            plainHTTPTransport: PlainHTTPTransport = .pooled, tlsTransport: PlainHTTPTransport = .pooled,
            additionalTrustRootsFile: String? = nil, tlsHTTP2: Bool = true, proxy: UpstreamProxy? = nil
        ) {
            self.proxy = proxy
            self.tlsHTTP2 = tlsHTTP2
            self.additionalTrustRootsFile = additionalTrustRootsFile
            self.plainHTTPTransport = plainHTTPTransport
            self.tlsTransport = tlsTransport
            self.maxResponseBytes = maxResponseBytes
            self.maxConnectionsPerHost = maxConnectionsPerHost
        }
    }

    /// AsyncHTTPClient's clients, one per connect timeout and for TLS upstreams through the proxy or not.
    private let clients: Mutex<[AsyncHTTPClientKey: HTTPClient]>
    private let pool: HTTP1ConnectionPool
    private let http2Pool: HTTP2ConnectionPool
    /// Parsed URLs: a deployment's URL is the same on every request (the parse was 9,000 instructions a request).
    /// The adapters hand on the same URL string for consecutive calls to one provider (``UpstreamTargetMemo``), which
    /// the table compares first (``LastHitDictionary``).
    private let endpoints = Mutex(LastHitDictionary<String, UpstreamEndpoint>())
    let configuration: Configuration
    /// TLS settings for every TLS connection; `nil` for the defaults (the system's trust roots).
    let tlsConfiguration: TLSConfiguration?
    /// TLS on the pooled transports, and which HTTP version each upstream chose.
    private let tls: UpstreamTLS

    /// Creates a client on the shared event loop group.
    public convenience init(configuration: Configuration = .init()) {
        var tls: TLSConfiguration?
        if let file = configuration.additionalTrustRootsFile {
            tls = .makeClientConfiguration()
            tls?.additionalTrustRoots = [.file(file)]
        }
        self.init(configuration: configuration, tlsConfiguration: tls)
    }

    /// Loads the TLS settings now (the trust roots, ``Configuration/additionalTrustRootsFile``) rather than on the
    /// first TLS connection, so that a bad file stops the gateway at start.
    public func prepareTLS() throws {
        do {
            try tls.prepare()
        } catch {
            let reason = if case .connectFailed(let reason) = error { reason } else { String(describing: error) }
            throw GatewayError(.invalidConfiguration, "The TLS settings for upstreams cannot be used: \(reason)")
        }
    }

    /// Creates a client whose TLS connections use `tlsConfiguration` (tests: a trust root of their own).
    init(configuration: Configuration, tlsConfiguration: TLSConfiguration?) {
        self.configuration = configuration
        self.tlsConfiguration = tlsConfiguration
        clients = Mutex([:])
        tls = UpstreamTLS(
            configuration: tlsConfiguration, offerHTTP2: configuration.tlsHTTP2, proxy: configuration.proxy)
        pool = HTTP1ConnectionPool(tls: tls)
        http2Pool = HTTP2ConnectionPool(tls: tls)
    }

    /// What tells AsyncHTTPClient's clients apart.
    private struct AsyncHTTPClientKey: Hashable {
        var connect: Duration
        /// Whether the client reaches its upstreams through ``Configuration/proxy``.
        var proxied: Bool
    }

    /// AsyncHTTPClient's client for a connect timeout, through ``Configuration/proxy`` when `proxied` (a TLS upstream
    /// the proxy applies to), created on first use. It has no read timeout: each exchange keeps its own limits
    /// (``AsyncHTTPClientExchange``).
    func http(connect: Duration, proxied: Bool = false) -> HTTPClient {
        clients.withLock { clients in
            let key = AsyncHTTPClientKey(connect: connect, proxied: proxied)
            if let client = clients[key] { return client }
            var settings = HTTPClient.Configuration()
            settings.timeout = .init(connect: .nanoseconds(Int64(connect.nanoseconds)), read: nil)
            if proxied, let proxy = configuration.proxy {
                // AsyncHTTPClient asks for a tunnel (CONNECT) to an https:// upstream, as the pooled transport does.
                let credentials = proxy.authorization.map { String($0.dropFirst("Basic ".count)) }
                settings.proxy = .server(
                    host: proxy.host, port: proxy.port, authorization: credentials.map { .basic(credentials: $0) })
            }
            if let tlsConfiguration { settings.tlsConfiguration = tlsConfiguration }
            // HTTP/1.1 only: AsyncHTTPClient's HTTP/2 handler crashes the process when an upstream resets a stream or
            // sends GOAWAY at the wrong moment (async-http-client#922; nginx does it on every POST it answers without
            // reading the body). HTTP/2 to TLS upstreams is the pooled transport's (``UpstreamTLS``).
            settings.httpVersion = .http1Only
            settings.connectionPool = .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnectionsPerHost)
            if InstrumentationSystem.tracer is NoOpTracer {
                // No tracing backend: without this, the client still builds a span's attributes for every request
                // (about 56,000 instructions under callgrind) only to drop them.
                settings.tracing.tracer = nil
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
            clients[key] = client
            return client
        }
    }

    /// Closes every connection. Call once at shutdown.
    public func shutdown() async throws {
        pool.shutdown()
        http2Pool.shutdown()
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try await client.shutdown() }
    }

    /// Sends a request and returns the response head and the unread body (or the whole body, read here, when the
    /// request says so: ``UpstreamRequest/wholeBodyLimit``).
    ///
    /// With `http2PriorKnowledge`, an `http://` upstream is spoken to in HTTP/2 straight away (``HTTP2ConnectionPool``,
    /// whatever ``Configuration/plainHTTPTransport`` says); `https://` upstreams choose HTTP/2 or HTTP/1.1 by ALPN.
    ///
    /// - Throws: ``GatewayError`` with `upstream_timeout` (connect, first byte, or the whole body read here) or
    ///   `upstream_unreachable`.
    public func send(
        _ request: UpstreamRequest, timeouts: UpstreamTimeouts, provider: String, http2PriorKnowledge: Bool = false
    ) async throws -> UpstreamResponse {
        if let endpoint = endpoint(for: request.url) {
            if endpoint.scheme == "http", http2PriorKnowledge || configuration.plainHTTPTransport == .pooled {
                return try await sendPooled(
                    request, endpoint: endpoint, timeouts: timeouts, provider: provider,
                    http2: http2PriorKnowledge)
            }
            if endpoint.scheme == "https", configuration.tlsTransport == .pooled {
                // The version the upstream chose last. Before it has chosen, HTTP/2 when offered: a burst of first
                // requests then waits for one connection, where the HTTP/1.1 pool would open one per request and drop
                // each when the upstream chooses HTTP/2, as every hosted provider does. An upstream that chooses
                // HTTP/1.1 costs that one connection, and its requests go to the other pool.
                let chosen = tls.version(for: HTTP1ConnectionPool.Key(endpoint))
                let http2 = (chosen ?? (configuration.tlsHTTP2 ? .http2 : .http1)) == .http2
                return try await sendPooled(
                    request, endpoint: endpoint, timeouts: timeouts, provider: provider, http2: http2)
            }
        }
        return try await sendThroughAsyncHTTPClient(request, timeouts: timeouts, provider: provider)
    }

    /// Sends over the gateway's own pools (HTTP/1.1 keep-alive, or HTTP/2 when `http2`). Its own function, with the
    /// work around the exchange in synchronous helpers: a stream waits for its upstream's first byte under this frame
    /// (it was part of one 2,528-byte frame with the AsyncHTTPClient path).
    ///
    /// A TLS connection whose handshake chose the other version sends the request through the other pool, once.
    @inline(never)
    private func sendPooled(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts, provider: String,
        http2: Bool
    ) async throws -> UpstreamResponse {
        let started = ContinuousClock.now
        let request = Self.traced(request)
        do {
            func exchange(http2: Bool) async throws -> HTTP1ExchangeHandler.Answer {
                http2
                    ? try await http2Pool.execute(request, endpoint: endpoint, timeouts: timeouts)
                    : try await pool.execute(request, endpoint: endpoint, timeouts: timeouts)
            }
            let answer: HTTP1ExchangeHandler.Answer
            do {
                answer = try await exchange(http2: http2)
            } catch UpstreamTransportError.negotiated(let chosen) where chosen != http2 {
                answer = try await exchange(http2: chosen)
            }
            return response(answer, deadline: started + timeouts.total, provider: provider)
        } catch {
            throw Self.map(error, provider: provider)
        }
    }

    /// The request with the current trace context's headers (W3C `traceparent`, and whatever else the bootstrapped
    /// instrument propagates).
    @inline(never)
    private static func traced(_ request: UpstreamRequest) -> UpstreamRequest {
        guard let context = ServiceContext.current else { return request }
        var request = request
        var headers = HTTPHeaders()
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HTTPHeadersInjector())
        for header in headers { request.headers.append((header.name, header.value)) }
        return request
    }

    /// A pooled exchange's answer as an upstream response.
    @inline(never)
    private func response(
        _ answer: HTTP1ExchangeHandler.Answer, deadline: ContinuousClock.Instant, provider: String
    ) -> UpstreamResponse {
        let status = Int(answer.head.status.code)
        return UpstreamResponse(
            head: answer.fieldBlock.map { UpstreamResponseHead(status: status, fieldBlock: $0) }
                ?? UpstreamResponseHead(status: status, headers: answer.head.headers),
            body: answer.body, deadline: deadline, provider: provider, maxBytes: configuration.maxResponseBytes)
    }

    /// Sends through AsyncHTTPClient, when so configured.
    @inline(never)
    private func sendThroughAsyncHTTPClient(
        _ request: UpstreamRequest, timeouts: UpstreamTimeouts, provider: String
    ) async throws -> UpstreamResponse {
        let started = ContinuousClock.now
        let total = NIODeadline.now() + .nanoseconds(timeouts.total.nanoseconds)
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count)
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if let context = ServiceContext.current {
            // W3C `traceparent` (and whatever else the bootstrapped instrument propagates) to the upstream.
            InstrumentationSystem.instrument.inject(context, into: &headers, using: HTTPHeadersInjector())
        }
        do {
            let outgoing = try HTTPClient.Request(
                url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
                body: .byteBuffer(request.body))
            let proxied = outgoing.scheme == "https" && configuration.proxy?.applies(to: outgoing.host) == true
            let client = http(connect: timeouts.connect, proxied: proxied)
            let exchange = AsyncHTTPClientExchange(
                loop: client.eventLoopGroup.any(), timeouts: timeouts, collectLimit: request.wholeBodyLimit)
            let answer = try await exchange.run(outgoing, on: client, deadline: total)
            return response(answer, deadline: started + timeouts.total, provider: provider)
        } catch {
            throw Self.map(error, provider: provider)
        }
    }

    /// The URL's endpoint, parsed once per distinct URL (at most 1,024 kept).
    private func endpoint(for url: String) -> UpstreamEndpoint? {
        if let known = endpoints.withLock({ $0.value(for: url) }) { return known }
        guard let parsed = UpstreamEndpoint(url: url) else { return nil }
        endpoints.withLock { endpoints in
            if endpoints.count >= 1_024 { endpoints.removeAll() }
            endpoints.set(parsed, for: url)
        }
        return parsed
    }

    /// Maps a transport error to a gateway error.
    static func map(_ error: any Error, provider: String) -> GatewayError {
        if let error = error as? GatewayError { return error }
        let failure = GatewayError.UpstreamFailure(provider: provider, status: nil)
        if let transport = error as? UpstreamTransportError {
            return map(transport, failure: failure)
        }
        if error is IOError || error is NIOConnectionError,
            UpstreamTransportError.connect(failure: error) == .descriptorsExhausted
        {
            // AsyncHTTPClient's connect failed for want of descriptors: the gateway's, as on the pooled transport.
            return map(UpstreamTransportError.descriptorsExhausted, failure: failure)
        }
        if error is CancellationError {
            return GatewayError(.upstreamTimeout, "The request to provider '\(provider)' was cancelled.", upstream: failure, underlying: error)
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
                return GatewayError(
                    .upstreamTimeout, "Provider '\(provider)' did not answer in time.", upstream: failure, underlying: error)
            case .remoteConnectionClosed:
                return GatewayError(
                    .upstreamStreamInterrupted, "Provider '\(provider)' closed the connection.", upstream: failure,
                    underlying: error)
            case .cancelled:
                return GatewayError(
                    .upstreamTimeout, "The request to provider '\(provider)' was cancelled.", upstream: failure,
                    underlying: error)
            default: break
            }
        }
        return GatewayError(
            .upstreamUnreachable, "Provider '\(provider)' could not be reached.", upstream: failure, underlying: error)
    }
}

extension UpstreamClient {
    /// Maps the pooled transport's errors to the codes AsyncHTTPClient's equivalents get.
    static func map(_ error: UpstreamTransportError, failure: GatewayError.UpstreamFailure) -> GatewayError {
        let provider = failure.provider
        switch error {
        case .connectTimeout, .firstByteTimeout, .idleTimeout:
            return GatewayError(
                .upstreamTimeout, "Provider '\(provider)' did not answer in time.", upstream: failure, underlying: error)
        case .cancelled:
            return GatewayError(
                .upstreamTimeout, "The request to provider '\(provider)' was cancelled.", upstream: failure,
                underlying: error)
        case .closedBeforeResponse, .closedMidBody:
            return GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' closed the connection.", upstream: failure,
                underlying: error)
        case .descriptorsExhausted:
            // The gateway's own limit: no other deployment would fare better, and this one is not to blame.
            return GatewayError(
                .gatewayOverloaded,
                "The gateway has no file descriptors left to reach provider '\(provider)'; try again shortly.",
                underlying: error)
        case .connectFailed, .negotiated:
            return GatewayError(
                .upstreamUnreachable, "Provider '\(provider)' could not be reached.", upstream: failure,
                underlying: error)
        case .malformedResponse:
            return GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' sent a response that is not HTTP/1.1.",
                upstream: failure, underlying: error)
        case .invalidRequestHeader(let name):
            // The configuration's doing (a provider's headers, key or URL), not the client's or the upstream's.
            return GatewayError(
                .invalidConfiguration,
                "The request to provider '\(provider)' has a '\(name)' that cannot be sent: check the provider's "
                    + "configuration (headers, API key, base URL).",
                underlying: error)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Writes propagation headers into AsyncHTTPClient's header list.
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}
