import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// ``UpstreamResponseDecoder``: the pooled transport's HTTP/1.1 response parser, fed the same bytes in every split,
/// and checked against NIO's own decoder.
@Suite("Upstream HTTP/1.1 response decoding")
struct UpstreamResponseDecoderTests {
    /// What a decoder produced: the heads, the body bytes after each head, the ends, and the error if any.
    struct Parsed: Equatable {
        var heads: [String] = []
        var bodies: [String] = []
        var ends = 0
        var error: String?
    }

    static func describe(_ head: HTTPResponseHead) -> String {
        "\(head.version) \(head.status.code) [\(head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ","))]"
    }

    /// Moves the parts the channel has produced into `parsed`.
    static func drain(_ channel: EmbeddedChannel, into parsed: inout Parsed) {
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head):
                parsed.heads.append(describe(head))
                parsed.bodies.append("")
            case .body(let body): parsed.bodies[parsed.bodies.count - 1] += String(buffer: body)
            case .end: parsed.ends += 1
            }
        }
    }

    /// Feeds `pieces` to our decoder, expecting `responses` responses (each to `HEAD` when `toHEAD`); closes at the
    /// end when `close`.
    static func ours(
        _ pieces: [String], responses: Int = 1, toHEAD: Bool = false, close: Bool = false, defersFields: Bool = false
    ) -> Parsed {
        let decoder = UpstreamResponseDecoder(defersFields: defersFields)
        let channel = EmbeddedChannel(handler: decoder)
        for _ in 0..<responses { decoder.expectResponse(toHEAD: toHEAD) }
        return feed(channel, pieces, close: close)
    }

    /// The same through NIO's `HTTPResponseDecoder`.
    static func nio(_ text: String, toHEAD: Bool = false, close: Bool = false) -> Parsed {
        let channel = EmbeddedChannel()
        try! channel.pipeline.syncOperations.addHTTPClientHandlers()
        try! channel.writeOutbound(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: toHEAD ? .HEAD : .POST, uri: "/")))
        return feed(channel, [text], close: close)
    }

    /// Writes `pieces` into the channel (then closes it when `close`) and collects what comes out, and the error.
    static func feed(_ channel: EmbeddedChannel, _ pieces: [String], close: Bool) -> Parsed {
        var parsed = Parsed()
        do {
            for piece in pieces {
                try channel.writeInbound(ByteBuffer(string: piece))
                drain(channel, into: &parsed)
            }
            if close {
                channel.pipeline.fireChannelInactive()
                drain(channel, into: &parsed)
                try channel.throwIfErrorCaught()
            }
        } catch {
            parsed.error = "\(error)"
        }
        drain(channel, into: &parsed)
        return parsed
    }

    static let responses: [(text: String, toHEAD: Bool, close: Bool)] = [
        ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}", false, false),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n",
         false, false),
        ("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", false, false),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok", false, false),
        ("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n", true, false),
        ("HTTP/1.1 204 No Content\r\nx-a: b\r\n\r\n", false, false),
        ("HTTP/1.1 304 Not Modified\r\ncontent-length: 10\r\n\r\n", false, false),
        ("HTTP/1.0 200 OK\r\nserver: old\r\n\r\nuntil the end", false, true),
        ("HTTP/1.1 429 Too Many Requests\r\nretry-after: 2\r\ncontent-length: 0\r\n\r\n", false, false),
        ("HTTP/1.1 200 \r\nx-empty:\r\nx-spaces:   padded\r\ncontent-length: 1\r\n\r\nx", false, false),
    ]

    @Test("the same parts as NIO's decoder, whatever the bytes' split")
    func sameAsNIO() {
        for (text, toHEAD, close) in Self.responses {
            let expected = Self.nio(text, toHEAD: toHEAD, close: close)
            #expect(expected.error == nil, "\(text)")
            #expect(Self.ours([text], toHEAD: toHEAD, close: close) == expected, "\(text)")
            let bytes = Array(text.utf8)
            // One byte at a time, and every split in two.
            let single = bytes.map { String(decoding: [$0], as: UTF8.self) }
            #expect(Self.ours(single, toHEAD: toHEAD, close: close) == expected, "byte by byte: \(text)")
            for cut in 1..<bytes.count {
                let pieces = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
                #expect(Self.ours(pieces, toHEAD: toHEAD, close: close) == expected, "cut at \(cut): \(text)")
            }
        }
    }

    @Test("keep-alive as NIO's head says it, without scanning the fields again")
    func keepAlive() throws {
        let heads = [
            "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nConnection: close\r\n",
            "HTTP/1.1 200 OK\r\nconnection: Upgrade, CLOSE\r\n", "HTTP/1.1 200 OK\r\nconnection: keep-alive\r\n",
            "HTTP/1.0 200 OK\r\n", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n",
            "HTTP/1.0 200 OK\r\nx-a: 1\r\nconnection: foo , keep-alive \r\n",
            "HTTP/1.1 200 OK\r\nx-connection: close\r\n",
        ]
        for text in heads {
            let whole = text + "content-length: 0\r\n\r\n"
            let decoder = UpstreamResponseDecoder()
            let channel = EmbeddedChannel(handler: decoder)
            decoder.expectResponse(toHEAD: false)
            try channel.writeInbound(ByteBuffer(string: whole))
            guard case .head(let head) = try channel.readInbound(as: HTTPClientResponsePart.self) else {
                Issue.record("no head for \(text)")
                continue
            }
            #expect(decoder.keepAlive == head.isKeepAlive, "\(text)")
        }
    }

    @Test("field values lose their surrounding spaces and tabs")
    func trimmed() {
        let parsed = Self.ours(["HTTP/1.1 200 OK\r\nx-a: \t padded \t \r\ncontent-length: 0\r\n\r\n"])
        #expect(parsed.heads == ["HTTP/1.1 200 [x-a=padded,content-length=0]"])
    }

    @Test("deferred fields: the head frames the body, and the block holds every field as the full head would")
    func deferredFields() throws {
        let responses = [
            "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nx-a: \t padded \t \r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\nhi",
            "HTTP/1.1 200 OK\nx-request-id: abc\nTransfer-Encoding: chunked\n\n2\nyo\n0\n\n",
            "HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\nContent-Length: 0\r\n\r\n",
        ]
        for text in responses {
            let full = Self.ours([text], close: true)
            let decoder = UpstreamResponseDecoder(defersFields: true)
            let channel = EmbeddedChannel(handler: decoder)
            decoder.expectResponse(toHEAD: false)
            let deferred = Self.feed(channel, [text], close: true)
            #expect(deferred.bodies == full.bodies, "\(text)")
            #expect(deferred.ends == full.ends)
            #expect(deferred.error == nil)
            // The head keeps the framing fields only; the block, all of them, as the full head has them.
            let framing = try #require(deferred.heads.first)
            #expect(!framing.contains("Server") && !framing.contains("x-request-id") && !framing.contains("retry-after"))
            let block = try #require(decoder.fieldBlock)
            let fields = UpstreamResponseHead(status: 200, fieldBlock: block).fields
            let described = fields.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
            #expect(full.heads.first?.hasSuffix("[\(described)]") == true, "\(text): \(described)")
        }
        // `Connection: close` is read all the same.
        let decoder = UpstreamResponseDecoder(defersFields: true)
        decoder.expectResponse(toHEAD: false)
        _ = Self.feed(EmbeddedChannel(handler: decoder), [responses[0]], close: false)
        #expect(!decoder.keepAlive)
    }

    @Test("deferred fields: a head that repeats the last one frames, keeps alive and fails as one read in full")
    func repeatedHeads() throws {
        func head(_ date: String = "12", length: String = "2", connection: String = "keep-alive",
                  status: String = "200 OK", extra: String = "") -> String {
            "HTTP/1.1 \(status)\r\nServer: nginx\r\nDate: Sat, 05 Dec 2026 15:50:\(date) GMT\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(length)\r\nConnection: \(connection)\r\n\(extra)\r\n"
        }
        /// Feeds `sequence` to one decoder (the template is kept from its second response on), and each response to
        /// a fresh decoder: the same parts, keep-alive, field block and error, response by response.
        func compare(_ sequence: [String]) {
            let shared = UpstreamResponseDecoder(defersFields: true)
            let channel = EmbeddedChannel(handler: shared)
            for (index, text) in sequence.enumerated() {
                let fresh = UpstreamResponseDecoder(defersFields: true)
                fresh.expectResponse(toHEAD: false)
                let expected = Self.feed(EmbeddedChannel(handler: fresh), [text], close: false)
                shared.expectResponse(toHEAD: false)
                let seen = Self.feed(channel, [text], close: false)
                #expect(seen == expected, "response \(index): \(text)")
                #expect(shared.keepAlive == fresh.keepAlive, "response \(index): \(text)")
                if expected.error == nil {  // (after an error the connection is closed, whatever the block)
                    #expect(shared.fieldBlock.map { String(buffer: $0) } == fresh.fieldBlock.map { String(buffer: $0) })
                }
                #expect((expected.error != nil) == (index == sequence.count - 1 && sequence.last!.contains("fails")))
            }
        }
        let warm = [head() + "hi", head() + "hi"]
        compare(warm + [
            head("13") + "hi", head("14", length: "5") + "hello", head("14", length: "5", connection: "close") + "hello",
            head() + "hi", head() + "hi", head("15", connection: "Keep-Alive") + "hi", head() + "hi", head() + "hi",
            head().replacingOccurrences(of: "Content-Length: 2", with: "Transfer-Encoding: chunked")
                + "2\r\nyo\r\n0\r\n\r\n",
            head() + "hi", head() + "hi", head(status: "201 Created") + "hi", head() + "hi",
            head(extra: "x-extra: 1\r\n") + "hi", head() + "hi", head() + "hi",
        ])
        // A head that changes the framing elsewhere, or a line that is not a field, fails as a full read fails.
        let failing = [
            head().replacingOccurrences(of: "Server: nginx", with: "Content-Length: 3") + "hi",
            head().replacingOccurrences(of: "Server: nginx", with: "Server : nginx") + "hi",
            head("1\u{1}") + "hi",
            head().replacingOccurrences(of: "Server: nginx", with: "Server nginx") + "hi",
        ]
        for text in failing {
            compare(warm + [text.replacingOccurrences(of: "application/json", with: "application/fails")])
        }
    }

    @Test("bare line feeds end lines too; two responses in a row on one connection")
    func lineFeedsAndKeepAlive() {
        let text = "HTTP/1.1 200 OK\ncontent-length: 2\n\nhiHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\nyo\n0\n\n"
        let parsed = Self.ours([text], responses: 2)
        #expect(parsed.error == nil)
        #expect(parsed.heads.count == 2)
        #expect(parsed.bodies == ["hi", "yo"])
        #expect(parsed.ends == 2)
    }

    @Test("malformed heads, lengths and chunks fail as parser errors; nothing is made up")
    func malformed() {
        let cases: [(String, HTTPParserError)] = [
            ("HTTX/1.1 200 OK\r\n\r\n", .invalidVersion),
            ("HTTP/2.0 200 OK\r\n\r\n", .invalidVersion),
            ("HTTP/1.1 2x0 OK\r\n\r\n", .invalidStatus),
            ("HTTP/1.1 200 OK\r\nx-a: b\r\n folded\r\n\r\n", .invalidHeaderToken),
            ("HTTP/1.1 200 OK\r\nbad name: b\r\n\r\n", .invalidHeaderToken),
            ("HTTP/1.1 200 OK\r\nno-colon\r\n\r\n", .invalidHeaderToken),
            ("HTTP/1.1 200 OK\r\nx-a: b\u{1}c\r\n\r\n", .invalidHeaderToken),
            ("HTTP/1.1 200 OK\r\ncontent-length: 3, 4\r\n\r\nabc", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ncontent-length: 3, 3\r\n\r\nabc", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 9\r\n\r\n1\r\nz\r\n0\r\n\r\n", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 3\r\n\r\nabc", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ncontent-length: +1\r\n\r\nx", .invalidContentLength),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\r\n", .invalidChunkSize),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabX\r\n", .invalidChunkSize),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1000000000000000\r\n", .invalidChunkSize),
        ]
        for (text, error) in cases {
            #expect(Self.ours([text]).error == "\(error)", "\(text)")
            #expect(Self.ours([text], defersFields: true).error == "\(error)", "\(text), fields deferred")
        }
        let huge = "HTTP/1.1 200 OK\r\nx-big: " + String(repeating: "a", count: UpstreamResponseDecoder.headLimit) + "\r\n\r\n"
        #expect(Self.ours([huge]).error == "\(HTTPParserError.headerOverflow)")
        #expect(Self.ours(["HTTP/1.1 200 OK\r\nx-big: " + String(repeating: "b", count: 100_000)]).error
            == "\(HTTPParserError.headerOverflow)")
    }

    @Test("a close mid-response is invalidEOFState; a close before any byte, or after the end, is not an error")
    func closes() {
        #expect(Self.ours(["HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n01234"], close: true).error
            == "\(HTTPParserError.invalidEOFState)")
        #expect(Self.ours(["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel"], close: true).error
            == "\(HTTPParserError.invalidEOFState)")
        #expect(Self.ours(["HTTP/1.1 200 OK\r\ncontent-le"], close: true).error == "\(HTTPParserError.invalidEOFState)")
        #expect(Self.ours([], close: true) == Parsed())
        let whole = Self.ours(["HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx"], close: true)
        #expect(whole.error == nil)
        #expect(whole.ends == 1)
    }

    @Test("bytes nobody asked for are an error, not the next response")
    func unsolicited() {
        let parsed = Self.ours(["HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n"])
        #expect(parsed.ends == 1)
        #expect(parsed.error == "\(NIOHTTPDecoderError.unsolicitedResponse)")
    }
    /// A receiver that records the parts it is called with.
    final class Receiver: UpstreamResponseReceiver {
        var parts: [HTTPClientResponsePart] = []
        func received(_ part: HTTPClientResponsePart) { parts.append(part) }
    }

    @Test("with a receiver, the parts are calls and nothing goes down the pipeline; without one, reads again")
    func aReceiverTakesThePartsAsCalls() throws {
        let decoder = UpstreamResponseDecoder(defersFields: true)
        let channel = EmbeddedChannel(handler: decoder)
        let receiver = Receiver()
        decoder.receiver = receiver
        decoder.expectResponse(toHEAD: false)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"))
        try channel.writeInbound(ByteBuffer(string: "lo"))
        #expect(try channel.readInbound(as: HTTPClientResponsePart.self) == nil)
        guard receiver.parts.count == 4, case .head(let head) = receiver.parts[0], case .body(let first) = receiver.parts[1],
            case .body(let second) = receiver.parts[2], case .end = receiver.parts[3]
        else {
            Issue.record("parts: \(receiver.parts)")
            return
        }
        #expect(head.status == .ok)
        #expect(String(buffer: first) + String(buffer: second) == "hello")
        decoder.receiver = nil
        decoder.expectResponse(toHEAD: false)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"))
        var parsed = Parsed()
        Self.drain(channel, into: &parsed)
        #expect(parsed.heads.count == 1 && parsed.ends == 1)
        #expect(receiver.parts.count == 4)
    }
}
