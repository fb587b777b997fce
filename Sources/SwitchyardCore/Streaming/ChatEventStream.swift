/// An asynchronous sequence of ``ChatStreamEvent``s, pulled on demand.
///
/// Pulling drives the whole pipeline: the server asks for the next event, the adapter's decoder asks for the next
/// frame, and the HTTP client reads from the socket only then, so a slow client slows the upstream (back-pressure).
/// A sequence may be iterated once.
public struct ChatEventStream: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = ChatStreamEvent

    private let makeIterator: @Sendable () -> Iterator

    /// Creates a stream from a factory of `next` functions.
    ///
    /// - Parameter makeNext: Called once per iteration; returns a function that yields the next event, or `nil` at
    ///   the end, or throws a ``GatewayError``.
    public init(_ makeNext: @escaping @Sendable () -> (@Sendable () async throws -> ChatStreamEvent?)) {
        makeIterator = { Iterator(next: makeNext(), isReady: { false }) }
    }

    /// Creates a stream whose iterations can also say whether their next event is already decoded.
    ///
    /// - Parameter makeNext: Called once per iteration; returns the `next` function and an `isReady` function that
    ///   answers, without waiting, whether `next` would return at once (the event is already decoded from bytes
    ///   received). A relay uses it to write the events of one upstream read in one write.
    public init(
        ready makeNext: @escaping @Sendable () -> (
            next: @Sendable () async throws -> ChatStreamEvent?, isReady: @Sendable () -> Bool
        )
    ) {
        makeIterator = {
            let made = makeNext()
            return Iterator(next: made.next, isReady: made.isReady)
        }
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
        makeIterator()
    }

    /// Pulls events one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let nextEvent: @Sendable () async throws -> ChatStreamEvent?
        let readyCheck: @Sendable () -> Bool

        init(next: @escaping @Sendable () async throws -> ChatStreamEvent?, isReady: @escaping @Sendable () -> Bool) {
            nextEvent = next
            readyCheck = isReady
        }

        /// Whether ``next()`` would return at once, without waiting for the upstream (`false` when unknown).
        public var isReady: Bool { readyCheck() }

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
