import NIOCore
import SwitchyardCore

/// Writes an upstream request as HTTP/1.1 bytes: the request line, `host`, the request's headers, `content-length`,
/// and the body behind them when it is small.
///
/// The pooled transport's plain connections write these bytes straight to the socket. NIO's client codec
/// (`HTTPRequestEncoder` behind `NIOHTTPRequestHeadersValidator`, with the response decoder observing every write)
/// built a header list and encoded it again, about 30,000 instructions per request
/// (`bench/results/gateway-2026-12-03-session10.md`).
///
/// Header names must be tokens and values must hold no control character but tab (RFC 9110, section 5): anything
/// else is refused here with ``UpstreamTransportError/invalidRequestHeader(_:)`` rather than sent. NIO's validator
/// failed only the write, which nobody awaited, so such a request used to wait for its first-byte timeout.
enum HTTP1RequestEncoder {
    /// Bodies up to this size are copied behind the head and leave in the same write; larger ones are written as a
    /// buffer of their own (no copy: the socket write gathers both).
    static let inlineBodyLimit = 16 * 1024

    /// The request's head, followed by its body when the body is at most ``inlineBodyLimit`` bytes
    /// (`bodyIncluded`). The head is counted (and checked) first, then copied in one buffer write.
    static func encode(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, allocator: ByteBufferAllocator
    ) throws(UpstreamTransportError) -> (bytes: ByteBuffer, bodyIncluded: Bool) {
        guard isToken(request.method) else { throw .invalidRequestHeader("method") }
        guard isTarget(endpoint.target) else { throw .invalidRequestHeader("target") }
        let host = endpoint.hostHeader
        guard isValue(host) else { throw .invalidRequestHeader("host") }
        let length = request.body.readableBytes
        let sendsLength = length > 0 || request.method != "GET"
        // "METHOD target HTTP/1.1\r\n", "host: …\r\n", the final CRLF.
        var headLength = request.method.utf8.count + 1 + endpoint.target.utf8.count + 11 + 6 + host.utf8.count + 2 + 2
        for (name, value) in request.headers where !isManaged(name) {
            guard isToken(name) else { throw .invalidRequestHeader(name) }
            guard isValue(value) else { throw .invalidRequestHeader(name) }
            headLength += name.utf8.count + 2 + value.utf8.count + 2
        }
        if sendsLength { headLength += contentLength.utf8CodeUnitCount + ByteAppender.decimalCount(length) + 2 }
        let bodyIncluded = length <= inlineBodyLimit
        var bytes = allocator.buffer(capacity: headLength + (bodyIncluded ? length : 0))
        bytes.writeWithUnsafeMutableBytes(minimumWritableBytes: headLength) { memory in
            var out = ByteAppender(bytes: memory)
            out.append(request.method)
            out.append(UInt8(ascii: " "))
            out.append(endpoint.target)
            out.append(" HTTP/1.1\r\nhost: ")
            out.append(host)
            out.append("\r\n")
            for (name, value) in request.headers where !isManaged(name) {
                out.append(name)
                out.append(": ")
                out.append(value)
                out.append("\r\n")
            }
            if sendsLength {
                out.append(contentLength)
                out.append(decimal: length)
                out.append("\r\n")
            }
            out.append("\r\n")
            return out.count
        }
        if bodyIncluded, length > 0 { bytes.writeImmutableBuffer(request.body) }
        return (bytes, bodyIncluded)
    }

    private static let contentLength: StaticString = "content-length: "

    /// `host` and `content-length` are written from the endpoint and the body, never copied from the request.
    /// The checks of ``encode(_:endpoint:allocator:)`` alone, for a request written as parts (an HTTP/2 stream, where
    /// NIOHTTP2's own checks of header blocks are off and a bad field would otherwise reach the upstream).
    static func check(_ request: UpstreamRequest, endpoint: UpstreamEndpoint) throws(UpstreamTransportError) {
        guard isToken(request.method) else { throw .invalidRequestHeader("method") }
        guard isTarget(endpoint.target) else { throw .invalidRequestHeader("target") }
        guard isValue(endpoint.hostHeader) else { throw .invalidRequestHeader("host") }
        for (name, value) in request.headers where !isManaged(name) {
            guard isToken(name), isValue(value) else { throw .invalidRequestHeader(name) }
        }
    }

    static func isManaged(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count == 4 || count == 14 else { return false }
        var name = name
        return name.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            return HTTP1Syntax.equalIgnoringCase(bytes, "host") || HTTP1Syntax.equalIgnoringCase(bytes, "content-length")
        }
    }

    /// Whether `text` is a non-empty RFC 9110 token (a method or a field name).
    static func isToken(_ text: String) -> Bool {
        allBytes(of: text, nonEmpty: true, HTTP1Syntax.isTokenByte)
    }

    /// Whether `text` may be a field value: no control character but horizontal tab.
    static func isValue(_ text: String) -> Bool {
        allBytes(of: text, nonEmpty: false, HTTP1Syntax.isFieldValueByte)
    }

    /// Whether `text` may be a request target: printable, no space.
    static func isTarget(_ text: String) -> Bool {
        allBytes(of: text, nonEmpty: true) { $0 > 0x20 && $0 != 0x7F }
    }

    /// Whether every UTF-8 byte of `text` passes `test` (``UTF8Scan``), and `text` is not empty when `nonEmpty`.
    @inline(__always)
    private static func allBytes(of text: String, nonEmpty: Bool, _ test: (UInt8) -> Bool) -> Bool {
        guard !nonEmpty || !text.isEmpty else { return false }
        return UTF8Scan.all(text, test)
    }
}
