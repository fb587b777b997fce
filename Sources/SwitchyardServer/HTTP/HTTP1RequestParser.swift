import HTTPTypes
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Parses HTTP/1.1 requests from a client connection's bytes, one whole request at a time, for
/// ``GatewayConnectionHandler``.
///
/// In place of NIO's `HTTPRequestDecoder` (llhttp behind `ByteToMessageHandler`: a callback per name, value and body
/// piece, each header copied into `HTTPHeaders` and then again into `HTTPFields`), which cost about 27,000
/// instructions per request under callgrind (`bench/results/gateway-2026-12-03-session11.md`). This parser reads
/// the head in one pass over contiguous bytes and builds the `HTTPRequest` directly for an origin-form target
/// (`/v1/chat/completions?x=1`: the first `Host` field becomes the authority), which is what every client of a
/// gateway sends; other forms go through `NIOHTTPTypesHTTP1`'s conversion, which parses the target with Foundation.
///
/// It holds the same rules as llhttp in its strict mode, and is tested against NIO's decoder in every split of the
/// bytes (`HTTP1RequestParserTests`):
/// - a request line `method SP target SP HTTP/1.x CRLF`, after any empty lines; the method a token, taken as written
///   (llhttp refuses methods outside its list; here an unknown method reaches routing and gets 404 or 405);
/// - fields `name: value CRLF`, the name a token with no space before the colon, the value without control
///   characters (tab allowed) and trimmed of spaces and tabs; a line that starts with a space (obs-fold) is refused;
/// - lines end with CRLF (a bare LF is refused);
/// - the body is framed by `Transfer-Encoding: chunked` (chunk extensions and trailers read and dropped) or by one
///   `Content-Length`; both at once, a repeated or non-numeric length, or another transfer coding are refused;
/// - a head longer than ``maxHeadBytes`` is refused.
///
/// A body longer than `maxBodyBytes` is read to its end but kept only to `maxBodyBytes + 1` bytes, so the request
/// decoder still answers 413.
struct HTTP1RequestParser {
    /// One request, read whole.
    struct Parsed {
        /// The head; the first `Host` field is its authority.
        var head: HTTPRequest
        /// The body (kept to `maxBodyBytes + 1` bytes).
        var body: ByteBuffer
        /// Whether the connection stays open after the response (HTTP/1.1 without `Connection: close`, or HTTP/1.0
        /// with `Connection: keep-alive`).
        var keepAlive: Bool
    }

    /// What ``next(from:)`` found.
    enum Step {
        /// The bytes so far end inside a request.
        case needMore
        /// A whole request; the buffer's reader index is past it.
        case request(Parsed)
        /// A head was read, its body is still to come, and the client asked `Expect: 100-continue`.
        case continueExpected
        /// The bytes are not a valid request; the connection cannot go on.
        case malformed
    }

    /// The longest head read (request line and fields), as NIO's decoder's default.
    static let maxHeadBytes = 80 * 1024

    private enum State {
        /// Looking for the end of a head; `scanned` bytes of the buffer are known not to hold it.
        case head(scanned: Int)
        /// Reading a body of known length.
        case fixed(remaining: Int)
        /// Reading a chunked body.
        case chunked(ChunkState)
    }

    private enum ChunkState {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    private let maxBodyBytes: Int
    private var state = State.head(scanned: 0)
    /// The head of the request being read, set by ``readHead(from:length:)``.
    var head: HTTPRequest?
    /// Whether the connection stays open after the request being read.
    var keepAlive = true
    /// Whether the request being read asked for `100 Continue`.
    var expectsContinue = false
    private var body = ByteBuffer()
    private var bodyBytes = 0
    /// The last origin-form request's line, `Host` and the head made of them, for the next request that repeats them.
    var template: HeadTemplate?
    /// The last origin-form request's field lines and fields, for the next request that repeats some of them.
    var fieldTemplate: FieldTemplate?
    /// Whether a request was read before on this connection. The templates are kept from the second request on: a
    /// connection that carries one request (a long stream, a client without keep-alive) holds none, about 2 KB per
    /// connection with its upstream's (10,000 slow streams took 24 MB more with them).
    var readBefore = false

    /// A parser for one connection.
    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Reads from `buffer` as far as the next whole request, consuming what it read.
    mutating func next(from buffer: inout ByteBuffer) -> Step {
        while true {
            switch state {
            case .head(let scanned):
                guard let end = Self.endOfHead(in: buffer, from: scanned) else {
                    if buffer.readableBytes > Self.maxHeadBytes { return .malformed }
                    state = .head(scanned: max(0, buffer.readableBytes - 3))
                    return .needMore
                }
                guard end > 0, end <= Self.maxHeadBytes, let framing = readHead(from: &buffer, length: end) else {
                    return .malformed
                }
                body = ByteBuffer()
                bodyBytes = 0
                switch framing {
                case .length(0): return finish()
                case .length(let length): state = .fixed(remaining: length)
                case .chunked: state = .chunked(.size)
                }
                if expectsContinue, buffer.readableBytes == 0 { return .continueExpected }
            case .fixed(let remaining):
                let taken = min(remaining, buffer.readableBytes)
                keep(&buffer, taken)
                if taken == remaining { return finish() }
                state = .fixed(remaining: remaining - taken)
                return .needMore
            case .chunked(let chunk):
                switch readChunked(chunk, from: &buffer) {
                case .none: return .needMore
                case .some(false): return .malformed
                case .some(true): return finish()
                }
            }
        }
    }

    private mutating func finish() -> Step {
        readBefore = true
        state = .head(scanned: 0)
        let parsed = Parsed(head: head!, body: body, keepAlive: keepAlive)
        head = nil
        body = ByteBuffer()
        return .request(parsed)
    }

    /// Moves `count` bytes from `buffer` to the body, keeping at most `maxBodyBytes + 1`.
    private mutating func keep(_ buffer: inout ByteBuffer, _ count: Int) {
        let room = max(0, maxBodyBytes + 1 - bodyBytes)
        if room > 0 {
            var piece = buffer.readSlice(length: min(room, count))!
            if body.readableBytes == 0 && bodyBytes == 0 { body = piece } else { body.writeBuffer(&piece) }
            buffer.moveReaderIndex(forwardBy: count - min(room, count))
        } else {
            buffer.moveReaderIndex(forwardBy: count)
        }
        bodyBytes += count
    }

    // MARK: Chunked bodies

    /// Reads chunks: `true` at the body's end, `false` for malformed bytes, `nil` when more bytes are needed.
    private mutating func readChunked(_ start: ChunkState, from buffer: inout ByteBuffer) -> Bool? {
        var chunk = start
        defer { state = .chunked(chunk) }
        while true {
            switch chunk {
            case .size:
                guard let line = Self.line(in: buffer) else {
                    return buffer.readableBytes > 4096 ? false : nil
                }
                guard let size = Self.chunkSize(buffer, line) else { return false }
                buffer.moveReaderIndex(forwardBy: line + 2)
                chunk = size == 0 ? .trailers : .data(remaining: size)
            case .data(let remaining):
                let taken = min(remaining, buffer.readableBytes)
                keep(&buffer, taken)
                guard taken == remaining else {
                    chunk = .data(remaining: remaining - taken)
                    return nil
                }
                chunk = .dataEnd
            case .dataEnd:
                guard buffer.readableBytes >= 2 else { return nil }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { return false }
                chunk = .size
            case .trailers:
                guard let line = Self.line(in: buffer) else {
                    return buffer.readableBytes > Self.maxHeadBytes ? false : nil
                }
                guard line != Int.max else { return false }
                if line == 0 {
                    buffer.moveReaderIndex(forwardBy: 2)
                    return true
                }
                let valid = buffer.withUnsafeReadableBytes { bytes in
                    Self.isValidField(UnsafeRawBufferPointer(rebasing: bytes[..<line]))
                }
                guard valid else { return false }
                buffer.moveReaderIndex(forwardBy: line + 2)
            }
        }
    }

    /// The length of the line at the buffer's start, without its CRLF: `nil` when no line end is there yet,
    /// `Int.max` when the line ends with a bare LF.
    private static func line(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard let lf = HTTP1Syntax.firstLineFeed(in: bytes, from: 0) else { return nil }
            return lf > 0 && bytes[lf - 1] == 0x0D ? lf - 1 : Int.max
        }
    }

    /// A chunk-size line: hex digits, then optionally `;` and extensions (dropped). `nil` when malformed.
    private static func chunkSize(_ buffer: ByteBuffer, _ length: Int) -> Int? {
        guard length != Int.max else { return nil }
        return buffer.withUnsafeReadableBytes { bytes -> Int? in
            var size = 0
            var index = 0
            while index < length, let digit = hexValue(bytes[index]) {
                guard size <= (Int.max >> 4) else { return nil }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { return nil }
            while index < length, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index == length || bytes[index] == UInt8(ascii: ";") else { return nil }
            for byte in bytes[index..<length] where !HTTP1Syntax.isFieldValueByte(byte) { return nil }
            return size
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    // MARK: Heads

    /// The offset just past the blank line that ends the head, if the buffer holds it (empty lines before the
    /// request line are part of it); `-1` when a line ends with a bare LF.
    private static func endOfHead(in buffer: ByteBuffer, from scanned: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            // Empty lines before the request line are skipped (RFC 9112 §2.2).
            var start = 0
            while start + 1 < bytes.count, bytes[start] == 0x0D, bytes[start + 1] == 0x0A { start += 2 }
            var index = max(scanned, start)
            while let at = HTTP1Syntax.firstLineFeed(in: bytes, from: index) {
                guard at > start, bytes[at - 1] == 0x0D else { return -1 }
                if at >= start + 3, bytes[at - 2] == 0x0A, bytes[at - 3] == 0x0D { return at + 1 }
                index = at + 1
            }
            return nil
        }
    }
}
