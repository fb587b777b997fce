import NIOCore
import SwitchyardCore
@testable import SwitchyardProviders
import Testing

/// The adapters' memo of the last provider's URL and headers: kept while the provider stays the same, and never
/// served to a provider whose address, key or headers differ.
@Suite struct UpstreamTargetMemoTests {
    static func deployment(
        baseURL: String = "http://127.0.0.1:9/v1", key: String? = "sk-one", headers: [String: String] = [:]
    ) -> Deployment {
        let endpoint = ProviderEndpoint(
            name: "up", kind: .openai, baseURL: baseURL, apiKey: key.map(Secret.init), headers: headers)
        return Deployment(id: "m#0", publicModel: "m", provider: endpoint, upstreamModel: "gpt-4o-mini")
    }

    static func request(_ adapter: OpenAICompatibleAdapter, _ deployment: Deployment) throws -> UpstreamRequest {
        try adapter.encode(ChatRequest(model: "m", messages: [.text(.user, "Hi")]), for: deployment)
    }

    static func authorization(_ request: UpstreamRequest) -> String? {
        request.headers.first { $0.name == "authorization" }?.value
    }

    @Test func theSameProviderGetsTheSameTarget() {
        let adapter = OpenAICompatibleAdapter(dialect: .openAI)
        let first = adapter.chatTarget(for: Self.deployment())
        let second = adapter.chatTarget(for: Self.deployment())
        #expect(first === second)
        #expect(first.url == "http://127.0.0.1:9/v1/chat/completions")
        #expect(first.headers.map(\.name) == ["content-type", "authorization"])
    }

    @Test func anotherAddressKeyOrHeaderGetsItsOwn() throws {
        let adapter = OpenAICompatibleAdapter(dialect: .openAI)
        let base = try Self.request(adapter, Self.deployment())
        #expect(base.url == "http://127.0.0.1:9/v1/chat/completions")
        #expect(Self.authorization(base) == "Bearer sk-one")

        let moved = try Self.request(adapter, Self.deployment(baseURL: "http://127.0.0.1:10/v2"))
        #expect(moved.url == "http://127.0.0.1:10/v2/chat/completions")

        let rotated = try Self.request(adapter, Self.deployment(key: "sk-two"))
        #expect(rotated.url == "http://127.0.0.1:9/v1/chat/completions")
        #expect(Self.authorization(rotated) == "Bearer sk-two")

        let keyless = try Self.request(adapter, Self.deployment(key: nil))
        #expect(Self.authorization(keyless) == nil)

        let organised = try Self.request(adapter, Self.deployment(headers: ["openai-organization": "org-1"]))
        #expect(organised.headers.first { $0.name == "openai-organization" }?.value == "org-1")
        #expect(Self.authorization(organised) == "Bearer sk-one")

        // Back to the first provider: its own values again, not the last one's.
        let again = try Self.request(adapter, Self.deployment())
        #expect(again.url == base.url)
        #expect(again.headers.map(\.name) == ["content-type", "authorization"])
        #expect(Self.authorization(again) == "Bearer sk-one")
    }
}
