public import SwitchyardCore

/// Builds gateway errors from an upstream's status and parsed error fields, the same way for every adapter.
///
/// Adapters parse their own error body shape and pass the parts here; this keeps the status mapping and the
/// message policy in one place. The upstream message is shown to the client only for request errors, never for
/// authentication failures (OpenAI echoes a masked key there) and never in full beyond 300 characters.
public enum UpstreamErrorMapper {
    /// Maps an upstream failure.
    ///
    /// - Parameters:
    ///   - head: The upstream response head.
    ///   - provider: The provider's configured name.
    ///   - providerCode: The provider's own code or type, e.g. `context_length_exceeded`, `overloaded_error`.
    ///   - message: The provider's message, if any.
    ///   - contextLengthExceeded: Whether the adapter recognised a context-window error.
    ///   - contentFiltered: Whether the adapter recognised a safety refusal.
    public static func map(
        head: UpstreamResponseHead, provider: String, providerCode: String?, message: String?,
        contextLengthExceeded: Bool = false, contentFiltered: Bool = false
    ) -> GatewayError {
        var code = GatewayError.Code.forUpstreamStatus(head.status)
        if contextLengthExceeded { code = .contextLengthExceeded }
        if contentFiltered { code = .contentFiltered }
        let failure = GatewayError.UpstreamFailure(
            provider: provider, status: head.status, retryAfterSeconds: head.retryAfterSeconds,
            providerCode: providerCode)
        var text = "Provider '\(provider)' returned HTTP \(head.status)"
        let showsDetail = [400, 404, 413, 422].contains(head.status)
        if showsDetail, let message, !message.isEmpty {
            text += ": " + String(message.prefix(300))
        } else if let providerCode {
            text += " (\(providerCode))"
        }
        text += "."
        return GatewayError(code, text, upstream: failure)
    }

    /// Whether a provider message describes a context-window overflow, for providers without a structured code.
    public static func looksLikeContextOverflow(_ message: String?) -> Bool {
        guard let lower = message?.lowercased() else { return false }
        return lower.contains("context length") || lower.contains("context_length")
            || lower.contains("prompt is too long") || lower.contains("maximum context")
            || lower.contains("context window") || lower.contains("too many tokens")
            || lower.contains("input token count")
    }
}
