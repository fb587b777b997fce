import NIOCore
import SwitchyardCore
import NIOHTTP1

/// Parses HTTP/1.1 responses from an upstream into NIO's response parts, for ``HTTP1ExchangeHandler`` on the pooled
/// transport's plain connections.
///
/// In place of NIO's `HTTPResponseDecoder` (llhttp behind `ByteToMessageHandler`, a callback per header name, value
/// and body piece): about 15,000 instructions per response under callgrind for what is, from a model API, a status
/// line, a few fields and a body (`bench/results/gateway-2026-12-03-session10.md`). The framing follows RFC 9112
/// §6.3: no body for an answer to `HEAD`, for 1xx, 204 and 304; chunked when the last transfer coding is `chunked`;
/// else until the connection closes when there is a `Transfer-Encoding` (with a `Content-Length` too, it is refused);
/// else `Content-Length` (one field, digits only); else until the connection closes. Field values lose their surrounding spaces and tabs (RFC 9110 §5.5; NIO's
/// decoder keeps trailing ones). Interim 1xx answers (but 101) are dropped, as NIO's decoder drops them.
/// Lines may end in CRLF or a bare LF. A head over 80 KB, a field folded over lines (obs-fold), a name that is not a
/// token, a bad status line, length or chunk size fail with an `HTTPParserError`; so do bytes when no response is
/// expected; a connection closed in the middle of a response fails with `HTTPParserError.invalidEOFState`.
///
/// Body pieces are slices of the bytes read (no copy). The exchange writes requests below this handler and tells it,
/// before each, whether a response is to a `HEAD` (``expectResponse(toHEAD:)``).
final class UpstreamResponseDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPClientResponsePart

    /// The most bytes a response head may take.
    static let headLimit = 80 * 1024

    private enum State {
        /// No request outstanding: bytes now are an error.
        case idle
        /// Reading the status line and fields.
        case head
        /// A body of `remaining` more bytes.
        case length(remaining: Int)
        /// The size line of the next chunk.
        case chunkSize
        /// `remaining` more bytes of the current chunk.
        case chunkData(remaining: Int)
        /// The line break after a chunk's bytes.
        case chunkEnd
        /// Trailer fields after the last chunk, up to the blank line.
        case trailers
        /// A body that ends when the connection closes.
        case untilClose
    }

    /// Takes the parts as calls, when set (the pooled transport sets its ``HTTP1ExchangeHandler``); else they go down
    /// the pipeline. Passing a part down the pipeline boxes it in `NIOAny` and the next handler unwraps it with the
    /// runtime's dynamic cast: three of each per response, about 1,500 instructions under callgrind, in code nothing
    /// else on a request's path runs.
    weak var receiver: (any UpstreamResponseReceiver)?

    private var state = State.idle
    private var buffer = ByteBuffer()
    /// The last full response head, when ``defersFields``: the next one that repeats it is not read again.
    private var template: UpstreamHeadTemplate?
    /// Whether a response head was read before on this connection.
    private var readBefore = false
    private var expectingHEAD = false
    /// Responses expected and not yet begun (pipelining is not used; more than one is a caller's error).
    private var expected = 0

    /// Whether the connection may carry another exchange after the last response head: HTTP/1.1 unless a
    /// `Connection` field says `close`, HTTP/1.0 only when one says `keep-alive`. Read it instead of
    /// `HTTPResponseHead.isKeepAlive`, which scans the fields again for a head built outside NIO's decoder
    /// (8,400 instructions per response under callgrind).
    private(set) var keepAlive = true

    /// Whether the fields are handed over as bytes (``fieldBlock``) rather than as strings in the head: the head then
    /// carries only the fields that frame the body (`Content-Length`, `Transfer-Encoding`). Every field is checked
    /// either way.
    let defersFields: Bool

    /// The last head's field lines, as received (after the status line), when ``defersFields``: a copy of their
    /// bytes, so that a long stream does not hold the buffer they were read into.
    private(set) var fieldBlock: ByteBuffer?

    /// Creates a decoder; see ``defersFields``.
    init(defersFields: Bool = false) {
        self.defersFields = defersFields
    }

    /// Tells the decoder a request was written; `toHEAD` when it was a `HEAD` (its answer has no body).
    func expectResponse(toHEAD: Bool) {
        expected += 1
        expectingHEAD = toHEAD
        if case .idle = state { state = .head }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            buffer.writeBuffer(&bytes)
        }
        do {
            try parse(context: context)
        } catch {
            buffer = ByteBuffer()
            state = .idle
            context.fireErrorCaught(error)
            return
        }
        if buffer.readableBytes == 0 {
            buffer = ByteBuffer()
        } else if buffer.readerIndex > 4096 {
            buffer.discardReadBytes()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .untilClose:
            state = .idle
            deliver(.end(nil), context: context)
        case .idle:
            break
        case .head where buffer.readableBytes == 0:
            // Closed before any byte of the response: the exchange tells a dropped keep-alive connection from this.
            break
        default:
            context.fireErrorCaught(HTTPParserError.invalidEOFState)
        }
        state = .idle
        buffer = ByteBuffer()
        context.fireChannelInactive()
    }

    // MARK: Parsing

    private func parse(context: ChannelHandlerContext) throws {
        while true {
            switch state {
            case .idle:
                guard buffer.readableBytes == 0 else { throw NIOHTTPDecoderError.unsolicitedResponse }
                return
            case .head:
                guard let end = headEnd() else {
                    if buffer.readableBytes > Self.headLimit { throw HTTPParserError.headerOverflow }
                    return
                }
                if end > Self.headLimit { throw HTTPParserError.headerOverflow }
                let headBytes = buffer.readSlice(length: end)!
                let head: HTTPResponseHead
                let framing: Framing
                if let reused = try reuseHead(headBytes) {
                    (head, framing) = reused
                } else {
                    head = try readHead(headBytes)
                    // An interim answer (100 Continue, 103 Early Hints) precedes the real one: dropped.
                    if head.status.code >= 100 && head.status.code < 200 && head.status != .switchingProtocols {
                        continue
                    }
                    framing = try Self.framing(of: head, toHEAD: expectingHEAD)
                    // Kept from the connection's second response on: one that carries a single (long) stream
                    // holds none.
                    if defersFields, readBefore {
                        template = headBytes.withUnsafeReadableBytes {
                            UpstreamHeadTemplate(
                                $0, parsed: head, framing: framing, keepAlive: keepAlive, toHEAD: expectingHEAD)
                        }
                    }
                }
                expected -= 1
                readBefore = true
                deliver(.head(head), context: context)
                switch framing {
                case .none, .length(0): finishMessage(context: context)
                case .length(let length): state = .length(remaining: length)
                case .chunked: state = .chunkSize
                case .untilClose: state = .untilClose
                }
            case .length(let remaining):
                guard buffer.readableBytes > 0 else { return }
                let count = min(remaining, buffer.readableBytes)
                let piece = buffer.readSlice(length: count)!
                deliver(.body(piece), context: context)
                if count == remaining {
                    finishMessage(context: context)
                } else {
                    state = .length(remaining: remaining - count)
                }
            case .chunkSize:
                guard let line = try readLine() else { return }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return }
                let count = min(remaining, buffer.readableBytes)
                let piece = buffer.readSlice(length: count)!
                deliver(.body(piece), context: context)
                state = count == remaining ? .chunkEnd : .chunkData(remaining: remaining - count)
            case .chunkEnd:
                guard let line = try readLine() else { return }
                guard line.readableBytes == 0 else { throw HTTPParserError.invalidChunkSize }
                state = .chunkSize
            case .trailers:
                guard let line = try readLine() else { return }
                if line.readableBytes == 0 { finishMessage(context: context) }
            case .untilClose:
                guard buffer.readableBytes > 0 else { return }
                let piece = buffer.readSlice(length: buffer.readableBytes)!
                deliver(.body(piece), context: context)
                return
            }
        }
    }

    /// Hands `part` to the receiver, or down the pipeline when there is none.
    private func deliver(_ part: HTTPClientResponsePart, context: ChannelHandlerContext) {
        if let receiver {
            receiver.received(part)
        } else {
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// Ends the current response: the next bytes belong to the next one, if one is expected.
    private func finishMessage(context: ChannelHandlerContext) {
        state = expected > 0 ? .head : .idle
        deliver(.end(nil), context: context)
    }

    /// The length of the head including its blank line, once it has all arrived.
    private func headEnd() -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            var index = 0
            // The blank line: "\n\n" or "\n\r\n".
            // `memchr`, not the generic `firstIndex(of:)` (a byte at a time through the slice's indices).
            while let newline = HTTP1Syntax.firstLineFeed(in: bytes, from: index) {
                let next = newline + 1
                if next < bytes.count, bytes[next] == UInt8(ascii: "\n") { return next + 1 }
                if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                    return next + 2
                }
                index = next
            }
            return nil
        }
    }

    /// One line without its terminator, or `nil` until it has all arrived.
    private func readLine() throws -> ByteBuffer? {
        let found = buffer.withUnsafeReadableBytes { HTTP1Syntax.firstLineFeed(in: $0, from: 0) }
        guard let offset = found else {
            if buffer.readableBytes > Self.headLimit { throw HTTPParserError.headerOverflow }
            return nil
        }
        let length = offset
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        return line
    }

    /// The head, when it repeats the last one (``UpstreamHeadTemplate``); its fields are kept as bytes, as
    /// ``readHead(_:)`` keeps them, and ``keepAlive`` is set.
    private func reuseHead(_ headBytes: ByteBuffer) throws -> (HTTPResponseHead, Framing)? {
        guard let template else { return nil }
        return try headBytes.withUnsafeReadableBytes { bytes in
            guard let (head, framing, keepAlive) = try template.reuse(bytes, toHEAD: expectingHEAD) else { return nil }
            let fieldsStart = HTTP1Syntax.firstLineFeed(in: bytes, from: 0)! + 1
            var block = ByteBufferAllocator().buffer(capacity: bytes.count - fieldsStart)
            block.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[fieldsStart...]))
            fieldBlock = block
            self.keepAlive = keepAlive
            return (head, framing)
        }
    }

    /// Reads the status line and the fields (the head's bytes, the blank line included), in one pass over the lines.
    private func readHead(_ headBytes: ByteBuffer) throws -> HTTPResponseHead {
        try headBytes.withUnsafeReadableBytes { bytes -> HTTPResponseHead in
            var start = 0
            var status: (HTTPVersion, HTTPResponseStatus)?
            var headers = HTTPHeaders()
            headers.reserveCapacity(8)
            var connection = ConnectionTokens()
            var fieldsStart = 0
            while start < bytes.count {
                let (line, next) = HTTP1Syntax.line(in: bytes, from: start)
                start = next
                guard status != nil else {
                    status = try Self.statusLine(line)
                    fieldsStart = start
                    continue
                }
                if line.isEmpty { break }
                try Self.addField(line, to: &headers, connection: &connection, framingOnly: defersFields)
            }
            guard let (version, code) = status else { throw HTTPParserError.invalidStatus }
            if defersFields {
                var block = ByteBufferAllocator().buffer(capacity: bytes.count - fieldsStart)
                block.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[fieldsStart...]))
                fieldBlock = block
            }
            keepAlive = version.minor >= 1 ? !connection.close : connection.keepAlive
            return HTTPResponseHead(version: version, status: code, headers: headers)
        }
    }

    /// Adds the field on `line` (`name: value`, the value without surrounding spaces and tabs); when `framingOnly`,
    /// only a `Content-Length` or `Transfer-Encoding` field (every line is checked all the same).
    private static func addField(
        _ line: UnsafeRawBufferPointer, to headers: inout HTTPHeaders, connection: inout ConnectionTokens,
        framingOnly: Bool
    ) throws {
        // A line that starts with a space or tab continues the previous field (obs-fold): refused.
        guard let (name, value) = HTTP1Syntax.field(line) else { throw HTTPParserError.invalidHeaderToken }
        if HTTP1Syntax.equalIgnoringCase(name, "connection") { connection.read(value) }
        if framingOnly, !HTTP1Syntax.equalIgnoringCase(name, "content-length"),
            !HTTP1Syntax.equalIgnoringCase(name, "transfer-encoding")
        {
            return
        }
        headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// `HTTP/1.1 200 OK`: the version and the status (the phrase may be empty).
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws -> (HTTPVersion, HTTPResponseStatus) {
        // "HTTP/x.y SSS"
        guard line.count >= 12, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"),
            line[2] == UInt8(ascii: "T"), line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/"),
            line[6] == UInt8(ascii: "."),
            line[8] == UInt8(ascii: " "), isDigit(line[5]), isDigit(line[7])
        else { throw HTTPParserError.invalidVersion }
        let major = Int(line[5] - UInt8(ascii: "0"))
        let minor = Int(line[7] - UInt8(ascii: "0"))
        guard major == 1, isDigit(line[9]), isDigit(line[10]), isDigit(line[11]),
            line.count == 12 || line[12] == UInt8(ascii: " ")
        else { throw major == 1 ? HTTPParserError.invalidStatus : HTTPParserError.invalidVersion }
        let code = Int(line[9] - 48) * 100 + Int(line[10] - 48) * 10 + Int(line[11] - 48)
        guard code >= 100 else { throw HTTPParserError.invalidStatus }
        let phrase = line.count > 13 ? String(decoding: UnsafeRawBufferPointer(rebasing: line[13...]), as: UTF8.self) : ""
        return (HTTPVersion(major: major, minor: minor), HTTPResponseStatus(statusCode: code, reasonPhrase: phrase))
    }

    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    /// How the body of `head` is delimited (RFC 9112 §6.3).
    private static func framing(of head: HTTPResponseHead, toHEAD: Bool) throws -> Framing {
        let code = head.status.code
        if toHEAD || code < 200 || code == 204 || code == 304 { return .none }
        let codings = head.headers[canonicalForm: "transfer-encoding"]
        if !codings.isEmpty {
            // Both framings at once is how responses are smuggled; NIO's decoder refuses it too.
            guard !head.headers.contains(name: "content-length") else { throw HTTPParserError.invalidContentLength }
            return codings.last.map { $0.lowercased() == "chunked" } == true ? .chunked : .untilClose
        }
        // One field of digits only, as NIO's decoder (llhttp) wants: "3, 3" and repeated fields are refused.
        let lengths = head.headers["content-length"]
        guard let first = lengths.first else { return .untilClose }
        var text = first
        guard lengths.count == 1, let length = text.withUTF8({ HTTP1Syntax.contentLength(UnsafeRawBufferPointer($0)) })
        else { throw HTTPParserError.invalidContentLength }
        return .length(length)
    }

    /// The size on a chunk's size line (hex digits, then optional extensions).
    private static func chunkSize(_ line: ByteBuffer) throws -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw HTTPParserError.invalidChunkSize }
                return size
            default: throw HTTPParserError.invalidChunkSize
            }
            guard digits < 15 else { throw HTTPParserError.invalidChunkSize }
            size = size * 16 + value
            digits += 1
        }
        guard digits > 0 else { throw HTTPParserError.invalidChunkSize }
        return size
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The `close` and `keep-alive` options of a head's `Connection` fields.
    private struct ConnectionTokens {
        var close = false
        var keepAlive = false

        /// Reads one field value: comma-separated options, any case.
        mutating func read(_ value: UnsafeRawBufferPointer) {
            HTTP1Syntax.forEachToken(value) { token in
                if HTTP1Syntax.equalIgnoringCase(token, "close") { close = true }
                if HTTP1Syntax.equalIgnoringCase(token, "keep-alive") { keepAlive = true }
            }
        }
    }
}

/// A handler behind ``UpstreamResponseDecoder`` that takes its response parts as calls instead of pipeline reads.
protocol UpstreamResponseReceiver: AnyObject {
    /// One part of a response, in order, on the connection's event loop.
    func received(_ part: HTTPClientResponsePart)
}
