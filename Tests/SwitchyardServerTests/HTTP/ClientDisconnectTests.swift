import Foundation
import NIOCore
import NIOPosix
import SwitchyardStore
import Testing

/// A client that closes its connection while the gateway waits for the upstream: the upstream call is cancelled, no
/// other deployment is tried, and the ledger records `499 client_closed_request` at once, with nothing billed.
///
/// The `hold` model's first deployment holds its answer for 30 s (a non-streamed answer before its head, a stream
/// before its first event); its second would answer at once. Without cancellation the ledger has no record until
/// the hold ends, and a timeout mapped as the upstream's fault would fail over to the second deployment.
@Suite struct ClientDisconnectTests {
    @Test(arguments: [false, true])
    func aClientThatGoesAwayCancelsTheUpstreamCall(stream: Bool) async throws {
        try await GovernedGateway.run(requireKeys: false, setup: .live) { gateway in
            let port = try #require(gateway.client.port)
            let streamField = stream ? #", "stream": true"# : ""
            let body = #"{"model": "hold", "messages": [{"role": "user", "content": "Hello"}]\#(streamField)}"#
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            let request = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "content-length: \(body.utf8.count)\r\n\r\n\(body)"
            try await channel.writeAndFlush(ByteBuffer(string: request)).get()
            // The gateway is waiting for the held answer: the client goes away.
            try await waitUntil { await gateway.upstream.recorder.entries.count == 1 }
            try await channel.close()

            var records: [UsageRecord] = []
            try await waitUntil {
                records = (try? await gateway.ledger()) ?? []
                return !records.isEmpty
            }
            let record = try #require(records.first)
            #expect(record.status == 499)
            #expect(record.errorCode == "client_closed_request")
            #expect(record.cost == 0)
            #expect(record.completionTokens == 0)
            let entries = await gateway.upstream.recorder.entries
            #expect(entries.count == 1, "no other deployment is tried for a client that is gone")
            #expect(entries.first?.json["model"] as? String == "gpt-hold")
        }
    }
}
