import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
@testable import SwitchyardProviders
import SwitchyardCore
import Testing
import X509

/// A TLS upstream, the way every hosted provider is reached, on both transports: the gateway's own pools
/// (``UpstreamTLS``; HTTP/1.1 or HTTP/2 as ALPN chooses) and AsyncHTTPClient (`AsyncHTTPClientExchange`). A loopback
/// HTTPS server with a certificate made for the test, which the client trusts and nothing else does.
@Suite("TLS upstreams")
struct TLSUpstreamTests {
    static let transports: [UpstreamClient.Configuration.PlainHTTPTransport] = [.pooled, .asyncHTTPClient]

    /// A self-signed certificate for `host` (`localhost` by default), and its key.
    static func selfSigned(for host: String = "localhost") throws -> (NIOSSLCertificate, NIOSSLPrivateKey) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(host) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.dnsName(host)])
            },
            issuerPrivateKey: .init(key))
        let pem = try certificate.serializeAsPEM().pemString
        return (
            try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem),
            try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
        )
    }

    /// Answers every request with an SSE head at once and its one event 900 ms later.
    final class LateEventHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "content-type", value: "text/event-stream")
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(900)) {
                let context = bound.value
                let event = ByteBuffer(string: "data: hello\n\n")
                context.write(self.wrapOutboundOut(.body(.byteBuffer(event))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// A server context for the certificate, offering `protocols` by ALPN.
    static func serverContext(_ certificate: NIOSSLCertificate, _ key: NIOSSLPrivateKey, protocols: [String])
        throws -> NIOSSLContext
    {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.applicationProtocols = protocols
        return try NIOSSLContext(configuration: configuration)
    }

    /// A client that trusts `certificate`, reaching TLS upstreams through `transport` (offering HTTP/2 with `http2`).
    static func client(
        trusting certificate: NIOSSLCertificate, _ transport: UpstreamClient.Configuration.PlainHTTPTransport,
        http2: Bool = true
    ) -> UpstreamClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([certificate])
        return UpstreamClient(configuration: .init(tlsTransport: transport, tlsHTTP2: http2), tlsConfiguration: tls)
    }

    /// Starts the HTTPS server (HTTP/1.1, whatever it offers by ALPN) on a free loopback port; `accepted` counts its
    /// connections.
    static func startServer(
        _ certificate: NIOSSLCertificate, _ key: NIOSSLPrivateKey, accepted: NIOLockedValueBox<Int> = .init(0),
        offering protocols: [String] = ["http/1.1"]
    ) async throws -> any Channel {
        let context = try serverContext(certificate, key, protocols: protocols)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(LateEventHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    static func request(port: Int, whole: Bool = false, host: String = "localhost") -> UpstreamRequest {
        var request = UpstreamRequest(
            url: "https://\(host):\(port)/v1/chat/completions", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: #"{"stream":true}"#))
        if whole { request.wholeBodyLimit = 1 << 20 }
        return request
    }

    @Test(
        "over TLS, a stream's first event later than the idle limit is read, and a whole answer comes whole",
        arguments: transports)
    func streamAndWholeAnswer(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let (certificate, key) = try Self.selfSigned()
        let accepted = NIOLockedValueBox(0)
        let server = try await Self.startServer(certificate, key, accepted: accepted)
        let port = try #require(server.localAddress?.port)
        let client = Self.client(trusting: certificate, transport)
        await #expect(throws: Never.self) {
            let stream = try await client.send(
                Self.request(port: port), timeouts: .init(firstByte: .seconds(20), idle: .milliseconds(300)),
                provider: "fake")
            #expect(stream.head.status == 200)
            #expect(String(buffer: try await stream.collect()) == "data: hello\n\n")
            #expect(try await Self.whole(client, port: port) == "data: hello\n\n")
        }
        // Both exchanges on one keep-alive connection; the pooled transport first opened one for HTTP/2, which the
        // upstream's choice of HTTP/1.1 ended.
        #expect(accepted.withLockedValue { $0 } == (transport == .pooled ? 2 : 1))
        try await client.shutdown()
        try await server.close()
    }

    /// Why a certificate is refused.
    enum Refusal: Sendable, CaseIterable {
        /// The client does not trust it (the system's roots only).
        case untrusted
        /// It names `localhost`, and the URL names the address.
        case otherName
    }

    @Test(
        "a certificate the client does not trust, or one for another name, is refused: upstream_unreachable",
        arguments: transports, Refusal.allCases)
    func refusedCertificate(_ transport: UpstreamClient.Configuration.PlainHTTPTransport, _ refusal: Refusal)
        async throws
    {
        let (certificate, key) = try Self.selfSigned()
        let server = try await Self.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        let client =
            refusal == .untrusted
            ? UpstreamClient(configuration: .init(tlsTransport: transport)) : Self.client(trusting: certificate, transport)
        let host = refusal == .otherName ? "127.0.0.1" : "localhost"
        let error = await #expect(throws: GatewayError.self) {
            _ = try await client.send(
                Self.request(port: port, host: host), timeouts: .init(connect: .seconds(1)), provider: "fake")
        }
        #expect(error?.code == .upstreamUnreachable)
        try await client.shutdown()
        try await server.close()
    }

    /// Sends a request whose answer is read whole, and returns the answer.
    static func whole(_ client: UpstreamClient, port: Int) async throws -> String {
        let whole = try await client.send(
            request(port: port, whole: true), timeouts: UpstreamTimeouts().forWholeAnswer, provider: "fake")
        return String(buffer: try await whole.collect())
    }

    @Test("a CA file from the configuration is trusted besides the system's roots", arguments: transports)
    func additionalTrustRootsFile(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let (certificate, key) = try Self.selfSigned()
        let server = try await Self.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-ca-\(UUID()).pem")
        try Data(try Certificate(derEncoded: certificate.toDERBytes()).serializeAsPEM().pemString.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let client = UpstreamClient(
            configuration: .init(tlsTransport: transport, additionalTrustRootsFile: file.path))
        try client.prepareTLS()
        #expect(try await Self.whole(client, port: port) == "data: hello\n\n")
        try await client.shutdown()
        try await server.close()
    }

    @Test("a CA file that holds no certificate stops the client before any request")
    func unusableTrustRootsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-ca-\(UUID()).pem")
        try Data("not a certificate".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let client = UpstreamClient(configuration: .init(additionalTrustRootsFile: file.path))
        let error = #expect(throws: GatewayError.self) { try client.prepareTLS() }
        #expect(error?.code == .invalidConfiguration)
        try await client.shutdown()
    }

    @Test("with tls_http2 off, HTTP/1.1 alone is offered: an upstream that could speak HTTP/2 is spoken to in HTTP/1.1")
    func http1WhenHTTP2IsOff() async throws {
        let (certificate, key) = try Self.selfSigned()
        let accepted = NIOLockedValueBox(0)
        // A server that would choose h2 if offered; its pipeline speaks HTTP/1.1 only, so h2 would fail.
        let server = try await Self.startServer(certificate, key, accepted: accepted, offering: ["h2", "http/1.1"])
        let port = try #require(server.localAddress?.port)
        let client = Self.client(trusting: certificate, .pooled, http2: false)
        for _ in 0..<2 { #expect(try await Self.whole(client, port: port) == "data: hello\n\n") }
        #expect(accepted.withLockedValue { $0 } == 1)
        try await client.shutdown()
        try await server.close()
    }

    @Test(
        "an upstream that chooses HTTP/2 by ALPN gets HTTP/2: a burst of first requests shares one connection")
    func http2ChosenByALPN() async throws {
        let (certificate, key) = try Self.selfSigned()
        let server = try await ScriptedHTTP2Server(
            tls: try Self.serverContext(certificate, key, protocols: ["h2"])
        ) { seen in
            [.head(status: 200, headers: [("content-type", "text/event-stream")]), .body("data: \(seen.body)\n\n"), .end]
        }
        let client = Self.client(trusting: certificate, .pooled)
        func send(_ index: Int) async throws -> String {
            let request = UpstreamRequest(
                url: "https://localhost:\(server.port)/v1/chat/completions", headers: [("content-type", "application/json")],
                body: ByteBuffer(string: "\(index)"))
            let response = try await client.send(request, timeouts: .init(), provider: "fake")
            #expect(response.head.status == 200)
            return String(buffer: try await response.collect())
        }
        // Twenty requests before the upstream has chosen: they wait for the one connection opened for HTTP/2, and
        // so does every request after them (the client runs its pools on two event loops here, one connection each
        // at most).
        func burst(_ indexes: ClosedRange<Int>) async throws {
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in indexes { group.addTask { (index, try await send(index)) } }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == indexes.count)
            for (index, answer) in answers { #expect(answer == "data: \(index)\n\n") }
        }
        try await burst(1...20)
        // At most one per event loop (requests made off the loops may each open one on a different loop at once);
        // the HTTP/1.1 pool would have opened one per request, twenty, before the upstream chose HTTP/2.
        let first = server.snapshot.connectionsAccepted
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator()).count
        #expect(first >= 1 && first <= loops)
        try await burst(21...40)
        let record = server.snapshot
        #expect(record.requests.count == 40)
        #expect(record.connectionsAccepted == first)
        #expect(Set(record.requests.map(\.connection)).count == first)
        try await client.shutdown()
        try await server.stop()
    }

    @Test("an upstream that stops offering HTTP/2 is spoken to in HTTP/1.1 again")
    func http2ThenHTTP1() async throws {
        let (certificate, key) = try Self.selfSigned()
        let h2 = try await ScriptedHTTP2Server(
            tls: try Self.serverContext(certificate, key, protocols: ["h2"])
        ) { _ in
            // GOAWAY: this connection takes no new stream, so the next request opens another.
            [.goAway, .head(status: 200, headers: []), .body("h2"), .end]
        }
        let client = Self.client(trusting: certificate, .pooled)
        let port = h2.port
        func send() async throws -> String {
            let request = UpstreamRequest(
                url: "https://localhost:\(port)/v1/chat/completions", headers: [], body: ByteBuffer(string: "{}"))
            return String(buffer: try await client.send(request, timeouts: .init(), provider: "fake").collect())
        }
        #expect(try await send() == "h2")
        // The same address now serves HTTP/1.1 only, as after a redeploy.
        try await h2.stop()
        let accepted = NIOLockedValueBox(0)
        let h1 = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    let context = try Self.serverContext(certificate, key, protocols: ["http/1.1"])
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(LateEventHandler())
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        #expect(try await send() == "data: hello\n\n")
        #expect(try await send() == "data: hello\n\n")
        // One connection chose HTTP/1.1 and was dropped by the HTTP/2 pool; the next carried both requests.
        #expect(accepted.withLockedValue { $0 } == 2)
        try await client.shutdown()
        try await h1.close()
    }
}
