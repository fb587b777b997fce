import Foundation

/// How one provider family frames its answers, for ``FakeUpstream``.
struct FakeWireProtocol: Sendable {
    /// The fixture folder.
    var directory: String
    /// `sse` or `ndjson`.
    var streamExtension: String
    /// The stream's content type.
    var streamContentType: String
    /// A frame that is not valid JSON, in this framing.
    var malformedFrame: String
    /// The fixture with an in-stream error, if the provider has one.
    var streamErrorFixture: String?

    static let openAI = FakeWireProtocol(
        directory: "openai", streamExtension: "sse", streamContentType: "text/event-stream",
        malformedFrame: "data: {\"id\": \"chatcmpl-1\", \"choices\": [\n\n", streamErrorFixture: nil)
    static let anthropic = FakeWireProtocol(
        directory: "anthropic", streamExtension: "sse", streamContentType: "text/event-stream",
        malformedFrame: "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": \n\n",
        streamErrorFixture: "anthropic/stream-error.sse")
    static let gemini = FakeWireProtocol(
        directory: "gemini", streamExtension: "sse", streamContentType: "text/event-stream",
        malformedFrame: "data: {\"candidates\": [{\"content\": \n\n", streamErrorFixture: nil)
    static let ollama = FakeWireProtocol(
        directory: "ollama", streamExtension: "ndjson", streamContentType: "application/x-ndjson",
        malformedFrame: "{\"model\": \"llama3.2\", \"message\": \n", streamErrorFixture: "ollama/stream-error.ndjson")

    /// Splits a stream fixture into its events (SSE: blank-line separated; NDJSON: lines), each with its separator.
    func events(of text: String) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        if streamExtension == "ndjson" {
            return normalized.split(separator: "\n").map { $0 + "\n" }
        }
        return normalized.components(separatedBy: "\n\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { $0 + "\n\n" }
    }
}
