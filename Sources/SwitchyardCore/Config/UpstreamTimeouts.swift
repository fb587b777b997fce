/// Time limits for one upstream call.
public struct UpstreamTimeouts: Sendable, Hashable {
    /// Time to open a connection.
    public var connect: Duration
    /// Time from sending the request to the response head.
    public var firstByte: Duration
    /// Longest silence between two pieces of a response body.
    public var idle: Duration
    /// Time for the whole call, body included.
    public var total: Duration

    /// Creates time limits. The defaults suit hosted LLM APIs: long answers take minutes.
    public init(
        connect: Duration = .seconds(5), firstByte: Duration = .seconds(60), idle: Duration = .seconds(30),
        total: Duration = .seconds(600)
    ) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }
}
