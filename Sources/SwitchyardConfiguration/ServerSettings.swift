import SwitchyardCore

/// Settings of the HTTP listener and request handling (`server:` in the configuration).
public struct ServerSettings: Sendable, Hashable {
    /// Address to bind. Key: `server.host`. Default: `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free one. Key: `server.port`. Default: `4000`.
    public var port: Int
    /// The listener's region, used as the caller's region when a request names none. Key: `server.region`.
    public var region: String?
    /// Largest request body accepted, in bytes. Key: `server.max_body_bytes`. Default: 8 MiB.
    public var maxBodyBytes: Int
    /// Drop parameters a provider cannot honour instead of rejecting the request. Key:
    /// `server.drop_unsupported_params`. Default: `false`. A model may override it.
    public var dropUnsupportedParams: Bool
    /// Log prompt and answer text (redacted). Key: `server.log_prompts`. Default: `false`.
    public var logPrompts: Bool
    /// How plain-HTTP (`http://`) upstreams are reached: `pooled`, keep-alive HTTP/1.1 connections on the event loop
    /// that serves the request, or `async-http-client`. Key: `server.plain_http_upstreams`. Default: `pooled`.
    public var plainHTTPUpstreams: String
    /// How TLS (`https://`) upstreams are reached: `pooled`, the gateway's own connections on the event loop that
    /// serves the request (HTTP/2 or HTTP/1.1, as the upstream chooses by ALPN), or `async-http-client`. Key:
    /// `server.tls_upstreams`. Default: `pooled`.
    public var tlsUpstreams: String
    /// Whether TLS upstreams are offered HTTP/2 (by ALPN, before HTTP/1.1) on the pooled transport: HTTP/2 holds
    /// thousands of concurrent streams on a few connections, HTTP/1.1 costs less per request. Key: `server.tls_http2`.
    /// Default: `true`.
    public var tlsHTTP2: Bool
    /// A PEM file of certificates trusted for TLS upstreams besides the system's (a private CA in front of a
    /// self-hosted model). Key: `server.upstream_ca_file`. Default: none.
    public var upstreamCAFile: String?
    /// The HTTP proxy TLS upstreams are reached through (`CONNECT`, with TLS to the upstream inside the tunnel), on
    /// either transport. Keys: `server.upstream_proxy` (`http://[user:password@]host:port`) and
    /// `server.upstream_no_proxy` (hosts reached directly, comma-separated, as `NO_PROXY`). Default: none, and then
    /// `HTTPS_PROXY` and `NO_PROXY` from the environment when set.
    public var upstreamProxy: UpstreamProxy?
    /// Seconds between two looks at the C heap, which give its free pages back to the system when fewer than 100
    /// requests started meanwhile (``0`` turns it off). Key: `server.heap_trim_seconds`. Default: `10`.
    public var heapTrimSeconds: Double
    /// Seconds a client connection may stay open with no request being answered: a connection whose next request
    /// has not come whole this long after its last response (or after it opened) is closed, as nginx's
    /// `keepalive_timeout` does. Idle keep-alive connections of clients that vanished, and requests that trickle in,
    /// do not hold a descriptor for good. ``0`` turns it off. Key: `server.idle_timeout_seconds`. Default: `75`.
    public var idleTimeoutSeconds: Double

    /// The values `server.plain_http_upstreams` and `server.tls_upstreams` accept.
    public static let plainHTTPUpstreamChoices = ["pooled", "async-http-client"]

    /// Creates settings with the documented defaults.
    public init(
        host: String = "127.0.0.1", port: Int = 4000, region: String? = nil, maxBodyBytes: Int = 8 << 20,
        dropUnsupportedParams: Bool = false, logPrompts: Bool = false, plainHTTPUpstreams: String = "pooled",
        tlsUpstreams: String = "pooled", upstreamCAFile: String? = nil, tlsHTTP2: Bool = true,
        heapTrimSeconds: Double = 10, idleTimeoutSeconds: Double = 75
    ) {
        self.tlsHTTP2 = tlsHTTP2
        self.tlsUpstreams = tlsUpstreams
        self.upstreamCAFile = upstreamCAFile
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.heapTrimSeconds = heapTrimSeconds
        self.plainHTTPUpstreams = plainHTTPUpstreams
        self.host = host
        self.port = port
        self.region = region
        self.maxBodyBytes = maxBodyBytes
        self.dropUnsupportedParams = dropUnsupportedParams
        self.logPrompts = logPrompts
    }
}
