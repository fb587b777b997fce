import Foundation
import NIOCore
@testable import SwitchyardProviders
import SwitchyardCore
import Testing

/// A streamed body's time limits on every transport: the plain HTTP/1.1 pool, AsyncHTTPClient (which carries every
/// TLS upstream, here over plain HTTP) and HTTP/2 with prior knowledge. The first-byte limit runs until the body's
/// first byte (a reasoning model sends its head at once and its first token minutes later), the idle limit after it,
/// and a consumer that reads slowly holds the reads without being taken for a silent upstream.
@Suite("Stream time limits")
struct StreamTimeLimitTests {
    static let transports: [UpstreamClient.Configuration.PlainHTTPTransport] = [.pooled, .asyncHTTPClient]
    static let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"

    static func chunk(_ text: String) -> String {
        String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n"
    }

    /// Hands `body` a function that sends a streamed request to `server` through `transport`; the client and the
    /// server are stopped after, also when `body` throws.
    func withStream(
        _ server: ScriptedHTTPServer, transport: UpstreamClient.Configuration.PlainHTTPTransport,
        timeouts: UpstreamTimeouts, _ body: (_ send: () async throws -> UpstreamResponse) async throws -> Void
    ) async throws {
        let client = UpstreamClient(configuration: .init(plainHTTPTransport: transport))
        let request = UpstreamRequest(
            url: server.baseURL + "/v1/chat/completions", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: #"{"stream":true}"#))
        do {
            try await body { try await client.send(request, timeouts: timeouts, provider: "fake") }
        } catch {
            try? await client.shutdown()
            try? await server.stop()
            throw error
        }
        try await client.shutdown()
        try await server.stop()
    }

    @Test("a first chunk later than the idle limit but within the first-byte limit is read", arguments: transports)
    func lateFirstChunk(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send(Self.head), .pause(milliseconds: 900), .send(Self.chunk("hello") + "0\r\n\r\n")]
        }
        try await withStream(
            server, transport: transport, timeouts: .init(firstByte: .seconds(20), idle: .milliseconds(300))
        ) { send in
            let body = try await send().collect()
            #expect(String(buffer: body) == "hello")
        }
    }

    @Test("a head in time and no first chunk within the first-byte limit: upstream_timeout", arguments: transports)
    func firstChunkPastFirstByte(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let server = try await ScriptedHTTPServer { _ in [.send(Self.head), .pause(milliseconds: 5_000)] }
        try await withStream(
            server, transport: transport, timeouts: .init(firstByte: .milliseconds(400), idle: .seconds(20))
        ) { send in
            let error = await #expect(throws: (any Error).self) {
                var iterator = try await send().body.makeAsyncIterator()
                _ = try await iterator.next()
            }
            // The body's first read fails; on a loaded machine the head itself may come after the 400 ms, and then
            // the send does. Either way, the upstream did not answer in time.
            #expect(error.map { UpstreamClient.map($0, provider: "fake").code } == .upstreamTimeout)
        }
    }

    @Test("silence after the first chunk longer than the idle limit: upstream_timeout", arguments: transports)
    func silenceAfterFirstChunk(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send(Self.head + Self.chunk("hello")), .pause(milliseconds: 5_000)]
        }
        try await withStream(
            server, transport: transport, timeouts: .init(firstByte: .seconds(20), idle: .milliseconds(400))
        ) { send in
            var iterator = try await send().body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first.map { String(buffer: $0) } == "hello")
            let error = await #expect(throws: UpstreamTransportError.idleTimeout) { _ = try await iterator.next() }
            #expect(error.map { UpstreamClient.map($0, provider: "fake").code } == .upstreamTimeout)
        }
    }

    @Test("a consumer slower than the idle limit holds the reads and loses nothing", arguments: transports)
    func slowConsumer(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        // Forty pieces, each its own read: more than the body buffers before it stops reading (16).
        let server = try await ScriptedHTTPServer { _ in
            [.send(Self.head)]
                + (0..<40).flatMap { index in
                    [ScriptedHTTPServer.Step.send(Self.chunk("piece \(index);")), .pause(milliseconds: 5)]
                }
                + [.send("0\r\n\r\n")]
        }
        try await withStream(
            server, transport: transport, timeouts: .init(firstByte: .seconds(20), idle: .seconds(2))
        ) { send in
            var iterator = try await send().body.makeAsyncIterator()
            var text = String(buffer: try #require(try await iterator.next()))
            // The upstream sends the rest within about 200 ms (seconds on a loaded machine are not silence of 2 s);
            // the reads held meanwhile are not its silence.
            try await Task.sleep(for: .seconds(4))
            while let piece = try await iterator.next() { text += String(buffer: piece) }
            #expect(text == (0..<40).map { "piece \($0);" }.joined())
        }
    }

    @Test("h2c: a first chunk later than the idle limit is read; none within the first-byte limit times out")
    func http2FirstChunk() async throws {
        let server = try await ScriptedHTTP2Server { seen in
            seen.body == "late"
                ? [.head(status: 200, headers: []), .pause(milliseconds: 900), .body("hello"), .end]
                : [.head(status: 200, headers: []), .pause(milliseconds: 5_000), .body("hello"), .end]
        }
        // The pooled client has no AsyncHTTPClient to shut down until it sends through one.
        let client = UpstreamClient()
        func send(_ body: String, _ timeouts: UpstreamTimeouts) async throws -> UpstreamResponse {
            let request = UpstreamRequest(
                url: server.baseURL + "/v1/chat/completions", headers: [("content-type", "application/json")],
                body: ByteBuffer(string: body))
            return try await client.send(request, timeouts: timeouts, provider: "fake", http2PriorKnowledge: true)
        }
        await #expect(throws: Never.self) {
            let late = try await send("late", .init(firstByte: .seconds(20), idle: .milliseconds(300)))
            #expect(String(buffer: try await late.collect()) == "hello")
        }
        let error = await #expect(throws: (any Error).self) {
            let silent = try await send("silent", .init(firstByte: .milliseconds(400), idle: .seconds(20)))
            var iterator = silent.body.makeAsyncIterator()
            _ = try await iterator.next()
        }
        // From the first read, or from the send when a loaded machine delays the head past 400 ms.
        #expect(error.map { UpstreamClient.map($0, provider: "fake").code } == .upstreamTimeout)
        try await client.shutdown()
        try await server.stop()
    }
}
