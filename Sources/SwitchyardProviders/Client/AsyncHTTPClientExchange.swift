import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Drives one request through AsyncHTTPClient (TLS upstreams, HTTP/2), with the gateway's time limits kept by its own
/// timer, as ``HTTP1ExchangeHandler`` keeps them on the pooled transport.
///
/// AsyncHTTPClient has one read timeout per client, and it covers every wait alike. A streamed call needs two: its
/// first byte may come minutes after the request (a reasoning model sends its head at once and its first token when it
/// has thought), while a silence after the first byte means a stalled upstream. So the client runs without a read
/// timeout, and this exchange keeps:
/// - the first-byte limit, from sending the request until the head and, on a body read as it streams, until the body's
///   first byte;
/// - the idle limit between two pieces after that, not counting the time a slow consumer holds the reads (the body is
///   read with back-pressure: AsyncHTTPClient reads no further until the consumer wants more);
/// - the total limit, as AsyncHTTPClient's deadline for the whole request.
///
/// Everything here runs on `loop`, the event loop AsyncHTTPClient calls the delegate on. A body read whole
/// (``UpstreamRequest/wholeBodyLimit``) is collected here and answered at its end, as the pooled transport does.
final class AsyncHTTPClientExchange: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void
    /// The body as the caller reads it: pieces yielded as AsyncHTTPClient delivers them.
    typealias Body = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BodyDelegate
    >

    private let loop: any EventLoop
    private let firstByteDeadline: NIODeadline
    private let idleLimit: TimeAmount
    private let collectLimit: Int?

    // The state below is only touched on `loop`.
    private var task: HTTPClient.Task<Void>?
    /// The caller waiting for the head (or, read whole, for the whole body).
    private var promise: EventLoopPromise<HTTP1ExchangeHandler.Answer>?
    /// Where body pieces go once the head is answered.
    private var source: Body.Source?
    /// Completed when the consumer wants more after the body's buffer filled up; AsyncHTTPClient reads on after.
    private var demand: EventLoopPromise<Void>?
    private var collectedHead: HTTPResponseHead?
    private var collected: ByteBuffer?
    private var gotFirstByte = false
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var timer: Scheduled<Void>?
    private var finished = false

    /// An exchange with the limits of `timeouts`, counted from now.
    init(loop: any EventLoop, timeouts: UpstreamTimeouts, collectLimit: Int?) {
        self.loop = loop
        firstByteDeadline = .now() + .nanoseconds(timeouts.firstByte.nanoseconds)
        idleLimit = .nanoseconds(timeouts.idle.nanoseconds)
        self.collectLimit = collectLimit
    }

    /// Sends `request` on `client` and returns once the head came (or the whole body, when read whole); the body
    /// streams after. Cancelling the waiting task cancels the request.
    func run(
        _ request: HTTPClient.Request, on client: HTTPClient, deadline: NIODeadline
    ) async throws -> HTTP1ExchangeHandler.Answer {
        let promise = loop.makePromise(of: HTTP1ExchangeHandler.Answer.self)
        let future = promise.futureResult
        if loop.inEventLoop {
            start(request, on: client, deadline: deadline, promise: promise)
        } else {
            loop.execute { self.start(request, on: client, deadline: deadline, promise: promise) }
        }
        return try await withTaskCancellationHandler {
            try await future.get()
        } onCancel: {
            self.onLoop { $0.cancelWaiting(future) }
        }
    }

    private func start(
        _ request: HTTPClient.Request, on client: HTTPClient, deadline: NIODeadline,
        promise: EventLoopPromise<HTTP1ExchangeHandler.Answer>
    ) {
        self.promise = promise
        let task = client.execute(request: request, delegate: self, eventLoop: .delegate(on: loop), deadline: deadline)
        // An error can be reported while `execute` runs; the exchange is over then.
        guard !finished else { return }
        self.task = task
        arm(at: firstByteDeadline)
    }

    // MARK: AsyncHTTPClient's calls, on `loop`

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard !finished, let promise else { return loop.makeSucceededVoidFuture() }
        if collectLimit != nil {
            collectedHead = head
            return loop.makeSucceededVoidFuture()
        }
        // The first-byte timer stays armed until the body's first byte.
        let body = Body.makeSequence(
            elementType: ByteBuffer.self, failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16), finishOnDeinit: false,
            delegate: BodyDelegate(exchange: self))
        source = body.source
        self.promise = nil
        promise.succeed(.init(head: head, body: UpstreamBody(delegated: body.sequence)))
        return loop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard !finished else { return loop.makeSucceededVoidFuture() }
        lastActivity = .now()
        if !gotFirstByte {
            // The first byte: from now on the idle limit.
            gotFirstByte = true
            disarm()
            arm(at: lastActivity + idleLimit)
        }
        if let source {
            guard case .stopProducing = source.yield(buffer) else { return loop.makeSucceededVoidFuture() }
            let demand = loop.makePromise(of: Void.self)
            self.demand = demand
            return demand.futureResult
        }
        guard let limit = collectLimit else { return loop.makeSucceededVoidFuture() }
        var buffer = buffer
        if collected == nil { collected = buffer } else { collected!.writeBuffer(&buffer) }
        if collected!.readableBytes > limit {
            // Kept to one piece over, so that the caller reports it too large; the rest is not read.
            answerCollected()
            task.cancel()
        }
        return loop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        guard !finished else { return }
        if collectLimit != nil { return answerCollected() }
        let source = self.source
        end()
        source?.finish()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        fail(error)
    }

    // MARK: The consumer's signals (any thread; hopped onto `loop`)

    fileprivate func consumerWantsMore() {
        guard !finished, let demand else { return }
        self.demand = nil
        lastActivity = .now()
        demand.succeed()
    }

    fileprivate func consumerGone() {
        // The consumer stopped before the end: the request is cancelled, which closes its connection or stream.
        guard !finished else { return }
        let task = self.task
        end()
        task?.cancel()
    }

    /// The task waiting for the head was cancelled.
    private func cancelWaiting(_ future: EventLoopFuture<HTTP1ExchangeHandler.Answer>) {
        guard let promise, promise.futureResult === future else { return }
        let task = self.task
        fail(UpstreamTransportError.cancelled)
        task?.cancel()
    }

    // MARK: Ends

    private func answerCollected() {
        guard let promise, let head = collectedHead else { return }
        let body = collected ?? ByteBuffer()
        end()
        promise.succeed(.init(head: head, body: UpstreamBody(collected: body)))
    }

    /// Ends the exchange with `error`: the waiting caller's, or the body's.
    private func fail(_ error: any Error) {
        guard !finished else { return }
        let (promise, source) = (self.promise, self.source)
        end()
        promise?.fail(error)
        source?.finish(error)
    }

    /// Drops everything the exchange holds (the task and the body's source hold it in turn). Reads held for the
    /// consumer are released with an error, which AsyncHTTPClient takes as the request's end.
    private func end() {
        finished = true
        disarm()
        let demand = self.demand
        (task, promise, source, self.demand, collectedHead, collected) = (nil, nil, nil, nil, nil, nil)
        demand?.fail(UpstreamTransportError.cancelled)
    }

    // MARK: The timer

    private func arm(at deadline: NIODeadline) {
        timer = loop.scheduleTask(deadline: deadline) { self.timerFired() }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    private func timerFired() {
        timer = nil
        guard !finished else { return }
        let now = NIODeadline.now()
        if !gotFirstByte {
            guard now >= firstByteDeadline else { return arm(at: firstByteDeadline) }
            return timeOut(.firstByteTimeout)
        }
        // Silence of our own making (the consumer is slow and reads are held) is not the upstream's.
        if demand != nil { return arm(at: now + idleLimit) }
        let due = lastActivity + idleLimit
        guard now >= due else { return arm(at: due) }
        timeOut(.idleTimeout)
    }

    private func timeOut(_ error: UpstreamTransportError) {
        let task = self.task
        fail(error)
        task?.fail(reason: error)
    }

    /// Runs `body` with the exchange on its event loop: at once when already there.
    private func onLoop(_ body: @escaping @Sendable (AsyncHTTPClientExchange) -> Void) {
        if loop.inEventLoop {
            body(self)
        } else {
            loop.execute { body(self) }
        }
    }

    /// The body sequence's delegate: the consumer's demand and departure, carried onto the event loop.
    struct BodyDelegate: NIOAsyncSequenceProducerDelegate {
        let exchange: AsyncHTTPClientExchange

        func produceMore() {
            exchange.onLoop { $0.consumerWantsMore() }
        }

        func didTerminate() {
            exchange.onLoop { $0.consumerGone() }
        }
    }
}
