/// Time limits for one upstream call.
///
/// A streamed call and a call whose answer comes whole are limited differently, as in TensorZero's
/// `streaming.ttft_ms` and `non_streaming.total_ms`:
/// - a streamed call waits at most ``firstByte`` from sending the request for its response head and its body's first
///   byte (the model's time to first token: a reasoning model sends its head at once and its first token when it has
///   thought), then at most ``idle`` between two pieces of its body, and at most ``total`` in all;
/// - a non-streamed completion or an embeddings call gets its head only when the whole answer is ready, which takes
///   minutes for a long answer or a reasoning model. It is limited by ``total`` alone (``forWholeAnswer``), as
///   LiteLLM's and OpenAI's SDK's 600 s request timeout is.
public struct UpstreamTimeouts: Sendable, Hashable {
    /// Time to open a connection.
    public var connect: Duration
    /// A streamed call's time from sending the request to the first byte of its body (the head included): the
    /// model's time to first token.
    public var firstByte: Duration
    /// A streamed call's longest silence between two pieces of its body, after the first.
    public var idle: Duration
    /// Time for the whole call, body included; the only limit once connected on a call whose answer comes whole.
    public var total: Duration

    /// Creates time limits. The defaults suit hosted LLM APIs: long answers take minutes, and a reasoning model
    /// streamed through OpenAI's Chat Completions sends nothing while it thinks, often more than a minute (LiteLLM's
    /// and OpenAI's SDK's default limit is 600 s). Set a shorter `firstByte` on a fast model to fail over sooner.
    public init(
        connect: Duration = .seconds(5), firstByte: Duration = .seconds(300), idle: Duration = .seconds(30),
        total: Duration = .seconds(600)
    ) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }

    /// The limits of a call whose answer comes whole (a non-streamed completion, embeddings): the head comes with
    /// the answer, so neither the first-byte nor the idle limit may cut it; ``total`` bounds it.
    public var forWholeAnswer: UpstreamTimeouts {
        UpstreamTimeouts(connect: connect, firstByte: total, idle: total, total: total)
    }
}
