import NIOCore
import NIOHTTP2
import Synchronization

/// Watches an HTTP/2 connection's own frames (stream 0) for what ``HTTP2ConnectionPool`` must know: the upstream's
/// limit on concurrent streams (`SETTINGS_MAX_CONCURRENT_STREAMS`), and `GOAWAY` or an error on the connection, after
/// which it takes no new streams.
///
/// On the upstream's first SETTINGS it raises the connection's flow-control window, once: by then our connection
/// preface has gone out (a WINDOW_UPDATE written before it, as it would be on a plain-HTTP connection the moment it
/// connects, is a protocol error), and no answer has come yet.
///
/// Errors: NIOHTTP2 fires stream errors and connection errors here alike. On a connection error it sends GOAWAY and
/// leaves the connection open, and the streams on it are never answered nor closed. Before this watcher, the pool kept
/// sending requests there, and they waited for good (seen against nginx under load: GOAWAY with ENHANCE_YOUR_CALM from
/// the gateway, then silence; ``HTTP2ConnectionPool/defaultResetLimit`` has the limit that tripped). So any error
/// retires the connection (it is closed once its last stream ends, and a stream error costs only a new connection),
/// and the errors NIOHTTP2 gives up a connection for (its limits against a misbehaving peer) close it at once: its
/// streams end with `upstream_stream_interrupted` instead of waiting.
final class HTTP2ConnectionWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTP2Frame

    private let onSettings: @Sendable (Int) -> Void
    private let onGoAway: @Sendable () -> Void
    private let onError: @Sendable () -> Void
    /// How much to add to the connection's window on the upstream's first SETTINGS (0: nothing).
    private let windowIncrement: Int
    private let windowRaised = Atomic<Bool>(false)

    /// Creates a watcher calling `onSettings` with each new stream limit, `onGoAway` once the upstream is leaving, and
    /// `onError` on an error on the connection; it adds `windowIncrement` bytes to the connection's window once.
    init(
        windowIncrement: Int = 0, onSettings: @escaping @Sendable (Int) -> Void,
        onGoAway: @escaping @Sendable () -> Void, onError: @escaping @Sendable () -> Void
    ) {
        self.windowIncrement = windowIncrement
        self.onSettings = onSettings
        self.onGoAway = onGoAway
        self.onError = onError
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        onError()
        if Self.isFatal(error) { context.close(promise: nil) }
        context.fireErrorCaught(error)
    }

    /// Whether NIOHTTP2 gave up the connection for `error`: the peer went over one of its limits.
    static func isFatal(_ error: any Error) -> Bool {
        error is NIOHTTP2Errors.ExcessiveNumberOfGlitches || error is NIOHTTP2Errors.ExcessiveRSTFrames
            || error is NIOHTTP2Errors.ExcessiveStreamErrors || error is NIOHTTP2Errors.ExcessiveEmptyDataFrames
            || error is NIOHTTP2Errors.ExcessiveControlFrames || error is NIOHTTP2Errors.ExcessiveContinuationFrames
            || error is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock
            || error is NIOHTTP2Errors.ExcessiveOutboundFrameBuffering
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .settings(.settings(let settings)):
            // Several entries may name the limit; the last one counts.
            if let limit = settings.last(where: { $0.parameter == .maxConcurrentStreams }) {
                onSettings(limit.value)
            }
            if windowIncrement > 0, !windowRaised.exchange(true, ordering: .relaxed) {
                let update = HTTP2Frame(
                    streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: windowIncrement))
                context.writeAndFlush(NIOAny(update), promise: nil)
            }
        case .goAway:
            onGoAway()
        default:
            break
        }
    }
}
