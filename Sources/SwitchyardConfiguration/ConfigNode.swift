import SwitchyardCore
import Yams

/// A YAML node with its location, read strictly: every mapping declares its keys, and anything else is an error
/// that names the line.
struct ConfigNode {
    let node: Node
    let path: String

    var line: Int { (node.mark?.line ?? 0) }

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(message: message, path: path, line: line)
    }

    /// The mapping's entries, after checking that every key is allowed.
    func mapping(allowing allowed: Set<String>) throws -> [(String, ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        var result: [(String, ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw error("keys must be strings") }
            let child = ConfigNode(node: value, path: path.isEmpty ? name : path + "." + name)
            guard allowed.contains(name) else {
                throw ConfigurationError(
                    message: "unknown key '\(name)' (allowed: \(allowed.sorted().joined(separator: ", ")))",
                    path: child.path, line: key.mark?.line ?? line)
            }
            result.append((name, child))
        }
        return result
    }

    /// A mapping with free-form keys (provider names, header names).
    func entries() throws -> [(String, ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        return try mapping.map { key, value in
            guard let name = key.string else { throw error("keys must be strings") }
            return (name, ConfigNode(node: value, path: path + "." + name))
        }
    }

    func sequence() throws -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]") }
    }

    func string() throws -> String {
        guard let scalar = node.scalar else { throw error("expected a string") }
        return scalar.string
    }

    func int() throws -> Int {
        guard let value = node.int else { throw error("expected an integer") }
        return value
    }

    func double() throws -> Double {
        guard let value = node.float ?? node.int.map(Double.init) else { throw error("expected a number") }
        return value
    }

    func bool() throws -> Bool {
        guard let value = node.bool else { throw error("expected true or false") }
        return value
    }
}
