import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import SwitchyardCore

extension HTTP1RequestParser {
    /// How a request's body is delimited.
    enum Framing: Equatable {
        case length(Int)
        case chunked
    }

    /// What the fields said about framing and the connection.
    private struct Framers {
        var contentLength: Int?
        var lengthRepeated = false
        var lengthInvalid = false
        var transferEncoding = false
        var chunkedLast = false
        var close = false
        var keepAlive = false
        var expectContinue = false
    }

    /// Reads the head (`length` bytes, blank line included) and consumes it: sets ``head``, the connection's
    /// keep-alive and whether `100 Continue` is expected. `nil` when the head is malformed.
    mutating func readHead(from buffer: inout ByteBuffer, length: Int) -> Framing? {
        let result = buffer.withUnsafeReadableBytes { bytes -> (HTTPRequest, Framers, Bool)? in
            Self.parseHead(
                UnsafeRawBufferPointer(rebasing: bytes[..<length]), keepsTemplates: readBefore, template: &template,
                fieldTemplate: &fieldTemplate)
        }
        buffer.moveReaderIndex(forwardBy: length)
        guard let (request, framers, http11) = result else { return nil }
        if framers.transferEncoding {
            // Both framings at once is how requests are smuggled; a coding other than chunked last cannot be read.
            guard framers.contentLength == nil, !framers.lengthRepeated, framers.chunkedLast else { return nil }
        }
        guard !framers.lengthInvalid, !framers.lengthRepeated else { return nil }
        head = request
        keepAlive = http11 ? !framers.close : framers.keepAlive && !framers.close
        expectsContinue = http11 && framers.expectContinue
        if framers.transferEncoding { return .chunked }
        return .length(framers.contentLength ?? 0)
    }

    /// The request line and fields of a head whose lines all end with CRLF. An origin-form request whose line and
    /// `Host` repeat the previous request's on the connection (``HeadTemplate``) reuses its method, scheme, authority
    /// and path; its field lines that repeat the previous request's at their position reuse its fields
    /// (``FieldTemplate``). Templates are made only when `keepsTemplates`.
    private static func parseHead(
        _ bytes: UnsafeRawBufferPointer, keepsTemplates: Bool, template: inout HeadTemplate?,
        fieldTemplate: inout FieldTemplate?
    ) -> (HTTPRequest, Framers, Bool)? {
        var index = 0
        while index + 1 < bytes.count, bytes[index] == 0x0D, bytes[index + 1] == 0x0A { index += 2 }
        guard let lineEnd = endOfLine(bytes, from: index) else { return nil }
        let requestLineBytes = UnsafeRawBufferPointer(rebasing: bytes[index..<lineEnd])
        guard let (methodEnd, targetRange, http11) = requestLine(requestLineBytes) else { return nil }
        index = lineEnd + 2
        var framers = Framers()
        var authority: UnsafeRawBufferPointer?
        var nioHeaders: HTTPHeaders?  // only for targets that are not origin-form
        let originForm = requestLineBytes[targetRange.lowerBound] == UInt8(ascii: "/")
        if !originForm { nioHeaders = HTTPHeaders() }
        // (Each field made anew is appended through the protocol's generic `insert(_:at:)` and `replaceSubrange`,
        // about 750 instructions a field under callgrind; an array handed over at once costs as much, through
        // `append(contentsOf:)`, one by one.)
        var fields = FieldTemplate.Builder(
            template: originForm ? fieldTemplate.take() : nil, recording: originForm && keepsTemplates)
        while true {
            guard let end = endOfLine(bytes, from: index) else { return nil }
            if end == index { break }
            let line = UnsafeRawBufferPointer(rebasing: bytes[index..<end])
            index = end + 2
            guard let (name, value) = HTTP1Syntax.field(line) else { return nil }
            readFramer(name: name, value: value, into: &framers)
            if nioHeaders != nil {
                nioHeaders!.add(
                    name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
                continue
            }
            if authority == nil, HTTP1Syntax.equalIgnoringCase(name, "host") {
                authority = value
                continue
            }
            guard fields.add(line: line, name: name, value: value, knownName: knownName) else { return nil }
        }
        let method = UnsafeRawBufferPointer(rebasing: requestLineBytes[..<methodEnd])
        let target = UnsafeRawBufferPointer(rebasing: requestLineBytes[targetRange])
        if let nioHeaders {
            // Absolute-form, authority-form and asterisk-form targets go through the library's conversion.
            let nioHead = HTTPRequestHead(
                version: http11 ? .http1_1 : .http1_0,
                method: HTTPMethod(rawValue: String(decoding: method, as: UTF8.self)),
                uri: String(decoding: target, as: UTF8.self), headers: nioHeaders)
            guard let request = try? HTTPRequest(nioHead, secure: false, splitCookie: false) else { return nil }
            return (request, framers, http11)
        }
        let (headerFields, nextFields) = fields.finish()
        fieldTemplate = nextFields
        if let template, template.matches(line: requestLineBytes, authority: authority) {
            var request = template.head
            request.headerFields = headerFields
            return (request, framers, http11)
        }
        guard let requestMethod = HTTPRequest.Method(String(decoding: method, as: UTF8.self)) else { return nil }
        var request = HTTPRequest(
            method: requestMethod, scheme: "http", authority: authority.map { String(decoding: $0, as: UTF8.self) },
            path: String(decoding: target, as: UTF8.self))
        if keepsTemplates { template = HeadTemplate(line: requestLineBytes, authority: authority, head: request) }
        request.headerFields = headerFields
        return (request, framers, http11)
    }

    /// The library's own name for a field that most requests carry, matched without regard to case; `nil` for any
    /// other. A name made from the request's bytes is checked as a token and lowercased, about 600 instructions
    /// a field under callgrind; these are constants.
    private static func knownName(_ name: UnsafeRawBufferPointer) -> HTTPField.Name? {
        switch name.count {
        case 6 where HTTP1Syntax.equalIgnoringCase(name, "accept"): .accept
        case 10 where HTTP1Syntax.equalIgnoringCase(name, "user-agent"): .userAgent
        case 12 where HTTP1Syntax.equalIgnoringCase(name, "content-type"): .contentType
        case 13 where HTTP1Syntax.equalIgnoringCase(name, "authorization"): .authorization
        case 14 where HTTP1Syntax.equalIgnoringCase(name, "content-length"): .contentLength
        case 15 where HTTP1Syntax.equalIgnoringCase(name, "accept-encoding"): .acceptEncoding
        default: nil
        }
    }

    /// The offset of the CR of the line starting at `start`; every line of a head ends with CRLF.
    private static func endOfLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let at = HTTP1Syntax.firstLineFeed(in: bytes, from: start) else { return nil }
        guard at > start, bytes[at - 1] == 0x0D else { return nil }
        return at - 1
    }

    /// `POST /v1/chat/completions HTTP/1.1`: where the method ends, where the target is and whether the version is
    /// 1.1.
    private static func requestLine(_ line: UnsafeRawBufferPointer) -> (Int, Range<Int>, Bool)? {
        // The spaces found with `memchr` and the version compared byte by byte: the generic `firstIndex(of:)` and
        // `starts(with:)` step through the collections' indices, about 1,500 instructions for the line.
        guard let firstSpace = HTTP1Syntax.firstIndex(of: 0x20, in: line, from: 0), firstSpace > 0 else { return nil }
        for index in 0..<firstSpace where !HTTP1Syntax.isTokenByte(line[index]) { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)...])
        guard let secondSpace = HTTP1Syntax.firstIndex(of: 0x20, in: rest, from: 0), secondSpace > 0 else {
            return nil
        }
        for index in 0..<secondSpace where rest[index] <= 0x20 || rest[index] == 0x7F { return nil }
        let version = UnsafeRawBufferPointer(rebasing: rest[(secondSpace + 1)...])
        guard version.count == 8, version[0] == UInt8(ascii: "H"), version[1] == UInt8(ascii: "T"),
            version[2] == UInt8(ascii: "T"), version[3] == UInt8(ascii: "P"), version[4] == UInt8(ascii: "/"),
            version[5] == UInt8(ascii: "1"), version[6] == UInt8(ascii: ".")
        else { return nil }
        let http11: Bool
        switch version[7] {
        case UInt8(ascii: "1"): http11 = true
        case UInt8(ascii: "0"): http11 = false
        default: return nil
        }
        return (firstSpace, (firstSpace + 1)..<(firstSpace + 1 + secondSpace), http11)
    }

    /// Whether a trailer line is a valid field (its content is dropped).
    static func isValidField(_ line: UnsafeRawBufferPointer) -> Bool {
        HTTP1Syntax.field(line) != nil
    }

    /// Notes the fields that frame the body or govern the connection.
    private static func readFramer(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, into framers: inout Framers) {
        switch name.count {
        case 14 where HTTP1Syntax.equalIgnoringCase(name, "content-length"):
            if framers.contentLength != nil { framers.lengthRepeated = true }
            guard let length = HTTP1Syntax.contentLength(value) else {
                framers.lengthInvalid = true
                return
            }
            framers.contentLength = length
        case 17 where HTTP1Syntax.equalIgnoringCase(name, "transfer-encoding"):
            framers.transferEncoding = true
            // The last coding of all the field lines decides: `gzip, chunked` is chunked, `chunked, gzip` is not.
            framers.chunkedLast = lastToken(value, is: "chunked")
        case 10 where HTTP1Syntax.equalIgnoringCase(name, "connection"):
            HTTP1Syntax.forEachToken(value) { token in
                if HTTP1Syntax.equalIgnoringCase(token, "close") { framers.close = true }
                if HTTP1Syntax.equalIgnoringCase(token, "keep-alive") { framers.keepAlive = true }
            }
        case 6 where HTTP1Syntax.equalIgnoringCase(name, "expect"):
            if HTTP1Syntax.equalIgnoringCase(value, "100-continue") { framers.expectContinue = true }
        default:
            break
        }
    }

    /// Whether the last non-empty token of `value` is `token`.
    private static func lastToken(_ value: UnsafeRawBufferPointer, is token: StaticString) -> Bool {
        var last: UnsafeRawBufferPointer?
        HTTP1Syntax.forEachToken(value) { last = $0 }
        guard let last else { return false }
        return HTTP1Syntax.equalIgnoringCase(last, token)
    }
}
