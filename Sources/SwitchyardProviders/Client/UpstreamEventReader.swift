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

    /// The next event, reading from the upstream when none is waiting.
    ///
    /// Only the read itself is in this async function: everything else is in synchronous helpers, whose locals live
    /// on the thread's stack for the moment they run rather than in this function's async frame, which every open
    /// stream holds while it waits for its next chunk (a heap profile put this frame at about 2 KB per stream).
    func next() async throws -> ChatStreamEvent? {
        while true {
            if let event = takePending() { return event }
            guard iterator != nil else { return nil }
            try checkDeadline()
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator?.next()
            } catch {
                throw readFailed(error)
            }
            try absorb(chunk)
        }
    }

    @inline(never)
    private func takePending() -> ChatStreamEvent? {
        if pendingIndex < pending.count {
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        return nil
    }

    @inline(never)
    private func checkDeadline() throws {
        guard ContinuousClock.now > deadline else { return }
        iterator = nil
        throw GatewayError(
            .upstreamTimeout, "Provider '\(provider)' exceeded the total time limit.",
            upstream: .init(provider: provider, status: 200))
    }

    @inline(never)
    private func readFailed(_ error: any Error) -> GatewayError {
        iterator = nil
        let mapped = UpstreamClient.map(error, provider: provider)
        return mapped.code == .upstreamTimeout || mapped.code == .upstreamStreamInterrupted
            ? mapped
            : GatewayError(
                .upstreamStreamInterrupted, "Provider '\(provider)' broke off the stream.",
                upstream: mapped.upstream, underlying: error)
    }

    /// Frames and decodes a piece of the body, or the end of it (`nil`).
    @inline(never)
    private func absorb(_ chunk: ByteBuffer?) throws {
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
