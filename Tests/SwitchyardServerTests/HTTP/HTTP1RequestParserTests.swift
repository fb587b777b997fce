import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import SwitchyardServer

/// `HTTP1RequestParser` against NIO's `HTTPRequestDecoder` (llhttp), which it replaced, and `NIOHTTPTypesHTTP1`'s
/// conversion of its heads: the same requests, bodies and keep-alive decisions for every way the bytes can arrive,
/// and the same refusals.
@Suite struct HTTP1RequestParserTests {
    /// One parsed request, as either parser sees it.
    struct Seen: Equatable, CustomStringConvertible {
        var head: HTTPRequest
        var body: [UInt8]
        var keepAlive: Bool
        var description: String { "\(head.method) \(head.path ?? "") \(head.headerFields) body=\(body.count) ka=\(keepAlive)" }
    }

    static let valid: [String] = [
        "POST /v1/chat/completions HTTP/1.1\r\nHost: gw.local:8080\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer sk-test\r\nContent-Length: 17\r\n\r\n{\"model\":\"gpt-x\"}",
        "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /readyz?deep=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Trailer: t\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /older HTTP/1.0\r\n\r\n",
        "GET /spaces HTTP/1.1\r\nX-A:value\r\nX-B: \tpadded \t\r\nX-Empty:\r\nX-Cafe: caf\u{E9}\r\n\r\n",
        "\r\nGET /after-empty-line HTTP/1.1\r\nHost: b\r\n\r\n",
        "POST /expect HTTP/1.1\r\nHost: c\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET http://example.com:8080/absolute?q=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
        "DELETE /v1/keys/key_1 HTTP/1.1\r\nHost: d\r\nConnection: keep-alive, Upgrade-Insecure\r\nContent-Length: 0\r\n\r\n",
        "PUT /big HTTP/1.1\r\nContent-Length: 40\r\n\r\n0123456789012345678901234567890123456789"
            + "POST /next HTTP/1.1\r\nContent-Length: 2\r\n\r\nok",
        // The heads `HTTPRequestNIOHeadTests` held against the library's conversion: repeated names kept in order,
        // the first `Host` the authority, cookies not split, any method token, and targets that are not origin-form.
        "POST /v1/chat/completions HTTP/1.1\r\nHost: gw:8080\r\nContent-Type: application/json\r\n"
            + "content-length: 2\r\n\r\n{}",
        "GET /healthz?x=1&y=%20 HTTP/1.1\r\nhost: a\r\nHost: b\r\nX-Custom: v1\r\nx-custom: v2\r\n\r\n",
        "POST / HTTP/1.1\r\nAuthorization: Bearer sk-sy-x\r\nCookie: a=1; b=2\r\n\r\n",
        "DELETE /admin/keys/key_1 HTTP/1.1\r\n\r\n",
        "PURGE /cache HTTP/1.1\r\nok: kept\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        // A connection's requests that repeat the last one's line and `Host` reuse its head (`HeadTemplate`); any
        // byte of either that differs, or a `Host` that appears or goes, makes a new one.
        "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}"
            + "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n[]"
            + "POST /v1/chat/completionz HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
            + "POST /v1/chat/completionz HTTP/1.1\r\nHost: b\r\nContent-Length: 0\r\n\r\n"
            + "POST /v1/chat/completionz HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
            + "POST /v1/chat/completionz HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
            + "POST /v1/chat/completionz HTTP/1.1\r\nHost: bb\r\nContent-Length: 0\r\n\r\n"
            + "PUT /v1/chat/completionz HTTP/1.1\r\nHost: bb\r\nContent-Length: 0\r\n\r\n"
            + "PUT /v1/chat/completionz HTTP/1.0\r\nHost: bb\r\nContent-Length: 0\r\n\r\n",
        // Field lines that repeat the last request's at their position keep its fields (`FieldTemplate`); a value that
        // changes is replaced, and fewer, more, reordered or differently cased names are made anew.
        "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nX-B: 1\r\nContent-Length: 1\r\n\r\nx"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nX-B: 2\r\nContent-Length: 2\r\n\r\nxy"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nX-B: 2\r\nContent-Length: 2\r\n\r\nxy"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nContent-Length: 0\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nContent-Length: 0\r\nX-C: 3\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nuser-agent: u\r\nUser-Agent: v\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nUser-Agent:  v \r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nUser-Agent: w\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nHost: i\r\nUser-Agent: u\r\n\r\n"
            + "GET http://h/a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\n\r\n"
            + "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nX-D: 4\r\n\r\n",
        // The names the parser knows without building them, in any case, beside ones of the same lengths it does not.
        "POST /v1/chat/completions HTTP/1.1\r\nACCEPT: */*\r\nUser-agent: t/1\r\nCONTENT-type: text/plain\r\n"
            + "authorization: Bearer k\r\nAccept-Encoding: gzip\r\nX-Abcd: 6\r\nX-Header-Len-12: 15\r\n"
            + "Content-Length: 0\r\n\r\n",
    ]

    static let malformed: [String] = [
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\nhello",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A: a\r\n folded\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "PO(ST / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Caf\u{E9}: not a token\r\n\r\n",
        "PURGE /cache HTTP/1.1\r\nbad name: dropped\r\nok: kept\r\n\r\n",
    ]

    /// NIO's decoder on the whole input: the requests it reads, or `nil` when it refuses the bytes.
    static func nio(_ input: [UInt8]) -> [Seen]? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        defer { _ = try? channel.finish() }
        do {
            try channel.writeInbound(ByteBuffer(bytes: input))
        } catch {
            return nil
        }
        var seen: [Seen] = []
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let value): head = value; body = []
            case .body(let piece): body += piece.readableBytesView
            case .end:
                guard let value = head, let request = try? HTTPRequest(value, secure: false, splitCookie: false)
                else { return nil }
                seen.append(Seen(head: request, body: body, keepAlive: value.isKeepAlive))
            }
        }
        return seen
    }

    /// The new parser on the input cut at `cuts`, fed as the connection handler feeds it.
    static func parsed(_ input: [UInt8], cuts: [Int], maxBodyBytes: Int = 1 << 20) -> (seen: [Seen], malformed: Bool) {
        var parser = HTTP1RequestParser(maxBodyBytes: maxBodyBytes)
        var pending = ByteBuffer()
        var seen: [Seen] = []
        var start = 0
        for end in cuts + [input.count] where end >= start {
            pending.writeBytes(input[start..<end])
            start = end
            loop: while true {
                switch parser.next(from: &pending) {
                case .needMore: break loop
                case .continueExpected: continue
                case .malformed: return (seen, true)
                case .request(let request):
                    seen.append(Seen(head: request.head, body: Array(request.body.readableBytesView), keepAlive: request.keepAlive))
                }
            }
        }
        return (seen, false)
    }

    @Test(arguments: valid)
    func readsWhatNIOReadsInEverySplit(_ text: String) throws {
        let input = Array(text.utf8)
        let expected = try #require(Self.nio(input))
        #expect(!expected.isEmpty)
        for cut in 0...input.count {
            let (seen, malformed) = Self.parsed(input, cuts: [cut])
            #expect(!malformed, "cut at \(cut)")
            #expect(seen == expected, "cut at \(cut)")
        }
        let (byByte, malformed) = Self.parsed(input, cuts: Array(0..<input.count))
        #expect(!malformed)
        #expect(byByte == expected)
    }

    @Test(arguments: malformed)
    func refusesWhatNIORefuses(_ text: String) {
        let input = Array(text.utf8)
        #expect(Self.nio(input) == nil, "NIO accepts it")
        #expect(Self.parsed(input, cuts: []).malformed)
        #expect(Self.parsed(input, cuts: Array(0..<input.count)).malformed)
    }

    /// A method is any token, taken as written: llhttp knows a fixed list and refuses the rest, this parser leaves
    /// unknown methods to routing (404 or 405); methods are case-sensitive, so `Post` is not `POST`.
    @Test func aMethodIsTakenAsWritten() throws {
        let (seen, malformed) = Self.parsed(Array("Post /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n".utf8), cuts: [])
        #expect(!malformed)
        #expect(try #require(seen.first).head.method.rawValue == "Post")
        #expect(Self.parsed(Array("BREW /pot HTTP/1.1\r\n\r\n".utf8), cuts: []).seen.first?.head.method.rawValue == "BREW")
    }

    /// A bare LF ends no line: refused (the head is never complete otherwise, and the client would wait).
    @Test func aBareLineFeedIsRefused() {
        #expect(Self.parsed(Array("GET / HTTP/1.1\nHost: a\n\n".utf8), cuts: []).malformed)
        #expect(Self.parsed(Array("GET / HTTP/1.1\r\nHost: a\n\r\n".utf8), cuts: []).malformed)
    }

    /// A head longer than the limit is refused without waiting for its end.
    @Test func anOverlongHeadIsRefused() {
        let head = "GET / HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: HTTP1RequestParser.maxHeadBytes)
        #expect(Self.parsed(Array(head.utf8), cuts: []).malformed)
    }

    /// Bodies over the limit are read to their end and kept to one byte over, fixed-length and chunked alike.
    @Test func aBodyOverTheLimitIsKeptToOneByteOver() {
        let fixed = "POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789GET /b HTTP/1.1\r\n\r\n"
        let (seen, malformed) = Self.parsed(Array(fixed.utf8), cuts: [45], maxBodyBytes: 4)
        #expect(!malformed)
        #expect(seen.map(\.body) == [Array("01234".utf8), []])
        #expect(seen.map { $0.head.path } == ["/a", "/b"])
        let chunked = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
        let (chunks, _) = Self.parsed(Array(chunked.utf8), cuts: [50], maxBodyBytes: 4)
        #expect(chunks.map(\.body) == [Array("abcde".utf8)])
    }

    /// `Expect: 100-continue` is reported once the head is read and the body has not come with it.
    @Test func expectContinueIsReportedBeforeTheBody() {
        var parser = HTTP1RequestParser(maxBodyBytes: 100)
        var buffer = ByteBuffer(string: "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        guard case .continueExpected = parser.next(from: &buffer) else {
            Issue.record("no 100-continue")
            return
        }
        guard case .needMore = parser.next(from: &buffer) else {
            Issue.record("a request without its body")
            return
        }
        buffer.writeString("ok")
        guard case .request(let request) = parser.next(from: &buffer) else {
            Issue.record("no request")
            return
        }
        #expect(String(buffer: request.body) == "ok")
    }
}
