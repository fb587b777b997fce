import SwitchyardCore
import Testing

/// A provider response's head keeps its fields as received and finds one by name in any case.
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
}
