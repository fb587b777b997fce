import NIOCore
import NIOHTTP2

/// Watches an HTTP/2 connection's own frames (stream 0) for what ``HTTP2ConnectionPool`` must know: the upstream's
/// limit on concurrent streams (`SETTINGS_MAX_CONCURRENT_STREAMS`) and `GOAWAY`, after which the connection takes
/// no new streams.
final class HTTP2ConnectionWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTP2Frame

    private let onSettings: @Sendable (Int) -> Void
    private let onGoAway: @Sendable () -> Void

    /// Creates a watcher calling `onSettings` with each new stream limit and `onGoAway` once the upstream is leaving.
    init(onSettings: @escaping @Sendable (Int) -> Void, onGoAway: @escaping @Sendable () -> Void) {
        self.onSettings = onSettings
        self.onGoAway = onGoAway
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .settings(.settings(let settings)):
            // Several entries may name the limit; the last one counts.
            if let limit = settings.last(where: { $0.parameter == .maxConcurrentStreams }) {
                onSettings(limit.value)
            }
        case .goAway:
            onGoAway()
        default:
            break
        }
    }
}
