import Testing

@testable import SwitchyardCore

/// The line and token helpers and the byte classes that the gateway's request parser and the pooled transport's
/// response parser share.
@Suite struct HTTP1SyntaxTests {
    /// Calls `body` with the bytes of `text`.
    private func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test func firstLineFeedFindsTheLineFeedAtOrAfterTheStart() {
        withBytes("ab\ncd\r\nef") { bytes in
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 0) == 2)
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 2) == 2)
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 3) == 6)
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 7) == nil)
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 9) == nil)
            #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 20) == nil)
        }
        withBytes("") { bytes in #expect(HTTP1Syntax.firstLineFeed(in: bytes, from: 0) == nil) }
    }

    @Test func lineEndsAtCRLFOrLFOrTheEnd() {
        withBytes("HTTP/1.1 200 OK\r\nA: b\nlast\r") { bytes in
            let first = HTTP1Syntax.line(in: bytes, from: 0)
            #expect(String(decoding: first.line, as: UTF8.self) == "HTTP/1.1 200 OK")
            #expect(first.next == 17)
            let second = HTTP1Syntax.line(in: bytes, from: first.next)
            #expect(String(decoding: second.line, as: UTF8.self) == "A: b")
            let third = HTTP1Syntax.line(in: bytes, from: second.next)
            #expect(String(decoding: third.line, as: UTF8.self) == "last")
            #expect(third.next == bytes.count + 1)
        }
    }

    @Test(arguments: [
        ("close", ["close"]),
        ("keep-alive, Upgrade", ["keep-alive", "Upgrade"]),
        (" a ,\tb,, c\t, ", ["a", "b", "c"]),
        ("", []),
        (",,", []),
        ("gzip, chunked", ["gzip", "chunked"]),
    ])
    func forEachTokenSplitsOnCommasAndTrims(_ value: String, _ expected: [String]) {
        var tokens: [String] = []
        withBytes(value) { bytes in
            HTTP1Syntax.forEachToken(bytes) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        }
        #expect(tokens == expected)
    }

    /// `tchar` (RFC 9110 §5.6.2): the symbols, the digits and the letters; nothing else, nothing above 0x7F.
    @Test func tokenBytesAreExactlyTheTchars() {
        let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTP1Syntax.isTokenByte(byte) == tchars.contains(byte), "byte \(byte)")
        }
    }

    /// A value is refused for any control byte but the tab, and for DEL, wherever it is (in the eight-byte words or
    /// in the tail), and accepted otherwise, obs-text included.
    @Test func fieldValuesAreCheckedAtEveryPosition() {
        let plain = Array("application/json; charset=utf-8".utf8)  // 31 bytes: three words and a tail
        for byte in UInt8.min...UInt8.max {
            let allowed = byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
            for position in plain.indices {
                var value = plain
                value[position] = byte
                let accepted = value.withUnsafeBytes { HTTP1Syntax.isFieldValue($0) }
                #expect(accepted == allowed, "byte \(byte) at \(position)")
            }
        }
        #expect(HTTP1Syntax.isFieldValue(UnsafeRawBufferPointer(start: nil, count: 0)))
        let tabs = Array("a\tb\tc\td\te\tf\tg\th\t".utf8)
        #expect(tabs.withUnsafeBytes { HTTP1Syntax.isFieldValue($0) })
        let high = [UInt8](repeating: 0xFF, count: 17)
        #expect(high.withUnsafeBytes { HTTP1Syntax.isFieldValue($0) })
    }

    @Test func equalComparesBytesAndLengths() {
        withBytes("content-length: 2") { a in
            withBytes("content-length: 2") { b in #expect(HTTP1Syntax.equal(a, b)) }
            withBytes("content-length: 3") { b in #expect(!HTTP1Syntax.equal(a, b)) }
            withBytes("content-length: 22") { b in #expect(!HTTP1Syntax.equal(a, b)) }
        }
        withBytes("") { a in withBytes("") { b in #expect(HTTP1Syntax.equal(a, b)) } }
        #expect(HTTP1Syntax.equal(UnsafeRawBufferPointer(start: nil, count: 0), UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test(arguments: [
        ("0", 0), ("610", 610), ("000012", 12), ("999999999999999999", 999_999_999_999_999_999),
        ("", nil), ("1000000000000000000", nil), ("-1", nil), ("+1", nil), ("1 ", nil), ("1,1", nil), ("0x10", nil),
    ] as [(String, Int?)])
    func contentLengthIsDigitsOnly(_ value: String, _ expected: Int?) {
        #expect(withBytes(value) { HTTP1Syntax.contentLength($0) } == expected)
    }

    /// The field line reader the request parser, the response parser and the head template share.
    @Test(arguments: [
        ("Content-Type: application/json", "Content-Type", "application/json"),
        ("x-a:\t padded \t", "x-a", "padded"),
        ("x-empty:", "x-empty", ""),
        ("x-tab: a\tb", "x-tab", "a\tb"),
        ("Host : a", nil, nil), (" folded: a", nil, nil), ("no colon", nil, nil), (": a", nil, nil),
        ("x-a: a\u{1}b", nil, nil), ("x-a: a\u{7F}", nil, nil), ("x\u{E9}: a", nil, nil),
    ] as [(String, String?, String?)])
    func fieldLinesAreReadOrRefused(_ line: String, _ name: String?, _ value: String?) {
        let read = withBytes(line) { bytes in
            HTTP1Syntax.field(bytes).map { (String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) }
        }
        #expect(read?.0 == name, "\(line)")
        #expect(read?.1 == value, "\(line)")
    }
}
