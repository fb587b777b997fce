import HTTPTypes
import SwitchyardCore

/// The request line and `Host` of a connection's last origin-form request, with the head made of them (its method,
/// scheme, authority and path; no fields), for ``HTTP1RequestParser``.
///
/// A keep-alive client mostly repeats both on every request (`POST /v1/chat/completions HTTP/1.1`, one host). Making
/// the head anew decoded the method, target and host into strings and checked each again in
/// `HTTPRequest.init(method:scheme:authority:path:headerFields:)`, which builds and checks three pseudo-header fields:
/// about 2,000 instructions per request under callgrind. A request whose bytes are the same gets the same head, so
/// the template never answers for another request.
struct HeadTemplate {
    /// The request line's bytes, without its CRLF.
    private let line: [UInt8]
    /// The first `Host` value's bytes; `nil` when the request had none.
    private let authority: [UInt8]?
    /// The head made from them, without fields.
    let head: HTTPRequest

    /// A template of a parsed request's line and `Host` value, and its head.
    init(line: UnsafeRawBufferPointer, authority: UnsafeRawBufferPointer?, head: HTTPRequest) {
        self.line = Array(line)
        self.authority = authority.map { Array($0) }
        self.head = head
    }

    /// Whether a request's line and `Host` value are byte for byte this template's.
    func matches(line: UnsafeRawBufferPointer, authority: UnsafeRawBufferPointer?) -> Bool {
        guard self.line.withUnsafeBytes({ HTTP1Syntax.equal($0, line) }) else { return false }
        switch (self.authority, authority) {
        case (nil, nil): return true
        case (let mine?, let theirs?): return mine.withUnsafeBytes { HTTP1Syntax.equal($0, theirs) }
        default: return false
        }
    }
}
