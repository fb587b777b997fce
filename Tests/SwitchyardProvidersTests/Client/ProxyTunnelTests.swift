import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// TLS upstreams through an HTTP proxy (``UpstreamProxy``, ``ProxyTunnelHandler``): the tunnel, TLS with the upstream
/// inside it on both pooled transports and through AsyncHTTPClient, a refusal, and the hosts reached directly.
@Suite("Upstreams through an HTTP proxy")
struct ProxyTunnelTests {
    /// A name that does not resolve: only the proxy, which tunnels every request to the test's upstream, can reach it.
    static let host = "api.example.test"

    static func client(
        trusting certificate: NIOSSLCertificate, proxy: UpstreamProxy,
        _ transport: UpstreamClient.Configuration.PlainHTTPTransport = .pooled
    ) -> UpstreamClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([certificate])
        return UpstreamClient(configuration: .init(tlsTransport: transport, proxy: proxy), tlsConfiguration: tls)
    }

    static func send(_ client: UpstreamClient, host: String = host, port: Int = 8443) async throws -> String {
        let request = UpstreamRequest(
            url: "https://\(host):\(port)/v1/chat/completions", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: "{}"))
        let response = try await client.send(request, timeouts: .init(), provider: "fake")
        return String(buffer: try await response.collect())
    }

    @Test("an HTTP/2 upstream is reached through one tunnel, with the proxy's credentials; TLS is the upstream's")
    func http2ThroughTheTunnel() async throws {
        let (certificate, key) = try TLSUpstreamTests.selfSigned(for: Self.host)
        let server = try await ScriptedHTTP2Server(
            tls: try TLSUpstreamTests.serverContext(certificate, key, protocols: ["h2"])
        ) { _ in [.head(status: 200, headers: []), .body("through"), .end] }
        let proxy = try await ConnectProxy(upstreamPort: server.port)
        let client = Self.client(
            trusting: certificate, proxy: try UpstreamProxy(url: "http://user:s%40cret@127.0.0.1:\(proxy.port)"))
        for _ in 0..<3 { #expect(try await Self.send(client) == "through") }
        let requests = proxy.requests.withLockedValue { $0 }
        #expect(requests.count == 1)
        #expect(requests.first?.first == "CONNECT api.example.test:8443 HTTP/1.1")
        // "user:s@cret" in base64.
        #expect(requests.first?.contains("proxy-authorization: Basic dXNlcjpzQGNyZXQ=") == true)
        #expect(server.snapshot.requests.map(\.authority) == Array(repeating: "api.example.test:8443", count: 3))
        try await client.shutdown()
        try await proxy.stop()
        try await server.stop()
    }

    @Test("an HTTP/1.1 upstream is reached through the tunnel too, after the one opened for HTTP/2")
    func http1ThroughTheTunnel() async throws {
        let (certificate, key) = try TLSUpstreamTests.selfSigned(for: Self.host)
        let server = try await TLSUpstreamTests.startServer(certificate, key)
        let proxy = try await ConnectProxy(upstreamPort: try #require(server.localAddress?.port))
        let client = Self.client(trusting: certificate, proxy: try UpstreamProxy(url: "http://127.0.0.1:\(proxy.port)"))
        for _ in 0..<2 { #expect(try await Self.send(client) == "data: hello\n\n") }
        let requests = proxy.requests.withLockedValue { $0 }
        // One tunnel ended when the upstream chose HTTP/1.1, one carried both requests; no credentials were sent.
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.first == "CONNECT api.example.test:8443 HTTP/1.1" })
        #expect(!requests.joined().contains { $0.lowercased().hasPrefix("proxy-authorization") })
        try await client.shutdown()
        try await proxy.stop()
        try await server.close()
    }

    @Test("through AsyncHTTPClient too: a tunnel with the credentials, and bypassed hosts reached directly")
    func asyncHTTPClient() async throws {
        let (certificate, key) = try TLSUpstreamTests.selfSigned(for: Self.host)
        let server = try await TLSUpstreamTests.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        let proxy = try await ConnectProxy(upstreamPort: port)
        let settings = try UpstreamProxy(url: "http://user:pw@127.0.0.1:\(proxy.port)", noProxy: "direct.example")
        let client = Self.client(trusting: certificate, proxy: settings, .asyncHTTPClient)
        // AsyncHTTPClient traps when a client is released without shutdown: shut down before a failure goes up.
        do {
            for _ in 0..<2 { #expect(try await Self.send(client) == "data: hello\n\n") }
        } catch {
            try await client.shutdown()
            throw error
        }
        let requests = proxy.requests.withLockedValue { $0 }
        #expect(requests.count == 1)
        #expect(requests.first?.first == "CONNECT api.example.test:8443 HTTP/1.1")
        // "user:pw" in base64.
        #expect(requests.first?.contains { $0.lowercased() == "proxy-authorization: basic dxnlcjpwdw==" } == true)
        try await client.shutdown()
        // A host the proxy does not apply to: straight to the upstream (here a name for the same address, so the
        // certificate is for "localhost").
        let (localCertificate, localKey) = try TLSUpstreamTests.selfSigned()
        let local = try await TLSUpstreamTests.startServer(localCertificate, localKey)
        let localPort = try #require(local.localAddress?.port)
        let direct = Self.client(trusting: localCertificate, proxy: settings, .asyncHTTPClient)
        do {
            #expect(try await Self.send(direct, host: "localhost", port: localPort) == "data: hello\n\n")
        } catch {
            try await direct.shutdown()
            throw error
        }
        #expect(proxy.requests.withLockedValue { $0 }.count == 1)
        try await direct.shutdown()
        try await local.close()
        try await proxy.stop()
        try await server.close()
    }

    @Test("a proxy that refuses the tunnel: upstream_unreachable, naming the proxy and its status, not its password")
    func refused() async throws {
        let (certificate, _) = try TLSUpstreamTests.selfSigned(for: Self.host)
        let proxy = try await ConnectProxy(upstreamPort: 9, refusal: "407 Proxy Authentication Required")
        let client = Self.client(
            trusting: certificate, proxy: try UpstreamProxy(url: "http://user:wrong-password@127.0.0.1:\(proxy.port)"))
        let error = await #expect(throws: GatewayError.self) { try await Self.send(client) }
        #expect(error?.code == .upstreamUnreachable)
        let detail = String(describing: error?.underlying)
        #expect(detail.contains("the proxy http://127.0.0.1:\(proxy.port) (with credentials)"))
        #expect(detail.contains("refused the tunnel to api.example.test:8443: 407 Proxy Authentication Required"))
        #expect(!detail.contains("wrong-password") && !(error?.message.contains("wrong-password") ?? true))
        try await client.shutdown()
        try await proxy.stop()
    }

    @Test("hosts in the bypass list, and loopback, are reached directly")
    func bypassed() async throws {
        let (certificate, key) = try TLSUpstreamTests.selfSigned()
        let server = try await TLSUpstreamTests.startServer(certificate, key)
        let port = try #require(server.localAddress?.port)
        // Every tunnel would be refused: an answer means the request did not go through the proxy.
        let proxy = try await ConnectProxy(upstreamPort: 9, refusal: "403 Forbidden")
        let settings = try UpstreamProxy(url: "http://127.0.0.1:\(proxy.port)", noProxy: "example.org")
        let client = Self.client(trusting: certificate, proxy: settings)
        #expect(try await Self.send(client, host: "localhost", port: port) == "data: hello\n\n")
        #expect(proxy.requests.withLockedValue { $0 }.isEmpty)
        // Where connections go: the bypass list's hosts and plain-HTTP upstreams directly, other TLS hosts to the
        // proxy.
        let tls = UpstreamTLS(configuration: nil, offerHTTP2: true, proxy: settings)
        func address(_ host: String, _ port: Int, tls isTLS: Bool) -> (String, Int) {
            UpstreamTLS.address(for: .init(host: host, port: port, tls: isTLS), tls: tls)
        }
        #expect(address("api.example.org", 443, tls: true) == ("api.example.org", 443))
        #expect(address("api.openai.com", 443, tls: true) == ("127.0.0.1", proxy.port))
        #expect(address("ollama.lan", 80, tls: false) == ("ollama.lan", 80))
        try await client.shutdown()
        try await proxy.stop()
        try await server.close()
    }
}
