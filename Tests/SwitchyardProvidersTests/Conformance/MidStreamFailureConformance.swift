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

    @Test(arguments: AdapterFixture.all)
    func firstByteTimeout(_ fixture: AdapterFixture) async throws {
        try await FakeUpstream.withRunning { upstream in
            let deployment = fixture.deployment(
                upstream, model: "model-slow", timeouts: .init(firstByte: .milliseconds(200)))
            _ = await Conformance.expectError(.upstreamTimeout) {
                _ = try await fixture.provider(deployment).complete(Conformance.userRequest(), deployment: deployment)
            }
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
            for _ in 0..<100 where cancelled == 0 {
                try await Task.sleep(for: .milliseconds(50))
                cancelled = await upstream.recorder.cancelledStreams
            }
            #expect(cancelled == 1, "dropping the stream cancels the upstream request")
        }
    }
}
