import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SwitchyardServer
import SwitchyardTesting
import Testing

/// Chat completions are answered by ``ChatRouteResponder`` without the router's lookup; what it does not take (a
/// query string, another method) the router still answers the same way.
@Suite struct ChatRouteTests {
    @Test(arguments: ["/v1/chat/completions", "/chat/completions", "/v1/chat/completions?trace=1"])
    func everyFormOfTheChatPathIsAnswered(_ path: String) async throws {
        try await GatewayHarness.withGateway(.live) { client, upstream in
            try await client.execute(
                uri: path, method: .post, headers: GatewayHarness.json, body: GatewayHarness.chatBody(model: "gpt")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.switchyardProvider]?.isEmpty == false)
            }
            #expect(await upstream.recorder.entries.count == 1)
        }
    }

    @Test func errorsOnTheChatRouteAreRenderedAsOnTheRouter() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            for path in ["/v1/chat/completions", "/v1/chat/completions?x=1"] {
                try await client.execute(
                    uri: path, method: .post, headers: GatewayHarness.json, body: ByteBuffer(string: "{not json")
                ) { response in
                    #expect(response.status == .badRequest)
                    let code = try GatewayHarness.errorFields(response)["code"] as? String
                    #expect(code == "invalid_json")
                }
            }
            // Another method on the chat path is the router's: no route for it.
            try await client.execute(uri: "/v1/chat/completions", method: .get) { response in
                #expect(response.status != .ok)
                #expect(response.headers[.switchyardProvider] == nil)
            }
        }
    }

    @Test func onlyTheExactChatPathsArePickedOut() {
        #expect(ChatRoute.paths == ["/v1/chat/completions", "/chat/completions"])
    }
}
