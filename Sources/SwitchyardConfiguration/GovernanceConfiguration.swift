public import SwitchyardCore

/// Who may call the gateway and where its tenancy state lives: the `admin:`, `store:` and `governance:` sections.
///
/// ```yaml
/// admin: { master_key: env:SWITCHYARD_MASTER_KEY }
/// store: { sqlite: ./switchyard-data/switchyard.sqlite }      # or { postgres: env:SWITCHYARD_DATABASE_URL }
/// governance: { alert_webhook: https://n8n.example/webhook/budget, ledger_flush_ms: 200 }
/// ```
///
/// Keys are required on `/v1/*` when a master key is configured or when `governance.require_keys: true`.
/// Otherwise the gateway runs open (and refuses to bind anything but loopback), still recording usage in the store.
public struct GovernanceConfiguration: Sendable, Hashable {
    /// Where the store is.
    public enum Store: Sendable, Hashable {
        /// An SQLite file (created on first start).
        case sqlite(path: String)
        /// A PostgreSQL URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
        case postgres(url: Secret)
    }

    /// The default SQLite file.
    public static let defaultSQLitePath = "switchyard-data/switchyard.sqlite"

    /// The store. Key: `store.sqlite` or `store.postgres`. Default: the embedded SQLite file.
    public var store: Store = .sqlite(path: defaultSQLitePath)
    /// The admin master key. Key: `admin.master_key` (an `env:` or `file:` reference).
    public var masterKey: Secret?
    /// Whether `/v1/*` requires a virtual key. See the type's discussion for the default.
    public var requireKeys = false
    /// Where soft-budget alerts are posted (JSON). Key: `governance.alert_webhook`.
    public var alertWebhookURL: String?
    /// How often the usage ledger writes its buffer. Key: `governance.ledger_flush_ms`. Default: 200 ms.
    public var ledgerFlushInterval: Duration = .milliseconds(200)
    /// How often keys and tenants are re-read from the store (for several replicas). Key:
    /// `governance.refresh_seconds`. Default: never (one replica).
    public var refreshInterval: Duration?
    /// Completion tokens assumed for a budget estimate when a request sets no `max_tokens`. Key:
    /// `governance.default_completion_tokens`. Default: 512.
    public var defaultCompletionTokens = 512

    /// Creates the defaults: embedded SQLite, open on loopback.
    public init() {}
}

/// The response cache: the `cache:` section. Both stages are off unless enabled.
///
/// ```yaml
/// cache:
///   exact: { enabled: true, ttl_seconds: 3600, max_entries: 10000 }
///   semantic: { enabled: true, max_temperature: 0.7, multi_turn: false, persist: ./switchyard-data/semantic-cache.sqlite }
/// ```
public struct CacheConfiguration: Sendable, Hashable {
    /// Whether identical requests are answered from the cache. Key: `cache.exact.enabled`.
    public var exactEnabled = false
    /// Seconds an exact entry lives by default. Key: `cache.exact.ttl_seconds`. Default: 3600.
    public var exactTTL: Double = 3600
    /// Most exact entries kept (least recently used go first). Key: `cache.exact.max_entries`. Default: 10,000.
    public var exactMaxEntries = 10_000
    /// Whether requests that mean the same are answered from the cache. Key: `cache.semantic.enabled`.
    public var semanticEnabled = false
    /// Requests with a higher temperature get no semantic hit. Key: `cache.semantic.max_temperature`. Default: 1.0.
    public var semanticMaxTemperature = 1.0
    /// Whether multi-turn conversations may hit (earlier turns must then match). Key: `cache.semantic.multi_turn`.
    public var semanticMultiTurn = false
    /// Seconds a semantic entry lives by default. Key: `cache.semantic.ttl_seconds`. Default: 3600.
    public var semanticTTL: Double = 3600
    /// Most semantic entries kept. Key: `cache.semantic.max_entries`. Default: 50,000.
    public var semanticMaxEntries = 50_000
    /// The verifier's acceptance threshold, overriding the shipped one. Key: `cache.semantic.threshold`.
    public var semanticThreshold: Double?
    /// The SQLite file that keeps semantic entries across restarts; `nil` keeps them in memory only. Key:
    /// `cache.semantic.persist`. Default: `switchyard-data/semantic-cache.sqlite`.
    public var semanticPersistPath: String? = "switchyard-data/semantic-cache.sqlite"

    /// Whether any stage is on.
    public var isEnabled: Bool { exactEnabled || semanticEnabled }

    /// Creates the defaults: both stages off.
    public init() {}
}
