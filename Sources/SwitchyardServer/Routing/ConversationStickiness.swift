import Synchronization

/// Which model each conversation is on: the same caller and conversation id stay on the model a router picked
/// first, unless that model failed them.
///
/// Bounded (least recently used entries go first) and forgetful (entries expire ``ttl`` seconds after their last
/// request). The entry keeps the last request's id, so the router can read that request's decision and move on when
/// it failed, or follow a fallback that served it.
public final class ConversationStickiness: Sendable {
    /// What a conversation is stuck to.
    struct Entry: Sendable {
        /// The configured public model.
        var model: String
        /// The conversation's latest routed request.
        var requestID: String
        var expires: Double
        var touched: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var tick: UInt64 = 0
    }

    /// Seconds a conversation stays sticky after its last request.
    public let ttl: Double
    /// Most conversations remembered.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty table (default: 30 minutes, 100,000 conversations).
    public init(ttl: Double = 1800, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// The conversation's entry, if any and not expired.
    func entry(for key: String, now: Double) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.entries[key] = nil
                return nil
            }
            return entry
        }
    }

    /// Sticks a conversation to a model, as of one request.
    func remember(_ key: String, model: String, requestID: String, now: Double) {
        state.withLock { state in
            state.tick &+= 1
            state.entries[key] = Entry(model: model, requestID: requestID, expires: now + ttl, touched: state.tick)
            guard state.entries.count > capacity else { return }
            let keep = capacity * 3 / 4
            let ordered = state.entries.sorted { $0.value.touched > $1.value.touched }
            state.entries = Dictionary(uniqueKeysWithValues: ordered.prefix(keep).map { ($0.key, $0.value) })
        }
    }

    /// Forgets a conversation (its model failed it).
    func forget(_ key: String) {
        state.withLock { _ = $0.entries.removeValue(forKey: key) }
    }

    /// Conversations remembered.
    public var count: Int { state.withLock { $0.entries.count } }
}
