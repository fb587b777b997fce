import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
@testable import SwitchyardProviders
import SwitchyardCore
import Testing
import X509

/// A TLS upstream, the way every hosted provider is reached (AsyncHTTPClient, through `AsyncHTTPClientExchange`):
/// a loopback HTTPS server with a certificate made for the test, which the client trusts and nothing else does.
@Suite("TLS upstreams")
struct TLSUpstreamTests {
    /// A self-signed certificate for `localhost`, and its key.
    static func selfSigned() throws -> (NIOSSLCertificate, NIOSSLPrivateKey) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.dnsName("localhost")])
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

    /// Starts the HTTPS server on a free loopback port.
    static func startServer(_ certificate: NIOSSLCertificate, _ key: NIOSSLPrivateKey) async throws -> any Channel {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: configuration)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(LateEventHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    static func request(port: Int, whole: Bool = false) -> UpstreamRequest {
        var request = UpstreamRequest(
            url: "https://localhost:\(port)/v1/chat/completions", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: #"{"stream":true}"#))
        if whole { request.wholeBodyLimit = 1 << 20 }
        return request
    }

    @Test("over TLS, a stream's first event later than the idle limit is read, and a whole answer comes whole")
    func streamAndWholeAnswer() async throws {
        let (certificate, key) = try Self.selfSigned()
        let server = try await Self.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([certificate])
        let client = UpstreamClient(configuration: .init(), tlsConfiguration: tls)
        await #expect(throws: Never.self) {
            let stream = try await client.send(
                Self.request(port: port), timeouts: .init(firstByte: .seconds(20), idle: .milliseconds(300)),
                provider: "fake")
            #expect(stream.head.status == 200)
            #expect(String(buffer: try await stream.collect()) == "data: hello\n\n")
            let whole = try await client.send(
                Self.request(port: port, whole: true), timeouts: UpstreamTimeouts().forWholeAnswer, provider: "fake")
            #expect(String(buffer: try await whole.collect()) == "data: hello\n\n")
        }
        try await client.shutdown()
        try await server.close()
    }

    @Test("a client that does not trust the certificate refuses the upstream: upstream_unreachable")
    func untrustedCertificate() async throws {
        let (certificate, key) = try Self.selfSigned()
        let server = try await Self.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        let client = UpstreamClient()
        let error = await #expect(throws: GatewayError.self) {
            _ = try await client.send(Self.request(port: port), timeouts: .init(connect: .seconds(1)), provider: "fake")
        }
        #expect(error?.code == .upstreamUnreachable)
        try await client.shutdown()
        try await server.close()
    }
}
