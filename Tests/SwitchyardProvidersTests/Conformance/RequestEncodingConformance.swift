import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct RequestEncodingConformance {
    @Test(arguments: AdapterFixture.all)
    func multiTurnWithToolResults(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            var request = ChatRequest(
                model: "test",
                messages: [
                    .text(.system, "You are a weather bot."),
                    .text(.user, "Weather in Paris?"),
                    ChatMessage(
                        role: .assistant, content: nil,
                        toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"location":"Paris"}"#)]),
                    ChatMessage(role: .tool, content: .text(#"{"temperature":"22 degrees"}"#), toolCallID: "call_1"),
                ])
            request.tools = [Conformance.weatherTool()]
            let response = try await fixture.provider(deployment).complete(request, deployment: deployment)
            #expect(response.choices[0].message.content?.text == Conformance.expectedText)
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.body.contains("22 degrees"), "the tool result is sent upstream")
            #expect(sent.body.contains("get_weather"), "the tool call and declaration are sent upstream")
            #expect(sent.body.contains("You are a weather bot."), "the system prompt is sent upstream")
        }
    }

    @Test(arguments: AdapterFixture.all)
    func imageInput(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            let pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
            let request = ChatRequest(
                model: "test",
                messages: [
                    ChatMessage(
                        role: .user,
                        content: .parts([
                            .text("What is in this image?"),
                            .imageURL(.init(url: "data:image/png;base64,\(pixel)")),
                        ]))
                ])
            let provider = fixture.provider(deployment)
            if provider.unsupportedParameters(in: request).contains("image_url") { return }
            _ = try await provider.complete(request, deployment: deployment)
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.body.contains(pixel), "the image bytes are sent upstream")
            #expect(sent.body.contains("What is in this image?"))
        }
    }

    @Test(arguments: AdapterFixture.all)
    func jsonMode(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            var request = Conformance.userRequest("List three colours as JSON.")
            request.responseFormat = .jsonObject
            let provider = fixture.provider(deployment)
            if provider.unsupportedParameters(in: request).contains("response_format.json_object") { return }
            _ = try await provider.complete(request, deployment: deployment)
            let sent = try #require(await upstream.recorder.last)
            let markers = ["json_object", "application/json", "\"format\":\"json\"", "\"format\": \"json\"", "output_format"]
            #expect(markers.contains { sent.body.contains($0) }, "JSON mode reaches the upstream: \(sent.body)")
        }
    }

    @Test(arguments: AdapterFixture.all)
    func authenticationHeader(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            _ = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            let sent = try #require(await upstream.recorder.last)
            switch fixture.kind {
            case .anthropic: #expect(sent.headers["x-api-key"] == "sk-test-123")
            case .gemini: #expect(sent.headers["x-goog-api-key"] == "sk-test-123")
            default: #expect(sent.headers["authorization"] == "Bearer sk-test-123")
            }
        }
    }

    @Test(arguments: AdapterFixture.withEmbeddings)
    func embeddings(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "embed-model")
            let provider = fixture.provider(deployment)
            let result = try await provider.embed(
                EmbeddingRequest(model: "test", input: ["first text", "second text"]), deployment: deployment)
            #expect(result.vectors.count == 2)
            #expect(result.vectors.allSatisfy { $0.count == 8 })
            #expect(result.vectors[0] != result.vectors[1])
        }
    }
}
