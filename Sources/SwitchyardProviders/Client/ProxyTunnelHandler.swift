import NIOCore
import SwitchyardCore

/// Asks an HTTP proxy for a tunnel (`CONNECT host:port HTTP/1.1`) as soon as the connection to it is up, reads the
/// proxy's answer, and removes itself once a 2xx status says the tunnel is open: what follows on the connection is the
/// upstream's (``UpstreamTLS`` then starts TLS in it).
///
/// `promise` succeeds when the tunnel is open, and fails with ``UpstreamTransportError/connectFailed(_:)`` naming the
/// proxy (never its credentials) and the status it answered, when the connection closes first, or when the answer's
/// head is over 16 KB or not HTTP. Bytes that come after the answer's head in the same read are passed on.
///
/// Not NIOExtras' `NIOHTTP1ProxyConnectHandler`: its errors do not expose the status the proxy answered (what an
/// operator needs to tell a 407 from a 403), it needs NIO's HTTP/1 encoder and decoder added and removed around it,
/// and it cannot be captured in the `@Sendable` continuations that start TLS once the tunnel is open.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let proxy: UpstreamProxy
    private let target: String
    private let promise: EventLoopPromise<Void>
    private var answer = ByteBuffer()
    private var done = false

    /// A handler asking `proxy` for a tunnel to `host`:`port`.
    init(proxy: UpstreamProxy, host: String, port: Int, promise: EventLoopPromise<Void>) {
        self.proxy = proxy
        target = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { ask(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        ask(context: context)
        context.fireChannelActive()
    }

    private func ask(context: ChannelHandlerContext) {
        var request = "CONNECT \(target) HTTP/1.1\r\nhost: \(target)\r\n"
        if let authorization = proxy.authorization { request += "proxy-authorization: \(authorization)\r\n" }
        request += "\r\n"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        answer.writeBuffer(&bytes)
        let view = answer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if answer.readableBytes > 16_384 { fail(context: context, "an answer head over 16 KB") }
            return
        }
        let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let fields = statusLine.split(separator: " ", maxSplits: 2)
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/1."), let status = Int(fields[1]) else {
            return fail(context: context, "an answer that is not HTTP")
        }
        guard (200..<300).contains(status) else {
            let reason = fields.count > 2 ? " \(fields[2])" : ""
            let hint = status == 407 ? " (it asks for credentials: user:password@ in the proxy URL)" : ""
            return fail(context: context, "refused the tunnel to \(target): \(status)\(reason)\(hint)")
        }
        done = true
        answer.moveReaderIndex(to: end.upperBound - view.startIndex + answer.readerIndex)
        let rest = answer
        answer = ByteBuffer()
        // The upstream speaks after our first bytes in the tunnel (a TLS ClientHello), so nothing is expected here.
        if rest.readableBytes > 0 { context.fireChannelRead(NIOAny(rest)) }
        let promise = self.promise
        context.pipeline.syncOperations.removeHandler(context: context).whenComplete { _ in promise.succeed(()) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { fail(context: context, "closed the connection before the tunnel to \(target) was open") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            promise.fail(UpstreamTransportError.connect(failure: error))
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }

    private func fail(context: ChannelHandlerContext, _ reason: String) {
        guard !done else { return }
        done = true
        promise.fail(UpstreamTransportError.connectFailed("the proxy \(proxy): \(reason)"))
        context.close(promise: nil)
    }
}
