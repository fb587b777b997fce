/// Metrics, traces and logs: the `telemetry:` section.
///
/// ```yaml
/// telemetry:
///   public_metrics: false          # /metrics needs the master key when keys are required
///   log_format: json               # or text
///   traces: { enabled: true, endpoint: http://127.0.0.1:4318, protocol: http/protobuf, sample_ratio: 1.0 }
/// ```
/// Traces also follow the standard `OTEL_EXPORTER_OTLP_*` and `OTEL_TRACES_*` variables.
public struct TelemetryConfiguration: Sendable, Hashable {
    /// Whether `/metrics` is served without a credential even when keys are required. Key:
    /// `telemetry.public_metrics`. Default: false (it shows tenant ids in budget labels).
    public var publicMetrics = false
    /// `json` (one object per line) or `text`. Key: `telemetry.log_format`. Default: `json`.
    public var logFormat = "json"
    /// Whether OpenTelemetry traces are exported. Key: `telemetry.traces.enabled`. Default: off, unless
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set.
    public var tracesEnabled = false
    /// The OTLP/HTTP endpoint (base URL; `/v1/traces` is appended). Key: `telemetry.traces.endpoint`.
    public var tracesEndpoint: String?
    /// `http/protobuf` or `http/json`. Key: `telemetry.traces.protocol`.
    public var tracesProtocol: String?
    /// Share of new traces sampled (0–1; continued traces follow their parent). Key: `telemetry.traces.sample_ratio`.
    public var sampleRatio: Double?

    /// Creates the defaults.
    public init() {}
}
