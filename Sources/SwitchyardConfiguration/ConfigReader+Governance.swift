import SwitchyardCore

extension ConfigReader {
    /// `admin: { master_key }`.
    func readAdmin(_ node: ConfigNode, into settings: inout GovernanceConfiguration) throws {
        for (_, value) in try node.mapping(allowing: ["master_key"]) {
            settings.masterKey = try secret(value)
            settings.requireKeys = true
        }
    }

    /// `store: { sqlite: PATH }` or `store: { postgres: URL | env:VAR }`.
    func readStore(_ node: ConfigNode, into settings: inout GovernanceConfiguration) throws {
        let entries = try node.mapping(allowing: ["sqlite", "postgres"])
        guard entries.count == 1, let (key, value) = entries.first else {
            throw node.error("store needs exactly one of 'sqlite' or 'postgres'")
        }
        if key == "sqlite" {
            settings.store = .sqlite(path: try value.string())
        } else {
            let text = try value.string()
            let url = text.hasPrefix("env:") || text.hasPrefix("file:") ? try secret(value) : Secret(text)
            guard url.value.hasPrefix("postgres://") || url.value.hasPrefix("postgresql://") else {
                throw value.error("postgres must be a postgres:// URL")
            }
            settings.store = .postgres(url: url)
        }
    }

    /// `governance: { require_keys, alert_webhook, ledger_flush_ms, refresh_seconds, default_completion_tokens }`.
    func readGovernance(_ node: ConfigNode, into settings: inout GovernanceConfiguration) throws {
        let keys: Set<String> = [
            "require_keys", "alert_webhook", "ledger_flush_ms", "refresh_seconds", "default_completion_tokens",
        ]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "require_keys": settings.requireKeys = try value.bool()
            case "alert_webhook":
                let url = try value.string()
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw value.error("alert_webhook must start with http:// or https://")
                }
                settings.alertWebhookURL = url
            case "ledger_flush_ms": settings.ledgerFlushInterval = .milliseconds(try positive(value))
            case "refresh_seconds": settings.refreshInterval = .seconds(try positive(value))
            default: settings.defaultCompletionTokens = try positive(value)
            }
        }
    }

    /// `cache: { exact: {…}, semantic: {…} }`.
    func readCache(_ node: ConfigNode) throws -> CacheConfiguration {
        var cache = CacheConfiguration()
        for (key, value) in try node.mapping(allowing: ["exact", "semantic"]) {
            if key == "exact" {
                for (field, item) in try value.mapping(allowing: ["enabled", "ttl_seconds", "max_entries"]) {
                    switch field {
                    case "enabled": cache.exactEnabled = try item.bool()
                    case "ttl_seconds": cache.exactTTL = Double(try positive(item))
                    default: cache.exactMaxEntries = try positive(item)
                    }
                }
                continue
            }
            let fields: Set<String> = [
                "enabled", "max_temperature", "multi_turn", "ttl_seconds", "max_entries", "threshold", "persist",
            ]
            for (field, item) in try value.mapping(allowing: fields) {
                switch field {
                case "enabled": cache.semanticEnabled = try item.bool()
                case "max_temperature": cache.semanticMaxTemperature = try item.double()
                case "multi_turn": cache.semanticMultiTurn = try item.bool()
                case "ttl_seconds": cache.semanticTTL = Double(try positive(item))
                case "max_entries": cache.semanticMaxEntries = try positive(item)
                case "threshold":
                    let threshold = try item.double()
                    guard (0...1).contains(threshold) else { throw item.error("threshold must be 0...1") }
                    cache.semanticThreshold = threshold
                default:
                    let path = try item.string()
                    cache.semanticPersistPath = path == "none" || path.isEmpty ? nil : path
                }
            }
        }
        return cache
    }

    /// `telemetry: { public_metrics, log_format, traces: { enabled, endpoint, protocol, sample_ratio } }`.
    func readTelemetry(_ node: ConfigNode) throws -> TelemetryConfiguration {
        var telemetry = TelemetryConfiguration()
        for (key, value) in try node.mapping(allowing: ["public_metrics", "log_format", "traces"]) {
            switch key {
            case "public_metrics": telemetry.publicMetrics = try value.bool()
            case "log_format":
                let format = try value.string()
                guard format == "json" || format == "text" else { throw value.error("log_format must be json or text") }
                telemetry.logFormat = format
            default:
                telemetry.tracesEnabled = true
                for (field, item) in try value.mapping(allowing: ["enabled", "endpoint", "protocol", "sample_ratio"]) {
                    switch field {
                    case "enabled": telemetry.tracesEnabled = try item.bool()
                    case "endpoint":
                        let url = try item.string()
                        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                            throw item.error("endpoint must start with http:// or https://")
                        }
                        telemetry.tracesEndpoint = url
                    case "protocol":
                        let text = try item.string()
                        guard text == "http/protobuf" || text == "http/json" else {
                            throw item.error("protocol must be http/protobuf or http/json")
                        }
                        telemetry.tracesProtocol = text
                    default:
                        let ratio = try item.double()
                        guard (0...1).contains(ratio) else { throw item.error("sample_ratio must be 0...1") }
                        telemetry.sampleRatio = ratio
                    }
                }
            }
        }
        return telemetry
    }

    private func secret(_ node: ConfigNode) throws -> Secret {
        do {
            return try secrets.resolve(try node.string())
        } catch let error as SecretResolutionError {
            throw node.error(error.message)
        }
    }
}
