import Testing

@testable import SwitchyardCore

/// ``UpstreamProxy``: the proxy URL, the hosts it applies to (`NO_PROXY`), and the environment's variables.
@Suite("Upstream proxy settings")
struct UpstreamProxyTests {
    @Test("a proxy URL: host, port (80 by default), credentials as Basic, and no path")
    func parsing() throws {
        let plain = try UpstreamProxy(url: "http://proxy.corp:3128")
        #expect(plain.host == "proxy.corp" && plain.port == 3128 && plain.authorization == nil)
        #expect(try UpstreamProxy(url: "HTTP://proxy/").port == 80)
        let v6 = try UpstreamProxy(url: "http://[fd00::1]:8080")
        #expect(v6.host == "fd00::1" && v6.port == 8080)
        #expect(v6.description == "http://[fd00::1]:8080")
        // "Aladdin:open sesame" is RFC 7617's example; the password's space and colon come percent-encoded.
        let credentials = try UpstreamProxy(url: "http://Aladdin:open%20sesame@proxy:3128")
        #expect(credentials.authorization == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        #expect(credentials.description == "http://proxy:3128 (with credentials)")
        #expect(try UpstreamProxy(url: "http://user@proxy:1").authorization == "Basic dXNlcjo=")
        #expect(try UpstreamProxy(url: "http://a:b%3Ac@proxy:1").authorization == "Basic YTpiOmM=")
    }

    @Test("what a proxy URL may not be", arguments: [
        ("https://proxy:443", "only http:// proxies are supported, not 'https'"),
        ("socks5://proxy:1080", "only http:// proxies are supported, not 'socks5'"),
        ("proxy:3128", "only http:// proxies are supported, not 'proxy'"),
        ("http://proxy:0", "the proxy's port '0' is not 1...65535"),
        ("http://proxy:abc", "the proxy's port 'abc' is not 1...65535"),
        ("http://:3128", "the proxy URL names no host"),
        ("http://proxy:3128/path", "a proxy URL has no path"),
        ("http://a:%zz@proxy:1", "the proxy URL's credentials are not valid percent-encoding"),
        ("http://[fd00::1", "an IPv6 address lacks its ']'"),
    ])
    func invalid(_ url: String, _ reason: String) {
        #expect(throws: UpstreamProxy.Invalid(description: reason)) { try UpstreamProxy(url: url) }
    }

    @Test("loopback and localhost are reached directly, and NO_PROXY's hosts, domains and addresses")
    func bypass() throws {
        let proxy = try UpstreamProxy(
            url: "http://proxy:3128",
            noProxy: " internal.example , .corp.example,10.1.2.3, api.local:8443, [fd00::9]:443")
        let proxied = [
            "api.openai.com", "generativelanguage.googleapis.com", "example", "notinternal.example", "10.1.2.4",
        ]
        for host in proxied {
            #expect(proxy.applies(to: host), "\(host)")
        }
        for host in [
            "localhost", "LOCALHOST", "127.0.0.1", "127.9.9.9", "::1", "[::1]", "ollama.localhost", "internal.example",
            "api.internal.example", "corp.example", "x.corp.example", "10.1.2.3", "api.local", "fd00::9",
        ] {
            #expect(!proxy.applies(to: host), "\(host)")
        }
        #expect(try !UpstreamProxy(url: "http://proxy:1", noProxy: "*").applies(to: "api.openai.com"))
        #expect(try UpstreamProxy(url: "http://proxy:1", noProxy: "").applies(to: "api.openai.com"))
    }

    @Test("the environment: HTTPS_PROXY before https_proxy, NO_PROXY before no_proxy, an empty one is none")
    func environment() throws {
        #expect(try UpstreamProxy.fromEnvironment([:]) == nil)
        #expect(try UpstreamProxy.fromEnvironment(["HTTP_PROXY": "http://plain:1"]) == nil)
        #expect(try UpstreamProxy.fromEnvironment(["HTTPS_PROXY": ""]) == nil)
        let upper = try #require(
            try UpstreamProxy.fromEnvironment([
                "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "NO_PROXY": "a.example",
                "no_proxy": "b.example",
            ]))
        #expect(upper.host == "upper" && upper.bypass == ["a.example"])
        let lower = try #require(try UpstreamProxy.fromEnvironment(["https_proxy": "http://lower:2", "no_proxy": "b"]))
        #expect(lower.host == "lower" && lower.bypass == ["b"])
        let invalid = UpstreamProxy.Invalid(description: "HTTPS_PROXY: only http:// proxies are supported, not 'https'")
        #expect(throws: invalid) {
            try UpstreamProxy.fromEnvironment(["HTTPS_PROXY": "https://proxy:443"])
        }
    }
}
