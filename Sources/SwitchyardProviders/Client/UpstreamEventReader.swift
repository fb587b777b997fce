import NIOCore
import SwitchyardCore

/// Pulls body bytes, frames them and decodes frames into events, one event per call.
///
/// Used by one consumer at a time (the server's response writer); that is why it is `@unchecked Sendable`.
/// Dropping it drops the body iterator, which cancels the upstream request.
final class UpstreamEventReader: @unchecked Sendable {
    private var iterator: UpstreamBody.AsyncIterator?
    private var framer: StreamFramer
    private var decoder: any ChatStreamDecoder
    private var pending: [ChatStreamEvent] = []
    private var pendingIndex = 0
    private let deadline: ContinuousClock.Instant
    private let provider: String

    init(response: UpstreamResponse, framing: StreamFraming, decoder: any ChatStreamDecoder) {
        iterator = response.body.makeAsyncIterator()
        framer = StreamFramer(framing)
        self.decoder = decoder
        deadline = response.deadline
        provider = response.provider
    }

    /// Whether ``next()`` returns at once: events decoded from bytes already received are waiting.
    var hasDecodedEvents: Bool { pendingIndex < pending.count }

    func next() async throws -> ChatStreamEvent? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            guard iterator != nil else { return nil }
            if ContinuousClock.now > deadline {
                iterator = nil
                throw GatewayError(
                    .upstreamTimeout, "Provider '\(provider)' exceeded the total time limit.",
                    upstream: .init(provider: provider, status: 200))
            }
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator?.next()
            } catch {
                iterator = nil
                let mapped = UpstreamClient.map(error, provider: provider)
                throw mapped.code == .upstreamTimeout || mapped.code == .upstreamStreamInterrupted
                    ? mapped
                    : GatewayError(
                        .upstreamStreamInterrupted, "Provider '\(provider)' broke off the stream.",
                        upstream: mapped.upstream, underlying: error)
            }
            do {
                if let chunk {
                    for frame in framer.feed(chunk) { pending += try decoder.decode(frame) }
                } else {
                    iterator = nil
                    for frame in framer.finish() { pending += try decoder.decode(frame) }
                    pending += try decoder.finish()
                }
            } catch {
                iterator = nil
                throw error
            }
        }
    }
}
