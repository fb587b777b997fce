import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// In-process fake LLM providers on `127.0.0.1:0`, speaking each provider's exact wire format from the fixtures.
///
/// One server answers every protocol on its real path: OpenAI-compatible `/v1/chat/completions` and
/// `/v1/embeddings`, Anthropic `/v1/messages`, Gemini `/v1beta/models/{model}:{action}`, Ollama `/api/chat` and
/// `/api/embed`. The upstream model name picks the scenario (see ``FakeScenario``), so one configuration can
/// exercise success, tool calls, every error status, malformed bodies, cut and reset streams, slow first bytes
/// and endless streams. Every request is recorded for assertions.
///
/// ```swift
/// try await FakeUpstream.withRunning { upstream in
///     // point a deployment at upstream.baseURL + "/v1"
/// }
/// ```
public final class FakeUpstream: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// Every request received, and what happened to streams.
    public let recorder: FakeRecorder

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    init(port: Int, recorder: FakeRecorder) {
        self.port = port
        self.recorder = recorder
    }

    /// Runs a fake upstream for the duration of `body`, then stops it.
    public static func withRunning<T: Sendable>(
        _ body: @Sendable (FakeUpstream) async throws -> T
    ) async throws -> T {
        let recorder = FakeRecorder()
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fake-upstream")
        logger.logLevel = .critical
        let router = FakeUpstreamRoutes(recorder: recorder).makeRouter()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let upstream = FakeUpstream(port: port, recorder: recorder)
            let result: Result<T, any Error>
            do {
                result = .success(try await body(upstream))
            } catch {
                result = .failure(error)
            }
            // A graceful stop lets open connections finish; cancelling the server mid-write would trap in NIO.
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
