import Foundation

/// What a ``FakeUpstream`` received and how its streams ended.
public actor FakeRecorder {
    /// One received request.
    public struct Entry: Sendable {
        /// The path, query included.
        public var path: String
        /// Headers, names lowercased.
        public var headers: [String: String]
        /// The body as text.
        public var body: String

        /// The body parsed as a JSON object, or an empty one.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Requests in arrival order.
    public private(set) var entries: [Entry] = []
    /// Streams whose client went away before the stream ended.
    public private(set) var cancelledStreams = 0
    /// Streams sent to the end.
    public private(set) var completedStreams = 0

    init() {}

    func record(_ entry: Entry) { entries.append(entry) }
    func streamCancelled() { cancelledStreams += 1 }
    func streamCompleted() { completedStreams += 1 }

    /// The last request received.
    public var last: Entry? { entries.last }

    /// Forgets everything recorded so far.
    public func reset() {
        entries.removeAll()
        cancelledStreams = 0
        completedStreams = 0
    }
}
