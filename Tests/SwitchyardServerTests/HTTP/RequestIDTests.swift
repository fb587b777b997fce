import Testing

@testable import SwitchyardServer

/// Request ids: a sane client id is kept; otherwise `req_` and 24 hex digits, different every time.
@Suite struct RequestIDTests {
    @Test func aNewIdIsReqAndTwentyFourHexDigits() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = RequestID.generate()
            #expect(id.utf8.count == 28)
            #expect(id.hasPrefix("req_"))
            #expect(id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test func aSaneClientIdIsKept() {
        #expect(RequestID.from("abc-123") == "abc-123")
        for insane in [nil, "", "has space", String(repeating: "a", count: 129), "tab\there", "é"] {
            let id = RequestID.from(insane)
            #expect(id != insane && id.hasPrefix("req_"))
        }
    }
}
