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

    /// The checked bytes of a connection's last request head up to its `content-length`, with what they were
    /// written from. The next request to the same endpoint with the same method and the same header list (the
    /// adapters keep one list per provider, ``UpstreamTargetMemo``) copies them instead of checking and writing each
    /// string again: about 2,500 instructions per request under callgrind.
    struct HeadPrefix {
        fileprivate let method: String
        fileprivate let endpoint: UpstreamEndpoint
        /// Held, so that its storage (compared by address) cannot be another list's.
        fileprivate let headers: [(name: String, value: String)]
        fileprivate let bytes: [UInt8]

        /// Whether `request` to `endpoint` has this prefix's method, endpoint and header list (the same storage).
        fileprivate func matches(_ request: UpstreamRequest, _ endpoint: UpstreamEndpoint) -> Bool {
            guard request.method == method, request.headers.count == headers.count, endpoint == self.endpoint else {
                return false
            }
            return request.headers.withUnsafeBufferPointer { theirs in
                headers.withUnsafeBufferPointer { mine in theirs.baseAddress == mine.baseAddress }
            }
        }
    }

    /// ``encode(_:endpoint:allocator:)``, reusing `prefix` when it matches and otherwise setting it to this
    /// request's when `keepsPrefix` (a connection's first request keeps none: one that carries a single long stream
    /// holds none).
    static func encode(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, allocator: ByteBufferAllocator,
        prefix: inout HeadPrefix?, keepsPrefix: Bool = true
    ) throws(UpstreamTransportError) -> (bytes: ByteBuffer, bodyIncluded: Bool) {
        if let known = prefix, known.matches(request, endpoint) {
            return write(request, allocator: allocator, start: known.bytes.count) { out in
                known.bytes.withUnsafeBytes { out.append($0) }
            }
        }
        let (encoded, start) = try encodeCounting(request, endpoint: endpoint, allocator: allocator)
        if keepsPrefix {
            let bytes = encoded.bytes.withUnsafeReadableBytes { Array($0[..<start]) }
            prefix = HeadPrefix(method: request.method, endpoint: endpoint, headers: request.headers, bytes: bytes)
        }
        return encoded
    }

    /// The request's head, followed by its body when the body is at most ``inlineBodyLimit`` bytes
    /// (`bodyIncluded`). The head is counted (and checked) first, then copied in one buffer write.
    static func encode(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, allocator: ByteBufferAllocator
    ) throws(UpstreamTransportError) -> (bytes: ByteBuffer, bodyIncluded: Bool) {
        try encodeCounting(request, endpoint: endpoint, allocator: allocator).encoded
    }

    /// ``encode(_:endpoint:allocator:)``, and how many bytes its head takes before the `content-length` line (the
    /// part a ``HeadPrefix`` keeps).
    private static func encodeCounting(
        _ request: UpstreamRequest, endpoint: UpstreamEndpoint, allocator: ByteBufferAllocator
    ) throws(UpstreamTransportError) -> (encoded: (bytes: ByteBuffer, bodyIncluded: Bool), start: Int) {
        guard isToken(request.method) else { throw .invalidRequestHeader("method") }
        guard isTarget(endpoint.target) else { throw .invalidRequestHeader("target") }
        let host = endpoint.hostHeader
        guard isValue(host) else { throw .invalidRequestHeader("host") }
        // "METHOD target HTTP/1.1\r\n", "host: …\r\n".
        var start = request.method.utf8.count + 1 + endpoint.target.utf8.count + 11 + 6 + host.utf8.count + 2
        for (name, value) in request.headers where !isManaged(name) {
            guard isToken(name) else { throw .invalidRequestHeader(name) }
            guard isValue(value) else { throw .invalidRequestHeader(name) }
            start += name.utf8.count + 2 + value.utf8.count + 2
        }
        let encoded = write(request, allocator: allocator, start: start) { out in
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
        }
        return (encoded, start)
    }

    /// One buffer with the head's first `start` bytes (written by `writeStart`), its `content-length` line (unless
    /// a `GET` without a body) and blank line, then the body when it is at most ``inlineBodyLimit`` bytes.
    private static func write(
        _ request: UpstreamRequest, allocator: ByteBufferAllocator, start: Int,
        _ writeStart: (inout ByteAppender) -> Void
    ) -> (bytes: ByteBuffer, bodyIncluded: Bool) {
        let length = request.body.readableBytes
        let sendsLength = length > 0 || request.method != "GET"
        let lengthLine = sendsLength ? contentLength.utf8CodeUnitCount + ByteAppender.decimalCount(length) + 2 : 0
        let headLength = start + lengthLine + 2
        let bodyIncluded = length <= inlineBodyLimit
        var bytes = allocator.buffer(capacity: headLength + (bodyIncluded ? length : 0))
        bytes.writeWithUnsafeMutableBytes(minimumWritableBytes: headLength) { memory in
            var out = ByteAppender(bytes: memory)
            writeStart(&out)
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
