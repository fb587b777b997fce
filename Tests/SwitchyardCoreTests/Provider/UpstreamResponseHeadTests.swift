import NIOCore
import SwitchyardCore
import Testing

/// A provider response's head keeps its fields as received and finds one by name in any case, whether it holds them
/// as strings or as the bytes received.
@Suite struct UpstreamResponseHeadTests {
    @Test func aFieldIsFoundInAnyCaseAndTheLastOfARepeatedOneWins() {
        let head = UpstreamResponseHead(
            status: 429,
            headers: [("Content-Type", "application/json"), ("Retry-After", "3"), ("retry-after", "17"), ("X-A", "1")])
        #expect(head.value(of: "content-type") == "application/json")
        #expect(head.value(of: "retry-after") == "17")
        #expect(head.value(of: "x-a") == "1")
        #expect(head.value(of: "x") == nil)
        #expect(head.value(of: "x-ab") == nil)
        #expect(head.retryAfterSeconds == 17)
        #expect(head.headers == ["content-type": "application/json", "retry-after": "17", "x-a": "1"])
        #expect(head.fields.count == 4, "kept as received")
    }

    @Test func retryAfterInMillisecondsComesFirst() {
        let head = UpstreamResponseHead(status: 503, headers: [("Retry-After", "9"), ("Retry-After-Ms", "1500")])
        #expect(head.retryAfterSeconds == 1.5)
        #expect(UpstreamResponseHead(status: 503, headers: []).retryAfterSeconds == nil)
    }

    @Test func theFieldsOfABlockAreThoseOfTheLinesReceived() {
        let block = "Content-Type: application/json\r\nRetry-After:  3 \r\nretry-after:\t17\nX-A:1\r\nX-Empty:\r\n\r\n"
        let head = UpstreamResponseHead(status: 429, fieldBlock: ByteBuffer(string: block))
        #expect(head.fields.map { "\($0.0)=\($0.1)" }
            == ["Content-Type=application/json", "Retry-After=3", "retry-after=17", "X-A=1", "X-Empty="])
        #expect(head.value(of: "content-type") == "application/json")
        #expect(head.value(of: "retry-after") == "17")
        #expect(head.value(of: "x-empty") == "")
        #expect(head.value(of: "x") == nil)
        #expect(head.retryAfterSeconds == 17)
        #expect(head.headers["x-a"] == "1")
    }

    @Test func aBlockEndsAtTheBlankLineAndSettingTheFieldsReplacesIt() {
        var head = UpstreamResponseHead(status: 200, fieldBlock: ByteBuffer(string: "A: 1\r\n\r\nB: 2\r\n"))
        #expect(head.fields.map(\.0) == ["A"])
        head.fields = [("C", "3")]
        #expect(head.value(of: "c") == "3")
        #expect(head.value(of: "a") == nil)
        #expect(UpstreamResponseHead(status: 200, fieldBlock: ByteBuffer()).fields.isEmpty)
    }
}
