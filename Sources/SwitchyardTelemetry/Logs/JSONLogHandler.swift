import Foundation
public import Logging

/// Writes one JSON object per log line to standard error: `ts`, `level`, `logger`, `message`, then the metadata
/// (`request_id`, `trace_id`, `span_id`, …) as string fields. Secrets never reach it: the gateway logs no key,
/// token or prompt unless prompt logging is on, and then only through ``Redactor``.
///
/// ```swift
/// LoggingSystem.bootstrap({ label, provider in JSONLogHandler(label: label, metadataProvider: provider) },
///                         metadataProvider: tracingMetadata)
/// ```
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// The level below which nothing is written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Adds task-local metadata such as trace ids.
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - metadataProvider: Task-local metadata (trace and span ids).
    ///   - write: Where lines go (default: standard error).
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data(line.utf8)) }
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        Self.append(label, to: &line)
        line += ",\"message\":"
        Self.append(event.message.description, to: &line)
        for key in merged.keys.sorted() where !["ts", "level", "logger", "message"].contains(key) {
            line += ","
            Self.append(key, to: &line)
            line += ":"
            Self.append(merged[key]!.description, to: &line)
        }
        line += "}\n"
        write(line)
    }

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(time.tv_nsec / 1_000_000))
    }

    /// Appends `text` as a JSON string literal.
    static func append(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20: line += String(format: "\\u%04x", scalar.value)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
