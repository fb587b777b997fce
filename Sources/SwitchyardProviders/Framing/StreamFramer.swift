public import NIOCore
public import SwitchyardCore

/// A frame decoder for either framing, chosen by the adapter's ``StreamFraming``.
public struct StreamFramer: Sendable {
    private enum Inner: Sendable {
        case sse(SSEDecoder)
        case ndjson(NDJSONDecoder)
    }

    private var inner: Inner

    /// Creates a framer for a framing.
    public init(_ framing: StreamFraming) {
        switch framing {
        case .serverSentEvents: inner = .sse(SSEDecoder())
        case .newlineDelimitedJSON: inner = .ndjson(NDJSONDecoder())
        }
    }

    /// Feeds bytes, returning completed frames.
    public mutating func feed(_ bytes: ByteBuffer) -> [StreamFrame] {
        switch inner {
        case .sse(var decoder):
            let frames = decoder.feed(bytes)
            inner = .sse(decoder)
            return frames
        case .ndjson(var decoder):
            let frames = decoder.feed(bytes)
            inner = .ndjson(decoder)
            return frames
        }
    }

    /// Flushes any final frame at the end of the stream.
    public mutating func finish() -> [StreamFrame] {
        switch inner {
        case .sse(var decoder):
            let frames = decoder.finish()
            inner = .sse(decoder)
            return frames
        case .ndjson(var decoder):
            let frames = decoder.finish()
            inner = .ndjson(decoder)
            return frames
        }
    }
}
