import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct UpstreamErrorMappingConformance {
    static let statuses = [400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 529]

    @Test(arguments: AdapterFixture.all, statuses)
    func mapsUpstreamStatus(_ fixture: AdapterFixture, status: Int) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-error-\(status)")
            let provider = fixture.provider(deployment)
            var expected = GatewayError.Code.forUpstreamStatus(status)
            // Gemini reports a bad key as 400 with reason API_KEY_INVALID only in its own fixture variant.
            if fixture.kind == .gemini, status == 400 { expected = .upstreamInvalidRequest }
            let error = await Conformance.expectError(expected) {
                _ = try await provider.complete(Conformance.userRequest(), deployment: deployment)
            }
            #expect(error?.upstream?.status == status)
            #expect(error?.upstream?.provider == "fake-\(fixture.name)")
            #expect(error?.message.contains("sk-test-123") == false, "the key never appears in a message")
            if status == 429 { #expect(error?.upstream?.retryAfterSeconds == 7) }
            // The same mapping applies before the first event of a stream.
            _ = await Conformance.expectError(expected) {
                _ = try await provider.stream(Conformance.userRequest(stream: true), deployment: deployment)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func contextLengthExceeded(_ fixture: AdapterFixture) async throws {
        guard Fixtures.exists("\(fixture.fixtureDirectory)/error-400-context.json") else { return }
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-error-400-context")
            _ = await Conformance.expectError(.contextLengthExceeded) {
                _ = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func malformedBody(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-malformed")
            _ = await Conformance.expectError(.upstreamMalformedResponse) {
                _ = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            }
        }
    }
}

extension AdapterFixture {
    var fixtureDirectory: String {
        switch kind {
        case .anthropic: return "anthropic"
        case .gemini: return "gemini"
        case .ollama where !useOpenAICompatibleAPI: return "ollama"
        default: return "openai"
        }
    }
}
