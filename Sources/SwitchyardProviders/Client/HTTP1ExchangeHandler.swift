import NIOCore
import NIOHTTP1
import Synchronization
import SwitchyardCore

/// Drives one HTTP/1.1 request–response exchange at a time over one pooled upstream connection.
///
/// Everything here runs on the connection's event loop. The response head resumes the waiting caller
/// (``ExchangeWaiter``) with the head and a body sequence; body parts are yielded into that sequence as they are
/// read. Back-pressure: when the sequence's buffer is full, `read` calls are held until the consumer asks for more,
/// so a slow client slows the upstream instead of filling memory. Timers: the first-byte deadline while waiting for
/// the head and, on a body read as it streams, for its first byte (a model's time to first token: a reasoning model
/// sends its head at once and its first token minutes later); then an idle deadline, re-armed at most once per read
/// burst (not per chunk). One callback per connection checks them, rescheduled lazily (``arm(in:kind:context:)``).
/// After a complete response on a keep-alive connection the handler goes back to idle and reports itself free
/// (``onIdle``); a late signal from an earlier exchange's consumer is told apart by the exchange's generation number.
///
/// The same handler drives one HTTP/2 stream (``HTTP2ConnectionPool``): behind ``HTTP2StreamCodec`` a stream
/// looks like a connection that carries one exchange, so the handler is made not ``reusable`` there.
final class HTTP1ExchangeHandler: ChannelDuplexHandler, UpstreamResponseReceiver {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart
    typealias BodySource = UpstreamBody.Pooled.Source

    /// The response head and its body, as the waiting caller receives them.
    struct Answer: Sendable {
        var head: HTTPResponseHead
        var body: UpstreamBody
        /// The head's field lines as received, when the decoder defers them (then `head` has only the framing
        /// fields): ``UpstreamResponseDecoder/fieldBlock``.
        var fieldBlock: ByteBuffer? = nil
    }

    /// Where the connection is. The waiter and the body's source are kept beside it rather than as payloads, so
    /// that checking the state copies nothing (payload enums cost a retain and release per check: 16,000
    /// instructions per request under callgrind).
    private enum State {
        case idle
        case awaitingHead
        case streaming
        case closed
    }

    private var state = State.idle
    /// The caller waiting for the head (`awaitingHead`).
    private var waiter: ExchangeWaiter?
    /// The last exchange's ticket (``ExchangeWaiter/ticket``), taken on any thread.
    private let tickets = Atomic<UInt64>(0)
    /// Where body parts go (`streaming`).
    private var source: BodySource?
    /// The most of the body kept when the caller reads it whole (``UpstreamRequest/wholeBodyLimit``): then the
    /// waiter waits for the end, and the body is collected here (`streaming`, with no source).
    private var collectLimit: Int?
    private var collectedHead: HTTPResponseHead?
    private var collectedFieldBlock: ByteBuffer?
    private var collected: ByteBuffer?
    private var context: ChannelHandlerContext?
    /// Increases with every exchange; signals from a consumer or timer of another exchange are ignored.
    private var generation: UInt64 = 0
    /// Exchanges completed on this connection.
    private(set) var served = 0
    private var keepAlive = true
    private var readPaused = false
    private var pendingRead = false
    /// A streamed body's head came and its first byte has not: the first-byte timer is still armed.
    private var awaitingFirstBody = false
    private var idleLimit = TimeAmount.seconds(30)
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    /// The deadline in force and what it is for; `nil` when none is (``arm(in:kind:context:)``).
    private var armed: (deadline: NIODeadline, kind: TimerKind)?
    /// The loop's callback that checks ``armed``, and when it runs (at or before the deadline in force).
    private var timer: (callback: NIOScheduledCallback, at: NIODeadline)?
    /// Called on the event loop when an exchange completed and the connection can serve another.
    var onIdle: ((HTTP1ExchangeHandler) -> Void)?
    /// Whether the channel may carry another exchange after this one (an HTTP/1.1 connection; not an HTTP/2 stream).
    private let reusable: Bool
    /// Whether a request refused before its head may be sent again elsewhere even on the first exchange (an HTTP/2
    /// stream on a connection that was already open: an upstream going away drops its new streams unanswered).
    private let retryableBeforeHead: Bool

    /// On a plain HTTP/1.1 connection: the response decoder, which is told of each request (whether it is a `HEAD`,
    /// whose answer has no body) because requests are written as bytes below it (``HTTP1RequestEncoder``).
    private let responseDecoder: UpstreamResponseDecoder?
    /// The decoder's context: a write from it goes straight to the socket.
    private var rawOutput: ChannelHandlerContext?
    /// The last request head's bytes up to its length, for the next request that repeats them.
    private var headPrefix: HTTP1RequestEncoder.HeadPrefix?

    /// Creates a handler for a keep-alive connection (`reusable`) or for one HTTP/2 stream. With `responseDecoder`
    /// (a plain HTTP/1.1 connection whose pipeline is that decoder then this handler), requests
    /// are written as bytes; without, as request parts through the pipeline's codec.
    init(reusable: Bool = true, retryableBeforeHead: Bool = false, responseDecoder: UpstreamResponseDecoder? = nil) {
        self.reusable = reusable
        self.retryableBeforeHead = retryableBeforeHead
        self.responseDecoder = responseDecoder
    }


    /// Whether a close before the response head may be retried on another connection.
    private var reused: Bool { served > 0 || retryableBeforeHead }

    /// Whether a new exchange may start.
    var isIdle: Bool {
        if case .idle = state { return context?.channel.isActive ?? false }
        return false
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let responseDecoder {
            rawOutput = try? context.pipeline.syncOperations.context(handlerType: UpstreamResponseDecoder.self)
            responseDecoder.receiver = self
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let waiter {
            // Never left waiting: a handler removed from a channel that did not go inactive first.
            self.waiter = nil
            waiter.fail(UpstreamTransportError.closedBeforeResponse(reused: reused))
        }
        cancelTimer(context: context)
        self.context = nil
        rawOutput = nil
        onIdle = nil
        responseDecoder?.receiver = nil
    }

    /// Writes the request; `waiter` gets the head and body, or the failure. Call on the event loop.
    func start(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, headLimit: TimeAmount, idleLimit: TimeAmount,
        waiter: ExchangeWaiter
    ) {
        guard case .idle = state, let context, context.channel.isActive else {
            waiter.fail(UpstreamTransportError.closedBeforeResponse(reused: reused))
            return
        }
        generation &+= 1
        self.idleLimit = idleLimit
        awaitingFirstBody = false
        collectLimit = request.wholeBodyLimit
        state = .awaitingHead
        self.waiter = waiter
        arm(in: headLimit, kind: .firstByte, context: context)

        if let responseDecoder, let rawOutput {
            writeBytes(request, endpoint: endpoint, decoder: responseDecoder, output: rawOutput)
            return
        }
        do {
            try HTTP1RequestEncoder.check(request, endpoint: endpoint)
        } catch {
            // Nothing was written; the stream (this path is HTTP/2's) closes unopened.
            let waiter = self.waiter
            self.waiter = nil
            disarm()
            state = .closed
            collectLimit = nil
            context.close(promise: nil)
            waiter?.fail(error)
            return
        }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: endpoint.target)
        head.headers.reserveCapacity(request.headers.count + 2)
        head.headers.add(name: "host", value: endpoint.hostHeader)
        for (name, value) in request.headers where !HTTP1RequestEncoder.isManaged(name) {
            head.headers.add(name: name, value: value)
        }
        let length = request.body.readableBytes
        if length > 0 || request.method != "GET" { head.headers.add(name: "content-length", value: String(length)) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if length > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Writes the request as bytes below the response decoder, after telling the decoder its method.
    private func writeBytes(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, decoder: UpstreamResponseDecoder,
        output: ChannelHandlerContext
    ) {
        let encoded: (bytes: ByteBuffer, bodyIncluded: Bool)
        do {
            encoded = try HTTP1RequestEncoder.encode(
                request, endpoint: endpoint, allocator: output.channel.allocator, prefix: &headPrefix,
                keepsPrefix: served > 0)
        } catch {
            // Nothing was written: the connection goes back to the pool, good for the next exchange.
            let waiter = self.waiter
            self.waiter = nil
            disarm()
            state = .idle
            collectLimit = nil
            onIdle?(self)
            waiter?.fail(error)
            return
        }
        decoder.expectResponse(toHEAD: request.method == "HEAD")
        if encoded.bodyIncluded {
            output.writeAndFlush(NIOAny(encoded.bytes), promise: nil)
        } else {
            output.write(NIOAny(encoded.bytes), promise: nil)
            output.writeAndFlush(NIOAny(request.body), promise: nil)
        }
    }

    /// The waiting task was cancelled before its answer (the head, or the whole body when it is read whole): fail
    /// it and drop the connection. `ticket` is the exchange's: a later exchange on the connection is left alone.
    func cancel(ticket: UInt64) {
        guard let waiter, waiter.ticket == ticket else { return }
        switch state {
        case .awaitingHead, .streaming: fail(UpstreamTransportError.cancelled)
        case .idle, .closed: return
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handle(unwrapInboundIn(data), context: context)
    }

    /// A part from the pooled transport's decoder, called directly (``UpstreamResponseReceiver``).
    func received(_ part: HTTPClientResponsePart) {
        guard let context else { return }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPClientResponsePart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            guard case .awaitingHead = state, let waiter else { return fail(.malformedResponse("unexpected response")) }
            // 1xx answers (100 Continue, 103 Early Hints) precede the real head.
            if head.status.code < 200 && head.status != .switchingProtocols { return }
            keepAlive = responseDecoder?.keepAlive ?? head.isKeepAlive
            if collectLimit != nil {
                // Read whole: no body sequence, and the caller is answered at the end.
                disarm()
                state = .streaming
                collectedHead = head
                collectedFieldBlock = responseDecoder?.fieldBlock
                lastActivity = .now()
                return
            }
            let delegate = BodyDelegate(handler: NIOLoopBound(self, eventLoop: context.eventLoop), generation: generation)
            let body = UpstreamBody.Pooled.makeSequence(
                elementType: ByteBuffer.self, failureType: (any Error).self,
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16), finishOnDeinit: false,
                delegate: delegate)
            // The first-byte timer stays armed until the body's first byte.
            state = .streaming
            awaitingFirstBody = true
            source = body.source
            self.waiter = nil
            lastActivity = .now()
            waiter.succeed(
                Answer(head: head, body: UpstreamBody(pooled: body.sequence), fieldBlock: responseDecoder?.fieldBlock))
        case .body(var buffer):
            guard case .streaming = state else { return }
            if let source {
                if awaitingFirstBody {
                    // The first byte: from now on the idle limit (armed when this read burst completes).
                    awaitingFirstBody = false
                    disarm()
                }
                if case .stopProducing = source.yield(buffer) { readPaused = true }
                return
            }
            guard let limit = collectLimit else { return }
            if collected == nil { collected = buffer } else { collected!.writeBuffer(&buffer) }
            if collected!.readableBytes > limit { answerCollected(context: context, complete: false) }
        case .end:
            guard case .streaming = state else { return }
            guard let source else { return answerCollected(context: context, complete: true) }
            self.source = nil
            // Free the connection before the consumer can see the end: a caller on another thread that sends its
            // next request as soon as this body ends then finds the connection idle instead of opening another.
            finishExchange(context: context)
            source.finish()
        }
    }

    /// Answers the caller with the collected body: at its end (the connection goes back to the pool), or as soon as
    /// it is over the limit (kept to one byte over, so the caller reports it too large; the connection goes).
    private func answerCollected(context: ChannelHandlerContext, complete: Bool) {
        guard let waiter, let head = collectedHead else { return }
        let body = collected ?? ByteBuffer()
        let fieldBlock = collectedFieldBlock
        (self.waiter, collectedHead, collected, collectedFieldBlock) = (nil, nil, nil, nil)
        if complete {
            finishExchange(context: context)
        } else {
            state = .closed
            disarm()
            context.close(promise: nil)
        }
        waiter.succeed(Answer(head: head, body: UpstreamBody(collected: body), fieldBlock: fieldBlock))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .streaming = state {
            lastActivity = .now()
            if armed == nil { arm(in: idleLimit, kind: .idle, context: context) }
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if readPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Mid-body, any failure (a reset, a chunked body cut off at EOF) is an interruption; before the head, bytes
        // that are not HTTP are a malformed response.
        switch state {
        case .awaitingHead:
            if let parse = error as? HTTPParserError, parse != .invalidEOFState {
                fail(.malformedResponse(String(describing: parse)))
            } else {
                fail(.closedBeforeResponse(reused: reused))
            }
        case .streaming: fail(.closedMidBody)
        case .idle, .closed: fail(.closedMidBody)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .awaitingHead: fail(.closedBeforeResponse(reused: reused))
        case .streaming: fail(.closedMidBody)
        case .idle, .closed: state = .closed
        }
        cancelTimer(context: context)
        onIdle = nil
        context.fireChannelInactive()
    }

    /// Ends the current exchange with an error (the caller's waiter or the body sequence) and closes.
    private func fail(_ error: UpstreamTransportError) {
        let (waiter, source) = (self.waiter, self.source)
        (self.waiter, self.source, collectedHead, collected, collectedFieldBlock) = (nil, nil, nil, nil, nil)
        state = .closed
        disarm()
        waiter?.fail(error)
        source?.finish(error)
        context?.close(promise: nil)
    }

    private func finishExchange(context: ChannelHandlerContext) {
        served += 1
        disarm()
        guard keepAlive, reusable else {
            state = .closed
            context.close(promise: nil)
            return
        }
        state = .idle
        resumeReading(context: context)
        onIdle?(self)
    }

    private func resumeReading(context: ChannelHandlerContext) {
        readPaused = false
        if pendingRead {
            pendingRead = false
            context.read()
        }
    }

    // MARK: Signals from the body's consumer (any thread; hopped onto the loop by BodyDelegate)

    fileprivate func consumerWantsMore(generation: UInt64) {
        guard generation == self.generation, let context, case .streaming = state else { return }
        lastActivity = .now()
        resumeReading(context: context)
    }

    fileprivate func consumerGone(generation: UInt64) {
        // The consumer stopped before the end: the rest of the body can't be skipped cheaply, so the connection
        // goes (as a browser does when a download is cancelled).
        guard generation == self.generation, case .streaming = state else { return }
        source?.finish()
        source = nil
        state = .closed
        disarm()
        context?.close(promise: nil)
    }

    // MARK: Timers

    fileprivate enum TimerKind { case firstByte, idle }

    /// Puts a deadline in force, `amount` from now.
    ///
    /// The loop's callback is scheduled only when none is, or when the one scheduled runs after the new deadline;
    /// when it runs before, it schedules itself again for the deadline then in force. A kept-alive connection thus
    /// schedules about one callback per timeout period rather than two per request, whose scheduling and
    /// cancelling cost about 4,800 instructions per request under callgrind.
    private func arm(in amount: TimeAmount, kind: TimerKind, context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + amount
        armed = (deadline, kind)
        if let timer {
            guard timer.at > deadline else { return }
            context.eventLoop.assumeIsolated().cancelScheduledCallback(timer.callback)
            self.timer = nil
        }
        schedule(at: deadline, context: context)
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        guard let callback = try? context.eventLoop.assumeIsolated().scheduleCallback(
            at: deadline, handler: ExchangeTimer(handler: self))
        else { return }
        timer = (callback, deadline)
    }

    /// Takes the deadline out of force (the scheduled callback, if any, then finds nothing to do).
    private func disarm() {
        armed = nil
    }

    /// Cancels the scheduled callback: the connection is gone, and the callback would hold the handler.
    private func cancelTimer(context: ChannelHandlerContext) {
        armed = nil
        if let timer {
            context.eventLoop.assumeIsolated().cancelScheduledCallback(timer.callback)
            self.timer = nil
        }
    }

    fileprivate func timerFired() {
        timer = nil
        guard let (deadline, kind) = armed, let context else { return }
        if deadline > NIODeadline.now() {
            schedule(at: deadline, context: context)
            return
        }
        armed = nil
        switch (kind, state) {
        case (.firstByte, .awaitingHead):
            fail(.firstByteTimeout)
        case (.firstByte, .streaming) where awaitingFirstBody:
            fail(.firstByteTimeout)
        case (.idle, .streaming):
            // Silence of our own making (the consumer is slow and reads are held) is not the upstream's.
            let silent = NIODeadline.now() - lastActivity
            if readPaused || silent < idleLimit {
                let remaining = readPaused ? idleLimit : idleLimit - silent
                arm(in: remaining, kind: .idle, context: context)
            } else {
                fail(.idleTimeout)
            }
        default:
            break
        }
    }

    /// The timer's callback: holds the handler until it runs or is cancelled.
    private struct ExchangeTimer: NIOScheduledCallbackHandler {
        let handler: HTTP1ExchangeHandler

        func handleScheduledCallback(eventLoop: some EventLoop) {
            handler.timerFired()
        }
    }

    /// The body sequence's delegate: the consumer's demand and departure, carried onto the event loop.
    struct BodyDelegate: NIOAsyncSequenceProducerDelegate {
        let handler: NIOLoopBound<HTTP1ExchangeHandler>
        let generation: UInt64

        func produceMore() {
            onLoop { $0.consumerWantsMore(generation: $1) }
        }

        func didTerminate() {
            onLoop { $0.consumerGone(generation: $1) }
        }

        /// Runs `body` with the handler on its event loop: at once when already there.
        private func onLoop(_ body: @escaping @Sendable (HTTP1ExchangeHandler, UInt64) -> Void) {
            let (handler, generation) = (self.handler, self.generation)
            if handler.eventLoop.inEventLoop {
                body(handler.value, generation)
            } else {
                handler.eventLoop.execute { body(handler.value, generation) }
            }
        }
    }
}

extension HTTP1ExchangeHandler {
    /// Sends a request over this handler's channel (on `loop`, the channel's event loop) and returns once the
    /// response head arrived; the body streams after. Cancelling the waiting task before the head fails the
    /// exchange and drops the channel.
    func exchange(
        _ request: UpstreamRequest, on loop: any EventLoop, endpoint: UpstreamEndpoint, timeouts: UpstreamTimeouts
    ) async throws -> Answer {
        let headLimit = TimeAmount.nanoseconds(timeouts.firstByte.nanoseconds)
        let idleLimit = TimeAmount.nanoseconds(timeouts.idle.nanoseconds)
        let ticket = tickets.add(1, ordering: .relaxed).newValue
        // The handler is only touched on its loop: here at once when already there, else in the hop.
        let bound = UnsafeTransfer(self)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                let waiter = ExchangeWaiter(ticket: ticket, continuation: continuation)
                if loop.inEventLoop {
                    start(request, endpoint: endpoint, headLimit: headLimit, idleLimit: idleLimit, waiter: waiter)
                } else {
                    loop.execute {
                        bound.value.start(
                            request, endpoint: endpoint, headLimit: headLimit, idleLimit: idleLimit, waiter: waiter)
                    }
                }
            }
        } onCancel: {
            loop.execute { bound.value.cancel(ticket: ticket) }
        }
    }
}
