/// A JSON object that keeps its keys in insertion order.
///
/// Order matters for two reasons: encoded requests stay stable (useful for cache keys and fixtures), and a provider
/// that streams JSON arguments sees them in the order the client wrote them.
public struct JSONObject: Sendable, Hashable, Codable, Sequence {
    /// The key/value pairs in order.
    public private(set) var entries: [(key: String, value: JSONValue)]

    /// Creates an object from ordered pairs. A repeated key keeps its last value at its first position.
    public init(_ pairs: [(String, JSONValue)] = []) {
        entries = []
        for (key, value) in pairs { self[key] = value }
    }

    /// The keys in order.
    public var keys: [String] { entries.map(\.key) }

    /// Whether the object has no keys.
    public var isEmpty: Bool { entries.isEmpty }

    /// Reads or writes a key; assigning `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// Iterates over the pairs in order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        entries.makeIterator()
    }

    /// Decodes an object, keeping the order of keys as they appear in the input where the decoder preserves it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var pairs: [(String, JSONValue)] = []
        for key in container.allKeys {
            pairs.append((key.stringValue, try container.decode(JSONValue.self, forKey: key)))
        }
        self.init(pairs)
    }

    /// Encodes the object in key order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, value) in entries {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }

    /// Two objects are equal when they hold the same keys with equal values, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (key, value) in lhs.entries where rhs[key] != value { return false }
        return true
    }

    /// Hashes the keys and values independently of order.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for (key, value) in entries {
            var inner = Hasher()
            inner.combine(key)
            inner.combine(value)
            combined ^= inner.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}

/// A coding key made from any string; used to code open-ended objects.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    /// The key's string.
    public var stringValue: String
    /// Always `nil`; integer keys are not used.
    public var intValue: Int? { nil }
    /// Creates a key from a string.
    public init(_ string: String) { stringValue = string }
    /// Creates a key from a string.
    public init?(stringValue: String) { self.stringValue = stringValue }
    /// Integer keys are not supported.
    public init?(intValue: Int) { return nil }
}
