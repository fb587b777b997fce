/// An invalid configuration, with the key path and line at fault.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The dotted key path, e.g. `models[0].deployments[1].provider`.
    public var path: String
    /// The 1-based line in the file, or 0 when unknown.
    public var line: Int

    /// Creates an error.
    public init(message: String, path: String, line: Int) {
        self.message = message
        self.path = path
        self.line = line
    }

    /// `line N: path: message`.
    public var description: String {
        let location = line > 0 ? "line \(line): " : ""
        return path.isEmpty ? location + message : "\(location)\(path): \(message)"
    }
}
