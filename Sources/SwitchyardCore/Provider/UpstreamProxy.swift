/// An HTTP proxy that TLS upstreams are reached through (`CONNECT host:port`, then TLS end to end inside the tunnel),
/// as a corporate network's egress proxy requires: `server.upstream_proxy`, or `HTTPS_PROXY` and `NO_PROXY` from the
/// environment, as curl, Go and Python's httpx read them.
///
/// Hosts it does not apply to: loopback addresses and `localhost` (a local model), and those `NO_PROXY` names: `*`
/// (every host), a host name (itself and its subdomains; a leading dot is the same), or an IP address. A port in an
/// entry is ignored.
public struct UpstreamProxy: Sendable, Hashable, CustomStringConvertible {
    /// Why a proxy setting cannot be used.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, naming the setting without its credentials.
        public var description: String
    }

    /// The proxy's host name or address.
    public let host: String
    /// The proxy's port (80 when the URL names none).
    public let port: Int
    /// The `Proxy-Authorization` value (`Basic …`) from the URL's user and password; `nil` without them.
    public let authorization: String?
    /// The `NO_PROXY` entries, lower-cased, without leading dots or ports.
    public let bypass: [String]

    /// Reads `http://[user[:password]@]host[:port][/]`. Only `http://` proxies are supported (TLS to the upstream runs
    /// inside the tunnel either way); user and password may be percent-encoded.
    public init(url: String, noProxy: String? = nil) throws(Invalid) {
        let text = Self.trimmingSpaces(url)
        guard text.lowercased().hasPrefix("http://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            throw Invalid(description: "only http:// proxies are supported, not '\(scheme)'")
        }
        var rest = Substring(text.dropFirst("http://".count))
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw Invalid(description: "a proxy URL has no path")
            }
            rest = rest[..<slash]
        }
        var credentials: Substring?
        if let at = rest.lastIndex(of: "@") {
            credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        let (host, port) = try Self.hostAndPort(rest)
        self.host = host
        self.port = port
        if let credentials {
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = Self.percentDecoded(parts[0]),
                let password = Self.percentDecoded(parts.count > 1 ? parts[1] : "")
            else { throw Invalid(description: "the proxy URL's credentials are not valid percent-encoding") }
            authorization = "Basic " + Self.base64(Array("\(user):\(password)".utf8))
        } else {
            authorization = nil
        }
        bypass = Self.bypassList(noProxy)
    }

    /// The proxy the environment names for TLS upstreams (`HTTPS_PROXY`, else `https_proxy`), with `NO_PROXY` (else
    /// `no_proxy`); `nil` when neither names one (or the name is empty).
    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> UpstreamProxy? {
        let url = [environment["HTTPS_PROXY"], environment["https_proxy"]].compactMap { $0 }.first { !$0.isEmpty }
        guard let url else { return nil }
        do {
            return try UpstreamProxy(url: url, noProxy: environment["NO_PROXY"] ?? environment["no_proxy"])
        } catch {
            throw Invalid(description: "HTTPS_PROXY: \(error.description)")
        }
    }

    /// Whether requests to `host` go through the proxy.
    public func applies(to host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" || name.hasPrefix("127.") {
            return false
        }
        for entry in bypass {
            if entry == "*" || name == entry || name.hasSuffix("." + entry) { return false }
        }
        return true
    }

    /// The proxy without its credentials, for logs.
    public var description: String {
        let address = host.contains(":") ? "[\(host)]" : host
        return "http://\(address):\(port)" + (authorization == nil ? "" : " (with credentials)")
    }

    private static func hostAndPort(_ text: Substring) throws(Invalid) -> (String, Int) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Invalid(description: "an IPv6 address lacks its ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw Invalid(description: "unexpected '\(after)' after the proxy's address")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw Invalid(description: "the proxy URL names no host") }
        var port = 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw Invalid(description: "the proxy's port '\(portText)' is not 1...65535")
            }
            port = value
        }
        return (String(host), port)
    }

    private static func bypassList(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: ",").compactMap { raw in
            var entry = Self.trimmingSpaces(raw).lowercased()
            if entry.hasPrefix("[") {
                // "[::1]:443" or "[::1]"
                if let close = entry.firstIndex(of: "]") {
                    entry = String(entry[entry.index(after: entry.startIndex)..<close])
                }
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                entry = String(entry[..<colon])
            }
            while entry.hasPrefix(".") { entry.removeFirst() }
            return entry.isEmpty ? nil : entry
        }
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `text` without leading and trailing spaces (SwitchyardCore has no Foundation).
    private static func trimmingSpaces(_ text: some StringProtocol) -> String {
        String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// Standard base64 with padding (RFC 4648 §4), for the `Basic` credentials (SwitchyardCore has no Foundation).
    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                let sextet = Int(value >> (18 - 6 * UInt32(position)) & 0x3F)
                out.append(position <= chunk.count ? alphabet[sextet] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
