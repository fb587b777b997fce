/// An asynchronous sequence of ``ChatStreamEvent``s, pulled on demand.
///
/// Pulling drives the whole pipeline: the server asks for the next event, the adapter's decoder asks for the next
/// frame, and the HTTP client reads from the socket only then, so a slow client slows the upstream (back-pressure).
/// A sequence may be iterated once.
public struct ChatEventStream: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = ChatStreamEvent

    private let makeNext: @Sendable () -> (@Sendable () async throws -> ChatStreamEvent?)

    /// Creates a stream from a factory of `next` functions.
    ///
    /// - Parameter makeNext: Called once per iteration; returns a function that yields the next event, or `nil` at
    ///   the end, or throws a ``GatewayError``.
    public init(_ makeNext: @escaping @Sendable () -> (@Sendable () async throws -> ChatStreamEvent?)) {
        self.makeNext = makeNext
    }

    /// Creates a stream that yields fixed events, for replays and tests.
    public init(events: [ChatStreamEvent], thenThrow error: (any Error)? = nil) {
        self.init {
            let box = EventBox(events)
            return {
                if let event = box.pop() { return event }
                if let error { throw error }
                return nil
            }
        }
    }

    /// Creates an iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(next: makeNext())
    }

    /// Pulls events one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let nextEvent: @Sendable () async throws -> ChatStreamEvent?

        init(next: @escaping @Sendable () async throws -> ChatStreamEvent?) {
            nextEvent = next
        }

        /// The next event, or `nil` at the end.
        public mutating func next() async throws -> ChatStreamEvent? {
            try await nextEvent()
        }
    }
}

/// A lock-protected queue of events for ``ChatEventStream/init(events:thenThrow:)``.
final class EventBox: @unchecked Sendable {
    private var events: [ChatStreamEvent]
    private var position = 0
    private let lock = NSLockShim()

    init(_ events: [ChatStreamEvent]) { self.events = events }

    func pop() -> ChatStreamEvent? {
        lock.withLock {
            guard position < events.count else { return nil }
            defer { position += 1 }
            return events[position]
        }
    }
}
