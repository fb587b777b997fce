public import NIOCore

/// An adapter whose wire protocol is the gateway's own (OpenAI Chat Completions), so that a request which needs no
/// translation for a deployment can be forwarded as the client wrote it, with only `model` rewritten.
public protocol PassThroughAdapter: ChatAdapter {
    /// The upstream request carrying `original` (the client's body, which decoded to `request`) with the
    /// deployment's model; `nil` when the deployment needs anything else changed (renamed or dropped fields,
    /// gateway extensions, stream options), and the caller then encodes `request` instead.
    func forwardingRequest(_ request: ChatRequest, original: ByteBuffer, for deployment: Deployment) -> UpstreamRequest?

    /// Reads a successful non-streaming body without decoding it; `nil` when it must be decoded fully.
    func forwardedResponse(head: UpstreamResponseHead, body: ByteBuffer, for deployment: Deployment)
        -> ForwardedCompletion?

    /// A stream decoder for `request` that yields each well-formed chunk as ``ChatStreamEvent/forwarded(_:)``
    /// (usage read from its bytes), decoding fully only what it cannot forward (errors, malformed frames).
    func makeForwardingStreamDecoder(for request: ChatRequest, deployment: Deployment) -> any ChatStreamDecoder
}
