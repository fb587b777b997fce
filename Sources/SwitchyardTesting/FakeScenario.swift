import Foundation

/// What a ``FakeUpstream`` does, chosen by the upstream model name the gateway sends.
///
/// The name is matched by substring: `claude-error-529`, `gpt-tools`, `llama-cut`.
public enum FakeScenario: Sendable, Equatable {
    /// A plain answer: `chat.json` or `stream-text.*`.
    case plain
    /// A tool call: `chat-tools.json` or `stream-tools.*`.
    case tools
    /// An error response with this status, from `error-<status>.json` (`error-400-context.json` for `context`).
    case error(status: Int, variant: String?)
    /// A 200 whose body is not valid JSON (or a stream frame that is not).
    case malformed
    /// A stream that ends after two events without its terminal marker.
    case cut
    /// A stream whose connection is reset after two events.
    case reset
    /// A stream that carries the provider's in-stream error event.
    case streamError
    /// The response head arrives only after two seconds.
    case slowFirstByte
    /// A stream whose head comes at once and whose first event comes after 1.5 s of silence, the rest at once: a
    /// reasoning model's time to first token.
    case ponder
    /// A stream of text deltas every 20 ms for up to 30 s, for disconnect and back-pressure tests.
    case endless
    /// A stream that sends two events, then goes silent for three seconds, then finishes.
    case stall
    /// The answer is held for up to 30 s, until the fake upstream stops: a non-streamed one before its head, a stream
    /// after its head and before its first event (a model's time to first token). For clients that go away while the
    /// gateway waits.
    case hold

    /// The scenario for an upstream model name.
    public init(model: String) {
        let name = model.lowercased()
        if let range = name.range(of: "error-") {
            let rest = name[range.upperBound...]
            let digits = rest.prefix(while: \.isNumber)
            let variant = rest.dropFirst(digits.count).drop(while: { $0 == "-" })
            self = .error(status: Int(digits) ?? 500, variant: variant.isEmpty ? nil : String(variant))
        } else if name.contains("tools") {
            self = .tools
        } else if name.contains("malformed") {
            self = .malformed
        } else if name.contains("cut") {
            self = .cut
        } else if name.contains("reset") {
            self = .reset
        } else if name.contains("stream-error") {
            self = .streamError
        } else if name.contains("ponder") {
            self = .ponder
        } else if name.contains("slow") {
            self = .slowFirstByte
        } else if name.contains("endless") {
            self = .endless
        } else if name.contains("stall") {
            self = .stall
        } else if name.contains("hold") {
            self = .hold
        } else {
            self = .plain
        }
    }
}
