import AsyncHTTPClient
public import NIOCore

/// A provider response's body, read on demand: from the pooled HTTP/1.1 transport (plain-HTTP upstreams) or from
/// AsyncHTTPClient (TLS upstreams, HTTP/2).
public struct UpstreamBody: AsyncSequence, Sendable {
    /// The pooled transport's body: bytes yielded by ``HTTP1ExchangeHandler`` with back-pressure.
    typealias Pooled = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark,
        HTTP1ExchangeHandler.BodyDelegate
    >

    /// Pieces of the body as they arrive.
    public typealias Element = ByteBuffer

    private let client: HTTPClientResponse.Body?
    private let pooled: Pooled?

    /// A body read through AsyncHTTPClient.
    init(client: HTTPClientResponse.Body) {
        self.client = client
        pooled = nil
    }

    /// A body read through the pooled HTTP/1.1 transport.
    init(pooled: Pooled) {
        client = nil
        self.pooled = pooled
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client?.makeAsyncIterator(), pooled: pooled?.makeAsyncIterator())
    }

    /// Reads the body's pieces in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var client: HTTPClientResponse.Body.AsyncIterator?
        var pooled: Pooled.AsyncIterator?

        /// The next piece, or `nil` at the end.
        public mutating func next() async throws -> ByteBuffer? {
            if pooled != nil { return try await pooled!.next() }
            return try await client?.next()
        }
    }

    /// Reads the whole body into one buffer (the single piece itself when the body came in one read).
    ///
    /// - Throws: `NIOTooManyBytesError` when the body is larger than `maxBytes`, or a transport error.
    public func collect(upTo maxBytes: Int) async throws -> ByteBuffer {
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
