import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchyardCache
public import SwitchyardConfiguration
import SwitchyardCore
public import SwitchyardGovernance
public import SwitchyardProviders
public import SwitchyardTelemetry

/// The stateful parts the request path uses besides routing: governance (keys, limits, budgets, ledger) and the
/// response cache. Each is optional, so the router can be driven bare in tests.
///
/// ```swift
/// let services = try await GatewayServices.make(configuration: configuration, registry: registry, logger: logger)
/// let group = ServiceGroup(services: services.background + [app], …)   // background first: stops last
/// try await services.prepare()   // once the group runs: migrations, keys into memory, cache restored
/// ```
public struct GatewayServices: Sendable {
    /// Keys, limits, budgets and the ledger; `nil` serves without any.
    public var governance: GovernanceRuntime?
    /// Whether `/v1/*` needs a virtual key (otherwise callers without one are ``Identity/anonymous``).
    public var requireKeys: Bool
    /// The response cache; `nil` when both stages are off.
    public var cache: GatewayCache?
    /// Completion tokens assumed for a budget estimate when a request sets no `max_tokens`.
    public var defaultCompletionTokens: Int
    /// Metrics and the dashboard's live figures.
    public var telemetry: GatewayTelemetry
    /// Whether requests are traced (a tracer is bootstrapped): adds the server span and `traceparent` handling.
    public var tracing = false
    /// How often spend forecasts are checked against budgets for alerts.
    public var forecastCheckInterval: Duration = .seconds(900)
    /// Learned routers (`model: auto`, `router/NAME`); `nil` when none is configured.
    public var routers: RouterService?
    /// How often each tenant's budget pressure (forecast over budget) is recomputed for the routers.
    public var budgetPressureInterval: Duration = .seconds(60)
    /// Feedback (`POST /v1/feedback`), the routers' bandit and A/B experiments; `nil` serves without them.
    public var feedback: FeedbackServices?
    /// The settling of answered requests, which runs after their responses are written: a test that reads the
    /// ledger or the spend right after an answer waits for ``Settlements/settled()`` first.
    public let settlements = Settlements()
    let logger: Logger

    /// Creates services.
    public init(
        governance: GovernanceRuntime? = nil, requireKeys: Bool = false, cache: GatewayCache? = nil,
        defaultCompletionTokens: Int = 512, telemetry: GatewayTelemetry = GatewayTelemetry(),
        logger: Logger = Logger(label: "switchyard")
    ) {
        self.governance = governance
        self.requireKeys = requireKeys
        self.cache = cache
        self.defaultCompletionTokens = defaultCompletionTokens
        self.telemetry = telemetry
        self.logger = logger
    }

    /// Background services (store, alerts, ledger writer) to run before the HTTP server, so they stop after it
    /// and the ledger's last flush sees every request.
    public var background: [any Service] {
        var services: [any Service] = []
        if let persistence = cache?.persistence { services.append(ClosingService(name: "semantic cache") {
            try await persistence.close()
        }) }
        services += governance?.services ?? []
        if let governance {
            services.append(
                ForecastAlertService(
                    forecasts: SpendForecasts(runtime: governance), interval: forecastCheckInterval, logger: logger))
            if let routers {
                services.append(
                    BudgetPressureService(
                        book: routers.pressure, forecasts: SpendForecasts(runtime: governance),
                        interval: budgetPressureInterval, logger: logger))
            }
        }
        if let persistence = feedback?.persistence { services.append(persistence) }
        return services
    }

    /// Opens the store and builds the cache from the configuration.
    ///
    /// - Throws: ``StoreError`` when the store cannot be opened; ``GatewayError`` when the semantic cache is on
    ///   and the embedding model is not installed.
    public static func make(
        configuration: GatewayConfiguration, registry: ProviderRegistry, logger: Logger
    ) async throws -> GatewayServices {
        let settings = configuration.governance
        let store: GovernanceSettings.StoreLocation =
            switch settings.store {
            case .sqlite(let path): .sqlite(path: path)
            case .postgres(let url): .postgres(url: url.value)
            }
        let governance = try await GovernanceRuntime.make(
            settings: GovernanceSettings(
                store: store, masterKey: settings.masterKey, alertWebhookURL: settings.alertWebhookURL,
                ledgerFlushInterval: settings.ledgerFlushInterval, cacheRefreshInterval: settings.refreshInterval,
                defaultCompletionTokens: settings.defaultCompletionTokens),
            logger: logger)
        var services = GatewayServices(
            governance: governance, requireKeys: settings.requireKeys,
            cache: try await makeCache(configuration.cache, registry: registry),
            defaultCompletionTokens: settings.defaultCompletionTokens, logger: logger)
        services.feedback = FeedbackServices.make(configuration: configuration, store: governance.store)
        services.routers = try RouterService.make(
            configuration: configuration, registry: registry, learner: services.feedback?.learner)
        return services
    }

    /// Builds the response cache the configuration asks for, or `nil`.
    public static func makeCache(_ settings: CacheConfiguration, registry: ProviderRegistry) async throws
        -> GatewayCache?
    {
        guard settings.isEnabled else { return nil }
        let exact: (any ResponseCache)? =
            settings.exactEnabled
            ? InMemoryResponseCache(maxEntries: settings.exactMaxEntries, defaultTTL: settings.exactTTL) : nil
        guard settings.semanticEnabled else { return GatewayCache(exact: exact, semantic: nil) }
        let embedder = try registry.local.textEmbedder("all-minilm-l6-v2")
        guard var verifier = Verifier.bundled() else {
            throw GatewayError(.internalError, "The semantic cache's verifier is missing from the build.")
        }
        if let threshold = settings.semanticThreshold { verifier.threshold = Float(threshold) }
        let semantic = SemanticCache(
            embed: embedder.embed, dimensions: embedder.dimensions, verifier: verifier,
            policy: SemanticCachePolicy(
                maxTemperature: settings.semanticMaxTemperature, allowMultiTurn: settings.semanticMultiTurn,
                maxEntries: settings.semanticMaxEntries, defaultTTL: settings.semanticTTL))
        var persistence: SQLiteSemanticCacheStore?
        if let path = settings.semanticPersistPath {
            let opened = try await SQLiteSemanticCacheStore.open(path: path)
            semantic.restore(try await opened.loadLive(now: Date().timeIntervalSince1970))
            persistence = opened
        }
        return GatewayCache(exact: exact, semantic: semantic, persistence: persistence)
    }

    /// Migrates the store and loads keys and budgets into memory. Call once the background services run.
    public func prepare() async throws {
        try await governance?.prepare()
        try await feedback?.load()
    }
}

/// Waits for graceful shutdown, then closes a resource (the semantic cache's SQLite file).
struct ClosingService: Service {
    let name: String
    let close: @Sendable () async throws -> Void

    func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }
}
