import Foundation
import Logging
import Metrics
import OTel
import ServiceLifecycle
import SwitchyardConfiguration
import SwitchyardTelemetry
import Tracing

/// Process-wide observability set-up for `serve`: the log format (JSON lines with trace ids, or text), the metrics
/// system (swift-metrics onto the gateway's Prometheus registry) and, when configured, OpenTelemetry tracing over
/// OTLP/HTTP.
enum ObservabilityBootstrap {
    /// Whether traces are on: `telemetry.traces.enabled`, or a standard OTLP endpoint variable is set.
    static func tracingEnabled(_ settings: TelemetryConfiguration, environment: [String: String]) -> Bool {
        settings.tracesEnabled || environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil
            || environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] != nil
    }

    /// Bootstraps logging: one JSON object per line (with `trace_id`/`span_id` when tracing), or text.
    static func logging(format: String, level: Logger.Level, tracing: Bool) {
        let provider: Logger.MetadataProvider? = tracing ? OTel.makeLoggingMetadataProvider() : nil
        if format == "text" {
            LoggingSystem.bootstrap({ label, provider in
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: provider)
        } else {
            LoggingSystem.bootstrap({ label, provider in
                var handler = JSONLogHandler(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: provider)
        }
    }

    /// Routes swift-metrics (other libraries' metrics) into the gateway's registry, so `/metrics` shows them too.
    static func metrics(_ telemetry: GatewayTelemetry) {
        MetricsSystem.bootstrap(telemetry.metrics.factory)
    }

    /// Bootstraps the OpenTelemetry tracer and returns its exporter service (run it first: it stops last and flushes).
    static func tracer(_ settings: TelemetryConfiguration) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "switchyard"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.traces.otlpExporter.protocol = settings.tracesProtocol == "http/json" ? .httpJSON : .httpProtobuf
        if let endpoint = settings.tracesEndpoint {
            let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            configuration.traces.otlpExporter.endpoint = base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
        }
        if let ratio = settings.sampleRatio, let sampler = type(of: configuration.traces.sampler).parentBasedTraceIDRatio(ratio: ratio) {
            configuration.traces.sampler = sampler
        }
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}
