import Foundation
import NIOConcurrencyHelpers
import NIOCore
@testable import SwitchyardProviders
import SwitchyardCore
import Testing

/// HTTP/2 with prior knowledge (``HTTP2ConnectionPool``) behind ``UpstreamClient`` for providers configured with
/// `http2_prior_knowledge`, against an h2c server that answers each stream from a script.
@Suite("Pooled HTTP/2 (h2c) upstream transport")
struct PooledHTTP2TransportTests {
    static let json = #"{"ok":true}"#
    static let okSteps: [ScriptedHTTP2Server.Step] = [
        .head(status: 200, headers: [("content-type", "application/json")]), .body(json), .end,
    ]

    let client = UpstreamClient()

    func request(_ server: ScriptedHTTP2Server, body: String = "{}") -> UpstreamRequest {
        UpstreamRequest(
            url: server.baseURL + "/v1/chat/completions",
            headers: [("content-type", "application/json"), ("authorization", "Bearer sk-x")],
            body: ByteBuffer(string: body))
    }

    func response(_ server: ScriptedHTTP2Server, body: String = "{}", timeouts: UpstreamTimeouts = .init())
        async throws -> UpstreamResponse
    {
        try await client.send(request(server, body: body), timeouts: timeouts, provider: "fake", http2PriorKnowledge: true)
    }

    func send(_ server: ScriptedHTTP2Server, body: String = "{}") async throws -> (UpstreamResponse, String) {
        let response = try await response(server, body: body)
        return (response, String(buffer: try await response.collect()))
    }

    /// Waits (up to 20 s: a loaded test run is slow) until `condition` holds for the server's record.
    func eventually(_ server: ScriptedHTTP2Server, _ condition: (ScriptedHTTP2Server.Record) -> Bool) async throws {
        for _ in 0..<2_000 where !condition(server.snapshot) { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("requests go as streams of one connection, whole, with path, authority and headers")
    func sharesOneConnection() async throws {
        let server = try await ScriptedHTTP2Server { _ in Self.okSteps }
        for index in 0..<3 {
            let (response, body) = try await send(server, body: #"{"n":\#(index)}"#)
            #expect(response.head.status == 200)
            #expect(response.head.headers["content-type"] == "application/json")
            #expect(body == Self.json)
        }
        let record = server.snapshot
        #expect(record.connectionsAccepted == 1)
        #expect(record.requests.map(\.body) == [#"{"n":0}"#, #"{"n":1}"#, #"{"n":2}"#])
        let seen = try #require(record.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.path == "/v1/chat/completions")
        #expect(seen.authority == "127.0.0.1:\(server.port)")
        #expect(seen.headers.contains { $0.0 == "authorization" && $0.1 == "Bearer sk-x" })
        try await server.stop()
    }

    @Test("flow control: streams start with a 1 MiB window, and the connection's is raised to 16 MiB at once")
    func flowControlWindows() async throws {
        // 200 KiB: more than HTTP/2's default windows (64 KiB), which the upstream must not exceed unanswered.
        let big = String(repeating: "x", count: 200 << 10)
        let server = try await ScriptedHTTP2Server { _ in
            [.head(status: 200, headers: [("content-type", "text/plain")]), .body(big), .end]
        }
        let (response, body) = try await send(server)
        #expect(response.head.status == 200)
        #expect(body == big)
        try await eventually(server) { !$0.connectionWindowUpdates.isEmpty }
        let record = server.snapshot
        #expect(record.clientInitialWindowSize == HTTP2ConnectionPool.streamWindow)
        #expect(HTTP2ConnectionPool.streamWindow == 1 << 20)
        // The first update, before any data, takes the connection's window from HTTP/2's initial 65,535 bytes to
        // the target; later ones give back what arrived.
        #expect(record.connectionWindowUpdates.first == HTTP2ConnectionPool.connectionWindow - 65_535)
        #expect(HTTP2ConnectionPool.connectionWindow == 16 << 20)
        try await server.stop()
    }

    @Test("a header that cannot be sent is refused before the stream opens: invalid_configuration, naming it")
    func invalidHeaderIsRefused() async throws {
        let server = try await ScriptedHTTP2Server { _ in Self.okSteps }
        for (name, value) in [("x-note", "line\r\nbreak"), ("bad name", "v"), ("authorization", "Bearer sk-x\n")] {
            let request = UpstreamRequest(
                url: server.baseURL + "/v1/chat/completions", headers: [(name, value)], body: ByteBuffer(string: "{}"))
            // Before the check, such a request failed as upstream_stream_interrupted: the upstream (or NIOHTTP2's
            // own checks, when they were on) reset the stream. A minute's first-byte limit tells a hang from that.
            let error = await #expect(throws: GatewayError.self) {
                try await client.send(
                    request, timeouts: .init(firstByte: .seconds(60)), provider: "fake", http2PriorKnowledge: true)
            }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.contains("'\(name)'") == true)
        }
        // The connection is fine, and no refused request reached the upstream.
        let (response, _) = try await send(server)
        #expect(response.head.status == 200)
        #expect(server.snapshot.requests.count == 1)
        try await server.stop()
    }

    @Test("200 concurrent streams share one connection")
    func multiplexes() async throws {
        let server = try await ScriptedHTTP2Server { _ in
            [.head(status: 200, headers: []), .pause(milliseconds: 200), .body(Self.json), .end]
        }
        _ = try await send(server)  // the connection and the server's settings, first
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 { group.addTask { try await send(server, body: "\(index)").1 } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(bodies.count == 200)
        #expect(bodies.allSatisfy { $0 == Self.json })
        let record = server.snapshot
        #expect(record.connectionsAccepted == 1)
        #expect(record.peakOpenStreams > 1, "the streams were sent one at a time")
        try await server.stop()
    }

    @Test("the upstream's stream limit is kept: more concurrent requests open more connections")
    func respectsStreamLimit() async throws {
        // Each of the six holds its stream until all six have reached the server (at most 20 s), so they are open
        // at once however slowly the test machine runs them.
        let seen = NIOLockedValueBox(0)
        let server = try await ScriptedHTTP2Server(maxStreams: 2) { request in
            guard request.body != "first" else { return Self.okSteps }
            seen.withLockedValue { $0 += 1 }
            return [
                .head(status: 200, headers: []), .hold(until: { seen.withLockedValue { $0 } >= 6 }, atMost: 20_000),
                .body("x"), .end,
            ]
        }
        _ = try await send(server, body: "first")  // its SETTINGS (2 streams) are known from here on
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await send(server).1 } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(bodies == Array(repeating: "x", count: 6))
        let record = server.snapshot
        #expect(record.connectionsAccepted >= 3)
        #expect(record.peakOpenStreams <= 2 * record.connectionsAccepted)
        try await server.stop()
    }

    @Test("events are handed on as they arrive, before the upstream has finished")
    func streamsAsItArrives() async throws {
        // The server sends one event, then holds the rest until the client has that event (or 20 s have passed):
        // a transport that waited for the whole body would see the first event only after the server finished.
        let received = NIOLockedValueBox(false)
        let server = try await ScriptedHTTP2Server { _ in
            [
                .head(status: 200, headers: [("content-type", "text/event-stream")]), .body("data: 1\n\n"),
                .hold(until: { received.withLockedValue { $0 } }, atMost: 20_000), .body("data: 2\n\n"), .end,
            ]
        }
        let response = try await response(server)
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next()
        let finishedBeforeFirst = server.snapshot.finishedScripts
        received.withLockedValue { $0 = true }
        #expect(first.map { String(buffer: $0) } == "data: 1\n\n")
        #expect(finishedBeforeFirst == 0, "the first event waited for the whole body")
        var rest = ""
        while let piece = try await iterator.next() { rest += String(buffer: piece) }
        #expect(rest == "data: 2\n\n")
        try await server.stop()
    }

    @Test("a stream reset mid-body fails as upstream_stream_interrupted; the connection serves on")
    func resetMidBody() async throws {
        let server = try await ScriptedHTTP2Server { seen in
            seen.body == "reset" ? [.head(status: 200, headers: []), .body("0123"), .pause(milliseconds: 20), .reset] : Self.okSteps
        }
        let response = try await response(server, body: "reset")
        let error = await #expect(throws: GatewayError.self) { try await response.collect() }
        #expect(error?.code == .upstreamStreamInterrupted)
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 1)
        try await server.stop()
    }

    /// Sends `count` requests that the server resets mid-body (the errors are expected), then one it answers, through
    /// `pool`; returns that answer.
    func resetsThenAnswer(_ server: ScriptedHTTP2Server, count: Int, pool: HTTP2ConnectionPool) async throws -> String {
        let timeouts = UpstreamTimeouts(connect: .seconds(5), firstByte: .seconds(5), idle: .seconds(5))
        let endpoint = try #require(UpstreamEndpoint(url: server.baseURL + "/v1/chat/completions"))
        for _ in 0..<count {
            let answer = try? await pool.execute(request(server, body: "reset"), endpoint: endpoint, timeouts: timeouts)
            _ = try? await answer?.body.collect(upTo: 1 << 20)
        }
        let answer = try await pool.execute(request(server), endpoint: endpoint, timeouts: timeouts)
        return String(buffer: try await answer.body.collect(upTo: 1 << 20))
    }

    static let resetMidBody: @Sendable (ScriptedHTTP2Server.Seen) -> [ScriptedHTTP2Server.Step] = { seen in
        seen.body == "reset" ? [.head(status: 200, headers: []), .body("0"), .reset] : okSteps
    }

    @Test("an upstream that resets many streams keeps its connection (NIOHTTP2's limit against rapid reset is raised)")
    func manyResetsKeepTheConnection() async throws {
        // RFC 9113 §8.1: a server may end a stream with RST_STREAM(NO_ERROR) once it has answered; nginx does so for
        // every request it answers without reading the whole body. NIOHTTP2 took more than 200 in 30 s for an attack.
        let server = try await ScriptedHTTP2Server(script: Self.resetMidBody)
        #expect(try await resetsThenAnswer(server, count: 260, pool: HTTP2ConnectionPool()) == Self.json)
        #expect(server.snapshot.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("a connection NIOHTTP2 gave up on takes no new stream, and is closed")
    func connectionErrorRetiresTheConnection() async throws {
        // NIOHTTP2 gives a connection up when the peer goes over one of its limits (here the stream resets, with
        // NIOHTTP2's own limit of 200 in 30 s): it sends GOAWAY and reports an error, but leaves the connection open.
        // A request sent on it after that waited for an answer that never came.
        let server = try await ScriptedHTTP2Server(script: Self.resetMidBody)
        #expect(try await resetsThenAnswer(server, count: 260, pool: HTTP2ConnectionPool(resetLimit: (200, .seconds(30)))) == Self.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        // The first connection is closed by the gateway.
        try await eventually(server) { $0.connectionsClosed == 1 }
        #expect(server.snapshot.connectionsClosed == 1)
        try await server.stop()
    }

    @Test("a connection closed mid-body fails as upstream_stream_interrupted; the next request reconnects")
    func connectionClosedMidBody() async throws {
        let server = try await ScriptedHTTP2Server { seen in
            seen.body == "close"
                ? [.head(status: 200, headers: []), .body("0123"), .pause(milliseconds: 20), .closeConnection]
                : Self.okSteps
        }
        let response = try await response(server, body: "close")
        let error = await #expect(throws: GatewayError.self) { try await response.collect() }
        #expect(error?.code == .upstreamStreamInterrupted)
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        try await server.stop()
    }

    @Test("after the upstream's GOAWAY, new requests go to a new connection (a stream it refused is sent again)")
    func goAwayMovesOn() async throws {
        let server = try await ScriptedHTTP2Server { seen in
            seen.body == "leave" ? Self.okSteps + [.goAway] : Self.okSteps
        }
        #expect(try await send(server, body: "leave").1 == Self.json)
        // Once the server has sent GOAWAY, the next request either sees it first and opens a new connection, or
        // goes out on the old one, is refused, and is sent again on a new one: the caller sees the answer either way.
        try await eventually(server) { $0.finishedScripts == 1 }
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        try await server.stop()
    }

    @Test("a connection that carries no stream for the idle timeout is closed; the next request opens another")
    func closesIdleConnections() async throws {
        let server = try await ScriptedHTTP2Server { _ in Self.okSteps }
        let pool = HTTP2ConnectionPool(idleTimeout: .seconds(1))
        let endpoint = try #require(UpstreamEndpoint(url: server.baseURL + "/v1/chat/completions"))
        func send() async throws -> String {
            let answer = try await pool.execute(request(server), endpoint: endpoint, timeouts: .init())
            return String(buffer: try await answer.body.collect(upTo: 1 << 20))
        }
        #expect(try await send() == Self.json)
        #expect(try await send() == Self.json)
        let opened = server.snapshot.connectionsAccepted
        try await eventually(server) { $0.connectionsClosed == opened }
        #expect(server.snapshot.connectionsClosed == opened, "the idle connection was kept")
        #expect(try await send() == Self.json)
        #expect(server.snapshot.connectionsAccepted == opened + 1)
        pool.shutdown()
        try await server.stop()
    }

    @Test("no head within the first-byte limit: upstream_timeout, and the stream is reset")
    func firstByteTimeout() async throws {
        let server = try await ScriptedHTTP2Server { _ in [.pause(milliseconds: 5_000), .head(status: 200, headers: [])] }
        let error = await #expect(throws: GatewayError.self) {
            _ = try await response(server, timeouts: .init(firstByte: .milliseconds(150)))
        }
        #expect(error?.code == .upstreamTimeout)
        try await eventually(server) { $0.streamsResetByClient == 1 }
        #expect(server.snapshot.streamsResetByClient == 1)
        try await server.stop()
    }

    @Test("nothing listening: upstream_unreachable")
    func connectionRefused() async throws {
        let server = try await ScriptedHTTP2Server { _ in [] }
        let outgoing = request(server)
        try await server.stop()
        let error = await #expect(throws: GatewayError.self) {
            _ = try await client.send(outgoing, timeouts: .init(), provider: "fake", http2PriorKnowledge: true)
        }
        #expect(error?.code == .upstreamUnreachable)
    }

    @Test("a consumer that drops the body resets its stream, not the connection")
    func droppedBodyResetsStream() async throws {
        let server = try await ScriptedHTTP2Server { seen in
            // The stream stays open until the client resets it (or 30 s pass, when the test has failed already).
            seen.body == "long"
                ? [.head(status: 200, headers: []), .body("hello"), .hold(until: { false }, atMost: 30_000), .end]
                : Self.okSteps
        }
        do {
            let response = try await response(server, body: "long")
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
        }
        try await eventually(server) { $0.streamsResetByClient == 1 }
        #expect(server.snapshot.streamsResetByClient == 1)
        #expect(try await send(server).1 == Self.json)
        #expect(server.snapshot.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("an upstream error status comes back with its body, as over HTTP/1.1")
    func errorStatus() async throws {
        let server = try await ScriptedHTTP2Server { _ in
            [.head(status: 429, headers: [("retry-after", "3")]), .body(#"{"error":{"message":"slow down"}}"#), .end]
        }
        let (response, body) = try await send(server)
        #expect(response.head.status == 429)
        #expect(response.head.retryAfterSeconds == 3)
        #expect(body.contains("slow down"))
        try await server.stop()
    }

    @Test("a provider with http2_prior_knowledge: chat and a stream through the OpenAI adapter, over one connection")
    func providerOverH2C() async throws {
        let sse = [
            #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
        ].map { "data: \($0)\n\n" }
        let json =
            #"{"id":"c2","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
        let server = try await ScriptedHTTP2Server { seen in
            guard seen.body.contains(#""stream":true"#) else {
                return [.head(status: 200, headers: [("content-type", "application/json")]), .body(json), .end]
            }
            return [.head(status: 200, headers: [("content-type", "text/event-stream")])]
                + sse.flatMap { [ScriptedHTTP2Server.Step.body($0), .pause(milliseconds: 5)] }
                + [.body("data: [DONE]\n\n"), .end]
        }
        let endpoint = ProviderEndpoint(
            name: "h2c", kind: .openaiCompatible, baseURL: server.baseURL + "/v1", apiKey: Secret("sk-test-123"),
            http2PriorKnowledge: true)
        let deployment = Deployment(id: "h2c/m#0", publicModel: "test", provider: endpoint, upstreamModel: "m")
        let provider = ProviderRegistry(client: client).provider(for: endpoint)

        let answer = try await provider.complete(
            ChatRequest(model: "test", messages: [.text(.user, "Hi")]), deployment: deployment)
        #expect(answer.choices.first?.message.content?.text == "Hello")
        #expect(answer.usage?.totalTokens == 4)

        let stream = try await provider.stream(
            ChatRequest(model: "test", messages: [.text(.user, "Hi")], stream: true, includeUsageInStream: true),
            deployment: deployment)
        let collected = try await Conformance.collect(stream)
        #expect(collected.text == "Hello")
        #expect(collected.finish == .stop)
        #expect(collected.usage?.totalTokens == 5)

        let record = server.snapshot
        #expect(record.connectionsAccepted == 1)
        #expect(record.requests.map(\.path) == ["/v1/chat/completions", "/v1/chat/completions"])
        #expect(record.requests.allSatisfy { seen in seen.headers.contains { $0 == ("authorization", "Bearer sk-test-123") } })
        try await server.stop()
    }
}
