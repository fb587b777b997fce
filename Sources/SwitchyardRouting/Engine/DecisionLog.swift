import Synchronization

/// The last N routing decisions, by request id, in memory.
public final class DecisionLog: Sendable {
    private struct Ring {
        var slots: [RoutingDecision?]
        var index: [String: Int] = [:]
        var next = 0
    }

    private let ring: Mutex<Ring>

    /// Creates a log keeping `capacity` decisions.
    public init(capacity: Int) {
        ring = Mutex(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Keeps a decision, evicting the oldest when full. A request id used again (a client's `x-request-id`) finds
    /// its latest decision; evicting an older one with that id leaves the latest's entry alone.
    public func record(_ decision: RoutingDecision) {
        ring.withLock { ring in
            if let old = ring.slots[ring.next], let entry = ring.index.index(forKey: old.requestID),
                ring.index.values[entry] == ring.next
            {
                ring.index.remove(at: entry)
            }
            ring.slots[ring.next] = decision
            ring.index[decision.requestID] = ring.next
            ring.next = (ring.next + 1) % ring.slots.count
        }
    }

    /// The decision for a request, if still kept.
    public func decision(for requestID: String) -> RoutingDecision? {
        ring.withLock { ring in ring.index[requestID].flatMap { ring.slots[$0] } }
    }

    /// The most recent decisions, newest first.
    public func recent(_ count: Int) -> [RoutingDecision] {
        ring.withLock { ring in
            var result: [RoutingDecision] = []
            var position = ring.next
            for _ in 0..<ring.slots.count where result.count < count {
                position = (position - 1 + ring.slots.count) % ring.slots.count
                if let decision = ring.slots[position] { result.append(decision) }
            }
            return result
        }
    }
}
