import HTTPTypes
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Writes HTTP/1.1 responses as bytes: the head from `HTTPTypes`, and the body's framing.
///
/// Written for ``GatewayConnectionHandler`` in place of NIO's `HTTPResponseEncoder` behind the `HTTPTypes` codec:
/// those convert the head to NIO's header list and back into bytes, about 45,000 instructions per response under
/// callgrind; this writes each field once.
///
/// The body's framing follows RFC 9112 §6: the response's own `Content-Length` when it has one, else chunked
/// transfer coding; none for a response that has no body (1xx, 204, 304, or an answer to `HEAD`).
struct HTTP1ResponseEncoder {
    /// How the body is delimited.
    enum Framing: Equatable {
        /// No body may follow.
        case none
        /// `Content-Length`: the body is written as it is.
        case length
        /// Chunked transfer coding.
        case chunked
    }

    /// The framing a response gets.
    static func framing(of response: HTTPResponse, requestMethod: HTTPRequest.Method) -> Framing {
        let code = response.status.code
        if requestMethod == .head || (100..<200).contains(code) || code == 204 || code == 304 { return .none }
        // Not `headerFields[.contentLength]`: the subscript joins every value of the name (5,000 instructions for a
        // dozen fields under callgrind).
        return response.headerFields.contains { $0.name == .contentLength } ? .length : .chunked
    }

    /// Writes the status line, the fields (with `Transfer-Encoding: chunked` added for chunked framing) and the
    /// blank line.
    ///
    /// The bytes go into the buffer in one write: a `ByteBuffer` write per string costs about 250 instructions
    /// (capacity, uniqueness, bounds), and a head has some forty. When the buffer already has room for the head
    /// (``GatewayConnectionHandler`` allocates 512 bytes and more for one), the fields are written in one pass, each
    /// checked against the room left. A head that does not fit is counted first, then written: each pass over the
    /// fields copies every field (three references) and reads its value again.
    static func writeHead(_ response: HTTPResponse, framing: Framing, into buffer: inout ByteBuffer) {
        let code = response.status.code
        // A status made from its code alone has no phrase: write the standard one (as NIO's encoder does).
        var phrase = response.status.reasonPhrase
        if phrase.isEmpty { phrase = HTTPResponseStatus(statusCode: code).reasonPhrase }
        let skipsTransferEncoding = framing == .chunked
        let end = 2 + (skipsTransferEncoding ? chunkedField.utf8CodeUnitCount : 0)
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { bytes -> Int in
            var out = ByteAppender(bytes: bytes)
            guard out.room >= 9 + 4 + phrase.utf8.count + 2 + end else { return 0 }
            writeStatusLine(code: code, phrase: phrase, into: &out)
            for field in response.headerFields where !(skipsTransferEncoding && field.name == .transferEncoding) {
                let name = field.name.rawName
                let value = field.value
                guard out.room >= name.utf8.count + 2 + value.utf8.count + 2 + end else { return 0 }
                writeField(name, value, into: &out)
            }
            if skipsTransferEncoding { out.append(chunkedField) }
            out.append("\r\n")
            return out.count
        }
        if written > 0 { return }
        var length = 9 + 4 + phrase.utf8.count + 2 + 2  // "HTTP/1.1 ", "200 ", the phrase, CRLF, CRLF
        for field in response.headerFields where !(skipsTransferEncoding && field.name == .transferEncoding) {
            length += field.name.rawName.utf8.count + 2 + field.value.utf8.count + 2
        }
        if skipsTransferEncoding { length += chunkedField.utf8CodeUnitCount }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { bytes in
            var out = ByteAppender(bytes: bytes)
            writeStatusLine(code: code, phrase: phrase, into: &out)
            for field in response.headerFields where !(skipsTransferEncoding && field.name == .transferEncoding) {
                writeField(field.name.rawName, field.value, into: &out)
            }
            if skipsTransferEncoding { out.append(chunkedField) }
            out.append("\r\n")
            return out.count
        }
    }

    /// `HTTP/1.1 200 OK` and its line break.
    @inline(__always)
    private static func writeStatusLine(code: Int, phrase: String, into out: inout ByteAppender) {
        out.append("HTTP/1.1 ")
        out.append(UInt8(ascii: "0") + UInt8(code / 100 % 10))
        out.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(code % 10))
        out.append(UInt8(ascii: " "))
        out.append(phrase)
        out.append("\r\n")
    }

    /// `name: value` and its line break.
    @inline(__always)
    private static func writeField(_ name: String, _ value: String, into out: inout ByteAppender) {
        out.append(name)
        out.append(": ")
        out.append(value)
        out.append("\r\n")
    }

    private static let chunkedField: StaticString = "Transfer-Encoding: chunked\r\n"

    /// Writes the size line of a chunk of `size` bytes (`size` > 0); the chunk follows, then ``chunkEnd``.
    static func writeChunkHead(size: Int, into buffer: inout ByteBuffer) {
        let digits = Array(String(size, radix: 16).utf8)
        buffer.writeBytes(digits)
        buffer.writeStaticString("\r\n")
    }

    /// The line break after a chunk's bytes.
    static let chunkEnd: StaticString = "\r\n"

    /// Writes the last chunk, the trailer fields if any, and the blank line.
    static func writeLastChunk(trailers: HTTPFields?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("0\r\n")
        for field in trailers ?? [:] {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// The answer to a request that could not be parsed; the connection closes after it.
    static let badRequest: StaticString = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
}
