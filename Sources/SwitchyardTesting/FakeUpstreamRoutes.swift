import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The routes of ``FakeUpstream``: one handler per provider family, scenario from the model name.
struct FakeUpstreamRoutes: Sendable {
    let recorder: FakeRecorder

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/chat/completions") { request, context in
            try await chat(request, context, wire: .openAI, model: nil, streaming: nil)
        }
        router.post("/v1/messages") { request, context in
            try await chat(request, context, wire: .anthropic, model: nil, streaming: nil)
        }
        router.post("/api/chat") { request, context in
            try await chat(request, context, wire: .ollama, model: nil, streaming: nil)
        }
        router.post("/v1beta/models/:action") { request, context in
            let action = context.parameters.get("action") ?? ""
            let parts = action.split(separator: ":", maxSplits: 1).map(String.init)
            let model = parts.first ?? ""
            let verb = parts.count > 1 ? parts[1] : ""
            if verb == "embedContent" || verb == "batchEmbedContents" {
                return try await embeddings(request, wire: .gemini, model: model, batch: verb == "batchEmbedContents")
            }
            return try await chat(request, context, wire: .gemini, model: model, streaming: verb == "streamGenerateContent")
        }
        router.post("/v1/embeddings") { request, _ in try await embeddings(request, wire: .openAI, model: nil, batch: true) }
        router.post("/api/embed") { request, _ in try await embeddings(request, wire: .ollama, model: nil, batch: true) }
        // An OTLP/HTTP collector for trace tests: spans arrive here and are recorded like any request.
        router.post("/v1/traces") { request, _ -> Response in
            _ = try await record(request)
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{}")))
        }
        // A webhook receiver for alert tests: posts are recorded like any request.
        router.post("/hooks/{name}") { request, _ -> Response in
            _ = try await record(request)
            return Response(status: .noContent)
        }
        return router
    }

    private func record(_ request: Request) async throws -> (FakeRecorder.Entry, [String: Any]) {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let entry = FakeRecorder.Entry(path: request.uri.description, headers: headers, body: String(buffer: body))
        await recorder.record(entry)
        return (entry, entry.json)
    }

    private func chat(
        _ request: Request, _ context: BasicRequestContext, wire: FakeWireProtocol, model: String?, streaming: Bool?
    ) async throws -> Response {
        let (_, json) = try await record(request)
        let modelName = model ?? (json["model"] as? String ?? "")
        let stream: Bool
        if let streaming {
            stream = streaming
        } else if wire.directory == "ollama" {
            stream = (json["stream"] as? Bool) ?? true
        } else {
            stream = (json["stream"] as? Bool) ?? false
        }
        let scenario = FakeScenario(model: modelName)
        switch scenario {
        case .error(let status, let variant):
            return errorResponse(wire: wire, status: status, variant: variant)
        case .slowFirstByte:
            try await Task.sleep(for: .seconds(2))
        case .hold where !stream:
            try await Self.hold()
        case .malformed where !stream:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"id\": \"chatcmpl-1\", \"choices\": [")))
        default: break
        }
        guard stream else {
            let file = scenario == .tools ? "chat-tools.json" : "chat.json"
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: try Fixtures.buffer("\(wire.directory)/\(file)")))
        }
        return try streamResponse(wire: wire, scenario: scenario)
    }

    /// Waits 30 s, or until the fake upstream is stopped (its graceful shutdown waits for open requests).
    static func hold() async throws {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(30), !Task.isShuttingDownGracefully {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

        func errorResponse(wire: FakeWireProtocol, status: Int, variant: String?) -> Response {
        let name = variant.map { "\(wire.directory)/error-\(status)-\($0).json" } ?? "\(wire.directory)/error-\(status).json"
        let fallback = "{\"error\":{\"message\":\"simulated status \(status)\",\"type\":\"server_error\",\"code\":null}}"
        let body = (try? Fixtures.buffer(name)) ?? ByteBuffer(string: fallback)
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == 429 || status == 503 || status == 529 { headers[.retryAfter] = "7" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }
}
