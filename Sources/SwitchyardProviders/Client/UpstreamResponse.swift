public import NIOCore
import NIOHTTP1
public import SwitchyardCore

/// A provider's response whose body has not been read yet.
public struct UpstreamResponse: Sendable {
    /// Status and headers.
    public let head: UpstreamResponseHead
    /// The body, read on demand.
    public let body: UpstreamBody
    /// When the whole call must be over.
    public let deadline: ContinuousClock.Instant
    /// The provider's name, for errors.
    public let provider: String
    /// The largest body ``collect()`` accepts.
    public let maxBytes: Int

    /// Reads the whole body.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` if larger than the limit, or a transport error.
    public func collect() async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' sent a response larger than \(maxBytes) bytes.",
                upstream: .init(provider: provider, status: head.status))
        } catch {
            throw UpstreamClient.map(error, provider: provider)
        }
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(head.status) }
}

extension UpstreamResponseHead {
    /// A head from NIO's header list.
    init(status: Int, headers: HTTPHeaders) {
        self.init(status: status, headers: headers.map { ($0.name, $0.value) })
    }
}
