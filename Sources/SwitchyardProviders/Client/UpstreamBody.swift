public import NIOCore

/// A provider response's body, read on demand: from the pooled transports (plain-HTTP upstreams) or from
/// AsyncHTTPClient (TLS upstreams), or read whole.
public struct UpstreamBody: AsyncSequence, Sendable {
    /// The pooled transport's body: bytes yielded by ``HTTP1ExchangeHandler`` with back-pressure.
    typealias Pooled = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark,
        HTTP1ExchangeHandler.BodyDelegate
    >

    /// Pieces of the body as they arrive.
    public typealias Element = ByteBuffer

    private let delegated: AsyncHTTPClientExchange.Body?
    private let pooled: Pooled?
    private let collected: ByteBuffer?

    /// A body read through AsyncHTTPClient (``AsyncHTTPClientExchange``).
    init(delegated: AsyncHTTPClientExchange.Body) {
        self.delegated = delegated
        pooled = nil
        collected = nil
    }

    /// A body read through the pooled transports (HTTP/1.1 keep-alive, HTTP/2 with prior knowledge).
    init(pooled: Pooled) {
        delegated = nil
        self.pooled = pooled
        collected = nil
    }

    /// A body a transport read whole (``UpstreamRequest/wholeBodyLimit``).
    init(collected: ByteBuffer) {
        delegated = nil
        pooled = nil
        self.collected = collected
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            delegated: delegated?.makeAsyncIterator(), pooled: pooled?.makeAsyncIterator(), collected: collected)
    }

    /// Reads the body's pieces in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var delegated: AsyncHTTPClientExchange.Body.AsyncIterator?
        var pooled: Pooled.AsyncIterator?
        var collected: ByteBuffer?

        /// The next piece, or `nil` at the end. `@concurrent`, as the iterators it reads from are.
        @concurrent public mutating func next() async throws -> ByteBuffer? {
            if pooled != nil { return try await pooled!.next() }
            if let piece = collected {
                collected = nil
                return piece
            }
            return try await delegated?.next()
        }
    }

    /// Reads the whole body into one buffer (the single piece itself when the body came in one read).
    ///
    /// - Throws: `NIOTooManyBytesError` when the body is larger than `maxBytes`, or a transport error.
    public func collect(upTo maxBytes: Int) async throws -> ByteBuffer {
        if let collected = self.collected {
            guard collected.readableBytes <= maxBytes else { throw NIOTooManyBytesError(maxBytes: maxBytes) }
            return collected
        }
        var collected: ByteBuffer?
        for try await piece in self {
            let total = (collected?.readableBytes ?? 0) + piece.readableBytes
            guard total <= maxBytes else { throw NIOTooManyBytesError(maxBytes: maxBytes) }
            if collected == nil {
                collected = piece
            } else {
                collected!.writeImmutableBuffer(piece)
            }
        }
        return collected ?? ByteBuffer()
    }
}
