import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

// nio-relay LISTEN_PORT UPSTREAM_PORT [THREADS]
//
// RELAY_BURN_IN, RELAY_BURN_OUT, RELAY_BURN_AFTER (microseconds, default 0): busy-loop that long before flushing a
// request upstream, before flushing an answer to the client, and after flushing an answer. A relay that spends a
// gateway's CPU per request where a gateway spends it, for telling what the CPU costs at c=1 on this machine from
// what the gateway's structure costs (bench/gateway/ab.sh `relay:IN:OUT:AFTER`;
// bench/results/gateway-2026-12-05-session25.md).
//
// A client connection is paired with one upstream connection, opened on the same event loop when the client
// connects; bytes are relayed both ways as they are read, flushed at the end of each read burst. No parsing: with
// keep-alive clients (wrk) this is a correct HTTP/1.1 proxy and the least work any SwiftNIO proxy can do per request.
// The floor of what a SwiftNIO gateway can add, not a gateway.

/// Busy-loops for `microseconds` (on the clock, so that a preempted loop does not run longer).
func burn(_ microseconds: Int) {
    guard microseconds > 0 else { return }
    func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
    let end = now() + microseconds * 1000
    while now() < end {}
}

/// Microseconds from the environment variable `name`, 0 when unset.
func microseconds(_ name: String) -> Int {
    getenv(name).flatMap { Int(String(cString: $0)) } ?? 0
}

let burnIn = microseconds("RELAY_BURN_IN")
let burnOut = microseconds("RELAY_BURN_OUT")
let burnAfter = microseconds("RELAY_BURN_AFTER")

/// Writes what one channel reads into its peer, and closes the peer when the channel closes.
final class Relay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let peer: any Channel
    /// Whether this relay writes to the client (it reads the upstream's answers).
    private let toClient: Bool
    private var pending = false

    init(peer: any Channel, toClient: Bool) {
        self.peer = peer
        self.toClient = toClient
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.write(unwrapInboundIn(data), promise: nil)
        pending = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard pending else { return }
        pending = false
        burn(toClient ? burnOut : burnIn)
        peer.flush()
        if toClient { burn(burnAfter) }
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
            .channelInitializer { upstream in upstream.pipeline.addHandler(Relay(peer: client, toClient: true)) }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .flatMap { upstream in client.pipeline.addHandler(Relay(peer: upstream, toClient: false)) }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .wait()
print("nio-relay listening on \(listenPort), upstream \(upstreamPort), \(threads) event loops")
try server.closeFuture.wait()
