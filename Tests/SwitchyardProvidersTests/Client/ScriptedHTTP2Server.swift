import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// A loopback HTTP/2 server with prior knowledge (h2c) that answers each stream from a script, for testing
/// ``HTTP2ConnectionPool``: streams multiplexed on one connection, the stream limit it advertises, resets and
/// closes mid-body, silence. It counts connections, streams, and streams the client reset.
final class ScriptedHTTP2Server: Sendable {
    /// What the server does on one stream.
    enum Step: Sendable {
        /// Sends the response head.
        case head(status: Int, headers: [(String, String)])
        /// Sends a DATA frame.
        case body(String)
        /// Ends the stream.
        case end
        /// Waits.
        case pause(milliseconds: Int64)
        /// Waits until `condition` holds (checked every 10 ms), or at most `milliseconds`.
        case hold(until: @Sendable () -> Bool, atMost: Int64)
        /// Resets the stream (RST_STREAM).
        case reset
        /// Closes the whole connection.
        case closeConnection
        /// Sends GOAWAY on the connection naming this stream as the last one it takes: later streams are refused.
        case goAway
    }

    /// A request as the server saw it.
    struct Seen: Sendable {
        var connection: Int
        var method: String
        var path: String
        var authority: String
        var headers: [(String, String)]
        var body: String
    }

    /// What happened, for assertions.
    struct Record: Sendable {
        var connectionsAccepted = 0
        var connectionsClosed = 0
        var requests: [Seen] = []
        var openStreams = 0
        var peakOpenStreams = 0
        /// Streams that closed before the script ended them (the client reset them).
        var streamsResetByClient = 0
        /// Scripts run to their last step.
        var finishedScripts = 0
        /// The SETTINGS_INITIAL_WINDOW_SIZE the client announced, if it did.
        var clientInitialWindowSize: Int?
        /// The client's connection-level WINDOW_UPDATE increments, in order.
        var connectionWindowUpdates: [Int] = []
    }

    let channel: any Channel
    let record: NIOLockedValueBox<Record>
    var port: Int { channel.localAddress!.port! }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server advertising `maxStreams` concurrent streams per connection; with `tls`, behind TLS (the
    /// context's ALPN list then says whether it speaks HTTP/2 that way).
    init(maxStreams: Int = 1_000, tls: NIOSSLContext? = nil, script: @escaping @Sendable (Seen) -> [Step]) async throws {
        let record = NIOLockedValueBox(Record())
        self.record = record
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let index = record.withLockedValue { record in
                    record.connectionsAccepted += 1
                    return record.connectionsAccepted
                }
                channel.closeFuture.whenComplete { _ in record.withLockedValue { $0.connectionsClosed += 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    var settings = NIOHTTP2Handler.ConnectionConfiguration()
                    settings.initialSettings = [HTTP2Setting(parameter: .maxConcurrentStreams, value: maxStreams)]
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: settings, streamConfiguration: .init()
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                            try stream.pipeline.syncOperations.addHandler(
                                Stream(connection: index, parent: channel, record: record, script: script))
                        }
                    }
                    try channel.pipeline.syncOperations.addHandler(ConnectionFrames(record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws {
        try await channel.close()
    }

    var snapshot: Record { record.withLockedValue { $0 } }

    /// Notes the client's flow-control frames on the connection (stream 0).
    private final class ConnectionFrames: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame

        let record: NIOLockedValueBox<Record>

        init(record: NIOLockedValueBox<Record>) {
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data).payload {
            case .settings(.settings(let settings)):
                for setting in settings where setting.parameter == .initialWindowSize {
                    record.withLockedValue { $0.clientInitialWindowSize = setting.value }
                }
            case .windowUpdate(let increment):
                record.withLockedValue { $0.connectionWindowUpdates.append(increment) }
            default:
                break
            }
            context.fireChannelRead(data)
        }
    }

    private final class Stream: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let connection: Int
        let parent: any Channel
        let record: NIOLockedValueBox<Record>
        let script: @Sendable (Seen) -> [Step]
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        var steps: [Step] = []
        var ended = false

        init(connection: Int, parent: any Channel, record: NIOLockedValueBox<Record>, script: @escaping @Sendable (Seen) -> [Step]) {
            self.connection = connection
            self.parent = parent
            self.record = record
            self.script = script
        }

        func channelActive(context: ChannelHandlerContext) {
            record.withLockedValue { record in
                record.openStreams += 1
                record.peakOpenStreams = max(record.peakOpenStreams, record.openStreams)
            }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body(var part): body.writeBuffer(&part)
            case .end:
                guard let head else { return }
                let seen = Seen(
                    connection: connection, method: head.method.rawValue, path: head.uri,
                    authority: head.headers.first(name: "host") ?? "",
                    headers: head.headers.map { ($0.name, $0.value) }, body: String(buffer: body))
                record.withLockedValue { $0.requests.append(seen) }
                steps = script(seen)
                run(context: context)
            }
        }

        func run(context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            while !steps.isEmpty {
                switch steps.removeFirst() {
                case .head(let status, let headers):
                    var head = HTTPResponseHead(version: .http2, status: .init(statusCode: status))
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                case .body(let text):
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                case .end:
                    ended = true
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                case .pause(let milliseconds):
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(milliseconds)) {
                        self.run(context: context)
                    }
                    return
                case .hold(let condition, let milliseconds):
                    guard !condition(), milliseconds > 0 else { continue }
                    steps.insert(.hold(until: condition, atMost: milliseconds - 10), at: 0)
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(10)) { self.run(context: context) }
                    return
                case .reset:
                    ended = true
                    context.close(promise: nil)
                case .closeConnection:
                    ended = true
                    parent.close(promise: nil)
                case .goAway:
                    let last = (try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID)) ?? .maxID
                    let frame = HTTP2Frame(
                        streamID: .rootStream, payload: .goAway(lastStreamID: last, errorCode: .noError, opaqueData: nil))
                    parent.writeAndFlush(frame, promise: nil)
                }
            }
            record.withLockedValue { $0.finishedScripts += 1 }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let reset = !ended
            steps = []
            record.withLockedValue { record in
                record.openStreams -= 1
                if reset { record.streamsResetByClient += 1 }
            }
            context.fireChannelInactive()
        }
    }
}
