public import NIOCore
public import SwitchyardCore

extension OpenAICompatibleAdapter: PassThroughAdapter {
    /// The client's body with `model` set to the deployment's upstream model, when nothing else would change.
    ///
    /// Anything else ``encode(_:for:)`` would rewrite for this dialect (extra fields it does not pass, a renamed
    /// `seed`, `max_completion_tokens` or `tool_choice`, gateway extensions such as `cache`) makes this return `nil`,
    /// and the request is encoded instead. One addition is made in place: a stream whose client did not ask for usage
    /// gets `stream_options.include_usage` (the gateway bills from it), and the forwarding decoder keeps the usage
    /// chunk from that client.
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
        var askForUsage = false
        if request.stream, request.includeUsageInStream != dialect.sendsStreamOptions {
            guard dialect.sendsStreamOptions else { return nil }
            askForUsage = true
        }
        guard let body = Self.rewriting(original, model: deployment.upstreamModel, askingForStreamUsage: askForUsage)
        else { return nil }
        let target = chatTarget(for: deployment)
        return UpstreamRequest(url: target.url, headers: target.headers, body: body)
    }

    /// Reads `id`, `model` and `usage` from a `chat.completion` body.
    public func forwardedResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment)
        -> ForwardedCompletion?
    {
        ForwardedCompletion(openAIBody: body)
    }

    /// A chunk decoder that forwards well-formed chunks as written; a usage-only chunk the client did not ask for
    /// becomes a usage event, which the relay keeps from the client.
    public func makeForwardingStreamDecoder(for request: ChatRequest, deployment: Deployment)
        -> any ChatStreamDecoder
    {
        OpenAIStreamDecoder(
            provider: deployment.provider.name, forwarding: true, clientWantsUsage: request.includeUsageInStream)
    }

    /// `body` with its top-level `model` value replaced by `model`, and `"stream_options":{"include_usage":true}`
    /// added first when asked; `nil` when the body has no plain `model`, or already has `stream_options` and usage
    /// must be asked for.
    static func rewriting(_ body: ByteBuffer, model: String, askingForStreamUsage: Bool) -> ByteBuffer? {
        let found: (open: Int, model: Range<Int>)? = body.withUnsafeReadableBytes { bytes in
            let scanner = JSONFieldScanner(bytes)
            var modelMember: JSONFieldScanner.Member?
            var hasStreamOptions = false
            let isObject = scanner.forEachMember { member in
                if modelMember == nil, scanner.key(member, is: "model") {
                    modelMember = member
                } else if scanner.key(member, is: "stream_options") {
                    hasStreamOptions = true
                }
            }
            guard isObject, let member = modelMember,
                scanner.plainString(at: member.value) != nil,
                !askingForStreamUsage || !hasStreamOptions,
                let open = bytes.firstIndex(of: UInt8(ascii: "{"))
            else { return nil }
            return (open, member.value)
        }
        guard let (open, range) = found else { return nil }
        // A model name rarely needs escaping: then it is written as it is, between quotes.
        let plain = UTF8Scan.all(model) { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        let escaped = plain ? nil : Self.quoted(model)
        let modelLength = escaped?.utf8.count ?? model.utf8.count + 2
        let usage: StaticString = #""stream_options":{"include_usage":true},"#
        let length = body.readableBytes - range.count + modelLength
            + (askingForStreamUsage ? usage.utf8CodeUnitCount : 0)
        // One copy into a buffer of the final size (a write per slice costs a `ByteBuffer` write's checks each).
        var result = ByteBufferAllocator().buffer(capacity: length)
        _ = body.withUnsafeReadableBytes { bytes in
            result.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
                var appender = ByteAppender(bytes: out)
                if askingForStreamUsage {
                    appender.append(UnsafeRawBufferPointer(rebasing: bytes[..<(open + 1)]))
                    appender.append(usage)
                    appender.append(UnsafeRawBufferPointer(rebasing: bytes[(open + 1)..<range.lowerBound]))
                } else {
                    appender.append(UnsafeRawBufferPointer(rebasing: bytes[..<range.lowerBound]))
                }
                if let escaped {
                    appender.append(escaped)
                } else {
                    appender.append(UInt8(ascii: "\""))
                    appender.append(model)
                    appender.append(UInt8(ascii: "\""))
                }
                appender.append(UnsafeRawBufferPointer(rebasing: bytes[range.upperBound...]))
                return appender.count
            }
        }
        return result
    }

    /// `text` as a JSON string, quotes included, escaped where it must be.
    private static func quoted(_ text: String) -> String {
        var escaped = "\""
        escaped.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
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
        return escaped
    }
}
