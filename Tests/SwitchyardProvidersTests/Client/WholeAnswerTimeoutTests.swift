import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// The limits of a call whose answer comes whole, on both plain-HTTP transports (the pooled one, and AsyncHTTPClient,
/// which carries every TLS upstream): a non-streamed completion slower than a stream's first-byte and idle limits is
/// answered, bounded by `total_ms` only; a stream is still held to its first-byte limit.
@Suite("Whole answers and stream limits")
struct WholeAnswerTimeoutTests {
    static let transports: [UpstreamClient.Configuration.PlainHTTPTransport] = [.pooled, .asyncHTTPClient]

    /// The fake's `slow` model waits 2 s before its head; the stream limits here are 200 ms.
    static let streamLimits = UpstreamTimeouts(firstByte: .milliseconds(200), idle: .milliseconds(200), total: .seconds(30))

    @Test(arguments: transports)
    func aSlowWholeAnswerIsAnswered(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let client = UpstreamClient(configuration: .init(plainHTTPTransport: transport))
        try await FakeUpstream.withRunning { upstream in
            let deployment = AdapterFixture.all[0].deployment(upstream, model: "gpt-slow", timeouts: Self.streamLimits)
            let provider = ProviderRegistry(client: client).provider(for: deployment.provider)
            let answer = try await provider.complete(Conformance.userRequest(), deployment: deployment)
            #expect(answer.choices.first?.message.content?.text == Conformance.expectedText)

            // The same limits still hold a stream to its first byte.
            _ = await Conformance.expectError(.upstreamTimeout) {
                let stream = try await provider.stream(Conformance.userRequest(stream: true), deployment: deployment)
                _ = try await Conformance.collect(stream)
            }
        }
        try await client.shutdown()
    }

    @Test(arguments: transports)
    func aWholeAnswerPastItsTotalTimesOut(_ transport: UpstreamClient.Configuration.PlainHTTPTransport) async throws {
        let client = UpstreamClient(configuration: .init(plainHTTPTransport: transport))
        try await FakeUpstream.withRunning { upstream in
            let deployment = AdapterFixture.all[0].deployment(
                upstream, model: "gpt-slow", timeouts: .init(total: .milliseconds(300)))
            let provider = ProviderRegistry(client: client).provider(for: deployment.provider)
            _ = await Conformance.expectError(.upstreamTimeout) {
                _ = try await provider.complete(Conformance.userRequest(), deployment: deployment)
            }
        }
        try await client.shutdown()
    }
}
