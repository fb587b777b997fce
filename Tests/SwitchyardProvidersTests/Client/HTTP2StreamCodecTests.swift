import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import Testing

@testable import SwitchyardProviders

/// ``HTTP2StreamCodec``: the frames a request becomes, and the response parts that frames become. The pool's tests
/// (`PooledHTTP2TransportTests`, `TLSUpstreamTests`) run it against NIOHTTP2's server, which checks every header block.
@Suite("HTTP/2 stream codec")
struct HTTP2StreamCodecTests {
    /// A frame as the tests compare it: its kind, its fields or bytes, and END_STREAM.
    enum Frame: Equatable {
        case headers([String], endStream: Bool)
        case data(String, endStream: Bool)
    }

    static func channel(tls: Bool = true) -> EmbeddedChannel {
        EmbeddedChannel(handler: HTTP2StreamCodec(tls: tls))
    }

    /// The frames the channel has written.
    static func written(_ channel: EmbeddedChannel) throws -> [Frame] {
        var frames: [Frame] = []
        while let payload = try channel.readOutbound(as: HTTP2Frame.FramePayload.self) {
            switch payload {
            case .headers(let headers):
                frames.append(.headers(headers.headers.map { "\($0.name)=\($0.value)" }, endStream: headers.endStream))
            case .data(let data):
                guard case .byteBuffer(let buffer) = data.data else {
                    throw ChannelError.inappropriateOperationForState
                }
                frames.append(.data(String(buffer: buffer), endStream: data.endStream))
            default:
                throw ChannelError.inappropriateOperationForState
            }
        }
        return frames
    }

    /// Writes `parts` as the exchange handler does: without a flush, then the end with one.
    static func send(_ channel: EmbeddedChannel, _ parts: HTTPClientRequestPart...) {
        for part in parts { channel.write(part, promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    static func head(_ fields: [(String, String)], method: HTTPMethod = .POST) -> HTTPClientRequestPart {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: "/v1/chat/completions?x=1")
        for (name, value) in fields { head.headers.add(name: name, value: value) }
        return .head(head)
    }

    @Test("a request with a body is one HEADERS frame and one DATA frame that ends the stream")
    func requestWithBody() throws {
        let channel = Self.channel()
        Self.send(
            channel, Self.head([("host", "api.example.com"), ("authorization", "Bearer k"), ("content-length", "2")]),
            .body(.byteBuffer(ByteBuffer(string: "{}"))))
        #expect(
            try Self.written(channel) == [
                .headers(
                    [
                        ":method=POST", ":scheme=https", ":authority=api.example.com", ":path=/v1/chat/completions?x=1",
                        "authorization=Bearer k", "content-length=2",
                    ], endStream: false),
                .data("{}", endStream: true),
            ])
    }

    @Test("a request without a body is one HEADERS frame that ends the stream")
    func requestWithoutBody() throws {
        let channel = Self.channel(tls: false)
        Self.send(channel, Self.head([("host", "127.0.0.1:8080")], method: .GET))
        #expect(
            try Self.written(channel) == [
                .headers(
                    [":method=GET", ":scheme=http", ":authority=127.0.0.1:8080", ":path=/v1/chat/completions?x=1"],
                    endStream: true)
            ])
    }

    @Test("header names are sent lower-case; connection-specific fields and a te other than trailers are left out")
    func headerNames() throws {
        let channel = Self.channel()
        Self.send(
            channel,
            Self.head([
                ("Host", "h"), ("X-Api-Key", "k"), ("Connection", "keep-alive"), ("keep-alive", "5"),
                ("Transfer-Encoding", "chunked"), ("upgrade", "h2c"), ("proxy-connection", "x"), ("te", "gzip"),
                ("TE", "trailers"), ("anthropic-version", "2023-06-01"),
            ]))
        #expect(
            try Self.written(channel) == [
                .headers(
                    [
                        ":method=POST", ":scheme=https", ":authority=h", ":path=/v1/chat/completions?x=1",
                        "x-api-key=k", "te=trailers", "anthropic-version=2023-06-01",
                    ], endStream: true)
            ])
    }

    @Test("a flush between the body and the end sends the body on, and the end as an empty DATA frame")
    func flushBeforeEnd() throws {
        let channel = Self.channel()
        channel.write(Self.head([("host", "h")]), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "part"))), promise: nil)
        let early = try Self.written(channel)
        #expect(early.count == 2)
        #expect(early.last == .data("part", endStream: false))
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        #expect(try Self.written(channel) == [.data("", endStream: true)])
    }

    @Test("the write promises of held frames complete when they are written")
    func promises() throws {
        let channel = Self.channel()
        let head = channel.eventLoop.makePromise(of: Void.self)
        let body = channel.eventLoop.makePromise(of: Void.self)
        let end = channel.eventLoop.makePromise(of: Void.self)
        channel.write(Self.head([("host", "h")]), promise: head)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "b"))), promise: body)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: end)
        channel.embeddedEventLoop.run()
        for promise in [head, body, end] { try promise.futureResult.wait() }
        #expect(try Self.written(channel).count == 2)
    }

    /// The response parts the channel produced, described.
    static func read(_ channel: EmbeddedChannel) throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head):
                parts.append("head \(head.status.code) \(head.headers.map { "\($0.name)=\($0.value)" })")
            case .body(let body): parts.append("body \(String(buffer: body))")
            case .end(let trailers): parts.append("end \(trailers.map { $0.map { "\($0.name)=\($0.value)" } } ?? [])")
            }
        }
        return parts
    }

    static func headers(_ fields: [(String, String)], endStream: Bool = false) -> HTTP2Frame.FramePayload {
        .headers(.init(headers: HPACKHeaders(fields), endStream: endStream))
    }

    static func data(_ text: String, endStream: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(string: text)), endStream: endStream))
    }

    @Test("a response: its head without pseudo-header fields, the body as it comes, the end at END_STREAM")
    func response() throws {
        let channel = Self.channel()
        try channel.writeInbound(Self.headers([(":status", "200"), ("content-type", "text/event-stream")]))
        try channel.writeInbound(Self.data("data: 1\n\n"))
        try channel.writeInbound(Self.data("", endStream: true))
        #expect(
            try Self.read(channel) == [
                "head 200 [\"content-type=text/event-stream\"]", "body data: 1\n\n", "end []",
            ])
    }

    @Test("an informational head comes before the final one; HEADERS after the final head are trailers")
    func informationalAndTrailers() throws {
        let channel = Self.channel()
        try channel.writeInbound(Self.headers([(":status", "103"), ("link", "</a>")]))
        try channel.writeInbound(Self.headers([(":status", "429"), ("retry-after", "3")]))
        try channel.writeInbound(Self.data("{}", endStream: false))
        try channel.writeInbound(Self.headers([("grpc-status", "0")], endStream: true))
        #expect(
            try Self.read(channel) == [
                "head 103 [\"link=</a>\"]", "head 429 [\"retry-after=3\"]", "body {}", "end [\"grpc-status=0\"]",
            ])
    }

    @Test("a HEADERS frame that ends the stream is the whole answer")
    func headersOnly() throws {
        let channel = Self.channel()
        try channel.writeInbound(Self.headers([(":status", "204")], endStream: true))
        #expect(try Self.read(channel) == ["head 204 []", "end []"])
    }

    @Test("a response without a valid :status is a malformed response")
    func missingStatus() throws {
        for fields in [[("content-type", "application/json")], [(":status", "abc")], [(":status", "99")]] {
            let channel = Self.channel()
            #expect(throws: HTTPParserError.invalidStatus) {
                try channel.writeInbound(Self.headers(fields))
            }
            #expect(try Self.read(channel).isEmpty)
        }
    }
}
