public import NIOCore
public import SwitchyardCore

extension OpenAICompatibleAdapter: PassThroughAdapter {
    /// The client's body with `model` set to the deployment's upstream model, when nothing else would change.
    ///
    /// Anything ``encode(_:for:)`` would rewrite for this dialect (extra fields it does not pass, a renamed `seed`,
    /// `max_completion_tokens` or `tool_choice`, the `stream_options` it adds, gateway extensions such as `cache`)
    /// makes this return `nil`, and the request is encoded instead.
    public func forwardingRequest(_ request: ChatRequest, original: ByteBuffer, for deployment: Deployment)
        -> UpstreamRequest?
    {
        if !request.extraFields.isEmpty {
            guard dialect.passesExtraFields,
                !request.extraFields.keys.contains(where: ChatRequest.gatewayExtensionFields.contains)
            else { return nil }
        }
        if request.seed != nil, dialect.seedField != "seed" { return nil }
        if request.maxCompletionTokens != nil, !dialect.acceptsMaxCompletionTokens { return nil }
        if request.toolChoice == .required, dialect.requiredToolChoice != "required" { return nil }
        if request.stream, request.includeUsageInStream != dialect.sendsStreamOptions { return nil }
        guard let body = Self.replacingModel(in: original, with: deployment.upstreamModel) else { return nil }
        return UpstreamRequest(
            url: deployment.provider.baseURL + dialect.chatPath, headers: headers(for: deployment), body: body)
    }

    /// Reads `id`, `model` and `usage` from a `chat.completion` body.
    public func forwardedResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment)
        -> ForwardedCompletion?
    {
        ForwardedCompletion(openAIBody: body)
    }

    /// `body` with its top-level `model` value replaced by `model`; `nil` when the body has no plain `model`.
    static func replacingModel(in body: ByteBuffer, with model: String) -> ByteBuffer? {
        let range: Range<Int>? = body.withUnsafeReadableBytes { bytes in
            let scanner = JSONFieldScanner(bytes)
            guard let members = scanner.members(),
                let member = scanner.member("model", in: members),
                scanner.plainString(at: member.value) != nil
            else { return nil }
            return member.value
        }
        guard let range else { return nil }
        var escaped = ""
        escaped.reserveCapacity(model.utf8.count + 2)
        escaped.append("\"")
        for scalar in model.unicodeScalars {
            switch scalar {
            case "\"": escaped.append("\\\"")
            case "\\": escaped.append("\\\\")
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                escaped.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        escaped.append("\"")
        var result = ByteBufferAllocator().buffer(capacity: body.readableBytes + escaped.utf8.count)
        let start = body.readerIndex
        result.writeImmutableBuffer(body.getSlice(at: start, length: range.lowerBound)!)
        result.writeString(escaped)
        result.writeImmutableBuffer(
            body.getSlice(at: start + range.upperBound, length: body.readableBytes - range.upperBound)!)
        return result
    }
}
