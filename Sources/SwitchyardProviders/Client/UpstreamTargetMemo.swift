import Synchronization
import SwitchyardCore

/// The URL and headers of the last provider an adapter called, kept for the next call to the same provider.
///
/// A chat call's URL is the provider's base URL and the dialect's path, and its headers carry `Bearer` and the key:
/// two concatenations and an array per request (about 1,000 instructions under callgrind), and a new URL string that
/// the client's endpoint cache then hashed. Consecutive calls mostly go to the same provider, whose strings are the
/// same storage each time, so comparing them costs a few instructions; a call to another provider builds its target
/// and keeps it instead. The key and headers are compared too, so a provider whose configuration changed is never
/// served an old target.
final class UpstreamTargetMemo: Sendable {
    /// Header names and values, in order.
    typealias Headers = [(name: String, value: String)]

    /// A provider's URL and headers for one path.
    final class Target: Sendable {
        let baseURL: String
        let key: String?
        let extraHeaders: [String: String]
        /// The full URL.
        let url: String
        /// The headers, authentication included.
        let headers: [(name: String, value: String)]

        init(
            baseURL: String, key: String?, extraHeaders: [String: String], url: String,
            headers: [(name: String, value: String)]
        ) {
            self.baseURL = baseURL
            self.key = key
            self.extraHeaders = extraHeaders
            self.url = url
            self.headers = headers
        }
    }

    private let last = Mutex<Target?>(nil)

    /// The target of `provider`: the kept one when it was made for the same base URL, key and headers, else one
    /// made by `make` (and kept).
    func target(for provider: ProviderEndpoint, make: (ProviderEndpoint) -> (url: String, headers: Headers)) -> Target {
        let key = provider.apiKey?.value
        if let kept = last.withLock({ $0 }), kept.baseURL == provider.baseURL, kept.key == key,
            kept.extraHeaders == provider.headers
        {
            return kept
        }
        let (url, headers) = make(provider)
        let target = Target(
            baseURL: provider.baseURL, key: key, extraHeaders: provider.headers, url: url, headers: headers)
        last.withLock { $0 = target }
        return target
    }
}
