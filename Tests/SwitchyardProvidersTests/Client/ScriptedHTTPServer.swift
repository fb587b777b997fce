import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback TCP server that answers each HTTP/1.1 request with scripted raw bytes, for testing the upstream
/// transport against exactly the framing a test needs (keep-alive, chunked, close-delimited, cut-off bodies,
/// silence). It counts connections and the requests on each.
final class ScriptedHTTPServer: Sendable {
    /// What the server does for one request.
    enum Step: Sendable {
        /// Writes these bytes.
        case send(String)
        /// Writes `count` bytes of `x` in pieces of `piece`, each only when the socket is writable (so a client that
        /// stops reading blocks the writer), then records that it finished.
        case stream(count: Int, piece: Int)
        /// Waits.
        case pause(milliseconds: Int64)
        /// Closes the connection.
        case close
    }

    /// The request as the server saw it.
    struct Seen: Sendable {
        var connection: Int
        var head: String
        var body: String
    }

    /// What happened, for assertions.
    struct Record: Sendable {
        var connectionsAccepted = 0
        var connectionsClosed = 0
        var requests: [Seen] = []
        var streamedBytes = 0
        var streamFinished = false
        var streamBlocked = false
    }

    let channel: any Channel
    let record: NIOLockedValueBox<Record>
    var port: Int { channel.localAddress!.port! }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server; `script` gets the request and the index of its connection and returns the steps.
    init(script: @escaping @Sendable (Seen) -> [Step]) async throws {
        let record = NIOLockedValueBox(Record())
        self.record = record
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let index = record.withLockedValue { record in
                    record.connectionsAccepted += 1
                    return record.connectionsAccepted
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Connection(index: index, record: record, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws {
        try await channel.close()
    }

    var snapshot: Record { record.withLockedValue { $0 } }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let index: Int
        let record: NIOLockedValueBox<Record>
        let script: @Sendable (Seen) -> [Step]
        var buffer = ByteBuffer()
        var steps: [Step] = []
        var running = false
        var streamLeft = 0
        var streamPiece = 0

        init(index: Int, record: NIOLockedValueBox<Record>, script: @escaping @Sendable (Seen) -> [Step]) {
            self.index = index
            self.record = record
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            buffer.writeBuffer(&incoming)
            guard !running, let request = takeRequest() else { return }
            record.withLockedValue { $0.requests.append(request) }
            steps = script(request)
            running = true
            runSteps(context: context)
        }

        /// One whole request from the buffer (head, then `content-length` bytes), if it has arrived.
        func takeRequest() -> Seen? {
            let text = String(buffer: buffer)
            guard let end = text.range(of: "\r\n\r\n") else { return nil }
            let head = String(text[..<end.lowerBound])
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let headBytes = text.utf8.distance(from: text.startIndex, to: end.upperBound)
            guard buffer.readableBytes >= headBytes + length else { return nil }
            buffer.moveReaderIndex(forwardBy: headBytes)
            let body = buffer.readString(length: length) ?? ""
            buffer.discardReadBytes()
            return Seen(connection: index, head: head, body: body)
        }

        func runSteps(context: ChannelHandlerContext) {
            while !steps.isEmpty {
                switch steps.removeFirst() {
                case .send(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .pause(let milliseconds):
                    let loop = context.eventLoop.assumeIsolated()
                    loop.scheduleTask(in: .milliseconds(milliseconds)) { self.runSteps(context: context) }
                    return
                case .close:
                    steps = []
                    context.close(promise: nil)
                    return
                case .stream(let count, let piece):
                    streamLeft = count
                    streamPiece = piece
                    writeStream(context: context)
                    return
                }
            }
            running = false
            if takeRequestIfAny(context: context) { return }
        }

        func takeRequestIfAny(context: ChannelHandlerContext) -> Bool {
            guard let request = takeRequest() else { return false }
            record.withLockedValue { $0.requests.append(request) }
            steps = script(request)
            running = true
            runSteps(context: context)
            return true
        }

        func writeStream(context: ChannelHandlerContext) {
            while streamLeft > 0, context.channel.isWritable {
                let size = min(streamPiece, streamLeft)
                streamLeft -= size
                context.write(wrapOutboundOut(ByteBuffer(repeating: UInt8(ascii: "x"), count: size)), promise: nil)
                record.withLockedValue { $0.streamedBytes += size }
            }
            context.flush()
            if streamLeft == 0 {
                record.withLockedValue { $0.streamFinished = true }
                runSteps(context: context)
            } else {
                record.withLockedValue { $0.streamBlocked = true }
            }
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable, streamLeft > 0 { writeStream(context: context) }
            context.fireChannelWritabilityChanged()
        }

        func channelInactive(context: ChannelHandlerContext) {
            record.withLockedValue { $0.connectionsClosed += 1 }
            context.fireChannelInactive()
        }
    }
}
