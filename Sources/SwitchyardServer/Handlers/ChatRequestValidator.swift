import SwitchyardCore

/// Checks what decoding cannot: values that are well-typed but unusable.
enum ChatRequestValidator {
    /// - Throws: ``GatewayError`` `invalid_request` or `invalid_image_url`, naming the parameter.
    static func validate(_ request: ChatRequest) throws {
        guard !request.messages.isEmpty else {
            throw GatewayError(.invalidRequest, "'messages' must contain at least one message.", param: "messages")
        }
        for (index, message) in request.messages.enumerated() {
            if message.role == .tool, message.toolCallID == nil {
                throw GatewayError(
                    .invalidRequest, "A tool message needs 'tool_call_id'.", param: "messages[\(index)].tool_call_id")
            }
            guard case .parts(let parts) = message.content else { continue }
            for (partIndex, part) in parts.enumerated() {
                guard case .imageURL(let image) = part, !image.hasAcceptedScheme else { continue }
                throw GatewayError(
                    .invalidImageURL,
                    "Image URLs must be http(s) URLs or base64 data: URLs.",
                    param: "messages[\(index)].content[\(partIndex)].image_url.url")
            }
        }
        if let n = request.n, n < 1 {
            throw GatewayError(.invalidRequest, "'n' must be at least 1.", param: "n")
        }
        if let limit = request.effectiveMaxTokens, limit < 1 {
            throw GatewayError(.invalidRequest, "The output token limit must be at least 1.", param: "max_tokens")
        }
        if let temperature = request.temperature, !(0...2).contains(temperature) {
            throw GatewayError(.invalidRequest, "'temperature' must be between 0 and 2.", param: "temperature")
        }
    }
}
