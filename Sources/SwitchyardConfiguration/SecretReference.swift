import Foundation
public import SwitchyardCore

/// Resolves secret references from the configuration: `env:NAME` or `file:PATH`. Literals are refused, so a key
/// never sits in a file that is committed or printed.
public struct SecretResolver: Sendable {
    /// The environment to read `env:` references from.
    public var environment: [String: String]

    /// Creates a resolver over an environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Resolves a reference.
    ///
    /// - Throws: A message naming the variable or file, never the value.
    public func resolve(_ reference: String) throws(SecretResolutionError) -> Secret {
        if reference.hasPrefix("env:") {
            let name = String(reference.dropFirst(4))
            guard let value = environment[name], !value.isEmpty else {
                throw SecretResolutionError(message: "environment variable \(name) is not set")
            }
            return Secret(value)
        }
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst(5))
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecretResolutionError(message: "secret file \(path) cannot be read")
            }
            return Secret(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        throw SecretResolutionError(message: "secrets must be references (env:NAME or file:PATH), not literal values")
    }
}

/// A secret reference that could not be resolved. The message never contains the secret.
public struct SecretResolutionError: Error, Sendable {
    /// What is wrong.
    public var message: String
}
