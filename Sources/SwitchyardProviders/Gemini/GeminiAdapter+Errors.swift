public import NIOCore
public import SwitchyardCore

extension GeminiAdapter {
    /// Maps a Gemini error response to a gateway error.
    ///
    /// Parses Google's `{"error":{"code","message","status","details"}}`. The HTTP status decides the code through
    /// ``UpstreamErrorMapper``, with three refinements: a `400` whose details carry reason `API_KEY_INVALID` (how
    /// Gemini reports a bad key) is `upstream_authentication_failed`; `RESOURCE_EXHAUSTED` is `rate_limited`; a
    /// `400` saying the input token count exceeds the maximum is `context_length_exceeded`. Without a
    /// `retry-after` header, `RetryInfo.retryDelay` supplies the wait.
    ///
    /// - Parameters:
    ///   - head: The upstream response head.
    ///   - body: The error body; any shape, or none, is accepted.
    ///   - deployment: The deployment that was called.
    /// - Returns: The gateway error to report.
    public func decodeError(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment) -> GatewayError {
        let provider = deployment.provider.name
        let detail = try? WireJSON.decodeUpstream(GeminiErrorBody.self, from: body, provider: provider).error
        return Self.gatewayError(for: detail, head: head, provider: provider)
    }

    /// Maps a parsed `google.rpc.Status` (from an error body or a stream frame) and its HTTP status.
    static func gatewayError(
        for detail: GeminiErrorBody.Detail?, head: UpstreamResponseHead, provider: String
    ) -> GatewayError {
        let reasons = detail?.details?.compactMap(\.reason) ?? []
        if reasons.contains("API_KEY_INVALID") {
            var error = UpstreamErrorMapper.map(
                head: head, provider: provider, providerCode: "API_KEY_INVALID", message: nil)
            error.code = .upstreamAuthenticationFailed
            return error
        }
        let overflow = head.status == 400 && UpstreamErrorMapper.looksLikeContextOverflow(detail?.message)
        var error = UpstreamErrorMapper.map(
            head: head, provider: provider, providerCode: detail?.status ?? reasons.first, message: detail?.message,
            contextLengthExceeded: overflow)
        if detail?.status == "RESOURCE_EXHAUSTED" { error.code = .rateLimited }
        if error.upstream?.retryAfterSeconds == nil, let delay = detail?.retryDelaySeconds {
            error.upstream?.retryAfterSeconds = delay
        }
        return error
    }
}
