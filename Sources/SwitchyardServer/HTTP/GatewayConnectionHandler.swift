import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Serves one HTTP/1.1 client connection: reads each request whole, answers it in a task of its own, and writes the
/// response straight to the channel.
///
/// Hummingbird's `HTTP1Channel` bridges the connection into Swift concurrency with a `NIOAsyncChannel`: an async
/// sequence of request parts that the connection's task iterates, and an async writer for the response. Both are
/// general: back-pressure state machines, a suspension per part, and a task per connection that lives as long as the
/// connection, holding the memory of its deepest frames. A gateway's requests are small JSON bodies (the limit is
/// `server.max_body_bytes`), so this handler collects each one on the event loop and starts one task per request;
/// the task answers and writes, and ends with the response. An idle keep-alive connection holds no task at all.
///
/// - Requests are parsed from the connection's bytes by ``HTTP1RequestParser`` (no NIO decoder in the pipeline).
/// - Requests are answered one at a time, in order. A pipelined request's bytes wait in ``pending`` and reads stop
///   until the response before it is written.
/// - `HEAD` is routed as `GET`, and answered with the head alone (a load balancer's health check).
/// - `Expect: 100-continue` is answered `100 Continue` when the head has come without its body.
/// - A body larger than `maxBodyBytes` is kept to `maxBodyBytes + 1` bytes, so the handler rejects it with 413 as
///   before (`RequestBodyDecoder`), without holding the rest.
/// - Responses are written as bytes (``HTTP1ResponseEncoder``). One of known length goes out as one buffer and one
///   flush; a streamed one (chunked) is flushed piece by piece, and its writer waits while the channel is not
///   writable (back-pressure from a slow client to the upstream, see ``GatewayResponseBodyWriter``).
/// - A request that cannot be parsed is answered 400, and the connection closes.
/// - A client that closes its connection (or its sending side: Hummingbird's server allows half-closure) is closed at
///   once.
/// - A client that closes its connection before its answer is written cancels the task that answers it (or relays
///   its stream): the upstream call stops, nothing else is tried, and the request is recorded as
///   `499 client_closed_request` with what was streamed, as nginx does (`proxy_ignore_client_abort off`). Without
///   it, a non-streamed answer or a stream's first token was awaited, and paid for, to be written to nobody.
/// - A connection with no request being answered for `server.idle_timeout_seconds` (since it opened, or since its
///   last response) is closed: an idle keep-alive connection, or a request that trickles in.
/// - `Connection: close` (or an HTTP/1.0 request without keep-alive) and graceful shutdown
///   (`ChannelShouldQuiesceEvent`) close the connection after the response in progress, or at once when there is
///   none.
final class GatewayConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Answers one request (on any executor), given its body as read whole; the response is written by the handler.
    typealias Serve = @Sendable (Request, ByteBuffer, any Channel) async -> Response

    private let serve: Serve
    private let maxBodyBytes: Int
    /// How long the connection may wait for a request with none being answered; `nil`: for ever.
    private let idleTimeout: TimeAmount?
    /// When the connection last became idle: when it opened, or when its last response ended.
    private var idleSince = NIODeadline.now()
    /// Looks at the connection every half ``idleTimeout``, closing it when it has been idle that long.
    private var idleCheck: RepeatedTask?
    private var context: ChannelHandlerContext?

    /// Reads requests from ``pending``.
    private var parser: HTTP1RequestParser
    /// Bytes read and not parsed yet: the rest of a request, or pipelined requests while one is being answered.
    private var pending = ByteBuffer()
    /// Whether a request is being answered (from its end until its response's end).
    private var answering = false
    /// The method of the request being answered (an answer to `HEAD` has no body), and its response's framing.
    private var method = HTTPRequest.Method.get
    private var framing = HTTP1ResponseEncoder.Framing.none
    /// Whether the response's head has been written.
    private var headWritten = false
    /// Whether reads are held (bytes of a pipelined request wait in ``pending``), and whether one was asked for
    /// meanwhile.
    private var readsHeld = false
    private var readPending = false
    /// Close after the response in progress (the client's `Connection: close`, or shutdown).
    private var closeAfterResponse = false
    /// The task answering the request, then the one relaying its streamed body: cancelled when the client goes away.
    private var task: Task<Void, Never>?
    /// The writer waiting for the channel to become writable again.
    private var writability: EventLoopPromise<Void>?
    /// Increases with every response; a writer of an earlier response is told apart by it.
    private var generation: UInt64 = 0

    /// Creates the handler for one connection.
    init(maxBodyBytes: Int, idleTimeout: TimeAmount? = nil, serve: @escaping Serve) {
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
        self.serve = serve
        self.parser = HTTP1RequestParser(maxBodyBytes: maxBodyBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard let idleTimeout else { return }
        idleSince = .now()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let interval = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 2, 1_000_000))
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            handler.value.closeIfIdle()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        idleCheck.take()?.cancel()
        failWritability()
    }

    /// Closes the connection when no request has been answered for ``idleTimeout``: none in progress, and the next
    /// one (if its first bytes came) not whole yet.
    private func closeIfIdle() {
        guard let context, let idleTimeout, !answering, NIODeadline.now() - idleSince >= idleTimeout else { return }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck.take()?.cancel()
        if answering, let task = task.take() { task.cancel() }
        failWritability()
        pending = ByteBuffer()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let writability {
            self.writability = nil
            writability.succeed()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The client closed its side (the server allows half-closure, so NIO reports it instead of closing).
            // Nothing more will come: close, which cancels an answer in progress as nginx does. Left alone, every
            // connection a client closed stayed open in CLOSE_WAIT, holding its descriptor for good.
            context.close(promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            if answering || pending.readableBytes > 0 {
                closeAfterResponse = true
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A failed socket: the connection cannot go on.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Answers 400 unless a response has started, and closes.
    private func badRequest(context: ChannelHandlerContext) {
        if !(answering && headWritten) {
            var buffer = context.channel.allocator.buffer(capacity: 96)
            buffer.writeStaticString(HTTP1ResponseEncoder.badRequest)
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        }
        answering = false
        pending = ByteBuffer()
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeBuffer(&bytes)
        }
        if answering {
            readsHeld = true
            return
        }
        parseNext(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if readsHeld {
            readPending = true
        } else {
            context.read()
        }
    }

    /// Parses ``pending`` as far as the next whole request, and answers it.
    private func parseNext(context: ChannelHandlerContext) {
        switch parser.next(from: &pending) {
        case .needMore:
            if pending.readableBytes == 0 { pending = ByteBuffer() }  // let the read buffer go
        case .continueExpected:
            var buffer = context.channel.allocator.buffer(capacity: 32)
            buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        case .malformed:
            badRequest(context: context)
        case .request(let parsed):
            if !parsed.keepAlive { closeAfterResponse = true }
            method = parsed.head.method
            var head = parsed.head
            // Answered as GET without its body (RFC 9110 9.3.2): the routes are GET routes, and ``method`` keeps
            // HEAD for the response's framing.
            if head.method == .head { head.method = .get }
            let request = Request(head: head, body: RequestBody(buffer: parsed.body))
            answer(request, body: parsed.body, context: context)
        }
    }

    /// Starts the task that answers `request` and writes its response.
    ///
    /// A streamed body is relayed by a task of its own, and the answering task ends: a task's allocator keeps the
    /// memory its deepest frames needed (decoding, governance, routing, opening the upstream: tens of kilobytes)
    /// until the task ends, and a relay lasts as long as the model writes. A response of known length is written by
    /// the answering task itself.
    private func answer(_ request: Request, body: ByteBuffer, context: ChannelHandlerContext) {
        answering = true
        RequestActivity.noteStarted()
        headWritten = false
        generation &+= 1
        let writer = GatewayResponseBodyWriter(
            handler: NIOLoopBound(self, eventLoop: context.eventLoop), generation: generation)
        let (serve, channel) = (self.serve, context.channel)
        task = Task {
            let reserved = TaskFrameReserve.shared.reserve()
            defer { if reserved { TaskFrameReserve.shared.release() } }
            // The settlements the request asks for run here once the response is written (SettlementQueue).
            let settlements = SettlementQueue()
            let response = await Settlements.$queue.withValue(settlements) { await serve(request, body, channel) }
            if response.body.contentLength == nil {
                await writer.adopt(Task { await writer.send(response) })
            } else {
                await writer.send(response)
            }
            await settlements.run()
        }
    }

    /// Takes `relay`, the task relaying the streamed body of the response of `generation`, as the one to cancel when
    /// the client goes away; cancels it at once when the client is already gone.
    func adopt(_ relay: Task<Void, Never>, generation: UInt64) {
        guard let context, generation == self.generation, answering, context.channel.isActive else {
            return relay.cancel()
        }
        task = relay
    }

    // MARK: Writing, called by the response's writer on the event loop

    /// Writes the head when it is given (it comes with the body's first piece, so that a response of known length is
    /// one buffer), then `piece`, in the response's framing; flushes when `flush` (a streamed body). Returns a
    /// future to wait on while the channel is not writable, or `nil`.
    func write(head: HTTPResponse?, piece: ByteBuffer, flush: Bool, generation: UInt64) throws
        -> EventLoopFuture<Void>?
    {
        guard let context, generation == self.generation, answering, context.channel.isActive else {
            throw ChannelError.ioOnClosedChannel
        }
        var buffer = context.channel.allocator.buffer(capacity: 512 + piece.readableBytes)
        if let head { encode(head, into: &buffer) }
        switch framing {
        case .none:
            break
        case .length:
            if piece.readableBytes <= 16 * 1024 {
                buffer.writeImmutableBuffer(piece)
            } else {
                if buffer.readableBytes > 0 { context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil) }
                buffer = piece
            }
        case .chunked:
            guard piece.readableBytes > 0 else { break }  // an empty chunk would end the body
            HTTP1ResponseEncoder.writeChunkHead(size: piece.readableBytes, into: &buffer)
            buffer.writeImmutableBuffer(piece)
            buffer.writeStaticString(HTTP1ResponseEncoder.chunkEnd)
        }
        if buffer.readableBytes > 0 { context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil) }
        guard flush else { return nil }
        context.flush()
        guard !context.channel.isWritable else { return nil }
        let promise = writability ?? context.eventLoop.makePromise(of: Void.self)
        writability = promise
        return promise.futureResult
    }

    /// Ends the response, with its head if none was written yet (or abandons it after a failure, closing the
    /// connection), then goes on with the next request.
    func finish(head: HTTPResponse?, trailers: HTTPFields?, failed: Bool, generation: UInt64) {
        guard let context, generation == self.generation, answering else { return }
        answering = false
        task = nil
        if idleTimeout != nil { idleSince = .now() }
        if failed {
            context.close(promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: head == nil ? 16 : 512)
        if let head { encode(head, into: &buffer) }
        if framing == .chunked { HTTP1ResponseEncoder.writeLastChunk(trailers: trailers, into: &buffer) }
        if buffer.readableBytes > 0 {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        } else {
            context.flush()
        }
        if closeAfterResponse {
            context.close(promise: nil)
            return
        }
        resumeQueued(context: context)
    }

    /// Encodes the response's head and sets its framing.
    private func encode(_ head: HTTPResponse, into buffer: inout ByteBuffer) {
        framing = HTTP1ResponseEncoder.framing(of: head, requestMethod: method)
        HTTP1ResponseEncoder.writeHead(head, framing: framing, into: &buffer)
        headWritten = true
    }

    /// Reads the next pipelined request, if its bytes are here; then lets reads go on.
    private func resumeQueued(context: ChannelHandlerContext) {
        if pending.readableBytes > 0 { parseNext(context: context) }
        guard !answering, readsHeld else { return }
        readsHeld = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    private func failWritability() {
        if let writability {
            self.writability = nil
            writability.fail(ChannelError.ioOnClosedChannel)
        }
    }
}

extension Optional {
    /// The value, leaving `nil` behind.
    fileprivate mutating func take() -> Wrapped? {
        defer { self = nil }
        return self
    }
}
