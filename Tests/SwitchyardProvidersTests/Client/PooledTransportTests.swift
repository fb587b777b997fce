import Foundation
import NIOCore
@testable import SwitchyardProviders
import SwitchyardCore
import Testing

/// The pooled HTTP/1.1 transport (``HTTP1ConnectionPool``) behind ``UpstreamClient`` for `http://` upstreams, against
/// a server that writes exactly the bytes each test needs.
@Suite("Pooled HTTP/1.1 upstream transport")
struct PooledTransportTests {
    static let json = #"{"ok":true}"#
    static func ok(_ body: String = json, extra: String = "") -> String {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    let client = UpstreamClient()

    func request(_ server: ScriptedHTTPServer, path: String = "/v1/chat/completions", body: String = "{}")
        -> UpstreamRequest
    {
        UpstreamRequest(
            url: server.baseURL + path, headers: [("content-type", "application/json"), ("authorization", "Bearer sk-x")],
            body: ByteBuffer(string: body))
    }

    func send(
        _ server: ScriptedHTTPServer, body: String = "{}", timeouts: UpstreamTimeouts = .init()
    ) async throws -> (UpstreamResponse, String) {
        let response = try await client.send(request(server, body: body), timeouts: timeouts, provider: "fake")
        return (response, String(buffer: try await response.collect()))
    }

    @Test("sequential requests share one keep-alive connection, and the request arrives whole")
    func reusesConnection() async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.ok())] }
        for index in 0..<3 {
            let (response, body) = try await send(server, body: #"{"n":\#(index)}"#)
            #expect(response.head.status == 200)
            #expect(response.head.headers["content-type"] == "application/json")
            #expect(body == Self.json)
        }
        let record = server.snapshot
        #expect(record.connectionsAccepted == 1)
        #expect(record.requests.map(\.body) == [#"{"n":0}"#, #"{"n":1}"#, #"{"n":2}"#])
        let head = try #require(record.requests.first?.head.lowercased())
        #expect(head.hasPrefix("post /v1/chat/completions http/1.1"))
        #expect(head.contains("host: 127.0.0.1:\(server.port)"))
        #expect(head.contains("authorization: bearer sk-x"))
        #expect(head.contains("content-length: 7"))
        try await server.stop()
    }

    @Test("chunked bodies are reassembled; a close-delimited body ends at the close and is not reused")
    func chunkedAndCloseDelimited() async throws {
        let server = try await ScriptedHTTPServer { seen in
            if seen.body == "chunked" {
                return [
                    .send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                    .pause(milliseconds: 20), .send("6\r\n world\r\n0\r\n\r\n"),
                ]
            }
            return [.send("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end"), .close]
        }
        #expect(try await send(server, body: "chunked").1 == "hello world")
        #expect(try await send(server, body: "close").1 == "until the end")
        #expect(try await send(server, body: "chunked").1 == "hello world")
        #expect(server.snapshot.connectionsAccepted == 2, "the closed connection is replaced, the chunked one reused")
        try await server.stop()
    }

    @Test("an idle connection the upstream dropped is replaced without failing the request")
    func replacesDroppedIdleConnection() async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.ok()), .pause(milliseconds: 10), .close] }
        #expect(try await send(server).1 == Self.json)
        // Wait until the server has closed the first connection, then send again.
        for _ in 0..<2_000 where server.snapshot.connectionsClosed < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        try await server.stop()
    }

    @Test("a body cut off mid-way fails as upstream_stream_interrupted, not as a short success")
    func midBodyClose() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789"), .pause(milliseconds: 20), .close]
        }
        let response = try await client.send(request(server), timeouts: .init(), provider: "fake")
        let error = await #expect(throws: GatewayError.self) { try await response.collect() }
        #expect(error?.code == .upstreamStreamInterrupted)
        try await server.stop()
    }

    @Test("no head within the first-byte limit: upstream_timeout")
    func firstByteTimeout() async throws {
        let server = try await ScriptedHTTPServer { _ in [.pause(milliseconds: 5_000)] }
        let error = await #expect(throws: GatewayError.self) {
            _ = try await send(server, timeouts: .init(firstByte: .milliseconds(150)))
        }
        #expect(error?.code == .upstreamTimeout)
        try await server.stop()
    }

    @Test("a body silent for longer than the idle limit: upstream_timeout")
    func idleTimeout() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"), .pause(milliseconds: 5_000)]
        }
        let response = try await client.send(
            request(server), timeouts: .init(idle: .seconds(1)), provider: "fake")
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(buffer: $0) } == "hello")
        // The body yields the transport's error; readers map it (UpstreamEventReader, UpstreamResponse.collect).
        let error = await #expect(throws: UpstreamTransportError.idleTimeout) { _ = try await iterator.next() }
        #expect(error.map { UpstreamClient.map($0, provider: "fake").code } == .upstreamTimeout)
        try await server.stop()
    }

    @Test("a body larger than the inline limit is written after the head and arrives whole")
    func largeRequestBody() async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.ok())] }
        let body = "{\"p\":\"" + String(repeating: "x", count: 200_000) + "\"}"
        #expect(try await send(server, body: body).1 == Self.json)
        #expect(try await send(server, body: "{}").1 == Self.json)
        let record = server.snapshot
        #expect(record.requests.map(\.body) == [body, "{}"])
        #expect(record.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("a header that cannot be sent fails at once as invalid_configuration; nothing is sent and the connection stays")
    func invalidHeaderIsRefused() async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.ok())] }
        #expect(try await send(server).1 == Self.json)
        var bad = request(server)
        bad.headers.append(("x-org", "acme\r\nx-injected: 1"))
        let error = await #expect(throws: GatewayError.self) {
            _ = try await client.send(bad, timeouts: .init(firstByte: .seconds(60)), provider: "fake")
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("x-org") == true)
        #expect(try await send(server).1 == Self.json)
        let record = server.snapshot
        #expect(record.requests.count == 2)
        #expect(!record.requests.contains { $0.head.contains("injected") })
        #expect(record.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("an answer to HEAD has no body, whatever its content-length says, and the connection is reused")
    func headHasNoBody() async throws {
        let server = try await ScriptedHTTPServer { seen in
            seen.head.hasPrefix("HEAD")
                ? [.send("HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n")] : [.send(Self.ok())]
        }
        var head = request(server)
        head.method = "HEAD"
        head.body = ByteBuffer()
        let response = try await client.send(head, timeouts: .init(), provider: "fake")
        #expect(response.head.status == 200)
        #expect(try await response.collect().readableBytes == 0)
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("nothing listening: upstream_unreachable")
    func connectionRefused() async throws {
        let server = try await ScriptedHTTPServer { _ in [] }
        let url = server.baseURL
        try await server.stop()
        let error = await #expect(throws: GatewayError.self) {
            _ = try await client.send(
                UpstreamRequest(url: url + "/v1/chat/completions", headers: [], body: ByteBuffer(string: "{}")),
                timeouts: .init(), provider: "fake")
        }
        #expect(error?.code == .upstreamUnreachable)
    }

    @Test("a consumer that stops reading holds the upstream back, and then gets every byte")
    func backPressure() async throws {
        let total = 64 << 20
        let server = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 200 OK\r\ncontent-length: \(total)\r\n\r\n"), .stream(count: total, piece: 64 << 10)]
        }
        let response = try await client.send(request(server), timeouts: .init(), provider: "fake")
        var iterator = response.body.makeAsyncIterator()
        var received = try await iterator.next()?.readableBytes ?? 0
        // Stop reading until the server's socket stays blocked (its kernel buffers and ours are full).
        var stalled = 0
        var last = -1
        for _ in 0..<2_000 {
            try await Task.sleep(for: .milliseconds(10))
            let record = server.snapshot
            if record.streamFinished { break }
            stalled = record.streamBlocked && record.streamedBytes == last ? stalled + 1 : 0
            last = record.streamedBytes
            if stalled >= 20 { break }
        }
        let paused = server.snapshot
        #expect(!paused.streamFinished, "the upstream wrote all \(total) bytes while nobody read them")
        #expect(paused.streamedBytes < total / 2)
        while let piece = try await iterator.next() { received += piece.readableBytes }
        #expect(received == total)
        #expect(server.snapshot.streamFinished)
        try await server.stop()
    }

    @Test("a consumer that drops the body closes the connection instead of reusing it")
    func droppedBodyClosesConnection() async throws {
        let server = try await ScriptedHTTPServer { seen in
            seen.body == "long"
                ? [.send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"), .pause(milliseconds: 5_000)]
                : [.send(Self.ok())]
        }
        do {
            let response = try await client.send(request(server, body: "long"), timeouts: .init(), provider: "fake")
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
        }
        for _ in 0..<2_000 where server.snapshot.connectionsClosed < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.snapshot.connectionsClosed == 1)
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        try await server.stop()
    }

    @Test("the AsyncHTTPClient transport, when chosen, answers the same")
    func asyncHTTPClientFallback() async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.ok())] }
        let client = UpstreamClient(configuration: .init(plainHTTPTransport: .asyncHTTPClient))
        let response = try await client.send(request(server), timeouts: .init(), provider: "fake")
        #expect(String(buffer: try await response.collect()) == Self.json)
        try await client.shutdown()
        try await server.stop()
    }

    @Test("endpoints: scheme, host, default and explicit ports, IPv6 literals, targets")
    func endpoints() throws {
        let plain = try #require(UpstreamEndpoint(url: "http://127.0.0.1:8080/v1/chat/completions?x=1#frag"))
        #expect(plain.scheme == "http")
        #expect(plain.host == "127.0.0.1")
        #expect(plain.port == 8080)
        #expect(plain.target == "/v1/chat/completions?x=1")
        #expect(plain.hostHeader == "127.0.0.1:8080")
        let bare = try #require(UpstreamEndpoint(url: "HTTP://ollama.internal"))
        #expect(bare.port == 80)
        #expect(bare.target == "/")
        #expect(bare.hostHeader == "ollama.internal")
        let tls = try #require(UpstreamEndpoint(url: "https://api.openai.com/v1/chat/completions"))
        #expect(tls.scheme == "https")
        #expect(tls.port == 443)
        let v6 = try #require(UpstreamEndpoint(url: "http://[::1]:11434/api/chat"))
        #expect(v6.host == "::1")
        #expect(v6.hostHeader == "[::1]:11434")
        #expect(UpstreamEndpoint(url: "ftp://example.com/") == nil)
        #expect(UpstreamEndpoint(url: "http://user:pass@example.com/") == nil)
        #expect(UpstreamEndpoint(url: "http://example.com:99999/") == nil)
        #expect(UpstreamEndpoint(url: "not a url") == nil)
    }
}
