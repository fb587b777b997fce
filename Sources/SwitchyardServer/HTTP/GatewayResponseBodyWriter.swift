import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// Writes one response to its connection (``GatewayConnectionHandler``), from the task that answered the request.
///
/// The head waits for the body's first piece, so that a response of known length (every JSON answer) goes out as
/// head, body and end in one flush. A streamed body (no length: server-sent events) is flushed piece by piece, and
/// a write waits while the channel is not writable: a client that reads slowly slows the relay, and so the
/// upstream, instead of filling the gateway's memory.
///
/// Every call runs on the connection's event loop: directly when the task already is there (the gateway runs its
/// tasks on the event loops), through the loop's queue when it is not.
struct GatewayResponseBodyWriter: ResponseBodyWriter, Sendable {
    let handler: NIOLoopBound<GatewayConnectionHandler>
    let generation: UInt64
    /// The head, until it is written with the first piece (or the end).
    private var head: HTTPResponse?
    /// Whether pieces are flushed as they come (a body of unknown length).
    private var streamed = false

    init(handler: NIOLoopBound<GatewayConnectionHandler>, generation: UInt64) {
        self.handler = handler
        self.generation = generation
    }

    /// Writes `response`: head, body, end. A failure to write closes the connection.
    func send(_ response: consuming Response) async {
        var writer = self
        writer.head = response.head
        writer.streamed = response.body.contentLength == nil
        let body = response.body
        _ = consume response
        do {
            try await body.write(writer)
        } catch {
            await onLoop { $0.finish(head: nil, trailers: nil, failed: true, generation: generation) }
        }
    }

    /// Hands the connection `relay`, the task that sends a streamed response, to cancel when the client goes away.
    func adopt(_ relay: Task<Void, Never>) async {
        let generation = self.generation
        await onLoop { $0.adopt(relay, generation: generation) }
    }

        /// Writes a piece of the body, with the head before the first; waits while the channel is not writable.
    mutating func write(_ buffer: ByteBuffer) async throws {
        let wait: EventLoopFuture<Void>?
        if handler.eventLoop.inEventLoop {
            wait = try handler.value.write(head: head, piece: buffer, flush: streamed, generation: generation)
        } else {
            let (head, streamed, generation, handler) = (self.head, self.streamed, self.generation, self.handler)
            wait = try await handler.eventLoop.submit {
                try handler.value.write(head: head, piece: buffer, flush: streamed, generation: generation)
            }.get()
        }
        head = nil
        if let wait { try await wait.get() }
    }

    /// Ends the body (with the head, if no piece was written).
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        let (head, generation) = (self.head, self.generation)
        await onLoop { handler in
            handler.finish(head: head, trailers: trailingHeaders, failed: false, generation: generation)
        }
    }

    /// Runs `body`, which cannot fail, with the handler on its event loop.
    private func onLoop(_ body: @escaping @Sendable (GatewayConnectionHandler) -> Void) async {
        let handler = self.handler
        if handler.eventLoop.inEventLoop { return body(handler.value) }
        try? await handler.eventLoop.submit { body(handler.value) }.get()
    }
}
