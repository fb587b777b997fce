import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct MidStreamFailureConformance {
    @Test(arguments: AdapterFixture.all)
    func cutStream(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-cut")
            let stream = try await fixture.provider(deployment).stream(
                Conformance.userRequest(stream: true), deployment: deployment)
            _ = await Conformance.expectError(.upstreamStreamInterrupted) {
                _ = try await Conformance.collect(stream)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func connectionReset(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-reset")
            let stream = try await fixture.provider(deployment).stream(
                Conformance.userRequest(stream: true), deployment: deployment)
            _ = await Conformance.expectError(.upstreamStreamInterrupted) {
                _ = try await Conformance.collect(stream)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func malformedFrame(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-malformed")
            let stream = try await fixture.provider(deployment).stream(
                Conformance.userRequest(stream: true), deployment: deployment)
            _ = await Conformance.expectError(.upstreamMalformedResponse) {
                _ = try await Conformance.collect(stream)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func inStreamErrorEvent(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-stream-error")
            let stream = try await fixture.provider(deployment).stream(
                Conformance.userRequest(stream: true), deployment: deployment)
            do {
                _ = try await Conformance.collect(stream)
                Issue.record("an in-stream error must end the stream with an error")
            } catch let error as GatewayError {
                #expect(!error.code.isRetryable || error.code != .internalError)
                #expect(error.code.httpStatus >= 500, "got \(error.code)")
            }
        }
    }

    /// A stream whose head does not come within `first_byte_ms` times out (the fake waits 2 s before answering).
    @Test(arguments: AdapterFixture.all)
    func firstByteTimeoutOnAStream(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(
                upstream, model: "model-slow", timeouts: .init(firstByte: .milliseconds(200)))
            _ = await Conformance.expectError(.upstreamTimeout) {
                let stream = try await fixture.provider(deployment).stream(
                    Conformance.userRequest(stream: true), deployment: deployment)
                _ = try await Conformance.collect(stream)
            }
        }
    }

    /// A non-streamed answer comes whole, so only `total_ms` limits it.
    @Test(arguments: AdapterFixture.all)
    func totalTimeoutOnAWholeAnswer(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-slow", timeouts: .init(total: .milliseconds(200)))
            _ = await Conformance.expectError(.upstreamTimeout) {
                _ = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            }
        }
    }

    /// A non-streamed answer slower than the stream limits (`first_byte_ms`, `idle_ms`) but within `total_ms` is
    /// answered: a long answer or a reasoning model is not cut off and retried.
    @Test(arguments: AdapterFixture.all)
    func aWholeAnswerIsNotCutByTheStreamLimits(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(
                upstream, model: "model-slow",
                timeouts: .init(firstByte: .milliseconds(200), idle: .milliseconds(200), total: .seconds(30)))
            let answer = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            #expect(answer.choices.first?.message.content?.text == Conformance.expectedText)
        }
    }

    @Test(arguments: AdapterFixture.all)
    func idleTimeoutMidStream(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-stall", timeouts: .init(idle: .milliseconds(300)))
            // The silence may fall before or after the response head reaches the client; either way it times out.
            _ = await Conformance.expectError(.upstreamTimeout) {
                let stream = try await fixture.provider(deployment).stream(
                    Conformance.userRequest(stream: true), deployment: deployment)
                _ = try await Conformance.collect(stream)
            }
        }
    }

    @Test(arguments: AdapterFixture.all)
    func clientDisconnectCancelsUpstream(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(upstream, model: "model-endless")
            do {
                let stream = try await fixture.provider(deployment).stream(
                    Conformance.userRequest(stream: true), deployment: deployment)
                var iterator = stream.makeAsyncIterator()
                for _ in 0..<3 { _ = try await iterator.next() }
            }
            // The stream and its iterator are gone: the upstream must see its connection dropped.
            var cancelled = 0
            for _ in 0..<400 where cancelled == 0 {
                try await Task.sleep(for: .milliseconds(50))
                cancelled = await upstream.recorder.cancelledStreams
            }
            #expect(cancelled == 1, "dropping the stream cancels the upstream request")
        }
    }
}
