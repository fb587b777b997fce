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

    private func secret(_ node: ConfigNode) throws -> Secret {
        do {
            return try secrets.resolve(try node.string())
        } catch let error as SecretResolutionError {
            throw node.error(error.message)
        }
    }
}
