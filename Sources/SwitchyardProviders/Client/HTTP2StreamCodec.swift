import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import SwitchyardCore

/// Translates between one HTTP/2 stream's frames and the HTTP/1 request and response parts that
/// ``HTTP1ExchangeHandler`` speaks, in place of NIOHTTP2's `HTTP2FramePayloadToHTTP1ClientCodec`, for less work per
/// request:
/// - header names are lowercased only when one has an upper-case letter (the adapters' names are lower-case already),
///   where NIOHTTP2's codec lowercases every name into a new string;
/// - the request's last frame carries END_STREAM: the body goes out as one DATA frame with the flag, or, without a
///   body, the HEADERS frame has it. NIOHTTP2's codec ends every request with an empty DATA frame of its own, one frame
///   and, over TLS, one record more per request.
///
/// Connection-specific fields, which HTTP/2 forbids (RFC 9113 §8.2.2), are left out of the request, as are `host`
/// (sent as `:authority`) and a `te` other than `trailers`. A response whose HEADERS has no valid `:status` is an
/// error (`HTTPParserError.invalidStatus`), which the exchange handler reports as a malformed response.
final class HTTP2StreamCodec: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let scheme: String
    /// A frame of the request not yet written, kept so that the request's end can set its END_STREAM flag.
    private var held: HTTP2Frame.FramePayload?
    private var heldPromise: EventLoopPromise<Void>?
    /// Whether the final (non-1xx) response head has been passed on; HEADERS after it are trailers.
    private var answered = false

    /// A codec for a stream to an `https` (`tls`) or `http` upstream.
    init(tls: Bool) {
        scheme = tls ? "https" : "http"
    }

    // MARK: The request

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            writeHeld(context: context)
            hold(.headers(.init(headers: Self.requestHeaders(head, scheme: scheme))), promise: promise)
        case .body(let body):
            writeHeld(context: context)
            hold(.data(.init(data: body)), promise: promise)
        case .end(let trailers):
            if let trailers {
                writeHeld(context: context)
                let block = HPACKHeaders(httpHeaders: trailers, normalizeHTTPHeaders: true)
                context.write(wrapOutboundOut(.headers(.init(headers: block, endStream: true))), promise: promise)
                return
            }
            guard var last = held else {
                let end = HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))
                context.write(wrapOutboundOut(end), promise: promise)
                return
            }
            switch last {
            case .headers(var headers):
                headers.endStream = true
                last = .headers(headers)
            case .data(var data):
                data.endStream = true
                last = .data(data)
            default:
                break
            }
            let earlier = heldPromise
            (held, heldPromise) = (nil, nil)
            if let earlier, let promise { earlier.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(last), promise: earlier ?? promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        writeHeld(context: context)
        context.flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        let promise = heldPromise
        (held, heldPromise) = (nil, nil)
        promise?.fail(ChannelError.ioOnClosedChannel)
    }

    private func hold(_ frame: HTTP2Frame.FramePayload, promise: EventLoopPromise<Void>?) {
        held = frame
        heldPromise = promise
    }

    private func writeHeld(context: ChannelHandlerContext) {
        guard let frame = held else { return }
        let promise = heldPromise
        (held, heldPromise) = (nil, nil)
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    /// The request head as an HTTP/2 header block: the pseudo-header fields first, then the regular fields.
    static func requestHeaders(_ head: HTTPRequestHead, scheme: String) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(head.headers.count + 3)
        block.add(name: ":method", value: head.method.rawValue)
        block.add(name: ":scheme", value: scheme)
        block.add(name: ":authority", value: head.headers.first(name: "host") ?? "")
        block.add(name: ":path", value: head.uri)
        for (name, value) in head.headers {
            let lower = isLowercase(name) ? name : name.lowercased()
            // Only names of these lengths can be one of those left out: most fields skip the comparisons.
            switch lower.utf8.count {
            case 2, 4, 7, 10, 16, 17:
                switch lower {
                case "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
                    continue
                case "te" where value != "trailers":
                    continue
                default:
                    break
                }
            default:
                break
            }
            block.add(name: lower, value: value)
        }
        return block
    }

    private static func isLowercase(_ name: String) -> Bool {
        !UTF8Scan.any(name) { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    // MARK: The response

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if answered {
                context.fireChannelRead(wrapInboundOut(.end(Self.regularFields(frame.headers))))
                return
            }
            guard let status = frame.headers.first(name: ":status").flatMap(Int.init), (100...999).contains(status)
            else {
                context.fireErrorCaught(HTTPParserError.invalidStatus)
                return
            }
            let head = HTTPResponseHead(
                version: .http2, status: HTTPResponseStatus(statusCode: status),
                headers: Self.regularFields(frame.headers))
            // 1xx heads (103 Early Hints) come before the final one.
            if status >= 200 || status == 101 { answered = true }
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if frame.endStream { context.fireChannelRead(wrapInboundOut(.end(nil))) }
        case .data(let frame):
            if case .byteBuffer(let buffer) = frame.data, buffer.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(.body(buffer)))
            }
            if frame.endStream { context.fireChannelRead(wrapInboundOut(.end(nil))) }
        default:
            // Resets, window updates and the like are the stream channel's: a reset closes it.
            break
        }
    }

    /// The regular (not pseudo-header) fields of a header block.
    private static func regularFields(_ block: HPACKHeaders) -> HTTPHeaders {
        var fields = HTTPHeaders()
        fields.reserveCapacity(block.count)
        for (name, value, _) in block where !name.hasPrefix(":") {
            fields.add(name: name, value: value)
        }
        return fields
    }
}
