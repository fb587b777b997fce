import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct SimpleChatConformance {
    @Test(arguments: AdapterFixture.all)
    func plainChat(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            let response = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            #expect(response.choices.count == 1)
            #expect(response.choices[0].message.content?.text == Conformance.expectedText)
            #expect(response.choices[0].finishReason == .stop)
            #expect(response.usage?.promptTokens == 12)
            #expect(response.usage?.completionTokens == 9)
            let sent = try #require(await upstream.recorder.last)
            #expect(sent.body.contains("model-plain") || sent.path.contains("model-plain"))
            #expect(sent.body.contains("Hello"))
        }
    }

    @Test(arguments: AdapterFixture.all)
    func streamedText(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-plain")
            let stream = try await fixture.provider(deployment).stream(
                Conformance.userRequest(stream: true), deployment: deployment)
            let collected = try await Conformance.collect(stream)
            #expect(collected.text == Conformance.expectedText)
            #expect(collected.finish == .stop)
            #expect(collected.usage?.promptTokens ?? 0 >= 12)
            #expect(collected.usage?.completionTokens == 9)
        }
    }

    @Test(arguments: AdapterFixture.all)
    func nonStreamingToolCall(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-tools")
            var request = Conformance.userRequest("Weather in Paris?")
            request.tools = [Conformance.weatherTool()]
            let response = try await fixture.provider(deployment).complete(request, deployment: deployment)
            let call = try #require(response.choices.first?.message.toolCalls?.first)
            #expect(call.function.name == "get_weather")
            #expect(Conformance.jsonObject(call.function.arguments) == ["location": "Paris", "unit": "celsius"])
            #expect(!call.id.isEmpty)
            #expect(response.choices[0].finishReason == .toolCalls)
        }
    }

    @Test(arguments: AdapterFixture.all)
    func streamedToolCall(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-tools")
            var request = Conformance.userRequest("Weather in Paris?", stream: true)
            request.tools = [Conformance.weatherTool()]
            let collected = try await Conformance.collect(
                try await fixture.provider(deployment).stream(request, deployment: deployment))
            let call = try #require(collected.toolCalls[0])
            #expect(call.name == "get_weather")
            #expect(call.id?.isEmpty == false)
            #expect(Conformance.jsonObject(call.arguments) == ["location": "Paris", "unit": "celsius"])
            #expect(collected.finish == .toolCalls)
        }
    }
}
