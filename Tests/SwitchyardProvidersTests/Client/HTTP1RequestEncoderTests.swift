import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// The bytes the pooled HTTP/1.1 transport writes for a request (``HTTP1RequestEncoder``).
@Suite("HTTP/1.1 request encoding")
struct HTTP1RequestEncoderTests {
    let allocator = ByteBufferAllocator()

    func encode(
        _ url: String, method: String = "POST", headers: [(name: String, value: String)] = [], body: String = ""
    ) throws(UpstreamTransportError) -> (text: String, bodyIncluded: Bool) {
        var request = UpstreamRequest(url: url, headers: headers, body: ByteBuffer(string: body))
        request.method = method
        let endpoint = UpstreamEndpoint(url: url)!
        let (bytes, included) = try HTTP1RequestEncoder.encode(request, endpoint: endpoint, allocator: allocator)
        return (String(buffer: bytes), included)
    }

    @Test("request line, host, the request's fields in order, content-length, then the body")
    func exactBytes() throws {
        let (text, included) = try encode(
            "http://127.0.0.1:8080/v1/chat/completions?x=1",
            headers: [("content-type", "application/json"), ("authorization", "Bearer sk-x")], body: #"{"a":1}"#)
        #expect(included)
        #expect(
            text == "POST /v1/chat/completions?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-type: application/json\r\n"
                + "authorization: Bearer sk-x\r\ncontent-length: 7\r\n\r\n{\"a\":1}")
    }

    /// A connection's requests to one endpoint with one header list reuse the head's bytes up to the length; any
    /// other method, endpoint or list (even with the same contents) is written and checked anew.
    @Test("the head's prefix is reused only for the same method, endpoint and header list")
    func headPrefix() throws {
        let url = "http://127.0.0.1:8080/v1/chat/completions"
        let headers: [(name: String, value: String)] = [("content-type", "application/json"), ("authorization", "Bearer k")]
        var prefix: HTTP1RequestEncoder.HeadPrefix?
        func both(
            _ url: String, method: String = "POST", headers: [(name: String, value: String)], body: String
        ) throws(UpstreamTransportError) {
            var request = UpstreamRequest(url: url, headers: headers, body: ByteBuffer(string: body))
            request.method = method
            let endpoint = UpstreamEndpoint(url: url)!
            let plain = try HTTP1RequestEncoder.encode(request, endpoint: endpoint, allocator: allocator)
            let reused = try HTTP1RequestEncoder.encode(request, endpoint: endpoint, allocator: allocator, prefix: &prefix)
            #expect(String(buffer: reused.bytes) == String(buffer: plain.bytes), "\(method) \(url) \(body.count)")
            #expect(reused.bodyIncluded == plain.bodyIncluded)
        }
        try both(url, headers: headers, body: "{}")
        try both(url, headers: headers, body: String(repeating: "x", count: 1234))
        try both(url, headers: headers, body: String(repeating: "y", count: 20_000))
        try both(url, method: "GET", headers: headers, body: "")
        try both(url, method: "GET", headers: headers, body: "")
        try both("http://127.0.0.1:8081/v1/chat/completions", headers: headers, body: "{}")
        try both("http://127.0.0.1:8081/v1/embeddings", headers: headers, body: "{}")
        var other = headers
        other[1].value = "Bearer other"
        try both("http://127.0.0.1:8081/v1/embeddings", headers: other, body: "{}")
        try both("http://127.0.0.1:8081/v1/embeddings", headers: headers, body: "{}")
        try both("http://127.0.0.1:8081/v1/embeddings", headers: [], body: "{}")
        // A list that the prefix would hold for another's is refused as the plain encoding refuses it.
        var bad = headers
        bad[0].value = "a\u{1}b"
        #expect(throws: UpstreamTransportError.self) {
            var request = UpstreamRequest(url: url, headers: bad, body: ByteBuffer(string: "{}"))
            request.method = "POST"
            _ = try HTTP1RequestEncoder.encode(request, endpoint: UpstreamEndpoint(url: url)!, allocator: allocator, prefix: &prefix)
        }
    }

    @Test("host and content-length come from the endpoint and the body, never from the request's fields")
    func managedFields() throws {
        let (text, _) = try encode(
            "https://api.example.com/v1", headers: [("Host", "evil"), ("Content-Length", "999"), ("x-a", "b")],
            body: "12345678901")
        #expect(text == "POST /v1 HTTP/1.1\r\nhost: api.example.com\r\nx-a: b\r\ncontent-length: 11\r\n\r\n12345678901")
    }

    @Test("a GET without a body has no content-length; a POST without one says 0; IPv6 hosts are bracketed")
    func lengths() throws {
        #expect(try encode("http://[::1]:9000/", method: "GET").text == "GET / HTTP/1.1\r\nhost: [::1]:9000\r\n\r\n")
        #expect(
            try encode("http://localhost/x").text == "POST /x HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n")
    }

    @Test("a body over the inline limit is left for its own write; the head still counts it")
    func largeBody() throws {
        let body = String(repeating: "a", count: HTTP1RequestEncoder.inlineBodyLimit + 1)
        let (text, included) = try encode("http://h/p", body: body)
        #expect(!included)
        #expect(text == "POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: \(body.utf8.count)\r\n\r\n")
        let exact = String(repeating: "b", count: HTTP1RequestEncoder.inlineBodyLimit)
        let (inlineText, inline) = try encode("http://h/p", body: exact)
        #expect(inline)
        #expect(inlineText.hasSuffix("\r\n\r\n" + exact))
    }

    @Test("values may hold tabs and UTF-8, never line breaks or other control characters")
    func values() throws {
        #expect(try encode("http://h/", headers: [("x-note", "a\tb é")]).text.contains("x-note: a\tb é\r\n"))
        for bad in ["a\r\nx-injected: 1", "a\nb", "a\rb", "a\u{0}b", "a\u{7F}b", "a\u{1B}b"] {
            #expect(throws: UpstreamTransportError.invalidRequestHeader("x-note")) {
                _ = try encode("http://h/", headers: [("x-note", bad)])
            }
        }
    }

    @Test("names and methods must be tokens")
    func tokens() throws {
        for bad in ["", "x note", "x:note", "x\r\nnote", "é", "x(note)"] {
            #expect(throws: UpstreamTransportError.invalidRequestHeader(bad)) {
                _ = try encode("http://h/", headers: [(bad, "v")])
            }
        }
        #expect(try encode("http://h/", headers: [("X-Custom_1.a~!#$%&'*+^`|", "v")]).text.contains("X-Custom_1.a~!#$%&'*+^`|: v"))
        #expect(throws: UpstreamTransportError.invalidRequestHeader("method")) { _ = try encode("http://h/", method: "PO ST") }
        #expect(throws: UpstreamTransportError.invalidRequestHeader("method")) { _ = try encode("http://h/", method: "") }
    }
}
