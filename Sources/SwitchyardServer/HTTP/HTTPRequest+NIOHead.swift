import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1

extension HTTPRequest {
    /// NIO's parsed request head as an `HTTPRequest`: the first `Host` field becomes the authority, the target the
    /// path; `nil` when the method is not a token.
    ///
    /// An origin-form target (`/v1/chat/completions?x=1`, every request a client sends to a gateway) is taken as it
    /// is; other forms go through `NIOHTTPTypesHTTP1`'s conversion, which parses the target with Foundation's
    /// `URLComponents` (about a third of its 10,000 instructions per request under callgrind) and fills the fields
    /// through the generic `RangeReplaceableCollection` path.
    static func gatewayRequest(from head: HTTPRequestHead) -> HTTPRequest? {
        let target = head.uri
        guard target.utf8.first == UInt8(ascii: "/") else {
            return try? HTTPRequest(head, secure: false, splitCookie: false)
        }
        guard let method = HTTPRequest.Method(head.method.rawValue) else { return nil }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var authority: String?
        for (name, value) in head.headers {
            if authority == nil, name.utf8.count == 4, name.lowercased() == "host" {
                authority = value
                continue
            }
            // Names that are not tokens are dropped, as the library's conversion drops them.
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPRequest(method: method, scheme: "http", authority: authority, path: target, headerFields: fields)
    }
}
