import Foundation
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// One adapter under conformance test: a provider kind and how to reach the fake upstream for it.
struct AdapterFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: ProviderKind
    let pathPrefix: String
    let useOpenAICompatibleAPI: Bool

    var testDescription: String { name }

    static let all: [AdapterFixture] = [
        .init(name: "openai", kind: .openai, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "xai", kind: .xai, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "mistral", kind: .mistral, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "together", kind: .together, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "abacus", kind: .abacus, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "openai_compatible", kind: .openaiCompatible, pathPrefix: "/v1", useOpenAICompatibleAPI: false),
        .init(name: "ollama-v1", kind: .ollama, pathPrefix: "/v1", useOpenAICompatibleAPI: true),
        .init(name: "ollama-native", kind: .ollama, pathPrefix: "", useOpenAICompatibleAPI: false),
        .init(name: "anthropic", kind: .anthropic, pathPrefix: "", useOpenAICompatibleAPI: false),
        .init(name: "gemini", kind: .gemini, pathPrefix: "/v1beta", useOpenAICompatibleAPI: false),
    ]

    /// The adapters with an embeddings API.
    static var withEmbeddings: [AdapterFixture] {
        all.filter { $0.kind != .anthropic && $0.kind != .abacus }
    }

    func deployment(_ upstream: FakeUpstream, model: String, timeouts: UpstreamTimeouts = .init()) -> Deployment {
        let endpoint = ProviderEndpoint(
            name: "fake-\(name)", kind: kind, baseURL: upstream.baseURL + pathPrefix, apiKey: Secret("sk-test-123"),
            useOpenAICompatibleAPI: useOpenAICompatibleAPI)
        return Deployment(
            id: "test/\(name)#0", publicModel: "test", provider: endpoint, upstreamModel: model, timeouts: timeouts)
    }

    /// The shared client for all conformance tests.
    static let client = UpstreamClient()
    static let registry = ProviderRegistry(client: client)

    func provider(_ deployment: Deployment) -> any ModelProvider {
        Self.registry.provider(for: deployment.provider)
    }
}

/// Helpers shared by the conformance scenarios.
enum Conformance {
    static let expectedText = "Hello! How can I help you today?"

    static func userRequest(_ text: String = "Hello", stream: Bool = false) -> ChatRequest {
        ChatRequest(model: "test", messages: [.text(.user, text)], stream: stream, includeUsageInStream: stream)
    }

    static func weatherTool() -> Tool {
        Tool(
            function: .init(
                name: "get_weather", description: "Current weather",
                parameters: [
                    "type": "object",
                    "properties": ["location": ["type": "string"], "unit": ["type": "string"]],
                    "required": ["location"],
                ]))
    }

    /// Collects a stream: text, tool calls by index, finish reasons, usage.
    struct Collected {
        var text = ""
        var toolCalls: [Int: (id: String?, name: String?, arguments: String)] = [:]
        var finish: FinishReason?
        var usage: Usage?
        var events = 0
    }

    static func collect(_ stream: ChatEventStream) async throws -> Collected {
        var collected = Collected()
        for try await event in stream {
            collected.events += 1
            switch event {
            case .textDelta(_, let text): collected.text += text
            case .toolCallDelta(_, let delta):
                var call = collected.toolCalls[delta.index] ?? (nil, nil, "")
                call.id = call.id ?? delta.id
                call.name = call.name ?? delta.name
                call.arguments += delta.arguments
                collected.toolCalls[delta.index] = call
            case .finish(_, let reason): collected.finish = reason
            case .usage(let usage): collected.usage = usage
            case .start, .reasoningDelta: break
            case .forwarded(let chunk): Issue.record("a decoded stream forwarded a chunk: \(chunk.data)")
            }
        }
        return collected
    }

    static func jsonObject(_ text: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object.compactMapValues { $0 as? String }
    }

    /// Expects a `GatewayError` with the given code from `body`.
    static func expectError(
        _ code: GatewayError.Code, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async -> GatewayError? {
        do {
            try await body()
            Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
            return nil
        } catch let error as GatewayError {
            #expect(error.code == code, "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected GatewayError \(code), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
