import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardStore

/// Where the governance state lives and how it behaves; what `admin:` and `governance:` in the YAML map to.
public struct GovernanceSettings: Sendable {
    /// The store's location.
    public enum StoreLocation: Sendable, Hashable {
        /// The embedded SQLite file (default `./switchyard-data/switchyard.sqlite`).
        case sqlite(path: String)
        /// A PostgreSQL URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
        case postgres(url: String)
    }

    /// The store.
    public var store: StoreLocation
    /// The admin master key (`admin.master_key: env:SWITCHYARD_MASTER_KEY`).
    public var masterKey: Secret?
    /// Where soft-limit alerts are posted, if anywhere.
    public var alertWebhookURL: String?
    /// How often the ledger writes its buffer.
    public var ledgerFlushInterval: Duration
    /// How often keys, tenants and teams are re-read from the store (several replicas); `nil` never.
    public var cacheRefreshInterval: Duration?
    /// Price overrides by upstream model name.
    public var pricingOverrides: [String: ModelPricing]
    /// Completion tokens assumed for the estimate when a request sets no `max_tokens`.
    public var defaultCompletionTokens: Int

    /// Creates settings.
    public init(
        store: StoreLocation = .sqlite(path: SQLStore.defaultSQLitePath), masterKey: Secret? = nil,
        alertWebhookURL: String? = nil, ledgerFlushInterval: Duration = .milliseconds(200),
        cacheRefreshInterval: Duration? = nil, pricingOverrides: [String: ModelPricing] = [:],
        defaultCompletionTokens: Int = 512
    ) {
        self.store = store
        self.masterKey = masterKey
        self.alertWebhookURL = alertWebhookURL
        self.ledgerFlushInterval = ledgerFlushInterval
        self.cacheRefreshInterval = cacheRefreshInterval
        self.pricingOverrides = pricingOverrides
        self.defaultCompletionTokens = defaultCompletionTokens
    }
}

/// Everything governance needs, wired: store, caches, governor, authenticator, admin service and the background
/// services.
///
/// ```swift
/// let governance = try await GovernanceRuntime.make(settings: settings, logger: logger)
/// let group = ServiceGroup(services: governance.services + [server], ...)   // governance first: stops last
/// // once the group runs (PostgreSQL needs its pool running), before marking the gateway ready:
/// try await governance.prepare()
/// ```
public final class GovernanceRuntime: Sendable {
    /// The store.
    public let store: SQLStore
    /// Keys, tenants and teams in memory.
    public let cache: PolicyCache
    /// Budget counters in memory.
    public let budgets: BudgetTracker
    /// The ledger.
    public let ledger: UsageLedger
    /// The pre/post pipeline for model calls.
    public let governor: Governor
    /// Key and admin authentication.
    public let authenticator: Authenticator
    /// The admin API's logic.
    public let admin: AdminService
    /// Prices.
    public let pricing: PricingCatalogue
    /// Settings in force.
    public let settings: GovernanceSettings
    /// Background services, in start order: store, alerts, cache refresh, ledger. Put them before the HTTP server.
    public let services: [any Service]

    /// A class, not a struct: every request's governance step holds it, and a copy of its ten services was ten
    /// reference-count operations.
    init(
        store: SQLStore,
        cache: PolicyCache,
        budgets: BudgetTracker,
        ledger: UsageLedger,
        governor: Governor,
        authenticator: Authenticator,
        admin: AdminService,
        pricing: PricingCatalogue,
        settings: GovernanceSettings,
        services: [any Service]
    ) {
        self.store = store
        self.cache = cache
        self.budgets = budgets
        self.ledger = ledger
        self.governor = governor
        self.authenticator = authenticator
        self.admin = admin
        self.pricing = pricing
        self.settings = settings
        self.services = services
    }

    /// Opens the store and builds the pipeline (SQLite: creates the file on first start).
    ///
    /// - Throws: ``StoreError`` when the store cannot be opened.
    public static func make(settings: GovernanceSettings, logger: Logger) async throws -> GovernanceRuntime {
        let store: SQLStore
        switch settings.store {
        case .sqlite(let path): store = try await SQLStore.sqlite(path: path, logger: logger)
        case .postgres(let url): store = try SQLStore.postgres(url: url, logger: logger)
        }
        let cache = PolicyCache()
        let budgets = BudgetTracker()
        let ledger = UsageLedger(store: store, budgets: budgets, logger: logger)
        let alerts = BudgetAlertService(
            sink: settings.alertWebhookURL.map { WebhookAlertSink(url: $0, logger: logger) }, logger: logger)
        let pricing = PricingCatalogue(overrides: settings.pricingOverrides)
        let governor = Governor(
            cache: cache, budgets: budgets, limiter: InProcessRateLimiter(), pricing: pricing, ledger: ledger,
            alerts: alerts)
        var services: [any Service] = [store, alerts]
        if let interval = settings.cacheRefreshInterval {
            services.append(PolicyRefreshService(cache: cache, store: store, interval: interval, logger: logger))
        }
        services.append(UsageLedgerService(ledger: ledger, interval: settings.ledgerFlushInterval, logger: logger))
        return GovernanceRuntime(
            store: store, cache: cache, budgets: budgets, ledger: ledger, governor: governor,
            authenticator: Authenticator(cache: cache, masterKey: settings.masterKey?.value),
            admin: AdminService(store: store, cache: cache, budgets: budgets), pricing: pricing, settings: settings,
            services: services)
    }

    /// Migrates the schema, loads keys, tenants and teams, and seeds the budget counters of the current periods.
    ///
    /// - Throws: ``StoreError`` when the store fails.
    public func prepare(now: Date = Date()) async throws {
        try await store.migrate()
        try await cache.load(from: store)
        budgets.load(try await store.budgetCounters(periods: BudgetPeriods(at: now).all))
    }
}

/// Re-reads keys, tenants and teams periodically, so changes made through another replica take effect here.
public struct PolicyRefreshService: Service {
    let cache: PolicyCache
    let store: any Store
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(cache: PolicyCache, store: any Store, interval: Duration, logger: Logger) {
        self.cache = cache
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Refreshes every `interval` until graceful shutdown.
    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                // Woken by graceful shutdown, not only by the timer: a long interval must not hold up a stop.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await cache.load(from: store)
            } catch {
                logger.warning("policy cache refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
