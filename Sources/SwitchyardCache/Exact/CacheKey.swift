import Crypto
import Foundation
import SwitchyardCore

/// The identity of a cacheable chat request: a SHA-256 over tenant, public model and the canonicalised request.
///
/// The canonical form holds what changes the answer: messages, tools, tool choice, response format and the sampling
/// parameters. It leaves out what does not: `stream`, `stream_options`, `user`, `metadata` and the `cache` body
/// extension. Object keys are sorted, so two requests that differ only in key order or in those fields share a key.
///
/// ```swift
/// let key = CacheKey(tenant: "acme", request: request)
/// ```
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The digest as 64 lowercase hex characters.
    public let hex: String

    /// Derives the key of a request.
    ///
    /// - Parameters:
    ///   - tenant: The tenant the request is billed to; keys of different tenants never collide.
    ///   - request: The canonical request; its `model` is the public model name.
    public init(tenant: String, request: ChatRequest) {
        var hasher = SHA256()
        hasher.update(data: Data("switchyard.cache.v1\u{0}".utf8))
        hasher.update(data: Data(tenant.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(request.model.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: CanonicalRequest(request).encoded())
        self.hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Wraps an existing digest, e.g. one read back from storage.
    ///
    /// - Parameter hex: 64 lowercase hex characters.
    public init(hex: String) {
        self.hex = hex
    }

    /// The hex digest.
    public var description: String { hex }
}

/// The parts of a ``ChatRequest`` that decide its answer, encoded as JSON with sorted keys.
struct CanonicalRequest: Encodable {
    var messages: [ChatMessage]
    var tools: [Tool]?
    var toolChoice: ToolChoice?
    var parallelToolCalls: Bool?
    var responseFormat: ResponseFormat?
    var temperature: Double?
    var topP: Double?
    var maxTokens: Int?
    var stop: [String]?
    var n: Int?
    var seed: Int?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var logprobs: Bool?
    var topLogprobs: Int?
    var reasoningEffort: String?
    var extra: JSONObject?

    /// Extension fields that never change the answer.
    static let ignoredExtraFields: Set<String> = ["cache", "stream_options"]

    init(_ request: ChatRequest) {
        messages = request.messages.map(Self.normalised)
        tools = request.tools?.isEmpty == true ? nil : request.tools
        toolChoice = request.toolChoice
        parallelToolCalls = request.parallelToolCalls
        responseFormat = request.responseFormat == .text ? nil : request.responseFormat
        temperature = request.temperature
        topP = request.topP
        maxTokens = request.effectiveMaxTokens
        stop = request.stop?.isEmpty == true ? nil : request.stop
        n = request.n == 1 ? nil : request.n
        seed = request.seed
        presencePenalty = request.presencePenalty
        frequencyPenalty = request.frequencyPenalty
        logprobs = request.logprobs == false ? nil : request.logprobs
        topLogprobs = request.topLogprobs
        reasoningEffort = request.reasoningEffort
        let kept = request.extraFields.filter { !Self.ignoredExtraFields.contains($0.key) }
        extra = kept.isEmpty ? nil : JSONObject(kept.map { ($0.key, $0.value) })
    }

    /// Text-only part lists become plain text, so `"hi"` and `[{"type":"text","text":"hi"}]` share a key.
    static func normalised(_ message: ChatMessage) -> ChatMessage {
        var message = message
        if case .parts(let parts) = message.content,
            parts.allSatisfy({ if case .text = $0 { return true } else { return false } })
        {
            message.content = .text(message.content?.text ?? "")
        }
        return message
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every member is a plain Codable value; encoding cannot fail short of a non-finite number.
        return (try? encoder.encode(self)) ?? Data(String(describing: self).utf8)
    }
}
