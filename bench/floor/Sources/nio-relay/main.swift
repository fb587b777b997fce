import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

// nio-relay LISTEN_PORT UPSTREAM_PORT [THREADS]
//
// A client connection is paired with one upstream connection, opened on the same event loop when the client
// connects; bytes are relayed both ways as they are read, flushed at the end of each read burst. No parsing: with
// keep-alive clients (wrk) this is a correct HTTP/1.1 proxy and the least work any SwiftNIO proxy can do per request.
// The floor of what a SwiftNIO gateway can add, not a gateway.

/// Writes what one channel reads into its peer, and closes the peer when the channel closes.
final class Relay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let peer: any Channel
    private var pending = false

    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.write(unwrapInboundIn(data), promise: nil)
        pending = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pending { pending = false; peer.flush() }
    }

    func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    print("usage: nio-relay LISTEN_PORT UPSTREAM_PORT [THREADS]")
    exit(2)
}
let threads = arguments.count > 3 ? Int(arguments[3]) ?? System.coreCount : System.coreCount
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)

let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { upstream in upstream.pipeline.addHandler(Relay(peer: client)) }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .flatMap { upstream in client.pipeline.addHandler(Relay(peer: upstream)) }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .wait()
print("nio-relay listening on \(listenPort), upstream \(upstreamPort), \(threads) event loops")
try server.closeFuture.wait()
