import Foundation
public import Hummingbird
public import Logging
public import NIOCore
public import SwitchyardConfiguration
public import SwitchyardProviders
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardTelemetry
public import SwitchyardRouting

/// Builds the gateway's Hummingbird application from a configuration.
///
/// ```swift
/// let client = UpstreamClient()
/// let app = try GatewayServer.makeApplication(
///     configuration: configuration, registry: ProviderRegistry(client: client), logger: logger)
/// try await app.runService()
/// ```
public enum GatewayServer {
    /// Makes the application: routes, error rendering, request ids.
    ///
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - registry: Providers by wire protocol.
    ///   - logger: The access and error logger.
    ///   - services: Governance and the response cache, when configured.
    ///   - readiness: Flipped to ready once the listener is up.
    ///   - onServerRunning: Called with the bound channel (tests learn the port from it).
    /// - Throws: If the static model list cannot be encoded.
    public static func makeApplication(
        configuration: GatewayConfiguration, registry: ProviderRegistry, logger: Logger,
        services: GatewayServices = GatewayServices(), readiness: Readiness = Readiness(),
        clock: any MonotonicClock = SystemMonotonicClock(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let (router, chat) = try makeRoutes(
            configuration: configuration, registry: registry, logger: logger, readiness: readiness, clock: clock,
            services: services)
        let responder = GatewayResponder(
            inner: ChatRouteResponder(router: router.buildResponder(), route: chat), logger: logger)
        let connections = ConnectionTracker()
        return Application(
            responder: responder,
            server: GatewayHTTPServer.builder(
                responder: responder, logger: logger, maxBodyBytes: configuration.server.maxBodyBytes,
                idleTimeout: GatewayHTTP1Channel.idleTimeout(seconds: configuration.server.idleTimeoutSeconds),
                connections: connections),
            configuration: .init(
                address: .hostname(configuration.server.host, port: configuration.server.port), serverName: nil,
                // Bursts of new connections (a fleet reconnecting, thousands of streams opening at once) must queue,
                // not be reset: 256, the default, overflowed at 1,000 new streams/s in the slow-streams benchmark.
                backlog: 4096),
            // Shut down after the server: waits for the connections still answering and the settling of the requests
            // they answered (see ConnectionDrain).
            services: [ConnectionDrain(connections: connections, settlements: services.settlements)],
            onServerRunning: { channel in
                readiness.markReady()
                await onServerRunning(channel)
            },
            logger: logger)
    }

    /// Makes the router alone, for tests that drive it without sockets.
    public static func makeRouter(
        configuration: GatewayConfiguration, registry: ProviderRegistry, logger: Logger, readiness: Readiness,
        clock: any MonotonicClock = SystemMonotonicClock(), services: GatewayServices = GatewayServices()
    ) throws -> Router<GatewayRequestContext> {
        try makeRoutes(
            configuration: configuration, registry: registry, logger: logger, readiness: readiness, clock: clock,
            services: services
        ).router
    }

    /// The router, and the chat completions route with the same middleware for ``ChatRouteResponder`` (none with
    /// tracing on: the router's tracing middleware then serves it too).
    static func makeRoutes(
        configuration: GatewayConfiguration, registry: ProviderRegistry, logger: Logger, readiness: Readiness,
        clock: any MonotonicClock, services: GatewayServices
    ) throws -> (router: Router<GatewayRequestContext>, chat: ChatRoute?) {
        let catalog = ModelCatalog(models: configuration.models)
        let engine = makeEngine(configuration: configuration, catalog: catalog, clock: clock)
        let decoder = RequestBodyDecoder(maxBodyBytes: configuration.server.maxBodyBytes)
        let chat = ChatCompletionsHandler(
            engine: engine, registry: registry, bodyDecoder: decoder, listenerRegion: configuration.server.region,
            logger: logger,
            governance: services.governance.map {
                ChatGovernance(runtime: $0, defaultCompletionTokens: services.defaultCompletionTokens)
            },
            cache: services.cache, telemetry: services.telemetry,
            pricing: services.governance?.pricing ?? PricingCatalogue(),
            promptRedactor: configuration.server.logPrompts ? Redactor() : nil,
            routers: services.routers.map { $0.using(decisions: engine.decisions) }, feedback: services.feedback,
            settlements: services.settlements, tracing: services.tracing)
        let embeddings = EmbeddingsHandler(
            engine: engine, registry: registry, bodyDecoder: decoder, governance: chat.governance,
            telemetry: services.telemetry, pricing: chat.pricing)
        let routing = RoutingHandlers(engine: engine)
        let models = try ModelsHandler(catalog: catalog, created: Int(Date().timeIntervalSince1970))
        let router = Router(context: GatewayRequestContext.self)
        if services.tracing { router.add(middleware: TracingMiddleware()) }
        let errors = ErrorMappingMiddleware()
        router.add(middleware: errors)
        router.add(middleware: SettledReadsMiddleware(settlements: services.settlements))
        var authentication: APIKeyAuthenticationMiddleware<GatewayRequestContext>?
        if let governance = services.governance {
            let middleware = APIKeyAuthenticationMiddleware<GatewayRequestContext>(
                authenticator: governance.authenticator, required: services.requireKeys)
            authentication = middleware
            router.add(middleware: middleware)
            AdminRoutes.register(on: router, service: governance.admin, authenticator: governance.authenticator)
        }
        ObservabilityRoutes(
            telemetry: services.telemetry, engine: engine, governance: services.governance,
            metricsNeedKey: services.requireKeys && !configuration.telemetry.publicMetrics,
            experiments: services.feedback?.experiments
        ).register(on: router)
        router.post("/v1/chat/completions", use: chat.handle)
        router.post("/chat/completions", use: chat.handle)
        router.post("/v1/embeddings", use: embeddings.handle)
        router.post("/embeddings", use: embeddings.handle)
        router.get("/v1/models", use: models.handle)
        router.get("/models", use: models.handle)
        router.get("/v1/routing/decisions/:request_id", use: routing.decision)
        if let feedback = services.feedback {
            router.post("/v1/feedback", use: FeedbackHandler(services: feedback).handle)
            if let governance = services.governance {
                ExperimentRoutes.register(
                    on: router, experiments: feedback.experiments, authenticator: governance.authenticator)
            }
        }
        router.get("/admin/v1/deployments", use: routing.deployments)
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"status":"ok"}"#)))
        }
        router.get("/readyz") { _, _ in
            let ready = readiness.isReady
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: .init(string: ready ? #"{"status":"ready"}"# : #"{"status":"starting"}"#)))
        }
        let chatRoute = services.tracing ? nil : ChatRoute(errors: errors, authentication: authentication, chat: chat)
        return (router, chatRoute)
    }

    static func makeEngine(configuration: GatewayConfiguration, catalog: ModelCatalog, clock: any MonotonicClock)
        -> RoutingEngine
    {
        let settings = configuration.routing
        let breaker = CircuitBreaker.Settings(
            consecutiveFailures: settings.breakerConsecutiveFailures, errorRate: settings.breakerErrorRate,
            minimumRequests: settings.breakerMinimumRequests, window: seconds(settings.breakerWindow),
            cooldown: seconds(settings.breakerCooldown), halfOpenProbes: settings.breakerHalfOpenProbes)
        return RoutingEngine(
            catalog: catalog, health: DeploymentHealthBook(breakerSettings: breaker, clock: clock),
            retryBudget: RetryBudget(ratio: settings.retryBudgetRatio), decisions: DecisionLog(capacity: settings.decisionsKept))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
