/// A dictionary that keeps the entry found last beside it and compares that entry's key first.
///
/// For tables a request looks up by the same key as the request before it, mostly: a provider's URL, a metric's
/// labels. Comparing keys whose strings are the same storage, or short enough to be held inline, costs a few
/// instructions, where hashing them cost hundreds (the request series' seven labels about 1,200 under callgrind). A
/// value type: keep it under the owner's lock.
public struct LastHitDictionary<Key: Hashable, Value> {
    @usableFromInline var entries: [Key: Value] = [:]
    @usableFromInline var last: (key: Key, value: Value)?

    /// An empty dictionary.
    @inlinable public init() {}

    /// The number of entries.
    @inlinable public var count: Int { entries.count }

    /// Every value, in no particular order.
    @inlinable public var values: Dictionary<Key, Value>.Values { entries.values }

    /// The value for `key`, remembered as the last hit when found.
    @inlinable public mutating func value(for key: Key) -> Value? {
        if let last, last.key == key { return last.value }
        guard let found = entries[key] else { return nil }
        last = (key, found)
        return found
    }

    /// Sets the value for `key`, and remembers it as the last hit.
    @inlinable public mutating func set(_ value: Value, for key: Key) {
        entries[key] = value
        last = (key, value)
    }

    /// Removes every entry.
    @inlinable public mutating func removeAll() {
        entries.removeAll()
        last = nil
    }
}

extension LastHitDictionary: Sendable where Key: Sendable, Value: Sendable {}
