/// Where an upstream request goes, read from its URL once: scheme, host, port and the request target.
///
/// Parsed by hand (no `Foundation.URL`): a request's URL is `base_url` + a path, and the parse costs a few hundred
/// instructions instead of a URL object per request.
struct UpstreamEndpoint: Sendable, Equatable {
    /// `http` or `https`, lowercased.
    let scheme: String
    /// The host name or address (an IPv6 literal without its brackets).
    let host: String
    /// The port, explicit or the scheme's default.
    let port: Int
    /// The path and query, `/` when the URL has none.
    let target: String
    /// Whether the URL named the port (then the `Host` header carries it).
    let explicitPort: Bool

    /// Parses an absolute `http` or `https` URL; `nil` for anything else (userinfo included).
    init?(url: String) {
        let utf8 = url.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = String(url[..<colon]).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[colon...]
        guard rest.hasPrefix("://") else { return nil }
        let authorityStart = rest.utf8.index(rest.startIndex, offsetBy: 3)
        let afterScheme = url[authorityStart...]
        let authorityEnd =
            afterScheme.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard !authority.isEmpty, !authority.utf8.contains(UInt8(ascii: "@")) else { return nil }
        var target = String(afterScheme[authorityEnd...])
        if let hash = target.utf8.firstIndex(of: UInt8(ascii: "#")) { target = String(target[..<hash]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let portColon = authority.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = authority[..<portColon]
            portText = authority[authority.index(after: portColon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        if let portText {
            guard let port = Int(portText), (1...65_535).contains(port) else { return nil }
            self.port = port
            explicitPort = port != defaultPort
        } else {
            port = defaultPort
            explicitPort = false
        }
        self.scheme = scheme
        self.host = String(host)
        self.target = target
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : String(host)
        hostHeader = explicitPort ? "\(name):\(port)" : name
    }

    /// The `Host` header's value (made once: endpoints are parsed once per URL and kept).
    let hostHeader: String
}
