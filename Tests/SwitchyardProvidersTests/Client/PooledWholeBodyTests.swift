import Foundation
import NIOCore
@testable import SwitchyardProviders
import SwitchyardCore
import Testing

/// The pooled transport reading a body whole (``UpstreamRequest/wholeBodyLimit``, set for non-streaming calls): the
/// exchange answers at the body's end with one buffer, and its failures, timeouts, limit and cancellation are the
/// ones a caller reading piece by piece gets.
@Suite("Pooled transport, bodies read whole")
struct PooledWholeBodyTests {
    let client = UpstreamClient()

    func request(_ server: ScriptedHTTPServer, body: String = "{}", limit: Int = 1 << 20) -> UpstreamRequest {
        var request = UpstreamRequest(
            url: server.baseURL + "/v1/chat/completions", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: body))
        request.wholeBodyLimit = limit
        return request
    }

    func send(_ server: ScriptedHTTPServer, body: String = "{}", client: UpstreamClient? = nil, limit: Int = 1 << 20,
        timeouts: UpstreamTimeouts = .init()
    ) async throws -> String {
        let response = try await (client ?? self.client).send(
            request(server, body: body, limit: limit), timeouts: timeouts, provider: "fake")
        return String(buffer: try await response.collect())
    }

    @Test("a chunked body arrives whole, and the connection is reused after it")
    func chunkedBodyWholeAndReused() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [
                .send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                .pause(milliseconds: 20), .send("6\r\n world\r\n0\r\n\r\n"),
            ]
        }
        for _ in 0..<3 { #expect(try await send(server) == "hello world") }
        #expect(server.snapshot.connectionsAccepted == 1)
        try await server.stop()
    }

    @Test("a body cut off mid-way fails as upstream_stream_interrupted")
    func midBodyClose() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789"), .pause(milliseconds: 20), .close]
        }
        let error = await #expect(throws: GatewayError.self) { _ = try await send(server) }
        #expect(error?.code == .upstreamStreamInterrupted)
        try await server.stop()
    }

    @Test("a body silent for longer than the idle limit: upstream_timeout")
    func idleTimeout() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"), .pause(milliseconds: 5_000)]
        }
        let error = await #expect(throws: GatewayError.self) {
            _ = try await send(server, timeouts: .init(idle: .seconds(1)))
        }
        #expect(error?.code == .upstreamTimeout)
        try await server.stop()
    }

    @Test("a body over the limit is the caller's 'too large' error, and its connection is not reused")
    func overTheLimit() async throws {
        let big = String(repeating: "x", count: 100)
        let server = try await ScriptedHTTPServer { seen in
            seen.body == "big" ? [.send(PooledTransportTests.ok(big))] : [.send(PooledTransportTests.ok())]
        }
        let client = UpstreamClient(configuration: .init(maxResponseBytes: 20))
        let error = await #expect(throws: GatewayError.self) {
            _ = try await send(server, body: "big", client: client, limit: 20)
        }
        #expect(error?.code == .upstreamMalformedResponse)
        #expect(error?.message.contains("larger than 20 bytes") == true)
        #expect(try await send(server, client: client, limit: 20) == PooledTransportTests.json)
        #expect(server.snapshot.connectionsAccepted == 2)
        try await client.shutdown()
        try await server.stop()
    }

    @Test("cancelling the caller while the body is read drops the connection")
    func cancelledWhileReading() async throws {
        // The upstream would stay silent for a minute: only the cancellation can end the exchange sooner.
        let server = try await ScriptedHTTPServer { seen in
            seen.body == "slow"
                ? [.send("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"), .pause(milliseconds: 60_000)]
                : [.send(PooledTransportTests.ok())]
        }
        let task = Task { try await send(server, body: "slow") }
        for _ in 0..<2_000 where server.snapshot.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))  // the head and the first chunk are read
        task.cancel()
        for _ in 0..<8_000 where server.snapshot.connectionsClosed < 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.snapshot.connectionsClosed == 1, "the cancelled exchange's connection is closed, not reused")
        await #expect(throws: (any Error).self) { _ = try await task.value }
        #expect(try await send(server) == PooledTransportTests.json)
        try await server.stop()
    }
}
