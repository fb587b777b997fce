import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct RoutingTests {
    @Test func failsOverAndExplains() async throws {
        try await GatewayHarness.withGateway { client, _ in
            var headers = GatewayHarness.json
            headers[.init("x-request-id")!] = "route-1"
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers,
                body: GatewayHarness.chatBody(model: "failover")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-switchyard-deployment")!] == "failover/claude#1")
                #expect(response.headers[.init("x-switchyard-region")!] == "eu")
                #expect(response.headers[.init("x-switchyard-attempts")!] == "2")
                #expect(response.headers[.init("x-switchyard-route-reason")!]?.hasPrefix("priority:") == true)
            }
            try await client.execute(uri: "/v1/routing/decisions/route-1", method: .get) { response in
                #expect(response.status == .ok)
                let decision = try GatewayHarness.object(response)
                #expect(decision["pick"] as? String == "failover/claude#1")
                let attempts = try #require(decision["attempts"] as? [[String: Any]])
                #expect(attempts.map { $0["outcome"] as? String } == ["upstream_unavailable", "ok"])
                #expect(attempts.map { $0["kind"] as? String } == ["first", "failover"])
                #expect((decision["candidates"] as? [Any])?.count == 2)
            }
            try await client.execute(uri: "/v1/routing/decisions/unknown", method: .get) { response in
                #expect(response.status == .notFound)
                let code = try GatewayHarness.errorFields(response)["code"] as? String
                #expect(code == "decision_not_found")
            }
        }
    }

    @Test func unreachableHostFailsOver() async throws {
        try await GatewayHarness.withGateway { client, _ in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: "unreachable-first")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-switchyard-deployment")!] == "unreachable-first/claude#1")
                #expect(response.headers[.init("x-switchyard-attempts")!] == "2")
            }
        }
    }

    @Test func streamFailsOverBeforeTheFirstToken() async throws {
        try await GatewayHarness.withGateway(.live) { client, _ in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: "failover", stream: true)
            ) { response in
                #expect(response.status == .ok)
                let events = StreamingTests.events(response.body)
                #expect(events.last == "[DONE]")
                #expect(StreamingTests.text(events) == "Hello! How can I help you today?")
            }
        }
    }

    @Test func resumesAnInterruptedStreamOnAnotherDeployment() async throws {
        try await GatewayHarness.withGateway(.live) { client, upstream in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: "resumable", stream: true)
            ) { response in
                #expect(response.status == .ok)
                let events = StreamingTests.events(response.body)
                #expect(events.last == "[DONE]", "the spliced stream ends normally")
                #expect(!events.contains { $0.contains("\"error\"") })
                // The cut stream delivered "Hello"; the continuation is the fallback's whole answer.
                #expect(StreamingTests.text(events) == "Hello" + "Hello! How can I help you today?")
                let roles = events.filter { $0.contains("\"role\"") }
                #expect(roles.count == 1, "one role chunk, as in any single stream")
            }
            let continuation = try #require(await upstream.recorder.last)
            let messages = try #require(continuation.json["messages"] as? [[String: Any]])
            #expect(messages.last?["role"] as? String == "assistant", "the partial answer is sent as a prefix")
            #expect(continuation.body.contains("Hello"))
        }
    }

    @Test func fallsBackToALargerModelOnContextOverflow() async throws {
        try await GatewayHarness.withGateway { client, _ in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                body: GatewayHarness.chatBody(model: "too-small")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("x-switchyard-deployment")!] == "claude/claude#0")
                #expect(response.headers[.init("x-switchyard-route-reason")!]?.contains("fallback from too-small") == true)
            }
        }
    }

    @Test func deploymentsShowTheirHealth() async throws {
        try await GatewayHarness.withGateway { client, _ in
            for _ in 0..<6 {
                try await client.execute(
                    uri: "/v1/chat/completions", method: .post, headers: GatewayHarness.json,
                    body: GatewayHarness.chatBody(model: "failover")) { _ in }
            }
            try await client.execute(uri: "/admin/v1/deployments", method: .get) { response in
                let rows = try #require(try GatewayHarness.object(response)["data"] as? [[String: Any]])
                let failing = try #require(rows.first { $0["id"] as? String == "failover/oai#0" })
                #expect(failing["circuit"] as? String == "open", "five failures in a row open the breaker")
                #expect(failing["failures"] as? Int == 5)
            }
        }
    }
}

extension StreamingTests {
    static func text(_ events: [String]) -> String {
        events.compactMap { event -> String? in
            ((json(event)["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
        }.joined()
    }
}
