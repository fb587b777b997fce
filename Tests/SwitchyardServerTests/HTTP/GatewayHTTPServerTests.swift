import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
@testable import SwitchyardServer
import SwitchyardTesting
import Testing

/// The gateway's own HTTP/1.1 server path: the responder called directly, the `Date` header, and client connections
/// with a bounded receive buffer that still read requests of any size whole.
@Suite struct GatewayHTTPServerTests {
    @Test func formatsDatesAsIMFFixdate() {
        #expect(HTTPDateHeader.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateHeader.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDateHeader.format(1_796_290_324) == "Thu, 03 Dec 2026 09:32:04 GMT")
    }

    @Test func theCurrentDateIsNowsSecond() {
        let before = time(nil)
        let current = HTTPDateHeader().current()
        let after = time(nil)
        #expect((before...after).map { HTTPDateHeader.format($0) }.contains(current))
    }

    @Test func everyResponseCarriesADateAndTheRequestID() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(model: "gpt")
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: body)
            { response in
                #expect(response.status == .ok)
                let date = try #require(response.headers[.date])
                #expect(date.hasSuffix(" GMT") && date.count == 29)
                #expect(response.headers[.xRequestID]?.isEmpty == false)
            }
            // Errors too: they are rendered by the gateway's responder, not by Hummingbird's.
            try await client.execute(uri: "/v1/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.date] != nil)
                let fields = try GatewayHarness.errorFields(response)
                #expect(fields["code"] as? String == "not_found")
            }
        }
    }

    /// A request far larger than one receive buffer (2 KB first, at most 8 KB after) takes many reads, one per
    /// event-loop tick; it must arrive whole, and the same connection must then read a small request again.
    @Test func requestsLargerThanTheReceiveBufferArriveWhole() async throws {
        try await GatewayHarness.withGateway(.live, maxBodyBytes: 1 << 20) { client, upstream in
            let long = String(repeating: "All work and no play. ", count: 9_000)  // 198,000 bytes
            let object: [String: Any] = ["model": "gpt", "messages": [["role": "user", "content": long]]]
            let large = ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: large)
            { response in
                #expect(response.status == .ok)
            }
            let sent = try #require(await upstream.recorder.last)
            let messages = try #require(sent.json["messages"] as? [[String: Any]])
            #expect(messages.first?["content"] as? String == long)

            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: "gpt")
            ) { response in
                #expect(response.status == .ok)
            }
            let small = try #require(await upstream.recorder.last)
            #expect((small.json["messages"] as? [[String: Any]])?.first?["content"] as? String == "Hello")
        }
    }
}
