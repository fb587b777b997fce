/// A bounded map from request id to what a learner must remember until feedback arrives; when full, the least
/// recently used entry is dropped.
///
/// Insertion and lookup are O(1) amortised: entries carry a use counter, and an order queue of (key, counter)
/// pairs is trimmed lazily (stale pairs are skipped) and compacted when it grows past twice the capacity.
struct PendingRequests<Value: Sendable>: Sendable {
    let capacity: Int
    private var entries: [String: (value: Value, tick: UInt64)] = [:]
    private var order: [(key: String, tick: UInt64)] = []
    private var head = 0
    private var tick: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// Stores or replaces `value` for `key`, marking it most recently used.
    mutating func set(_ key: String, _ value: Value) {
        tick += 1
        entries[key] = (value, tick)
        order.append((key, tick))
        while entries.count > capacity, head < order.count {
            let oldest = order[head]
            head += 1
            if entries[oldest.key]?.tick == oldest.tick { entries[oldest.key] = nil }
        }
        if order.count - head > 2 * capacity || head > capacity { compact() }
    }

    /// The value for `key`, marking it most recently used.
    mutating func get(_ key: String) -> Value? {
        guard let entry = entries[key] else { return nil }
        set(key, entry.value)
        return entry.value
    }

    /// Removes and returns the value for `key`.
    mutating func remove(_ key: String) -> Value? {
        entries.removeValue(forKey: key)?.value
    }

    private mutating func compact() {
        order = order[head...].filter { entries[$0.key]?.tick == $0.tick }
        head = 0
    }
}
