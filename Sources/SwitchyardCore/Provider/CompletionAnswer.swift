/// A non-streaming answer from a provider: decoded into the canonical type, or forwarded as the upstream wrote it.
public enum CompletionAnswer: Sendable {
    /// Translated (or decoded) into the canonical response.
    case decoded(ChatResponse)
    /// The upstream's own bytes, in the gateway's dialect (pass-through).
    case forwarded(ForwardedCompletion)

    /// Token counts, when reported.
    public var usage: Usage? {
        switch self {
        case .decoded(let response): response.usage
        case .forwarded(let forwarded): forwarded.usage
        }
    }
}
