import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An HTTP proxy for the tests, on a free loopback port: it reads each connection's `CONNECT` request, records its
/// head, and either opens the tunnel (to `upstreamPort` on 127.0.0.1, whatever host the request named, so that a test
/// can name a host that does not resolve) or answers with `refusal` and closes.
final class ConnectProxy: Sendable {
    let channel: any Channel
    /// Each CONNECT request's head lines, in arrival order.
    let requests = NIOLockedValueBox<[[String]]>([])
    var port: Int { channel.localAddress!.port! }

    init(upstreamPort: Int, refusal: String? = nil) async throws {
        let requests = self.requests
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Intake(upstreamPort: upstreamPort, refusal: refusal, requests: requests))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws {
        try await channel.close()
    }

    /// Reads the CONNECT head, then answers and glues the connection to the upstream.
    private final class Intake: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        let upstreamPort: Int
        let refusal: String?
        let requests: NIOLockedValueBox<[[String]]>
        var head = ByteBuffer()
        var upstream: (any Channel)?

        init(upstreamPort: Int, refusal: String?, requests: NIOLockedValueBox<[[String]]>) {
            self.upstreamPort = upstreamPort
            self.refusal = refusal
            self.requests = requests
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            if let upstream {
                upstream.writeAndFlush(bytes, promise: nil)
                return
            }
            head.writeBuffer(&bytes)
            let text = String(buffer: head)
            guard let end = text.range(of: "\r\n\r\n") else { return }
            requests.withLockedValue { $0.append(text[..<end.lowerBound].components(separatedBy: "\r\n")) }
            if let refusal {
                let answer = "HTTP/1.1 \(refusal)\r\ncontent-length: 0\r\n\r\n"
                context.writeAndFlush(NIOAny(ByteBuffer(string: answer))).whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            }
            let client = context.channel
            let connected = ClientBootstrap(group: context.eventLoop)
                .channelInitializer { upstream in
                    upstream.eventLoop.makeCompletedFuture {
                        try upstream.pipeline.syncOperations.addHandler(Glue(partner: client))
                    }
                }
                .connect(host: "127.0.0.1", port: upstreamPort)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            connected.whenComplete { result in
                let (intake, context) = bound.value
                switch result {
                case .success(let upstream):
                    intake.upstream = upstream
                    context.writeAndFlush(
                        NIOAny(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n")), promise: nil)
                case .failure:
                    context.writeAndFlush(
                        NIOAny(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")),
                        promise: nil)
                    context.close(promise: nil)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            upstream?.close(promise: nil)
            context.fireChannelInactive()
        }
    }

    /// Copies what the upstream sends to the client, and closes the client when the upstream closes.
    private final class Glue: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let partner: any Channel

        init(partner: any Channel) {
            self.partner = partner
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
