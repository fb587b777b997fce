import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import SwitchyardServer
import Testing

/// The gateway's HTTP/1.1 connection handler over real sockets, with a plain responder: order of pipelined
/// requests, `Connection: close`, malformed requests, oversized bodies, and back-pressure from a client that does
/// not read.
@Suite struct GatewayConnectionHandlerTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { request, _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: request.uri.path)))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            var requests = ""
            for name in ["first", "second", "third"] { requests += "GET /\(name) HTTP/1.1\r\nhost: x\r\n\r\n" }
            try await client.send(requests)
            let text = try await client.read(until: { $0.components(separatedBy: "HTTP/1.1 200").count == 4 })
            let bodies = text.components(separatedBy: "\r\n\r\n").dropFirst().map { String($0.prefix(while: { $0 != "H" })) }
            #expect(bodies == ["/first", "/second", "/third"])
            #expect(client.isOpen)
            try await client.close()
        }
    }

    /// A client that sends `Expect: 100-continue` and waits is told to go on, then answered with its body.
    @Test func expectContinueIsAnsweredBeforeTheBodyComes() async throws {
        try await withServer { _, body, _ in
            Response(status: .ok, body: .init(byteBuffer: body))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("POST /e HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 5\r\n\r\n")
            let interim = try await client.read(until: { $0.contains("\r\n\r\n") })
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
            try await client.send("hello")
            let text = try await client.read(until: { $0.hasSuffix("hello") })
            #expect(text.contains("HTTP/1.1 200 OK"))
            try await client.close()
        }
    }

    /// `HEAD` is answered as `GET` would be, without the body: the next request on the connection is read right after
    /// the head.
    @Test func headIsAnsweredLikeGetWithoutItsBody() async throws {
        try await withServer { request, _, _ in
            guard request.method == .get else { return Response(status: .methodNotAllowed) }
            return Response(status: .ok, headers: [.contentLength: "5"], body: .init(byteBuffer: ByteBuffer(string: request.uri.path)))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("HEAD /head HTTP/1.1\r\nhost: x\r\n\r\nGET /next HTTP/1.1\r\nhost: x\r\n\r\n")
            let text = try await client.read(until: { $0.hasSuffix("/next") })
            let responses = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(responses.count == 2)
            let head = try #require(responses.first)
            #expect(head.hasPrefix("200 OK\r\n"))
            #expect(head.lowercased().contains("content-length: 5\r\n"))
            #expect(head.hasSuffix("\r\n\r\n"), "no body after the head")
            #expect(responses.last?.hasSuffix("\r\n\r\n/next") == true)
            try await client.close()
        }
    }

    @Test func connectionCloseClosesAfterTheResponse() async throws {
        try await withServer { _, _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "bye")))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            try await client.closed()
            let text = client.received
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(text.hasSuffix("\r\n\r\nbye"))
        }
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsAnsweredThenClosed() async throws {
        try await withServer { _, _, _ in
            Response(status: .ok, headers: [.contentLength: "2"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.0\r\n\r\n")
            try await client.closed()
            #expect(client.received.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(client.received.hasSuffix("\r\n\r\nok"))
        }
    }

    @Test func aStreamedBodyIsChunked() async throws {
        try await withServer { _, _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "data: 1\n\n"))
                try await writer.write(ByteBuffer())  // nothing: no chunk, and not the end
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            let text = try await client.read(until: { $0.hasSuffix("0\r\n\r\n") })
            #expect(text.contains("Transfer-Encoding: chunked\r\n"))
            #expect(text.hasSuffix("\r\n\r\n9\r\ndata: 1\n\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"))
            try await client.close()
        }
    }

    @Test func aMalformedRequestIsABadRequestAndTheConnectionCloses() async throws {
        try await withServer { _, _, _ in Response(status: .ok) } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("NOT HTTP AT ALL\r\n\r\n")
            try await client.closed()
            #expect(client.received.hasPrefix("HTTP/1.1 400"))
        }
    }

    /// The handler keeps at most one byte over the limit, so the responder sees a body it rejects as too large.
    @Test func aBodyOverTheLimitIsKeptToOneByteOver() async throws {
        let seen = NIOLockedValueBox<(Int?, Int)?>(nil)
        try await withServer(maxBodyBytes: 1000) { request, whole, _ in
            var request = request
            let body = try? await request.collectBody(upTo: 1 << 20)
            // The body handed over whole is the same bytes as the request's body sequence.
            seen.withLockedValue { $0 = (body?.readableBytes, whole.readableBytes) }
            return Response(status: .ok)
        } _: { port in
            let client = try await RawClient.connect(port: port)
            let body = String(repeating: "x", count: 50_000)
            try await client.send("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)")
            _ = try await client.read(until: { $0.contains("HTTP/1.1 200") })
            let (collected, whole) = try #require(seen.withLockedValue { $0 })
            #expect(collected == 1001)
            #expect(whole == 1001)
            try await client.close()
        }
    }

    /// A streamed body is written only as fast as the client reads: while it reads nothing, the responder's
    /// writer waits once the socket's buffers and NIO's are full, far short of the whole body; once it reads, the
    /// whole body arrives.
    @Test func aClientThatDoesNotReadHoldsTheWriterBack() async throws {
        let piece = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
        let pieces = 1_000  // 64 MB
        let written = NIOLockedValueBox(0)
        try await withServer { _, _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                for _ in 0..<pieces {
                    try await writer.write(piece)
                    written.withLockedValue { $0 += 1 }
                }
                try await writer.finish(nil)
            })
        } _: { port in
            let client = try await RawClient.connect(port: port, reading: false)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            try await client.wait { written.withLockedValue { $0 } > 0 }
            var last = -1
            var count = 0
            while count != last {  // until the writer stops
                last = count
                try await Task.sleep(for: .milliseconds(300))
                count = written.withLockedValue { $0 }
            }
            #expect(count > 0)
            #expect(count < pieces / 2, "the writer waits for the client instead of buffering the body")
            let bodyBytes = pieces * piece.readableBytes
            try await client.startReading()
            try await client.wait(timeout: .seconds(60)) { client.receivedBytes >= bodyBytes }
            #expect(written.withLockedValue { $0 } == pieces)
            try await client.close()
        }
    }

    /// A client that closes its connection after its answer: the gateway closes its side too, instead of keeping the
    /// descriptor in CLOSE_WAIT (the server allows half-closure, so the end of input is an event, not a close).
    @Test func aConnectionTheClientClosesIsClosed() async throws {
        let connections = ConnectionTracker()
        let children = NIOLockedValueBox<[any Channel]>([])
        try await withServer(connections: connections, children: children) { _, _, _ in
            Response(status: .ok, headers: [.contentLength: "2"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            _ = try await client.read(until: { $0.hasSuffix("\r\n\r\nok") })
            #expect(connections.open == 1, "kept alive after the answer")
            try await client.close()
            let server = try #require(children.withLockedValue { $0.first })
            try await client.wait { !server.isActive && connections.open == 0 }
            #expect(!server.isActive)
        }
    }

    /// A connection left idle after its answer is closed after `server.idle_timeout_seconds`; one whose request is
    /// answered for longer than that is not.
    ///
    /// On a loaded machine the client's connect and its request may be further apart than the timeout; the server
    /// is then right to close the connection before the request comes. Such an attempt is tried again, on a fresh
    /// connection. Once the server has started answering `/long`, the connection must not be cut.
    @Test func anIdleConnectionIsClosedButALongAnswerIsNot() async throws {
        let started = NIOLockedValueBox(0)
        try await withServer(idleTimeout: .milliseconds(200)) { request, _, _ in
            if request.uri.path == "/long" {
                started.withLockedValue { $0 += 1 }
                try? await Task.sleep(for: .milliseconds(800))
            }
            return Response(status: .ok, headers: [.contentLength: "2"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
        } _: { port in
            var answered: String?
            for _ in 0..<10 where answered == nil {
                let client = try await RawClient.connect(port: port)
                let before = started.withLockedValue { $0 }
                // Pipelined, so that no step of the client's has to come within the timeout once the request is in.
                do {
                    try await client.send("GET /long HTTP/1.1\r\nhost: x\r\n\r\nGET /next HTTP/1.1\r\nhost: x\r\n\r\n")
                } catch {
                    try await client.wait(timeout: .seconds(20)) { !client.isOpen }
                    #expect(!client.isOpen, "a send fails only on a connection the server closed as idle")
                    continue
                }
                let both = try await client.read(until: { $0.components(separatedBy: "HTTP/1.1 200 OK").count == 3 || !client.isOpen })
                if both.isEmpty && started.withLockedValue({ $0 }) == before { continue }  // closed before the request came
                #expect(both.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "the long answer, then the next one")
                #expect(both.hasSuffix("\r\n\r\nok"))
                try await client.wait(timeout: .seconds(20)) { !client.isOpen }
                #expect(!client.isOpen, "closed once idle")
                answered = both
            }
            #expect(answered != nil, "one of the attempts got its request in before the idle timeout")

            // A request that never comes whole is closed too (the send itself may already find it closed).
            let trickle = try await RawClient.connect(port: port)
            try? await trickle.send("GET / HTTP/1.1\r\nhost:")
            try await trickle.wait(timeout: .seconds(20)) { !trickle.isOpen }
            #expect(trickle.received.isEmpty)
        }
    }

    /// A client that goes away while its request is answered: the task answering it is cancelled.
    @Test func aClientThatGoesAwayCancelsItsAnswer() async throws {
        let answering = NIOLockedValueBox(false)
        let cancelled = NIOLockedValueBox(false)
        try await withServer { _, _, _ in
            answering.withLockedValue { $0 = true }
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.withLockedValue { $0 = true }
            }
            return Response(status: .ok, headers: [.contentLength: "4"], body: .init(byteBuffer: ByteBuffer(string: "late")))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            try await client.wait { answering.withLockedValue { $0 } }
            try await client.close()
            try await client.wait { cancelled.withLockedValue { $0 } }
            #expect(cancelled.withLockedValue { $0 })
        }
    }

    /// Graceful shutdown: told to quiesce, a connection answering a request closes after its response, and the
    /// tracker's drain returns only then.
    @Test func aDrainWaitsForTheResponseInProgress() async throws {
        let connections = ConnectionTracker()
        let children = NIOLockedValueBox<[any Channel]>([])
        let answering = NIOLockedValueBox(false)
        let answered = NIOLockedValueBox(false)
        let release = AsyncStream.makeStream(of: Void.self)
        try await withServer(connections: connections, children: children) { _, _, _ in
            answering.withLockedValue { $0 = true }
            for await _ in release.stream { break }
            answered.withLockedValue { $0 = true }
            return Response(status: .ok, headers: [.contentLength: "4"], body: .init(byteBuffer: ByteBuffer(string: "done")))
        } _: { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            try await client.wait { answering.withLockedValue { $0 } }
            for child in children.withLockedValue({ $0 }) {
                child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            let drained = Task {
                await connections.drained()
                return answered.withLockedValue { $0 }
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(connections.open == 1, "the connection answering a request stays open")
            release.continuation.yield()
            #expect(await drained.value, "the drain ends only after the response")
            #expect(connections.open == 0)
            let received = try await client.read(until: { $0.hasSuffix("\r\n\r\ndone") })
            #expect(received.hasPrefix("HTTP/1.1 200 OK\r\n"))
            try await client.closed()
        }
    }

    /// Runs a server with the gateway's connection pipeline and `serve`, then `body` with its port.
    private func withServer(
        maxBodyBytes: Int = 1 << 20, idleTimeout: TimeAmount? = nil, connections: ConnectionTracker = ConnectionTracker(),
        children: NIOLockedValueBox<[any Channel]>? = nil, _ serve: @escaping GatewayConnectionHandler.Serve, _ body: (Int) async throws -> Void
    ) async throws {
        let channel = GatewayHTTP1Channel(
            maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout, connections: connections, serve: serve)
        let logger = Logger(label: "test")
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { child in
                children?.withLockedValue { $0.append(child) }
                return channel.setup(channel: child, logger: logger).map { _ in }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(try #require(server.localAddress?.port))
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }
}

/// A client over a raw socket: sends bytes as given and keeps every byte it receives.
private final class RawClient: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// The first megabyte received, the count of all bytes, and whether the connection is open.
    private let state = NIOLockedValueBox<(bytes: [UInt8], count: Int, open: Bool)>(([], 0, true))
    private var channel: (any Channel)?

    static func connect(port: Int, reading: Bool = true) async throws -> RawClient {
        let client = RawClient()
        client.channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.autoRead, value: reading)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 64 * 1024)
            .channelInitializer { $0.pipeline.addHandler(client) }
            .connect(host: "127.0.0.1", port: port).get()
        return client
    }

    var received: String { String(decoding: state.withLockedValue { $0.bytes }, as: UTF8.self) }
    var receivedBytes: Int { state.withLockedValue { $0.count } }
    var isOpen: Bool { state.withLockedValue { $0.open } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        state.withLockedValue { state in
            state.count += buffer.readableBytes
            if state.bytes.count < 1 << 20 { state.bytes.append(contentsOf: buffer.readableBytesView) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.withLockedValue { $0.open = false }
    }

    func send(_ text: String) async throws {
        try await channel!.writeAndFlush(ByteBuffer(string: text)).get()
    }

    func startReading() async throws {
        try await channel!.setOption(ChannelOptions.autoRead, value: true).get()
    }

    /// Waits until `done` holds for the text received so far.
    func read(until done: @escaping (String) -> Bool) async throws -> String {
        try await wait { done(self.received) }
        return received
    }

    /// Waits until `done` holds. The bound is generous: under the whole suite, the tasks that answer can wait seconds
    /// for a thread of the cooperative pool.
    func wait(timeout: Duration = .seconds(60), until done: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if done() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out; received \(receivedBytes) bytes")
    }

    /// Waits until the server closes the connection.
    func closed() async throws {
        try await channel!.closeFuture.get()
    }

    func close() async throws {
        try? await channel!.close()
    }
}
