import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import SwitchyardServer

/// ``HTTPRequest/gatewayRequest(from:)`` gives what `NIOHTTPTypesHTTP1`'s conversion gives, without its URL parse.
@Suite struct HTTPRequestNIOHeadTests {
    static func head(_ method: HTTPMethod, _ uri: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    @Test(arguments: [
        head(.POST, "/v1/chat/completions", [("Host", "gw:8080"), ("Content-Type", "application/json"), ("content-length", "2")]),
        head(.GET, "/healthz?x=1&y=%20", [("host", "a"), ("Host", "b"), ("X-Custom", "v1"), ("x-custom", "v2")]),
        head(.POST, "/", [("Authorization", "Bearer sk-sy-x"), ("Cookie", "a=1; b=2")]),
        head(.DELETE, "/admin/keys/key_1", []),
        head(.init(rawValue: "PURGE"), "/cache", [("bad name", "dropped"), ("ok", "kept")]),
        head(.GET, "http://example.com/absolute?q", [("Host", "example.com")]),
        head(.OPTIONS, "*", [("Host", "x")]),
    ])
    func sameAsTheLibrarysConversion(_ head: HTTPRequestHead) throws {
        let ours = try #require(HTTPRequest.gatewayRequest(from: head))
        let library = try HTTPRequest(head, secure: false, splitCookie: false)
        #expect(ours.method == library.method)
        #expect(ours.scheme == library.scheme)
        #expect(ours.authority == library.authority)
        #expect(ours.path == library.path)
        #expect(ours.headerFields == library.headerFields)
    }
}
