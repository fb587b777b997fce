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
            // A streamed response: its head is written on its own, before the body is relayed.
            let stream = GatewayHarness.chatBody(model: "gpt", stream: true)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json, body: stream)
            { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                #expect(response.headers[.date]?.hasSuffix(" GMT") == true)
                #expect(response.headers[.xRequestID]?.isEmpty == false)
                #expect(response.headers[.switchyardProvider]?.isEmpty == false)
                #expect(String(buffer: response.body).hasSuffix("data: [DONE]\n\n"))
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

    /// The server puts the request's id on the context it makes: the client's `x-request-id` when it is usable,
    /// a new one otherwise.
    @Test func theClientsRequestIDIsEchoedWhenUsable() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            let body = GatewayHarness.chatBody(model: "gpt")
            var headers = GatewayHarness.json
            headers[.xRequestID] = "client-chosen-42"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.xRequestID] == "client-chosen-42")
            }
            headers[.xRequestID] = "has spaces in it"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) {
                response in
                #expect(response.status == .ok)
                let generated = try #require(response.headers[.xRequestID])
                #expect(generated.hasPrefix("req_") && generated != "has spaces in it")
            }
        }
    }

    /// Requests larger than the first receive buffer (1 KB, then 8 KB while reads fill it): one that takes two
    /// reads, and one that takes many, one per event-loop tick. Each must arrive whole, and the same connection must
    /// then read a small request again.
    @Test(arguments: [70, 9_000])
    func requestsLargerThanTheReceiveBufferArriveWhole(_ sentences: Int) async throws {
        try await GatewayHarness.withGateway(.live, maxBodyBytes: 1 << 20) { client, upstream in
            let long = String(repeating: "All work and no play. ", count: sentences)  // 1,540 or 198,000 bytes
            let object: [String: Any] = ["model": "gpt", "messages": [["role": "user", "content": long]]]
            let large = ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
            #expect(large.readableBytes > ClientReceiveAllocator.small)
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
