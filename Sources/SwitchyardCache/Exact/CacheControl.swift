import Foundation
import SwitchyardCore

/// Per-request cache controls, from the `Cache-Control` header and the `cache` body extension.
///
/// `no-cache` (or `{"cache": {"no_cache": true}}`) skips the read but still stores the fresh answer; `no-store`
/// (or `"no_store": true`) skips the write; `max-age=N` (or `"ttl": N`) sets the time to live of the stored
/// answer in seconds.
public struct CacheControl: Sendable, Hashable {
    /// Do not answer from the cache.
    public var noCache: Bool
    /// Do not store the answer.
    public var noStore: Bool
    /// Time to live of the stored answer in seconds; `nil` uses the cache's default.
    public var ttl: Double?

    /// The default: read, write, default TTL.
    public static let `default` = CacheControl()

    /// Creates controls.
    ///
    /// - Parameters:
    ///   - noCache: Skip the read.
    ///   - noStore: Skip the write.
    ///   - ttl: Time to live override in seconds.
    public init(noCache: Bool = false, noStore: Bool = false, ttl: Double? = nil) {
        self.noCache = noCache
        self.noStore = noStore
        self.ttl = ttl
    }

    /// Parses the header and the body extension; the body wins where both say something.
    ///
    /// - Parameters:
    ///   - header: The `Cache-Control` request header value, e.g. `no-cache, max-age=60`.
    ///   - body: The request's `cache` extension object, e.g. `{"ttl": 60, "no_cache": true}`.
    public init(header: String?, body: JSONValue?) {
        self.init()
        for directive in (header ?? "").split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            switch parts.first {
            case "no-cache": noCache = true
            case "no-store": noStore = true
            case "max-age": if parts.count == 2, let seconds = Double(parts[1]), seconds >= 0 { ttl = seconds }
            default: break
            }
        }
        if let body = body?.objectValue {
            if let value = body["no_cache"]?.boolValue { noCache = value }
            if let value = body["no_store"]?.boolValue { noStore = value }
            if let value = body["ttl"]?.doubleValue, value >= 0 { ttl = value }
        }
    }

    /// The controls of a request: its header plus the `cache` field of its body extensions.
    ///
    /// - Parameters:
    ///   - request: The canonical request (its `extraFields["cache"]` is read).
    ///   - header: The `Cache-Control` header value, if any.
    public init(request: ChatRequest, header: String?) {
        self.init(header: header, body: request.extraFields["cache"])
    }
}
